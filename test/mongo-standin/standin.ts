import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { hostname } from 'node:os';
import type { Document } from 'bson';
import { runCommand } from './commands';
import { CommandError } from './errors';
import { CursorRegistry } from './cursors';
import { type ConnectionState, ServerStats } from './stats';
import { Store } from './store';
import { MessageReader, type WireRequest, encodeOpMsg, encodeOpReply } from './wire';

/** A stand-in listening on a TCP port. */
export interface RunningStandin {
  /** `mongodb://<host>:<port>`, without a database path. */
  url: string;
  port: number;
  host: string;
  /** Closes the listener and destroys every open connection; the data is discarded. */
  stop(): Promise<void>;
}

export interface StandinOptions {
  /** 0 or undefined: a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** How often TTL indexes are applied; MongoDB's monitor runs every 60 s, we default to 1 s. */
  ttlIntervalMs?: number;
}

/**
 * Starts an in-memory MongoDB wire-protocol stand-in that the official driver and mongoose connect to.
 * Test support only: no persistence, no transactions (refused, as on a standalone mongod), no authentication.
 */
export async function startMongoStandin(options: StandinOptions = {}): Promise<RunningStandin> {
  const host = options.host ?? '127.0.0.1';
  const store = new Store();
  const cursors = new CursorRegistry();
  const stats = new ServerStats();
  const sockets = new Set<Socket>();

  const server = createServer((socket) => {
    const connection = stats.connectionOpened();
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => {
      sockets.delete(socket);
      stats.connectionClosed(connection);
    });
    // A reset from a client that went away needs no handling beyond dropping the socket.
    socket.on('error', () => socket.destroy());
    serveConnection(socket, { store, cursors, stats, connection });
  });
  await listen(server, options.port ?? 0, host);
  const port = (server.address() as AddressInfo).port;
  stats.address = `${hostname()}:${port}`;

  const timer = setInterval(() => {
    const now = Date.now();
    store.expire(now);
    cursors.reap(now);
  }, options.ttlIntervalMs ?? 1000);
  timer.unref();

  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `mongodb://${urlHost}:${port}`,
    port,
    host,
    stop: async () => {
      clearInterval(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // server.close only stops accepting: pooled driver connections would keep the old process state alive.
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function serveConnection(
  socket: Socket,
  context: { store: Store; cursors: CursorRegistry; stats: ServerStats; connection: ConnectionState },
): void {
  const { stats, connection } = context;
  const reader = new MessageReader();
  socket.on('data', (chunk: Buffer) => {
    stats.bytesReceived(chunk.length);
    let requests: WireRequest[];
    try {
      requests = reader.push(chunk);
    } catch {
      // A framing error leaves the byte stream unusable; the server drops such a connection too.
      socket.destroy();
      return;
    }
    for (const request of requests) {
      stats.requestReceived();
      const reply = runCommand(request.body, context);
      stats.requestServed(connection);
      if (request.moreToCome) continue;
      const encoded = encodeReply(request, reply);
      stats.bytesSent(encoded.length);
      socket.write(encoded);
    }
  });
}

function encodeReply(request: WireRequest, reply: Document): Buffer {
  const encode = request.legacy ? encodeOpReply : encodeOpMsg;
  try {
    return encode(request.requestId, reply);
  } catch (error) {
    // An unserialisable reply (e.g. over the BSON size limit) still gets an answer the driver can report.
    return encode(request.requestId, new CommandError(10334, 'BSONObjectTooLarge', String(error)).toReply());
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
