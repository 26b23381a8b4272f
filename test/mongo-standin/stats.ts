/** serverStatus' opcounters, counted the way mongod 7.0 counts them (see ServerStats.commandReceived). */
export interface OpCounters {
  insert: number;
  query: number;
  update: number;
  delete: number;
  getmore: number;
  command: number;
}

export type OpCounter = keyof OpCounters;

/** What the stand-in knows about the clients of one appName (the handshake's client.application.name). */
export interface AppStats {
  appName: string | null;
  connections: { current: number; totalCreated: number };
  /** Wire messages received on this app's connections, including unacknowledged (moreToCome) writes. */
  requests: number;
  opcounters: OpCounters;
}

/** One client connection as the stats see it. */
export interface ConnectionState {
  readonly id: number;
  /** Set by the first hello: the app this connection's traffic is counted under. */
  app?: AppStats;
  /** True once a hello carried client metadata: a second one is refused, as mongod does. */
  sentClientMetadata: boolean;
}

const zeroCounters = (): OpCounters => ({
  insert: 0,
  query: 0,
  update: 0,
  delete: 0,
  getmore: 0,
  command: 0,
});

/**
 * Counters of one running stand-in: what serverStatus and the stand-in-only standinStats report.
 * Writes count what mongod counts: inserted documents, update and delete statements.
 */
export class ServerStats {
  readonly startedAt = Date.now();
  /** `host:port`, known once the listener is bound. */
  address = '';
  readonly opcounters = zeroCounters();
  readonly connections = { current: 0, totalCreated: 0 };
  readonly network = { bytesIn: 0, bytesOut: 0, numRequests: 0 };
  private readonly apps = new Map<string | null, AppStats>();
  private nextConnectionId = 1;

  connectionOpened(): ConnectionState {
    this.connections.current += 1;
    this.connections.totalCreated += 1;
    return { id: this.nextConnectionId++, sentClientMetadata: false };
  }

  connectionClosed(connection: ConnectionState): void {
    this.connections.current -= 1;
    if (connection.app) connection.app.connections.current -= 1;
  }

  /** The first hello of a connection decides which app its traffic is counted under (null: none given). */
  identify(connection: ConnectionState, appName: string | null): void {
    if (connection.app) return;
    const app = this.app(appName);
    app.connections.current += 1;
    app.connections.totalCreated += 1;
    connection.app = app;
  }

  bytesReceived(bytes: number): void {
    this.network.bytesIn += bytes;
  }

  bytesSent(bytes: number): void {
    this.network.bytesOut += bytes;
  }

  requestReceived(): void {
    this.network.numRequests += 1;
  }

  /** Counted after the command ran, so a handshake's own hello is counted under the app it names. */
  requestServed(connection: ConnectionState): void {
    this.appOf(connection).requests += 1;
  }

  /**
   * mongod counts every command it found at dispatch, before running it: find as `query`, getMore as
   * `getmore`, the write commands not at all (their documents and statements are counted as they run),
   * everything else (aggregate in 7.0, count, distinct, findAndModify, hello, ping …) as `command`.
   * The app's counter moves in commandDone, once a handshake has said which app the connection is.
   */
  commandReceived(name: string): OpCounter | undefined {
    if (name === 'insert' || name === 'update' || name === 'delete') return undefined;
    const counter = name === 'find' ? 'query' : name === 'getMore' ? 'getmore' : 'command';
    this.opcounters[counter] += 1;
    return counter;
  }

  commandDone(connection: ConnectionState, counter: OpCounter | undefined): void {
    if (counter) this.appOf(connection).opcounters[counter] += 1;
  }

  /** Documents and statements, counted as they run. */
  count(connection: ConnectionState, counter: OpCounter, n = 1): void {
    this.opcounters[counter] += n;
    this.appOf(connection).opcounters[counter] += n;
  }

  appStats(): AppStats[] {
    return [...this.apps.values()].sort((a, b) => String(a.appName).localeCompare(String(b.appName)));
  }

  private appOf(connection: ConnectionState): AppStats {
    return connection.app ?? this.app(null);
  }

  private app(appName: string | null): AppStats {
    let app = this.apps.get(appName);
    if (!app) {
      app = {
        appName,
        connections: { current: 0, totalCreated: 0 },
        requests: 0,
        opcounters: zeroCounters(),
      };
      this.apps.set(appName, app);
    }
    return app;
  }
}
