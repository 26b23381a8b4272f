import { Injectable } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import type { ForwardMethod } from '@ricochet/domain/model';
import { ipInCidrList } from '@ricochet/domain/network';
import {
  isPostbackParamError,
  parsePostback,
  type ParsedPostback,
  type PostbackAuthError,
  type PostbackParamError,
} from '@ricochet/domain/postback';
import { createRedactionPolicy, type RedactionPolicy } from '@ricochet/domain/security';
import { type AdvertiserRecord, Lookups, PostbackRepository } from '@ricochet/persistence';
import { StoreDeadline } from '../store/store-deadline.service';
import { type AdvertiserRules, AdvertiserRulesCache } from './advertiser-rules.cache';
import { AttributionDispatch } from './attribution-dispatch.service';
import { invalidToken, ipNotAllowed } from './postback-intake.errors';
import { PostbackIntakeMetrics } from './postback-intake.metrics';
import {
  collectPostbackParams,
  firstParam,
  type PostbackParamsSource,
  readPostbackBody,
  storableParams,
} from './postback-params.parser';
import { checkPostbackSignature, type SignedRequest } from './postback-signature.check';

/** One postback request as the controller hands it over, every part as received. */
export interface IntakeRequest {
  method: ForwardMethod;
  /** The `:token` path segment, when the route has one. */
  pathToken?: string;
  /** Client address after fastify's trustProxy rules. */
  ip: string;
  /** Fastify's parsed query string. */
  query: unknown;
  /** What the gateway's body parsers left: a form object, the text of a JSON body, or other text. */
  body: unknown;
  contentType?: string;
  /** The request path as sent, before `?` (signed postbacks). */
  path: string;
  /** The query string as sent, without `?` (signed postbacks). */
  rawQuery: string;
  /** The body bytes as sent (signed postbacks). */
  rawBody?: Buffer;
  /** `X-Signature` header. */
  signature?: string;
  /** `X-Timestamp` header. */
  timestamp?: string;
}

export interface PostbackAccepted {
  status: 'accepted';
  postbackId: string;
}

type ReadRequest = IntakeRequest & PostbackParamsSource & SignedRequest;

/**
 * Postback intake: authenticate, store, enqueue. The 200 is sent only after MongoDB has
 * journaled the postback; every authenticated request is stored, refused ones as `rejected` with the
 * reason, so an operator sees what an advertiser sent and why it failed. Nothing on this path throws
 * on a hostile shape: the body is read once by non-recursive readers that report problems as
 * {@link PostbackParamError}s, raised only after authentication.
 */
@Injectable()
export class PostbackIntakeService {
  private readonly redaction: RedactionPolicy;

  constructor(
    private readonly store: StoreDeadline,
    private readonly lookups: Lookups,
    private readonly rules: AdvertiserRulesCache,
    private readonly postbacks: PostbackRepository,
    private readonly dispatch: AttributionDispatch,
    private readonly metrics: PostbackIntakeMetrics,
    @InjectConfig() private readonly config: RicochetConfig,
  ) {
    this.redaction = createRedactionPolicy(config.security.redactNames);
  }

  async receive(raw: IntakeRequest): Promise<PostbackAccepted> {
    const request: ReadRequest = { ...raw, body: readPostbackBody(raw.body, raw.contentType) };
    const advertiser = await this.authenticate(request);
    const rules = this.rules.rulesFor(advertiser);
    if (rules.allowedIps.length > 0 && !ipInCidrList(request.ip, rules.allowedIps)) {
      await this.reject(advertiser, rules, request, ipNotAllowed(request.ip));
    }
    if (advertiser.signingSecret) {
      const refusal = checkPostbackSignature(request, {
        secret: advertiser.signingSecret,
        scheme: advertiser.signatureScheme,
        toleranceMs:
          advertiser.signatureToleranceSec !== undefined
            ? advertiser.signatureToleranceSec * 1000
            : this.config.security.signatureToleranceMs,
        nowMs: Date.now(),
      });
      if (refusal) await this.reject(advertiser, rules, request, refusal);
    }
    let parsed: ParsedPostback;
    try {
      parsed = parsePostback(collectPostbackParams(request), rules.postback);
    } catch (error) {
      if (!isPostbackParamError(error)) throw error;
      return this.reject(advertiser, rules, request, error);
    }
    const postback = await this.store.run(() =>
      this.postbacks.recordPostback({
        advertiserId: advertiser.id,
        params: this.redaction.redactParams(parsed.params),
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

  private async authenticate(request: ReadRequest): Promise<AdvertiserRecord> {
    const token = request.pathToken || firstParam(request, 'token');
    const advertiser =
      token === undefined ? null : await this.store.run(() => this.lookups.advertiserByToken(token));
    if (advertiser === null) {
      this.metrics.invalidTokens.inc();
      throw invalidToken();
    }
    return advertiser;
  }

  /** Stores the refused postback (secrets dropped or masked), then throws `error` for the ErrorFilter. */
  private async reject(
    advertiser: AdvertiserRecord,
    rules: AdvertiserRules,
    request: ReadRequest,
    error: PostbackAuthError | PostbackParamError,
  ): Promise<never> {
    await this.store.run(() =>
      this.postbacks.recordPostback({
        advertiserId: advertiser.id,
        params: storableParams(request, rules.ignored, (params) => this.redaction.redactParams(params)),
        method: request.method,
        ip: request.ip,
        outcome: 'rejected',
        rejectReason: error.code,
        rejectMessage: error.message.slice(0, 1024),
      }),
    );
    this.metrics.rejected(error.code);
    throw error;
  }
}
