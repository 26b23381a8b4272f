import { CommandError } from './errors';
import { CursorRegistry } from './cursors';

describe('CursorRegistry', () => {
  const docs = Array.from({ length: 5 }, (_, n) => ({ n }));
  const ELEVEN_MINUTES = 11 * 60 * 1000;

  it('reaps a cursor idle for longer than cursorTimeoutMillis, but not one opened with noCursorTimeout', () => {
    const cursors = new CursorRegistry();
    const idle = cursors.first('db.c', docs, { batchSize: 1 }).cursor.id.toNumber();
    const kept = cursors.first('db.c', docs, { batchSize: 1, noCursorTimeout: true }).cursor.id.toNumber();
    cursors.reap(Date.now() + ELEVEN_MINUTES);
    expect(() => cursors.getMore(idle, 'db.c', 10)).toThrow(CommandError);
    expect(cursors.getMore(kept, 'db.c', 10).cursor.nextBatch).toHaveLength(4);
  });

  it('answers a getMore only for the namespace the cursor belongs to', () => {
    const cursors = new CursorRegistry();
    const id = cursors.first('db.c', docs, { batchSize: 1 }).cursor.id.toNumber();
    expect(() => cursors.getMore(id, 'db.other', 10)).toThrow(
      expect.objectContaining({ code: 13, codeName: 'Unauthorized' }),
    );
    expect(cursors.getMore(id, 'db.c', 2).cursor.nextBatch).toEqual([{ n: 1 }, { n: 2 }]);
  });
});
