import type { ConversionStatus } from '../model';
import { endpointFires, type EndpointFiringRule } from './endpoint-firing';

function state(
  status: ConversionStatus,
  forwardedStatuses: ConversionStatus[] = [],
  opts: { event?: string; reversal?: boolean } = {},
) {
  return { event: opts.event ?? 'conversion', status, reversal: opts.reversal ?? false, forwardedStatuses };
}

describe('endpointFires', () => {
  it('forwards an approved conversion to an endpoint with default settings', () => {
    expect(endpointFires({}, state('approved'))).toBe(true);
  });

  it('does not forward pending or rejected states by default', () => {
    expect(endpointFires({}, state('pending'))).toBe(false);
    expect(endpointFires({}, state('rejected'))).toBe(false);
  });

  it('forwards only the listed events', () => {
    const endpoint: EndpointFiringRule = { events: ['ftd', 'registration'] };
    expect(endpointFires(endpoint, state('approved', [], { event: 'ftd' }))).toBe(true);
    expect(endpointFires(endpoint, state('approved', [], { event: 'deposit' }))).toBe(false);
  });

  it('matches events case-insensitively', () => {
    expect(endpointFires({ events: ['FTD'] }, state('approved', [], { event: 'ftd' }))).toBe(true);
  });

  it('forwards every event to a "*" endpoint', () => {
    expect(endpointFires({ events: '*' }, state('approved', [], { event: 'anything' }))).toBe(true);
  });

  it('never fires a disabled endpoint', () => {
    expect(endpointFires({ enabled: false }, state('approved'))).toBe(false);
  });

  it('never forwards the same status twice', () => {
    expect(endpointFires({ fireOnce: false }, state('approved', ['approved']))).toBe(false);
  });

  describe('with fireOnce (the default)', () => {
    const endpoint: EndpointFiringRule = { statuses: ['pending', 'approved', 'rejected'] };

    it('forwards the first matching status', () => {
      expect(endpointFires(endpoint, state('pending'))).toBe(true);
    });

    it('does not forward the approval after the pending state was forwarded', () => {
      expect(endpointFires(endpoint, state('approved', ['pending']))).toBe(false);
    });

    it('forwards a reversal to an endpoint that listens for rejected', () => {
      expect(endpointFires(endpoint, state('rejected', ['approved'], { reversal: true }))).toBe(true);
    });

    it('does not forward a reversal to an endpoint that does not listen for rejected', () => {
      expect(endpointFires({}, state('rejected', ['approved'], { reversal: true }))).toBe(false);
    });

    it('does not forward pending → rejected after the pending state was forwarded', () => {
      expect(endpointFires(endpoint, state('rejected', ['pending']))).toBe(false);
    });
  });

  describe('without fireOnce', () => {
    const endpoint: EndpointFiringRule = { statuses: ['pending', 'approved', 'rejected'], fireOnce: false };

    it('forwards every matching status not yet forwarded', () => {
      expect(endpointFires(endpoint, state('approved', ['pending']))).toBe(true);
      expect(endpointFires(endpoint, state('rejected', ['pending', 'approved'], { reversal: true }))).toBe(
        true,
      );
    });
  });
});
