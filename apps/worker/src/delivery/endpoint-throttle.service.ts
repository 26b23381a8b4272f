import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import {
  type BreakerDecision,
  type CircuitBreakerPolicy,
  DEFAULT_CIRCUIT_BREAKER_POLICY,
  defaultBurst,
} from '@ricochet/domain/delivery';
import { createBullClient, type RedisClient } from '@ricochet/queue';
import { BREAKER_ACQUIRE_LUA, BREAKER_RECORD_LUA, TOKEN_BUCKET_LUA } from './endpoint-throttle.scripts';

/** Idle breaker and bucket state expires after this (a fresh state is the same as an idle one). */
const STATE_TTL_MS = 7 * 24 * 3_600_000;
/** Bound of the local trust map (endpoints are few; it is emptied when full). */
const MAX_TRUSTED_ENDPOINTS = 10_000;

interface ThrottleCommands {
  ricochetBreakerAcquire(
    key: string,
    ...args: (string | number)[]
  ): Promise<[number, number, number, number?]>;
  ricochetBreakerRecord(key: string, ...args: (string | number)[]): Promise<string>;
  ricochetTokenBucket(key: string, ...args: (string | number)[]): Promise<[number, number]>;
}

/**
 * How long a process trusts that an endpoint's breaker is clean (closed, no failures) without asking
 * Redis. A healthy endpoint then costs no Redis command per delivery; a failure is always written at
 * once, and another process sees it within this interval.
 */
export const CLEAN_BREAKER_TRUST_MS = 1_000;

/**
 * Per-endpoint circuit breaker and `maxRps` token bucket, shared by every worker through Redis
 * (OSS BullMQ has no per-group limits). The decisions are the domain's; the Lua scripts make each
 * read-modify-write atomic across workers. Healthy endpoints take a local fast path
 * ({@link CLEAN_BREAKER_TRUST_MS}).
 */
@Injectable()
export class EndpointThrottle implements OnModuleInit, OnApplicationShutdown {
  private client?: RedisClient & ThrottleCommands;
  readonly policy: CircuitBreakerPolicy;
  /** Endpoint id → until when its breaker is trusted to be clean. */
  private readonly cleanUntil = new Map<string, number>();

  constructor(@InjectConfig() private readonly config: RicochetConfig) {
    this.policy = { ...DEFAULT_CIRCUIT_BREAKER_POLICY, ...config.breaker };
  }

  onModuleInit(): void {
    const client = createBullClient(this.config.redis.url);
    // Connection errors surface on the commands (the job is retried); the event alone is noise.
    client.on('error', () => undefined);
    client.defineCommand('ricochetBreakerAcquire', { numberOfKeys: 1, lua: BREAKER_ACQUIRE_LUA });
    client.defineCommand('ricochetBreakerRecord', { numberOfKeys: 1, lua: BREAKER_RECORD_LUA });
    client.defineCommand('ricochetTokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET_LUA });
    this.client = client as RedisClient & ThrottleCommands;
  }

  /** May a request go to the endpoint now? Claims a half-open probe slot when it grants one. */
  async acquire(endpointId: string, now = Date.now()): Promise<BreakerDecision> {
    if ((this.cleanUntil.get(endpointId) ?? 0) > now) return { allowed: true, probe: false };
    const [allowed, probe, retryAtMs, clean] = await this.redis().ricochetBreakerAcquire(
      this.key(endpointId, 'breaker'),
      now,
      this.policy.halfOpenProbes,
      this.policy.probeLeaseMs,
      STATE_TTL_MS,
      this.policy.halfOpenRecheckMs,
    );
    if (clean === 1) this.trustClean(endpointId, now);
    else this.cleanUntil.delete(endpointId);
    return allowed === 1 ? { allowed: true, probe: probe === 1 } : { allowed: false, retryAtMs };
  }

  /**
   * Folds one finished request into the breaker; returns the new state name. A success on a breaker
   * known to be clean changes nothing and is not sent.
   */
  async record(endpointId: string, outcome: 'success' | 'failure', now = Date.now()): Promise<string> {
    if (outcome === 'success' && (this.cleanUntil.get(endpointId) ?? 0) > now) return 'closed';
    if (outcome === 'failure') this.cleanUntil.delete(endpointId);
    const state = await this.redis().ricochetBreakerRecord(
      this.key(endpointId, 'breaker'),
      outcome,
      now,
      this.policy.failureThreshold,
      this.policy.openMs,
      this.policy.maxOpenMs,
      STATE_TTL_MS,
    );
    if (outcome === 'success') this.trustClean(endpointId, now);
    return state;
  }

  private trustClean(endpointId: string, now: number): void {
    if (this.cleanUntil.size >= MAX_TRUSTED_ENDPOINTS) this.cleanUntil.clear();
    this.cleanUntil.set(endpointId, now + CLEAN_BREAKER_TRUST_MS);
  }

  /** Takes one token of the endpoint's `maxRps` bucket; `waitMs` > 0 when refused. */
  async takeToken(
    endpointId: string,
    ratePerSec: number,
    now = Date.now(),
  ): Promise<{ allowed: boolean; waitMs: number }> {
    const [allowed, waitMs] = await this.redis().ricochetTokenBucket(
      this.key(endpointId, 'rate'),
      now,
      ratePerSec,
      defaultBurst(ratePerSec),
      STATE_TTL_MS,
    );
    return { allowed: allowed === 1, waitMs };
  }

  onApplicationShutdown(): void {
    this.client?.disconnect();
  }

  private key(endpointId: string, kind: 'breaker' | 'rate'): string {
    return `${this.config.redis.queuePrefix}:endpoint:${endpointId}:${kind}`;
  }

  private redis(): RedisClient & ThrottleCommands {
    if (!this.client) throw new Error('EndpointThrottle used before module init');
    return this.client;
  }
}
