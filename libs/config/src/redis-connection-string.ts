import type { RedisHostPort, RedisTopology } from './config.types';
import { type Parsed, redactUserinfo } from './env-parsers';

/**
 * Ricochet reaches Redis through one connection string (`config.redis.url`), whatever the topology, so
 * every client is built from the same value by the same factory (`libs/queue/src/redis-connection.ts`):
 *
 * - `redis://[user:password@]host:port[/db]` or `rediss://…` — one Redis server;
 * - `redis+sentinel://[user:password@]host:port,host:port/<master>[?sentinelPassword=…]` — the primary
 *   that the listed Sentinels monitor under `<master>` (the credentials are the data nodes');
 * - `redis+cluster://[user:password@]host:port,host:port` — a Redis Cluster (any of its nodes; the
 *   client discovers the rest).
 *
 * `REDIS_SENTINELS`, `REDIS_CLUSTER_NODES` and `REDIS_PASSWORD` are folded into this string by
 * `loadConfig`; the parts are percent-encoded, so any password survives the round trip.
 */
export const REDIS_SCHEMES = ['redis:', 'rediss:', 'redis+sentinel:', 'redis+cluster:'] as const;

export const DEFAULT_SENTINEL_PORT = 26379;
export const DEFAULT_REDIS_PORT = 6379;

const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)$/;

/** `host:port,host:port` (a missing port is `defaultPort`; IPv6 hosts in brackets). */
export function parseHostPortList(name: string, raw: string, defaultPort: number): Parsed<RedisHostPort[]> {
  const problem = (): Parsed<never> => ({
    ok: false,
    problem: `${name} must be a comma-separated list of host:port, got "${raw}"`,
  });
  const entries = raw.split(',').map((entry) => entry.trim());
  if (entries.length === 0 || entries.some((entry) => entry === '')) return problem();
  const addresses: RedisHostPort[] = [];
  for (const entry of entries) {
    const match = /^(\[[^\]]*\]|[^:]+)(?::(\d{1,5}))?$/.exec(entry);
    if (!match || !HOST.test(match[1])) return problem();
    const port = match[2] === undefined ? defaultPort : Number(match[2]);
    if (port < 1 || port > 65535) return problem();
    addresses.push({ host: match[1].replace(/^\[(.*)\]$/, '$1'), port });
  }
  return { ok: true, value: addresses };
}

/** Reads a connection string of any of the {@link REDIS_SCHEMES} into its topology. */
export function parseRedisConnectionString(name: string, raw: string): Parsed<RedisTopology> {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*:)\/\//.exec(raw)?.[1]?.toLowerCase();
  const bad = (expected: string): Parsed<never> => ({
    ok: false,
    problem: `${name} must be ${expected}, got "${redactConnectionString(raw)}"`,
  });
  if (scheme === 'redis:' || scheme === 'rediss:') {
    try {
      if (new URL(raw).hostname !== '') return { ok: true, value: { kind: 'single', url: raw } };
    } catch {
      // fall through to the problem below
    }
    return bad('a URL like redis://host:6379');
  }
  if (scheme !== 'redis+sentinel:' && scheme !== 'redis+cluster:') {
    return bad(`a URL starting with ${REDIS_SCHEMES.map((p) => `${p}//`).join(', ')}`);
  }

  const rest = raw.slice(scheme.length + 2);
  const queryAt = rest.indexOf('?');
  const beforeQuery = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? '' : rest.slice(queryAt + 1));
  const slashAt = beforeQuery.indexOf('/');
  const authority = slashAt < 0 ? beforeQuery : beforeQuery.slice(0, slashAt);
  const path = slashAt < 0 ? '' : beforeQuery.slice(slashAt + 1);
  const atAt = authority.lastIndexOf('@');
  const credentials = atAt < 0 ? {} : userinfo(authority.slice(0, atAt));
  if (credentials === undefined) return bad('a connection string with percent-encoded credentials');
  const hosts = authority.slice(atAt + 1);

  if (scheme === 'redis+cluster:') {
    const nodes = parseHostPortList(name, hosts, DEFAULT_REDIS_PORT);
    if (!nodes.ok || path !== '' || queryAt >= 0) {
      return bad('a URL like redis+cluster://host1:6379,host2:6379');
    }
    return { ok: true, value: { kind: 'cluster', nodes: nodes.value, ...credentials } };
  }
  const sentinels = parseHostPortList(name, hosts, DEFAULT_SENTINEL_PORT);
  const masterName = decode(path);
  const unknown = [...query.keys()].filter((key) => key !== 'sentinelPassword');
  if (!sentinels.ok || !masterName || !/^\S+$/.test(masterName) || unknown.length > 0) {
    return bad('a URL like redis+sentinel://host1:26379,host2:26379/mymaster');
  }
  const sentinelPassword = query.get('sentinelPassword');
  return {
    ok: true,
    value: {
      kind: 'sentinel',
      sentinels: sentinels.value,
      masterName,
      ...credentials,
      ...(sentinelPassword ? { sentinelPassword } : {}),
    },
  };
}

/** The connection string of a topology; {@link parseRedisConnectionString} reads it back unchanged. */
export function formatRedisConnectionString(topology: RedisTopology): string {
  if (topology.kind === 'single') return topology.url;
  const credentials =
    topology.username || topology.password
      ? `${encodeURIComponent(topology.username ?? '')}:${encodeURIComponent(topology.password ?? '')}@`
      : '';
  const hosts = (topology.kind === 'sentinel' ? topology.sentinels : topology.nodes)
    .map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`)
    .join(',');
  if (topology.kind === 'cluster') return `redis+cluster://${credentials}${hosts}`;
  const query = topology.sentinelPassword
    ? `?${new URLSearchParams({ sentinelPassword: topology.sentinelPassword }).toString()}`
    : '';
  return `redis+sentinel://${credentials}${hosts}/${encodeURIComponent(topology.masterName)}${query}`;
}

/** The string with its passwords masked, for messages. */
export function redactConnectionString(raw: string): string {
  return redactUserinfo(raw).replace(/([?&]sentinelPassword=)[^&]*/gi, '$1***');
}

function userinfo(raw: string): { username?: string; password?: string } | undefined {
  const colonAt = raw.indexOf(':');
  const username = decode(colonAt < 0 ? raw : raw.slice(0, colonAt));
  const password = colonAt < 0 ? '' : decode(raw.slice(colonAt + 1));
  if (username === undefined || password === undefined) return undefined;
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
