import { Injectable } from '@nestjs/common';
import { postbackSigningPayload, verifyPostbackSignature } from '@ricochet/domain/delivery';
import type { ForwardMethod } from '@ricochet/domain/model';
import { ipInCidrList } from '@ricochet/domain/network';
import { isPostbackParamError, parsePostback, type ParsedPostback } from '@ricochet/domain/postback';
import { type AdvertiserRecord, PostbackRepository } from '@ricochet/persistence';
import { Lookups } from '../lookups/lookups.service';
import { AdvertiserRulesCache } from './advertiser-rules.cache';
import { AttributionDispatch } from './attribution-dispatch.service';
import { invalidSignature, invalidToken, ipNotAllowed } from './postback-intake.errors';
import { PostbackIntakeMetrics } from './postback-intake.metrics';
import {
  collectPostbackParams,
  firstParam,
  type RawPostbackRequest,
  storableParams,
} from './postback-params.parser';
import { withStore } from './store-unavailable.error';

/** One postback request as the controller hands it over. */
export interface IntakeRequest extends RawPostbackRequest {
  method: ForwardMethod;
  /** The `:token` path segment, when the route has one. */
  pathToken?: string;
  /** Client address after fastify's trustProxy rules. */
  ip: string;
  /** The query string as received, without `?` (signed GET postbacks). */
  rawQuery: string;
  /** The body bytes as received, when the app keeps them (signed POST postbacks). */
  rawBody?: Buffer;
  /** `X-Signature` header. */
  signature?: string;
}

export interface PostbackAccepted {
  status: 'accepted';
  postbackId: string;
}

/**
 * Postback intake (DESIGN §4.1): authenticate, store, enqueue. The 200 is sent only after MongoDB has
 * journaled the postback; every authenticated request is stored, refused ones as `rejected` with the
 * reason, so an operator sees what an advertiser sent and why it failed.
 */
@Injectable()
export class PostbackIntakeService {
  constructor(
    private readonly lookups: Lookups,
    private readonly rules: AdvertiserRulesCache,
    private readonly postbacks: PostbackRepository,
    private readonly dispatch: AttributionDispatch,
    private readonly metrics: PostbackIntakeMetrics,
  ) {}

  async receive(request: IntakeRequest): Promise<PostbackAccepted> {
    const advertiser = await this.authenticate(request);
    const rules = this.rules.rulesFor(advertiser);
    if (rules.allowedIps.length > 0 && !ipInCidrList(request.ip, rules.allowedIps)) {
      await this.reject(advertiser, request, 'IP_NOT_ALLOWED', ipNotAllowed(request.ip));
    }
    if (advertiser.signingSecret && !this.signatureValid(advertiser.signingSecret, request)) {
      await this.reject(
        advertiser,
        request,
        'INVALID_SIGNATURE',
        invalidSignature(this.signatureOf(request) !== undefined),
      );
    }
    let parsed: ParsedPostback;
    try {
      parsed = parsePostback(collectPostbackParams(request), rules.postback);
    } catch (error) {
      const code = isPostbackParamError(error) ? error.code : codeOf(error);
      if (code === undefined) throw error;
      return this.reject(advertiser, request, code, error);
    }
    const postback = await withStore(() =>
      this.postbacks.recordPostback({
        advertiserId: advertiser.id,
        params: parsed.params,
        method: request.method,
        ip: request.ip,
        outcome: 'accepted',
        normalized: {
          clickId: parsed.clickId,
          status: parsed.status,
          event: parsed.event,
          ...(parsed.payout !== undefined ? { payout: parsed.payout } : {}),
          ...(parsed.txid !== undefined ? { txid: parsed.txid } : {}),
          ...(parsed.currency !== undefined ? { currency: parsed.currency } : {}),
        },
        // Due at once for the sweeper: if the enqueue below is lost, the sweeper enqueues it.
        nextAttemptAt: new Date(),
      }),
    );
    this.metrics.received.inc({ result: 'accepted' });
    await this.dispatch.dispatch(postback.id);
    return { status: 'accepted', postbackId: postback.id };
  }

  private async authenticate(request: IntakeRequest): Promise<AdvertiserRecord> {
    const token = request.pathToken || firstParam(request, 'token');
    const advertiser =
      token === undefined ? null : await withStore(() => this.lookups.advertiserByToken(token));
    if (advertiser === null) {
      this.metrics.invalidTokens.inc();
      throw invalidToken();
    }
    return advertiser;
  }

  private signatureOf(request: IntakeRequest): string | undefined {
    return request.signature || firstParam(request, 'sig') || firstParam(request, 'signature');
  }

  private signatureValid(secret: string, request: IntakeRequest): boolean {
    const signature = this.signatureOf(request);
    if (signature === undefined) return false;
    const payload = postbackSigningPayload({ rawQuery: request.rawQuery, rawBody: request.rawBody });
    return verifyPostbackSignature({ secret, payload, signature });
  }

  /** Stores the refused postback, then throws `error` (the ErrorFilter answers it). */
  private async reject(
    advertiser: AdvertiserRecord,
    request: IntakeRequest,
    reason: string,
    error: unknown,
  ): Promise<never> {
    await withStore(() =>
      this.postbacks.recordPostback({
        advertiserId: advertiser.id,
        params: storableParams(request),
        method: request.method,
        ip: request.ip,
        outcome: 'rejected',
        rejectReason: reason,
        rejectMessage: error instanceof Error ? messageOf(error) : String(error),
      }),
    );
    this.metrics.received.inc({ result: 'rejected' });
    throw error;
  }
}

/** The `code` of an HTTP exception raised while reading the parameters (INVALID_JSON_SHAPE, 415). */
function codeOf(error: unknown): string | undefined {
  const response = (error as { getResponse?: () => unknown }).getResponse?.();
  const code = (response as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: Error): string {
  const response = (error as { getResponse?: () => unknown }).getResponse?.();
  const message = (response as { message?: unknown } | undefined)?.message;
  return (typeof message === 'string' ? message : error.message).slice(0, 1024);
}
