import { type Document, Long } from 'bson';
import type { CommandHandler } from './context';
import { CommandError, noTransactions } from './errors';
import { isPlainObject } from './values';

const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
const MAX_WRITE_BATCH_SIZE = 100_000;

/**
 * The handshake answer. Driver 7 needs maxWireVersion >= 9 (21 is MongoDB 7.0) and
 * logicalSessionTimeoutMinutes, or it reports "topology does not support sessions". No setName/hosts
 * (we are a standalone), no topologyVersion (it would switch the monitor to streaming/exhaust),
 * no compression (we do not decompress).
 */
const hello: CommandHandler = (command, { stats, connection }) => {
  if (command.client !== undefined) {
    if (connection.sentClientMetadata) {
      throw new CommandError(
        186,
        'ClientMetadataCannotBeMutated',
        'The client metadata document may only be sent in the first hello',
      );
    }
    connection.sentClientMetadata = true;
  }
  stats.identify(connection, appNameOf(command.client));
  return handshake(command.helloOk === true, connection.id);
};

/** `client.application.name`: the driver's appName option (or `?appName=` in the URL). */
function appNameOf(client: unknown): string | null {
  if (!isPlainObject(client) || !isPlainObject(client.application)) return null;
  const name: unknown = client.application.name;
  return typeof name === 'string' ? name : null;
}

const handshake = (helloOk: boolean, connectionId: number): Document => ({
  ...(helloOk ? { helloOk: true } : {}),
  ismaster: true,
  isWritablePrimary: true,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
  maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
  localTime: new Date(),
  logicalSessionTimeoutMinutes: 30,
  connectionId,
  minWireVersion: 0,
  maxWireVersion: 21,
  readOnly: false,
  ok: 1,
});

const VERSION = '7.0.0';

const buildInfo: CommandHandler = () => ({
  version: VERSION,
  versionArray: [7, 0, 0, 0],
  gitVersion: 'mongo-standin',
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  storageEngines: ['standin'],
  ok: 1,
});

const KNOWN_PARAMETERS: Document = { featureCompatibilityVersion: { version: '7.0' } };

const getParameter: CommandHandler = (command) => {
  const requested =
    command.getParameter === '*'
      ? Object.keys(KNOWN_PARAMETERS)
      : Object.keys(command).filter((k) => k !== 'getParameter' && !k.startsWith('$') && k !== 'lsid');
  const answer: Document = {};
  for (const name of requested) {
    if (!(name in KNOWN_PARAMETERS))
      throw new CommandError(72, 'InvalidOptions', `no option found to get: ${name}`);
    answer[name] = KNOWN_PARAMETERS[name];
  }
  return { ...answer, ok: 1 };
};

const ok: CommandHandler = () => ({ ok: 1 });

/**
 * The sections of serverStatus a monitor reads, counted like mongod 7.0 (see ServerStats). Section
 * selectors (`{ serverStatus: 1, repl: 0 }`) change nothing: there are no other sections to leave out.
 */
const serverStatus: CommandHandler = (_command, { stats }) => {
  const uptimeMillis = Date.now() - stats.startedAt;
  return {
    host: stats.address,
    version: VERSION,
    process: 'mongod',
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis: Long.fromNumber(uptimeMillis),
    uptimeEstimate: Long.fromNumber(Math.floor(uptimeMillis / 1000)),
    localTime: new Date(),
    connections: { ...stats.connections },
    network: {
      bytesIn: Long.fromNumber(stats.network.bytesIn),
      bytesOut: Long.fromNumber(stats.network.bytesOut),
      numRequests: Long.fromNumber(stats.network.numRequests),
    },
    opcounters: longs(stats.opcounters),
    ok: 1,
  };
};

/** Not a MongoDB command: per-appName connections, requests and opcounters, for benchmarks and operators. */
const standinStats: CommandHandler = (_command, { stats, store }) => ({
  apps: stats.appStats().map((app) => ({
    appName: app.appName,
    connections: { ...app.connections },
    requests: Long.fromNumber(app.requests),
    opcounters: longs(app.opcounters),
  })),
  // What queries cost each collection: a growing collectionScans names a query no index serves.
  collections: store.databaseNames().flatMap((db) =>
    store.collections(db).map((collection) => ({
      ns: collection.ns,
      count: collection.size,
      ...longs(collection.counters),
    })),
  ),
  ok: 1,
});

/** mongod reports its counters as int64; the driver turns them into numbers unless promoteLongs is off. */
function longs(counters: object): Document {
  return Object.fromEntries(Object.entries(counters).map(([k, v]) => [k, Long.fromNumber(v as number)]));
}

/** A standalone mongod refuses these: there are no transactions (options.ts refuses txnNumber the same way). */
const refuseTransaction: CommandHandler = () => {
  throw noTransactions();
};

export const adminCommands: Record<string, CommandHandler> = {
  hello,
  isMaster: hello,
  ismaster: hello,
  ping: ok,
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  endSessions: ok,
  serverStatus,
  standinStats,
  commitTransaction: refuseTransaction,
  abortTransaction: refuseTransaction,
};
