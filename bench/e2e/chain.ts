/** What a phase needs from the chain under test: the product, or the bare ceiling chain. */
import type { Proc } from './processes';
import type { MetricsEndpoint, OpcounterProbe, RedisMeter } from './probes';
import type { ClusterPrimary } from './redis-cluster';

/** The processes measured in each phase (CPU, RSS). `intake` is the gateway or the fastify intake. */
export const ROLES = ['intake', 'worker', 'redis', 'mongo', 'receiver'] as const;
export type Role = (typeof ROLES)[number];

export interface Chain {
  name: 'product' | 'ceiling';
  /** e.g. http://127.0.0.1:41234 */
  intakeOrigin: string;
  /** Every intake origin when there are several gateways (the load goes round-robin); else absent. */
  intakeOrigins?: string[];
  /** The postback request path for one click. */
  postbackPath(clickId: string, txid: string): string;
  /** Makes the clicks known before their postbacks arrive (product: `POST /api/clicks`). */
  prepare(clickIds: string[]): Promise<void>;
  procs: Partial<Record<Role, Proc>>;
  /** More processes of a role (several gateways or workers): CPU is summed over the role, RSS is the largest. */
  extraProcs?: Partial<Record<Role, Proc[]>>;
  redis: RedisMeter;
  /** The chain's Redis: one server, or a cluster and which primary serves which queue partition. */
  redisLayout: RedisLayout;
  /** Prometheus endpoints to scrape for MongoDB command counts, by process name. */
  metrics: Record<string, MetricsEndpoint>;
  opcounters?: OpcounterProbe;
  /** Kills the chain's own processes (not the shared receiver). */
  stop(): Promise<void>;
}

export interface RedisLayout {
  mode: 'single' | 'cluster';
  /** QUEUE_PARTITIONS given to the product (absent: its default). */
  partitions?: number;
  /** Cluster: the primaries by first slot, with the queue partitions each serves. */
  primaries?: ClusterPrimary[];
}
