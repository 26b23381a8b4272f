/** Ricochet's validated configuration (DESIGN §9). Built once by {@link loadConfig}; injected everywhere else. */
export interface RicochetConfig {
  env: 'development' | 'production' | 'test';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  gateway: {
    host: string;
    port: number;
    /** Fastify `trustProxy`: false, true, or a list of proxy addresses/CIDRs whose X-Forwarded-For is honoured. */
    trustProxy: boolean | string[];
  };
  worker: {
    /** The worker's own health/metrics port. */
    port: number;
    attributionConcurrency: number;
    deliveryConcurrency: number;
  };
  mongo: { url: string };
  redis: {
    url: string;
    /** BullMQ key prefix; lets several installs (or test suites) share one Redis. */
    queuePrefix: string;
  };
  admin: {
    /** Accepted admin API keys; empty = the admin API answers 401 to everyone. */
    apiKeys: string[];
  };
  attribution: {
    /** How long a postback waits for its click before it is marked unattributed (DESIGN §4.3). */
    clickWaitMs: number;
  };
  forwarding: {
    /** Opens private, loopback and link-local destinations (local use and tests only). */
    allowPrivate: boolean;
    /** CIDRs that pass the SSRF guard even though they are private. */
    allowlist: string[];
    retryScheduleMs: number[];
    connectTimeoutMs: number;
    totalTimeoutMs: number;
  };
  sweeper: { intervalMs: number };
  retention: { clicksDays: number; postbacksDays: number; attemptsDays: number };
  /** How long SIGTERM waits for in-flight work before the process exits. */
  shutdownTimeoutMs: number;
}

export type EnvSource = Readonly<Record<string, string | undefined>>;
