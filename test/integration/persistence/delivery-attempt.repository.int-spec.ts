import {
  DeliveryAttemptRepository,
  MAX_RESPONSE_SNIPPET_BYTES,
  NewDeliveryAttempt,
} from '@ricochet/persistence';
import { suiteContext } from '../../support/suite';
import { newId, openPersistence, PersistenceFixture } from './persistence.fixture';

describe('DeliveryAttemptRepository', () => {
  const ctx = suiteContext('delivery-attempt-repository');
  let fixture: PersistenceFixture;
  let attempts: DeliveryAttemptRepository;

  beforeAll(async () => {
    fixture = await openPersistence(ctx);
    attempts = fixture.moduleRef.get(DeliveryAttemptRepository);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  function attempt(overrides: Partial<NewDeliveryAttempt> = {}): NewDeliveryAttempt {
    return {
      deliveryId: newId(),
      attemptNo: 1,
      trigger: 'first',
      url: 'https://tracker.example/pb?key=***',
      method: 'GET',
      statusCode: 200,
      durationMs: 42,
      startedAt: new Date(),
      responseSnippet: 'OK',
      ...overrides,
    };
  }

  it('records attempts and lists them in attempt order', async () => {
    const deliveryId = newId();
    await attempts.recordAttempt(attempt({ deliveryId, attemptNo: 2, trigger: 'retry', statusCode: 200 }));
    await attempts.recordAttempt(
      attempt({
        deliveryId,
        attemptNo: 1,
        statusCode: undefined,
        responseSnippet: undefined,
        errorClass: 'ConnectTimeoutError',
        errorMessage: 'connect timed out after 5000 ms',
      }),
    );

    const listed = await attempts.listByDelivery(deliveryId);

    expect(listed.map((item) => [item.attemptNo, item.trigger, item.statusCode])).toEqual([
      [1, 'first', undefined],
      [2, 'retry', 200],
    ]);
    expect(listed[0]).toMatchObject({ errorClass: 'ConnectTimeoutError', responseSnippet: '' });
    expect(await attempts.listByDelivery(newId())).toEqual([]);
  });

  it('truncates the response snippet to 2048 bytes', async () => {
    const recorded = await attempts.recordAttempt(attempt({ responseSnippet: 'x'.repeat(10_000) }));

    expect(MAX_RESPONSE_SNIPPET_BYTES).toBe(2048);
    expect(recorded.responseSnippet).toHaveLength(2048);
    const [stored] = await attempts.listByDelivery(recorded.deliveryId);
    expect(Buffer.byteLength(stored.responseSnippet, 'utf8')).toBe(2048);
  });

  it('never splits a multi-byte character when truncating', async () => {
    const recorded = await attempts.recordAttempt(attempt({ responseSnippet: 'a' + '€'.repeat(1000) }));

    const bytes = Buffer.byteLength(recorded.responseSnippet, 'utf8');
    expect(bytes).toBeLessThanOrEqual(2048);
    expect(bytes).toBe(1 + 3 * 682);
    expect(recorded.responseSnippet.endsWith('€')).toBe(true);
  });
});
