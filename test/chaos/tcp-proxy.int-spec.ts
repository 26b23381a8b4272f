import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { eventually } from '../support/config';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

/** The proxy the MongoDB freeze scenario relies on: freeze holds bytes both ways, thaw delivers them. */
describe('TCP proxy with freeze and thaw', () => {
  let upstream: Server;
  let proxy: TcpProxy;
  const received: string[] = [];
  const clients: Socket[] = [];

  beforeAll(async () => {
    // An echo server that records what reached it.
    upstream = createServer((socket) => {
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk.toString());
        socket.write(chunk);
      });
      socket.on('error', () => undefined);
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    proxy = await startTcpProxy({ host: '127.0.0.1', port: (upstream.address() as AddressInfo).port });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await proxy.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  async function client(): Promise<{ socket: Socket; echoed: () => string }> {
    const socket = connect({ host: '127.0.0.1', port: proxy.port });
    clients.push(socket);
    let echoed = '';
    socket.on('data', (chunk: Buffer) => (echoed += chunk.toString()));
    await once(socket, 'connect');
    return { socket, echoed: () => echoed };
  }

  it('forwards, holds everything while frozen without closing, then delivers it in order', async () => {
    const first = await client();
    first.socket.write('a');
    await eventually('the echo of a', () => Promise.resolve(first.echoed() === 'a'), { timeoutMs: 2_000 });

    proxy.freeze();
    first.socket.write('b');
    const second = await client(); // a new connection is accepted while frozen, and held too
    second.socket.write('c');
    await delay(300); // nothing may cross a freeze: give it the chance to
    expect(received.join('')).toBe('a');
    expect(first.echoed()).toBe('a');
    expect(first.socket.destroyed || second.socket.destroyed).toBe(false);

    proxy.thaw();
    await eventually(
      'the held bytes delivered',
      () => Promise.resolve(first.echoed() === 'ab' && second.echoed() === 'c'),
      { timeoutMs: 2_000 },
    );
    expect(proxy.bytes()).toEqual({ up: 3, down: 3 });
    expect(proxy.rewrite('mongodb://u:p@db.example:27017/x?w=1')).toBe(
      `mongodb://u:p@127.0.0.1:${proxy.port}/x?w=1`,
    );
  });
});
