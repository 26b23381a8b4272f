import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback for chaos tests: it forwards every byte between its clients and one upstream
 * (MongoDB, Redis, anything), and can be frozen to act like a network partition that drops nothing.
 *
 * - `freeze()` stops forwarding in both directions. Sockets stay open; bytes that arrive meanwhile are
 *   held (in the proxy or in the kernel's buffers), and so are a side's end or reset. New connections
 *   are accepted and held the same way.
 * - `thaw()` forwards everything that was held, in order, then passes held ends on and carries on.
 *
 * So an operation sent during a freeze is applied after the thaw, exactly like a stalled network path
 * that recovers: what a database-timeout test needs to prove "a late write is harmless".
 *
 * ```ts
 * const proxy = await startTcpProxy({ host: '127.0.0.1', port: 27017 });
 * const url = proxy.rewrite('mongodb://127.0.0.1:27017/app'); // → mongodb://127.0.0.1:<proxy>/app
 * proxy.freeze(); … proxy.thaw();
 * await proxy.close();
 * ```
 */
export interface TcpProxy {
  host: string;
  port: number;
  readonly frozen: boolean;
  /** Client connections currently open through the proxy. */
  connections(): number;
  /** Bytes forwarded so far, per direction. */
  bytes(): { up: number; down: number };
  /** The same URL with its host and port replaced by the proxy's (credentials, path and query kept). */
  rewrite(url: string): string;
  freeze(): void;
  thaw(): void;
  /** Stops listening and destroys every connection (held bytes are dropped). */
  close(): Promise<void>;
}

export interface ProxyTarget {
  host: string;
  port: number;
}

/** One direction of one connection: what it holds while frozen. */
interface Lane {
  from: Socket;
  to: Socket;
  held: Buffer[];
  /** `from` ended (FIN) or broke while frozen: pass it on after the thaw. */
  endHeld: boolean;
  counter: 'up' | 'down';
}

export async function startTcpProxy(
  target: ProxyTarget,
  options: { host?: string; port?: number } = {},
): Promise<TcpProxy> {
  const host = options.host ?? '127.0.0.1';
  let frozen = false;
  const lanes = new Set<Lane>();
  const sockets = new Set<Socket>();
  const counted = { up: 0, down: 0 };

  const forward = (lane: Lane, chunk: Buffer): void => {
    counted[lane.counter] += chunk.length;
    if (lane.to.destroyed) return;
    if (!lane.to.write(chunk)) {
      lane.from.pause();
      lane.to.once('drain', () => {
        if (!frozen) lane.from.resume();
      });
    }
  };

  const finish = (lane: Lane): void => {
    if (!lane.to.destroyed) lane.to.end();
  };

  const wire = (from: Socket, to: Socket, counter: 'up' | 'down'): Lane => {
    const lane: Lane = { from, to, held: [], endHeld: false, counter };
    lanes.add(lane);
    from.on('data', (chunk: Buffer) => {
      if (frozen) lane.held.push(chunk);
      else forward(lane, chunk);
    });
    const ended = (): void => {
      if (frozen) lane.endHeld = true;
      else finish(lane);
    };
    from.on('end', ended);
    from.on('error', () => undefined);
    from.on('close', () => {
      // A reset (no FIN) also ends the other side, but never while frozen: nothing crosses a freeze.
      if (frozen) {
        lane.endHeld = true; // kept until the thaw forwards what it holds
      } else {
        finish(lane);
        lanes.delete(lane);
      }
    });
    if (frozen) from.pause();
    return lane;
  };

  const server: Server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    const upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => sockets.delete(socket));
    }
    upstream.on('error', () => client.destroy());
    wire(client, upstream, 'up');
    wire(upstream, client, 'down');
    if (!frozen) client.resume();
  });
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  return {
    host,
    port,
    get frozen() {
      return frozen;
    },
    connections: () => sockets.size / 2,
    bytes: () => ({ ...counted }),
    rewrite: (url: string) => {
      // Not `new URL`: a mongodb URL may list several hosts, which WHATWG URLs refuse.
      const match = /^([a-z+]+:\/\/)(?:([^@/]*)@)?([^/?]*)(.*)$/i.exec(url);
      if (!match) throw new Error(`cannot rewrite ${url} to the proxy`);
      const [, scheme, credentials, , rest] = match;
      return `${scheme}${credentials ? `${credentials}@` : ''}${host}:${port}${rest}`;
    },
    freeze: () => {
      if (frozen) return;
      frozen = true;
      for (const lane of lanes) lane.from.pause();
    },
    thaw: () => {
      if (!frozen) return;
      frozen = false;
      for (const lane of [...lanes]) {
        const held = lane.held.splice(0);
        for (const chunk of held) forward(lane, chunk);
        if (lane.endHeld) {
          lane.endHeld = false;
          finish(lane);
        }
        if (lane.from.destroyed) lanes.delete(lane);
        else lane.from.resume();
      }
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      lanes.clear();
      await closed;
    },
  };
}
