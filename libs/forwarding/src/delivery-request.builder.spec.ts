import { verifyStandardWebhook } from '@ricochet/domain/delivery';
import { TemplateRenderError } from '@ricochet/domain/templates';
import type { EndpointRecord } from '@ricochet/persistence';
import { DeliveryRequestBuilder, SUCCESS_MATCH_BYTES } from './delivery-request.builder';
import { SNIPPET_BYTES } from './http-sender';

function endpoint(overrides: Partial<EndpointRecord> = {}): EndpointRecord {
  return {
    id: 'e1',
    url: 'https://partner.example/pb?c={click_id}&p={payout}',
    method: 'GET',
    bodyFormat: 'json',
    headers: {},
    events: ['*'],
    statuses: ['approved'],
    fireOnce: true,
    enabled: true,
    ...overrides,
  };
}

describe('DeliveryRequestBuilder', () => {
  const builder = new DeliveryRequestBuilder();
  const now = new Date('2026-01-01T00:00:00Z');
  const values = { click_id: 'a b&c', payout: '1.50', status: 'approved' };

  it('renders a GET with the idempotency key and user agent, and no body', () => {
    const request = builder.build(endpoint(), values, 'd1', now);
    expect(request).toMatchObject({
      url: 'https://partner.example/pb?c=a%20b%26c&p=1.50',
      method: 'GET',
      body: undefined,
      readBytes: SNIPPET_BYTES,
    });
    expect(request.headers).toEqual({ 'idempotency-key': 'd1', 'user-agent': 'Ricochet/0.1' });
  });

  it('renders a form body with its content type, and endpoint headers that cannot replace the idempotency key', () => {
    const request = builder.build(
      endpoint({
        method: 'POST',
        bodyFormat: 'form',
        bodyTemplate: 'cid={click_id}&status={status}',
        headers: { 'X-Key': 'k-{status}', 'Idempotency-Key': 'mine' },
      }),
      values,
      'd2',
      now,
    );
    expect(request.body).toBe('cid=a+b%26c&status=approved');
    expect(request.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      'x-key': 'k-approved',
      'idempotency-key': 'd2',
    });
  });

  it('signs the exact body when the endpoint has a signing secret', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const request = builder.build(
      endpoint({ method: 'POST', bodyTemplate: '{"c":"{click_id}"}', signingSecret: secret }),
      values,
      'd3',
      now,
    );
    expect(request.headers['content-type']).toBe('application/json');
    const headers = {
      'webhook-id': request.headers['webhook-id'],
      'webhook-timestamp': request.headers['webhook-timestamp'],
      'webhook-signature': request.headers['webhook-signature'],
    };
    expect(headers['webhook-id']).toBe('d3');
    expect(
      verifyStandardWebhook({ headers, body: request.body ?? '', secret, nowSec: now.getTime() / 1000 }),
    ).toBe(true);
  });

  it('reads more of the response when a success body match is configured', () => {
    const request = builder.build(endpoint({ successBodyMatch: '^OK' }), values, 'd4', now);
    expect(request.successBodyMatch?.test('OK done')).toBe(true);
    expect(request.successBodyMatch?.test('not OK')).toBe(false);
    expect(request.readBytes).toBe(SUCCESS_MATCH_BYTES);
  });

  it('matches a catastrophic-backtracking pattern in linear time', () => {
    const request = builder.build(endpoint({ successBodyMatch: '(a+)+$' }), values, 'd6', now);
    const started = process.hrtime.bigint();
    expect(request.successBodyMatch?.test(`${'a'.repeat(30)}!`)).toBe(false);
    expect(request.successBodyMatch?.test(`${'a'.repeat(SUCCESS_MATCH_BYTES - 1)}!`)).toBe(false);
    // A backtracking engine takes seconds on the 30-character body alone.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
  });

  it('percent-encodes header values outside visible ASCII instead of producing an unsendable header', () => {
    const request = builder.build(
      endpoint({ headers: { 'X-Uni': '{sub2}' } }),
      { ...values, sub2: 'café ☃' },
      'd7',
      now,
    );
    expect(request.headers['x-uni']).toBe('caf%C3%A9%20%E2%98%83');
  });

  it.each<[string, Partial<EndpointRecord>, string]>([
    ['a template that does not compile', { url: 'https://p.example/?x=${SUBID}' }, 'url'],
    ['a pattern RE2 cannot run', { successBodyMatch: '(?=OK)' }, 'successBodyMatch'],
    ['an invalid header name', { headers: { 'X Bad': 'v' } }, 'headers.X Bad'],
    ['a non-ASCII header literal', { headers: { 'X-Lit': 'café' } }, 'headers.X-Lit'],
  ])('refuses %s with a TemplateRenderError naming the field', (_what, overrides, field) => {
    let thrown: unknown;
    try {
      builder.build(endpoint(overrides), values, 'd5', now);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TemplateRenderError);
    expect(thrown).toMatchObject({ name: 'TemplateRenderError', errorClass: 'template_error', field });
  });

  it('refuses a header value that renders longer than 8 KiB', () => {
    expect(() =>
      builder.build(
        endpoint({ headers: { 'X-Long': '{postback.note}' } }),
        { ...values, postback: { note: 'n'.repeat(9000) } },
        'd8',
        now,
      ),
    ).toThrow(TemplateRenderError);
  });
});
