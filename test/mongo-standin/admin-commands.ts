import type { Document } from 'bson';
import type { CommandHandler } from './context';
import { CommandError } from './errors';

const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
const MAX_WRITE_BATCH_SIZE = 100_000;

/**
 * The handshake answer. Driver 7 needs maxWireVersion >= 9 (21 is MongoDB 7.0) and
 * logicalSessionTimeoutMinutes, or it reports "topology does not support sessions". No setName/hosts
 * (we are a standalone), no topologyVersion (it would switch the monitor to streaming/exhaust),
 * no compression (we do not decompress).
 */
const hello: CommandHandler = (command, { connectionId }) => ({
  ...(command.helloOk ? { helloOk: true } : {}),
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

const buildInfo: CommandHandler = () => ({
  version: '7.0.0',
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

export const adminCommands: Record<string, CommandHandler> = {
  hello,
  isMaster: hello,
  ismaster: hello,
  ping: ok,
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  endSessions: ok,
  // Transactions are accepted so code using sessions runs, but there is no isolation and abort does
  // not roll anything back: each write inside a "transaction" is applied immediately.
  commitTransaction: ok,
  abortTransaction: ok,
};
