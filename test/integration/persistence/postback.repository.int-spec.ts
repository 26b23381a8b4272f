import { NewPostback, PostbackRepository } from '@ricochet/persistence';
import { CommandStartedEvent } from 'mongodb';
import { suiteContext } from '../../support/suite';
import { newId, openPersistence, PersistenceFixture } from './persistence.fixture';

describe('PostbackRepository', () => {
  const ctx = suiteContext('postback-repository');
  let fixture: PersistenceFixture;
  let postbacks: PostbackRepository;
  const advertiserId = newId();

  beforeAll(async () => {
    fixture = await openPersistence(ctx);
    postbacks = fixture.moduleRef.get(PostbackRepository);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  function postback(overrides: Partial<NewPostback> = {}): NewPostback {
    const clickId = `clk_${newId()}`;
    return {
      advertiserId,
      params: { click_id: clickId, payout: '12.50' },
      method: 'GET',
      ip: '198.51.100.7',
      normalized: { clickId, payout: 12_500_000, status: 'approved', event: 'conversion' },
      ...overrides,
    };
  }

  it('stores every received parameter, including names MongoDB could not use as fields', async () => {
    const params = { click_id: 'abc', $where: 'sleep(1000)', 'a.b': 'dotted', __proto__x: 'p', empty: '' };

    const recorded = await postbacks.recordPostback(postback({ params }));
    const found = await postbacks.findById(recorded.id);

    expect(found?.params).toEqual(params);
    expect(found).toMatchObject({ outcome: 'accepted', attributionAttempts: 0, advertiserId, method: 'GET' });
    expect(found?.normalized?.payout).toBe(12_500_000);
  });

  it('asks MongoDB to journal the postback write before acknowledging it', async () => {
    const client = fixture.connection.getClient();
    const inserts: CommandStartedEvent[] = [];
    const listener = (event: CommandStartedEvent) => {
      if (event.commandName === 'insert' && event.command.insert === 'postbacks') {
        inserts.push(event);
      }
    };
    client.on('commandStarted', listener);
    try {
      await postbacks.recordPostback(postback());
    } finally {
      client.off('commandStarted', listener);
    }

    expect(inserts).toHaveLength(1);
    expect(inserts[0].command.writeConcern).toEqual({ w: 'majority', j: true });
  });

  it('stores a refused postback with its reason and no normalized fields', async () => {
    const recorded = await postbacks.recordPostback(
      postback({
        outcome: 'rejected',
        rejectReason: 'MISSING_CLICK_ID',
        rejectMessage: '"click_id" is required',
        normalized: undefined,
      }),
    );

    expect(recorded).toMatchObject({ outcome: 'rejected', rejectReason: 'MISSING_CLICK_ID' });
    expect(recorded).not.toHaveProperty('normalized');
  });

  it('marks an outcome, counts the attempt and clears the sweeper deadline', async () => {
    const recorded = await postbacks.recordPostback(postback({ nextAttemptAt: new Date() }));
    const conversionId = newId();

    const attributed = await postbacks.markOutcome(recorded.id, 'attributed', { conversionId });

    expect(attributed).toMatchObject({ outcome: 'attributed', conversionId, attributionAttempts: 1 });
    expect(attributed).not.toHaveProperty('nextAttemptAt');
    expect(await postbacks.markOutcome(newId(), 'duplicate')).toBeNull();
  });

  it('finds postbacks parked on a click id, waiting or unattributed, oldest first', async () => {
    const clickId = `late_${newId()}`;
    const normalized = { clickId, status: 'approved' as const, event: 'conversion' };
    const waiting = await postbacks.recordPostback(
      postback({ normalized, receivedAt: new Date(Date.now() - 2000) }),
    );
    const givenUp = await postbacks.recordPostback(
      postback({ normalized, receivedAt: new Date(Date.now() - 1000) }),
    );
    const done = await postbacks.recordPostback(postback({ normalized }));
    await postbacks.markOutcome(givenUp.id, 'unattributed');
    await postbacks.markOutcome(done.id, 'attributed', { conversionId: newId() });

    const parked = await postbacks.findParkedByClickId(clickId);

    expect(parked.map((item) => item.id)).toEqual([waiting.id, givenUp.id]);
  });

  it('claims only accepted postbacks past their deadline, and each only once per lease', async () => {
    const now = new Date('2001-01-01T00:10:00.000Z');
    const due = await postbacks.recordPostback(
      postback({ nextAttemptAt: new Date('2001-01-01T00:00:00.000Z') }),
    );
    const notDue = await postbacks.recordPostback(
      postback({ nextAttemptAt: new Date('2001-01-01T00:09:50.000Z') }),
    );
    const finished = await postbacks.recordPostback(
      postback({ nextAttemptAt: new Date('2001-01-01T00:00:00.000Z') }),
    );
    await postbacks.markOutcome(finished.id, 'duplicate');

    const claimed = await postbacks.claimDueForSweep(now, 100, { graceMs: 30_000 });
    const again = await postbacks.claimDueForSweep(now, 100, { graceMs: 30_000 });
    const afterLease = await postbacks.claimDueForSweep(new Date(now.getTime() + 6 * 60_000), 100);

    expect(claimed).toEqual([due.id]);
    expect(again).toEqual([]);
    expect(afterLease).toEqual(expect.arrayContaining([due.id, notDue.id]));
  });

  it('never hands the same postback to two concurrent sweepers', async () => {
    const now = new Date('2000-01-01T00:00:00.000Z');
    const ids = new Set<string>();
    for (let i = 0; i < 30; i += 1) {
      ids.add(
        (await postbacks.recordPostback(postback({ nextAttemptAt: new Date('1999-12-31T00:00:00.000Z') })))
          .id,
      );
    }

    const [a, b, c] = await Promise.all([
      postbacks.claimDueForSweep(now, 20, { graceMs: 0 }),
      postbacks.claimDueForSweep(now, 20, { graceMs: 0 }),
      postbacks.claimDueForSweep(now, 20, { graceMs: 0 }),
    ]);

    const all = [...a, ...b, ...c].filter((id) => ids.has(id));
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(ids);
  });

  it('schedules the next attempt while a postback waits for its click', async () => {
    const recorded = await postbacks.recordPostback(postback());
    const at = new Date(Date.now() + 60_000);
    const waitUntil = new Date(Date.now() + 15 * 60_000);

    expect(await postbacks.scheduleNextAttempt(recorded.id, at, waitUntil)).toBe(true);

    expect(await postbacks.findById(recorded.id)).toMatchObject({
      outcome: 'accepted',
      nextAttemptAt: at,
      waitUntil,
      attributionAttempts: 1,
    });
  });

  it('resets a rejected postback for replay', async () => {
    const recorded = await postbacks.recordPostback(postback());
    await postbacks.markOutcome(recorded.id, 'rejected', {
      rejectReason: 'CLICK_EXPIRED',
      rejectMessage: 'too old',
    });
    const at = new Date();

    const reset = await postbacks.resetForReplay(recorded.id, at);

    expect(reset).toMatchObject({ outcome: 'accepted', nextAttemptAt: at });
    expect(reset).not.toHaveProperty('rejectReason');
  });

  it('lists by advertiser, outcome and click id across pages', async () => {
    const otherAdvertiser = newId();
    for (let i = 0; i < 7; i += 1) {
      await postbacks.recordPostback(postback({ advertiserId: otherAdvertiser }));
    }
    const one = await postbacks.recordPostback(postback({ advertiserId: otherAdvertiser }));

    const first = await postbacks.list({ advertiserId: otherAdvertiser, outcome: 'accepted' }, { limit: 5 });
    const second = await postbacks.list(
      { advertiserId: otherAdvertiser },
      { limit: 5, cursor: first.nextCursor },
    );
    const byClick = await postbacks.list({ clickId: one.normalized!.clickId });

    expect([first.items.length, second.items.length]).toEqual([5, 3]);
    expect(first.items[0].id).toBe(one.id);
    expect(second.nextCursor).toBeUndefined();
    expect(byClick.items.map((item) => item.id)).toEqual([one.id]);
  });
});
