import { toSlack } from './alert-notifier';

describe('toSlack', () => {
  it('puts the kind, the summary, what was held back and the details in one text', () => {
    const message = toSlack({
      id: 'alert_1',
      occurredAt: '2026-11-30T12:00:00.000Z',
      kind: 'delivery.dead',
      subject: 'ep1',
      summary: 'a delivery to endpoint ep1 is dead after 1 attempt(s): HTTP 404 (http_4xx)',
      details: { endpointId: 'ep1', statusCode: 404, url: undefined },
      suppressed: 3,
    });
    expect(message).toEqual({
      text:
        '*Ricochet — delivery.dead*: a delivery to endpoint ep1 is dead after 1 attempt(s): HTTP 404 (http_4xx)' +
        ' (+3 more like it since the last alert)\n• endpointId: ep1\n• statusCode: 404',
    });
  });
});
