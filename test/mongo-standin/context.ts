import type { Document } from 'bson';
import type { CursorRegistry } from './cursors';
import type { ConnectionState, ServerStats } from './stats';
import type { Store } from './store';

/** What a command handler may use: the shared data, the shared cursors, the counters and its connection. */
export interface CommandContext {
  store: Store;
  cursors: CursorRegistry;
  stats: ServerStats;
  connection: ConnectionState;
  /** The command's `$db`. */
  db: string;
}

/** Handlers are synchronous: commands run one at a time, so no command ever sees another half-done. */
export type CommandHandler = (command: Document, context: CommandContext) => Document;
