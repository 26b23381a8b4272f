import { deserialize, type Document, ObjectId, serialize } from 'bson';
import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

/**
 * A wire-protocol proxy that presents one standalone MongoDB (the harness's: the stand-in, a container or
 * MONGO_URL) to the driver as another kind of server, by adding fields to its handshake replies:
 *
 * - `replica-set`: the primary of a one-member replica set `rs0` (`setName`, `hosts`, `me`, `primary`…);
 * - `mongos`: a sharded cluster's router (`msg: "isdbgrid"`).
 *
 * Everything else passes byte for byte. Why: a driver never sends `$readPreference` to a standalone (the
 * server-selection spec forbids it), and code that behaves differently behind a mongos needs one to talk
 * to. Only reads and DDL may go through it: on a replica set or a mongos the driver makes writes retryable
 * (`txnNumber`), which a standalone refuses.
 */
export type ProxiedRole = 'replica-set' | 'mongos';

export interface TopologyProxy {
  /** `host:port` of the proxy (the replica set member's address in `hosts`, `me` and `primary`). */
  address: string;
  /** The same URL with its host and port replaced by the proxy's (credentials, path and query kept). */
  rewrite(url: string): string;
  close(): Promise<void>;
}

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const HEADER = 16;
const CHECKSUM_PRESENT = 1;
const HELLO_COMMANDS = new Set(['hello', 'isMaster', 'ismaster']);

export async function startTopologyProxy(
  upstream: { host: string; port: number },
  role: ProxiedRole,
): Promise<TopologyProxy> {
  const sockets = new Set<Socket>();
  let address = '';
  const server = createServer((client) => {
    const mongo = connect(upstream.port, upstream.host);
    sockets.add(client).add(mongo);
    const hellos = new Set<number>();
    client.on(
      'data',
      framer((message) => {
        if (isHello(message)) hellos.add(message.readInt32LE(4));
        mongo.write(message);
      }),
    );
    mongo.on(
      'data',
      framer((message) => {
        const answersHello = hellos.delete(message.readInt32LE(8));
        client.write(answersHello ? withFields(message, roleFields(role, address)) : message);
      }),
    );
    const closeBoth = () => {
      client.destroy();
      mongo.destroy();
      sockets.delete(client);
      sockets.delete(mongo);
    };
    client.on('close', closeBoth).on('error', closeBoth);
    mongo.on('close', closeBoth).on('error', closeBoth);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    address,
    rewrite: (url) => url.replace(/^(mongodb:\/\/(?:[^@/]*@)?)[^/?]+/, `$1${address}`),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Splits a byte stream into whole wire messages (each starts with its int32 length). */
function framer(onMessage: (message: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
      const length = pending.readInt32LE(0);
      onMessage(pending.subarray(0, length));
      pending = pending.subarray(length);
    }
  };
}

/** Whether a client message is a handshake or monitoring check (`hello` / legacy `isMaster`). */
function isHello(message: Buffer): boolean {
  const opCode = message.readInt32LE(12);
  if (opCode === OP_MSG) {
    const body = bodySection(message);
    return body !== undefined && HELLO_COMMANDS.has(firstKey(body));
  }
  if (opCode === OP_QUERY) {
    const nameEnd = message.indexOf(0, HEADER + 4);
    const query = deserialize(message.subarray(nameEnd + 1 + 8));
    const command = (query.$query as Document | undefined) ?? query;
    return HELLO_COMMANDS.has(Object.keys(command)[0] ?? '');
  }
  return false;
}

/** The kind-0 section (the command document) of an OP_MSG. */
function bodySection(message: Buffer): Buffer | undefined {
  const flags = message.readUInt32LE(HEADER);
  const end = message.length - (flags & CHECKSUM_PRESENT ? 4 : 0);
  for (let at = HEADER + 4; at < end;) {
    const kind = message[at];
    const size = message.readInt32LE(at + 1);
    if (kind === 0) return message.subarray(at + 1, at + 1 + size);
    at += 1 + size;
  }
  return undefined;
}

/** The name of a BSON document's first field, read without decoding the document. */
function firstKey(document: Buffer): string {
  const nameStart = 5;
  return document.toString('utf8', nameStart, document.indexOf(0, nameStart));
}

function roleFields(role: ProxiedRole, address: string): Document {
  if (role === 'mongos') return { msg: 'isdbgrid' };
  return {
    setName: 'rs0',
    setVersion: 1,
    electionId: new ObjectId('7fffffff0000000000000001'),
    hosts: [address],
    primary: address,
    me: address,
    secondary: false,
  };
}

/** The handshake reply with `fields` added to its document. */
function withFields(reply: Buffer, fields: Document): Buffer {
  const header = Buffer.from(reply.subarray(0, HEADER));
  const opCode = reply.readInt32LE(12);
  let rebuilt: Buffer;
  if (opCode === OP_MSG) {
    const body = bodySection(reply);
    if (!body) return reply;
    const flags = Buffer.alloc(4);
    flags.writeUInt32LE(reply.readUInt32LE(HEADER) & ~CHECKSUM_PRESENT);
    const document = serialize({ ...deserialize(body), ...fields });
    rebuilt = Buffer.concat([header, flags, Buffer.from([0]), document]);
  } else if (opCode === OP_REPLY) {
    const prefix = reply.subarray(HEADER, HEADER + 20); // responseFlags, cursorID, startingFrom, numberReturned
    const document = serialize({ ...deserialize(reply.subarray(HEADER + 20)), ...fields });
    rebuilt = Buffer.concat([header, prefix, document]);
  } else {
    return reply;
  }
  rebuilt.writeInt32LE(rebuilt.length, 0);
  return rebuilt;
}
