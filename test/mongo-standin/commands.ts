import type { Document } from 'bson';
import { adminCommands } from './admin-commands';
import type { CommandContext, CommandHandler } from './context';
import { ddlCommands } from './ddl-commands';
import { errorReply } from './errors';
import { validateCommand } from './options';
import { readCommands } from './read-commands';
import { writeCommands } from './write-commands';

const HANDLERS: Record<string, CommandHandler> = {
  ...adminCommands,
  ...readCommands,
  ...writeCommands,
  ...ddlCommands,
};

/**
 * Runs one command and always returns a reply document. Unknown commands fail with CommandNotFound,
 * exactly what a server too old for them answers, and options the stand-in cannot honour fail before
 * anything runs (options.ts), so nothing is silently skipped.
 */
export function runCommand(body: Document, context: Omit<CommandContext, 'db'>): Document {
  const name = Object.keys(body)[0] ?? '';
  const handler = Object.prototype.hasOwnProperty.call(HANDLERS, name) ? HANDLERS[name] : undefined;
  if (!handler) return { ok: 0, errmsg: `no such command: '${name}'`, code: 59, codeName: 'CommandNotFound' };
  const counter = context.stats.commandReceived(name);
  const db = typeof body.$db === 'string' ? body.$db : 'admin';
  try {
    validateCommand(name, body);
    return handler(body, { ...context, db });
  } catch (error) {
    return errorReply(error);
  } finally {
    context.stats.commandDone(context.connection, counter);
  }
}
