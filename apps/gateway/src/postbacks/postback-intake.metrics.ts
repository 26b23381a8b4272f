import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY, postbackReasonLabel } from '@ricochet/observability';
import { Counter, type Registry } from 'prom-client';

/** Intake counters on the process's registry (served at /metrics). */
@Injectable()
export class PostbackIntakeMetrics {
  /** Unauthenticated requests are only counted, never stored. */
  readonly invalidTokens: Counter;
  /** `result`: accepted or rejected; `reason`: the refusal's machine code (none for accepted). */
  readonly received: Counter<'result' | 'reason'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.invalidTokens = new Counter({
      name: 'ricochet_postback_invalid_token_total',
      help: 'Postbacks refused with 401 because the token was missing or unknown',
      registers: [registry],
    });
    this.received = new Counter({
      name: 'ricochet_postbacks_received_total',
      help: 'Authenticated postbacks by intake result (accepted, rejected) and, when rejected, the reason code',
      labelNames: ['result', 'reason'],
      registers: [registry],
    });
  }

  /** An authenticated postback refused (and stored as rejected) with this machine code. */
  rejected(code: string): void {
    this.received.inc({ result: 'rejected', reason: postbackReasonLabel(code) });
  }
}
