import {
  DEFAULT_RETRY_SCHEDULE_MS,
  formatRetrySchedule,
  parseRetrySchedule,
  signingKey,
} from '@ricochet/domain/delivery';
import { ConfigError } from './config.error';
import type { EnvSource, RedisTopology, RicochetConfig } from './config.types';
import {
  type Parsed,
  parseBoolean,
  parseDurationMs,
  parseEnum,
  parseInteger,
  parseBaseUrl,
  parseList,
  parseUrl,
  redactUserinfo,
} from './env-parsers';
import {
  DEFAULT_REDIS_PORT,
  DEFAULT_SENTINEL_PORT,
  formatRedisConnectionString,
  parseHostPortList,
  parseRedisConnectionString,
} from './redis-connection-string';

/** Default forwarding retry schedule: 11 retries after the first try, ≈ 100 h in all. */
export const DEFAULT_RETRY_SCHEDULE = formatRetrySchedule(DEFAULT_RETRY_SCHEDULE_MS);

/**
 * The delivery worker holds a BullMQ job lock of this plus a 15 s margin while a request is in flight,
 * so a longer outbound timeout would let a second worker take the job mid-request.
 */
export const MAX_FORWARD_TIMEOUT_MS = 45_000;

const MIN_ADMIN_KEY_LENGTH = 16;

/**
 * Every variable Ricochet reads, with its default. `loadConfig` is pure: it reads only the `env`
 * record it is given, so tests pass their own records and never touch `process.env`.
 */
export const ENV_DEFAULTS = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  HOST: '0.0.0.0',
  PORT: '3000',
  WORKER_PORT: '3001',
  MONGO_URL: 'mongodb://127.0.0.1:27017/ricochet',
  MONGO_WRITE_CONCERN: 'majority',
  MONGO_ADMIN_READ_PREFERENCE: 'primary',
  MONGO_INDEXES: 'ensure',
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_SENTINELS: '',
  REDIS_SENTINEL_MASTER: '',
  REDIS_SENTINEL_PASSWORD: '',
  REDIS_CLUSTER_NODES: '',
  REDIS_PASSWORD: '',
  QUEUE_PREFIX: 'ricochet',
  QUEUE_PARTITIONS: '',
  ADMIN_API_KEYS: '',
  QUEUE_DASHBOARD: 'read-only',
  TRUST_PROXY: 'false',
  FORWARD_ALLOW_PRIVATE: 'false',
  FORWARD_ALLOWLIST: '',
  CLICK_WAIT: '15m',
  ATTRIBUTION_CONCURRENCY: '100',
  DELIVERY_CONCURRENCY: '50',
  RETRY_SCHEDULE: DEFAULT_RETRY_SCHEDULE,
  FORWARD_CONNECT_TIMEOUT: '5s',
  FORWARD_TIMEOUT: '15s',
  SWEEPER_INTERVAL: '30s',
  SWEEPER_GRACE: '30s',
  SWEEPER_LEASE: '2m',
  JOB_LOCK: '20s',
  STALLED_INTERVAL: '10s',
  BREAKER_FAILURES: '5',
  BREAKER_OPEN: '30s',
  BREAKER_OPEN_MAX: '10m',
  DB_TIMEOUT: '5s',
  HTTP_REQUEST_TIMEOUT: '30s',
  HTTP_HEADERS_TIMEOUT: '10s',
  HTTP_KEEPALIVE_TIMEOUT: '65s',
  PUBLIC_BASE_URL: '',
  METRICS_PORT: '0',
  METRICS_TOKEN: '',
  SIGNATURE_TOLERANCE: '5m',
  REDACT_NAMES: '',
  ALERT_WEBHOOK_URL: '',
  ALERT_WEBHOOK_FORMAT: 'generic',
  ALERT_WEBHOOK_SECRET: '',
  ALERT_INTERVAL: '15m',
  ALERT_UNATTRIBUTED_MIN: '20',
  ALERT_UNATTRIBUTED_PERCENT: '50',
  ALERT_UNATTRIBUTED_WINDOW: '5m',
  RETENTION_CLICKS_DAYS: '90',
  RETENTION_POSTBACKS_DAYS: '180',
  RETENTION_ATTEMPTS_DAYS: '30',
  SHUTDOWN_TIMEOUT: '20s',
} as const satisfies Record<string, string>;

export type EnvName = keyof typeof ENV_DEFAULTS;

/** Validates the environment into a typed config; throws one {@link ConfigError} listing every problem. */
export function loadConfig(env: EnvSource): RicochetConfig {
  const problems: string[] = [];
  const raw = (name: EnvName): string => env[name] ?? ENV_DEFAULTS[name];
  const take = <T>(parsed: Parsed<T>, fallback: T): T => {
    if (parsed.ok) return parsed.value;
    problems.push(parsed.problem);
    return fallback;
  };
  const int = (name: EnvName, min: number, max: number) => take(parseInteger(name, raw(name), min, max), min);
  const duration = (name: EnvName) => take(parseDurationMs(name, raw(name)), 0);
  const bool = (name: EnvName) => take(parseBoolean(name, raw(name)), false);

  const adminKeys = parseList(raw('ADMIN_API_KEYS'));
  if (adminKeys.some((key) => key.length < MIN_ADMIN_KEY_LENGTH)) {
    problems.push(
      `ADMIN_API_KEYS must be a comma-separated list of keys of at least ${MIN_ADMIN_KEY_LENGTH} characters each`,
    );
  }

  const publicBaseUrl = take(parseBaseUrl('PUBLIC_BASE_URL', raw('PUBLIC_BASE_URL')), undefined);

  const trustProxyRaw = raw('TRUST_PROXY').trim();
  const trustProxy: boolean | string[] = /^(true|false|1|0|yes|no|on|off|)$/i.test(trustProxyRaw)
    ? take(parseBoolean('TRUST_PROXY', trustProxyRaw), false)
    : parseList(trustProxyRaw);

  const mongoWriteConcern = writeConcern(raw('MONGO_WRITE_CONCERN'), problems);

  const redisUrl = redisConnection(env, problems);
  const config: RicochetConfig = {
    env: take(
      parseEnum('NODE_ENV', raw('NODE_ENV'), ['development', 'production', 'test'] as const),
      'production',
    ),
    logLevel: take(
      parseEnum('LOG_LEVEL', raw('LOG_LEVEL'), [
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'trace',
        'silent',
      ] as const),
      'info',
    ),
    gateway: {
      host: raw('HOST'),
      port: int('PORT', 0, 65535),
      trustProxy,
      requestTimeoutMs: duration('HTTP_REQUEST_TIMEOUT'),
      headersTimeoutMs: duration('HTTP_HEADERS_TIMEOUT'),
      keepAliveTimeoutMs: duration('HTTP_KEEPALIVE_TIMEOUT'),
      dbTimeoutMs: duration('DB_TIMEOUT'),
      ...(publicBaseUrl !== undefined ? { publicBaseUrl } : {}),
    },
    metrics: { port: int('METRICS_PORT', 0, 65535), token: raw('METRICS_TOKEN') },
    worker: {
      port: int('WORKER_PORT', 0, 65535),
      attributionConcurrency: int('ATTRIBUTION_CONCURRENCY', 1, 1000),
      deliveryConcurrency: int('DELIVERY_CONCURRENCY', 1, 1000),
      jobLockMs: duration('JOB_LOCK'),
      stalledIntervalMs: duration('STALLED_INTERVAL'),
    },
    mongo: {
      url: mongoUrl(raw('MONGO_URL'), mongoWriteConcern, problems),
      writeConcern: mongoWriteConcern,
      adminReadPreference: take(
        parseEnum('MONGO_ADMIN_READ_PREFERENCE', raw('MONGO_ADMIN_READ_PREFERENCE'), MONGO_READ_PREFERENCES),
        'primary',
      ),
      indexes: take(parseEnum('MONGO_INDEXES', raw('MONGO_INDEXES'), MONGO_INDEX_MODES), 'ensure'),
    },
    redis: {
      url: redisUrl,
      queuePrefix: raw('QUEUE_PREFIX'),
      queuePartitions:
        raw('QUEUE_PARTITIONS').trim() === ''
          ? defaultQueuePartitions(redisUrl)
          : int('QUEUE_PARTITIONS', 1, MAX_QUEUE_PARTITIONS),
    },
    admin: {
      apiKeys: adminKeys,
      queueDashboard: take(
        parseEnum('QUEUE_DASHBOARD', raw('QUEUE_DASHBOARD'), ['off', 'read-only', 'read-write'] as const),
        'read-only',
      ),
    },
    attribution: { clickWaitMs: duration('CLICK_WAIT') },
    forwarding: {
      allowPrivate: bool('FORWARD_ALLOW_PRIVATE'),
      allowlist: parseList(raw('FORWARD_ALLOWLIST')),
      retryScheduleMs: retrySchedule(raw('RETRY_SCHEDULE'), problems),
      connectTimeoutMs: duration('FORWARD_CONNECT_TIMEOUT'),
      totalTimeoutMs: duration('FORWARD_TIMEOUT'),
    },
    sweeper: {
      intervalMs: duration('SWEEPER_INTERVAL'),
      graceMs: duration('SWEEPER_GRACE'),
      leaseMs: duration('SWEEPER_LEASE'),
    },
    breaker: {
      failureThreshold: int('BREAKER_FAILURES', 1, 1000),
      openMs: duration('BREAKER_OPEN'),
      maxOpenMs: duration('BREAKER_OPEN_MAX'),
    },
    security: {
      signatureToleranceMs: duration('SIGNATURE_TOLERANCE'),
      redactNames: parseList(raw('REDACT_NAMES')).map((name) => name.toLowerCase()),
    },
    alerts: {
      ...(raw('ALERT_WEBHOOK_URL').trim() !== ''
        ? {
            webhookUrl: take(
              parseUrl('ALERT_WEBHOOK_URL', raw('ALERT_WEBHOOK_URL'), ['http:', 'https:']),
              '',
            ),
          }
        : {}),
      format: take(
        parseEnum('ALERT_WEBHOOK_FORMAT', raw('ALERT_WEBHOOK_FORMAT'), ['generic', 'slack'] as const),
        'generic',
      ),
      secret: raw('ALERT_WEBHOOK_SECRET'),
      intervalMs: duration('ALERT_INTERVAL'),
      unattributedMin: int('ALERT_UNATTRIBUTED_MIN', 1, 1_000_000),
      unattributedPercent: int('ALERT_UNATTRIBUTED_PERCENT', 1, 100),
      unattributedWindowMs: duration('ALERT_UNATTRIBUTED_WINDOW'),
    },
    retention: {
      clicksDays: int('RETENTION_CLICKS_DAYS', 1, 3650),
      postbacksDays: int('RETENTION_POSTBACKS_DAYS', 1, 3650),
      attemptsDays: int('RETENTION_ATTEMPTS_DAYS', 1, 3650),
    },
    shutdownTimeoutMs: duration('SHUTDOWN_TIMEOUT'),
  };

  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(config.redis.queuePrefix)) {
    problems.push(
      `QUEUE_PREFIX must be 1-64 characters of letters, digits, "_", "." or "-", got "${config.redis.queuePrefix}"`,
    );
  }
  if (config.forwarding.totalTimeoutMs > MAX_FORWARD_TIMEOUT_MS) {
    problems.push(`FORWARD_TIMEOUT must be at most ${MAX_FORWARD_TIMEOUT_MS / 1000}s`);
  }
  atLeast(problems, 'JOB_LOCK', config.worker.jobLockMs, 5_000);
  atLeast(problems, 'STALLED_INTERVAL', config.worker.stalledIntervalMs, 1_000);
  atLeast(problems, 'SWEEPER_INTERVAL', config.sweeper.intervalMs, 100);
  atLeast(problems, 'SWEEPER_LEASE', config.sweeper.leaseMs, 1_000);
  atLeast(problems, 'BREAKER_OPEN', config.breaker.openMs, 100);
  atLeast(problems, 'DB_TIMEOUT', config.gateway.dbTimeoutMs, 100);
  atLeast(problems, 'HTTP_REQUEST_TIMEOUT', config.gateway.requestTimeoutMs, 1_000);
  atLeast(problems, 'HTTP_HEADERS_TIMEOUT', config.gateway.headersTimeoutMs, 1_000);
  atLeast(problems, 'ALERT_INTERVAL', config.alerts.intervalMs, 1_000);
  atLeast(problems, 'ALERT_UNATTRIBUTED_WINDOW', config.alerts.unattributedWindowMs, 1_000);
  if (config.alerts.secret !== '') {
    try {
      signingKey(config.alerts.secret);
    } catch (error) {
      problems.push(`ALERT_WEBHOOK_SECRET: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  atLeast(problems, 'SIGNATURE_TOLERANCE', config.security.signatureToleranceMs, 1_000);
  if (config.breaker.maxOpenMs < config.breaker.openMs) {
    problems.push('BREAKER_OPEN_MAX must be at least BREAKER_OPEN');
  }
  if (config.metrics.token !== '' && config.metrics.token.length < MIN_ADMIN_KEY_LENGTH) {
    problems.push(`METRICS_TOKEN must be at least ${MIN_ADMIN_KEY_LENGTH} characters`);
  }
  if (config.forwarding.totalTimeoutMs < config.forwarding.connectTimeoutMs) {
    problems.push('FORWARD_TIMEOUT must be at least FORWARD_CONNECT_TIMEOUT');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Upper bound of QUEUE_PARTITIONS: each partition costs every worker process one blocking connection per queue. */
export const MAX_QUEUE_PARTITIONS = 64;
/** Partitions on a Redis Cluster when QUEUE_PARTITIONS is unset: two per primary of a 3-primary cluster. */
export const DEFAULT_CLUSTER_QUEUE_PARTITIONS = 6;

/**
 * One queue of each kind on one server or a Sentinel-managed primary (nothing to spread over); on a
 * cluster, enough partitions that the masters share the queues.
 */
function defaultQueuePartitions(redisUrl: string): number {
  return redisUrl.startsWith('redis+cluster://') ? DEFAULT_CLUSTER_QUEUE_PARTITIONS : 1;
}

function atLeast(problems: string[], name: EnvName, valueMs: number, minMs: number): void {
  if (valueMs < minMs) problems.push(`${name} must be at least ${minMs} ms`);
}

/**
 * `config.redis.url`: REDIS_URL, or the `redis+sentinel://` string of REDIS_SENTINELS and
 * REDIS_SENTINEL_MASTER (+ REDIS_SENTINEL_PASSWORD). At most one of REDIS_URL, REDIS_SENTINELS and
 * REDIS_CLUSTER_NODES says where Redis is (an empty value counts as unset); REDIS_PASSWORD is the data
 * nodes' password in every form; a cluster is REDIS_CLUSTER_NODES or a `redis+cluster://` REDIS_URL.
 */
function redisConnection(env: EnvSource, problems: string[]): string {
  const given = (name: EnvName): string | undefined => env[name]?.trim() || undefined;
  const report = (problem: string): string => {
    problems.push(problem);
    return '';
  };
  const locators = (['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const).filter(given);
  if (locators.length > 1) {
    return report(
      `set only one of REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES to say where Redis is, got ${locators.join(' and ')}`,
    );
  }
  const sentinels = given('REDIS_SENTINELS');
  const masterName = given('REDIS_SENTINEL_MASTER');
  const sentinelPassword = env.REDIS_SENTINEL_PASSWORD || undefined;
  const password = env.REDIS_PASSWORD || undefined;
  if (!sentinels && (masterName || sentinelPassword)) {
    return report(
      `${masterName ? 'REDIS_SENTINEL_MASTER' : 'REDIS_SENTINEL_PASSWORD'} is only read with REDIS_SENTINELS (the Sentinel addresses, host:port,…)`,
    );
  }

  let topology: RedisTopology;
  if (sentinels) {
    const list = parseHostPortList('REDIS_SENTINELS', sentinels, DEFAULT_SENTINEL_PORT);
    if (!list.ok) return report(list.problem);
    if (!masterName) {
      return report(
        'REDIS_SENTINEL_MASTER is required with REDIS_SENTINELS: the name the Sentinels monitor the primary under (sentinel monitor <name> …)',
      );
    }
    if (/\s/.test(masterName)) {
      return report(`REDIS_SENTINEL_MASTER must be a name without spaces, got "${masterName}"`);
    }
    topology = {
      kind: 'sentinel',
      sentinels: list.value,
      masterName,
      ...(sentinelPassword && { sentinelPassword }),
    };
  } else {
    const nodes = given('REDIS_CLUSTER_NODES');
    const parsed = nodes
      ? parseHostPortList('REDIS_CLUSTER_NODES', nodes, DEFAULT_REDIS_PORT)
      : parseRedisConnectionString('REDIS_URL', given('REDIS_URL') ?? ENV_DEFAULTS.REDIS_URL);
    if (!parsed.ok) return report(parsed.problem);
    topology = Array.isArray(parsed.value) ? { kind: 'cluster', nodes: parsed.value } : parsed.value;
  }

  if (password === undefined) return formatRedisConnectionString(topology);
  const conflict = 'REDIS_PASSWORD is set and REDIS_URL carries a password too: give it once';
  if (topology.kind !== 'single') {
    return topology.password ? report(conflict) : formatRedisConnectionString({ ...topology, password });
  }
  const url = new URL(topology.url);
  if (url.password) return report(conflict);
  url.password = encodeURIComponent(password);
  return url.toString();
}

const MONGO_READ_PREFERENCES = [
  'primary',
  'primaryPreferred',
  'secondaryPreferred',
  'secondary',
  'nearest',
] as const;
const MONGO_INDEX_MODES = ['ensure', 'sync', 'off'] as const;
const MAX_WRITE_CONCERN_MEMBERS = 50;

/**
 * Connection-string options Ricochet sets itself (the connection's options override the URL's): a URL that
 * asks for something else is refused rather than silently overridden. Atlas-style `retryWrites=true&w=majority`
 * passes.
 */
function conflictingUrlOption(name: string, value: string, w: 'majority' | number): string | undefined {
  const reads = 'reads go to the primary; MONGO_ADMIN_READ_PREFERENCE moves admin listings and reports';
  switch (name.toLowerCase()) {
    case 'w':
      return value === String(w) ? undefined : `MONGO_WRITE_CONCERN (${w}) sets the write concern`;
    case 'readpreference':
      return value === 'primary' ? undefined : reads;
    case 'readpreferencetags':
    case 'maxstalenessseconds':
      return reads;
    case 'retrywrites':
    case 'retryreads':
      return value === 'true' ? undefined : 'retryable writes and reads are always on';
    default:
      return undefined;
  }
}

/**
 * MONGO_URL: a `mongodb://` connection string, whose host part may be a replica set's seed list
 * (`h1:27017,h2:27017,h3:27017`, which is not a WHATWG URL), or a `mongodb+srv://` one with one host name.
 */
function mongoUrl(raw: string, w: 'majority' | number, problems: string[]): string {
  const value = raw.trim();
  const expected =
    'a URL starting with mongodb:// or mongodb+srv:// (a replica set: mongodb://host1:27017,host2:27017,host3:27017/ricochet?replicaSet=rs0)';
  const scheme = /^(mongodb|mongodb\+srv):\/\//.exec(value);
  const rest = scheme ? value.slice(scheme[0].length) : '';
  const authorityEnd = rest.search(/[/?]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const hosts = authority.slice(authority.lastIndexOf('@') + 1).split(',');
  const srv = scheme?.[1] === 'mongodb+srv';
  if (!scheme || !hosts.every(isHostPort) || (srv && (hosts.length !== 1 || /:\d+$/.test(hosts[0])))) {
    problems.push(`MONGO_URL must be ${expected}, got "${redactUserinfo(raw)}"`);
    return '';
  }
  const queryStart = rest.indexOf('?');
  const query = queryStart === -1 ? '' : rest.slice(queryStart + 1);
  for (const [name, option] of new URLSearchParams(query)) {
    const why = conflictingUrlOption(name, option, w);
    if (why !== undefined) problems.push(`MONGO_URL must not set ${name}=${option}: ${why}`);
  }
  return value;
}

/** `host`, `host:port` or `[ipv6]:port`, port 1-65535. */
function isHostPort(entry: string): boolean {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%-]+)(?::(\d{1,5}))?$/.exec(entry);
  return match !== null && (match[2] === undefined || (Number(match[2]) >= 1 && Number(match[2]) <= 65535));
}

function writeConcern(raw: string, problems: string[]): 'majority' | number {
  const value = raw.trim();
  if (value === 'majority') return 'majority';
  const members = parseInteger('MONGO_WRITE_CONCERN', value, 1, MAX_WRITE_CONCERN_MEMBERS);
  if (members.ok) return members.value;
  problems.push(
    `MONGO_WRITE_CONCERN must be majority or a number of members between 1 and ${MAX_WRITE_CONCERN_MEMBERS}, got "${raw}"`,
  );
  return 'majority';
}

function retrySchedule(raw: string, problems: string[]): number[] {
  try {
    return parseRetrySchedule(raw);
  } catch (error) {
    const reason =
      error instanceof Error ? error.message.replace(/^INVALID_RETRY_SCHEDULE: /, '') : String(error);
    problems.push(`RETRY_SCHEDULE must be a comma-separated list of delays like 10s,1m,5m,30m,2h: ${reason}`);
    return [];
  }
}

/** The process environment, validated: the one place in the codebase that reads `process.env`. */
export function loadConfigFromEnvironment(): RicochetConfig {
  return loadConfig(process.env);
}
