import { BSON } from 'bson';
import { MessageReader, WireProtocolError } from './wire';

/** Builds an OP_MSG the way driver 7 frames an insert: a body plus a kind-1 `documents` sequence. */
function opMsg(requestId: number, body: object, documents: object[], flags = 0): Buffer {
  const bodyBytes = BSON.serialize(body);
  const docs = Buffer.concat(documents.map((doc) => BSON.serialize(doc)));
  const identifier = Buffer.from('documents\0');
  const sequenceSize = Buffer.alloc(4);
  sequenceSize.writeInt32LE(4 + identifier.length + docs.length);
  const sections = Buffer.concat([
    Buffer.from([0]),
    bodyBytes,
    Buffer.from([1]),
    sequenceSize,
    identifier,
    docs,
  ]);
  const checksum = flags & 1 ? Buffer.alloc(4) : Buffer.alloc(0);
  const header = Buffer.alloc(20);
  header.writeInt32LE(20 + sections.length + checksum.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(2013, 12);
  header.writeUInt32LE(flags, 16);
  return Buffer.concat([header, sections, checksum]);
}

describe('MessageReader', () => {
  it('reassembles messages split across chunks and merges document sequences into the body', () => {
    const frame = opMsg(7, { insert: 'c', $db: 'd' }, [{ a: 1 }, { a: 2 }]);
    const reader = new MessageReader();
    const requests = [...frame].flatMap((byte) => reader.push(Buffer.from([byte])));
    expect(requests).toEqual([
      {
        requestId: 7,
        legacy: false,
        moreToCome: false,
        body: { insert: 'c', $db: 'd', documents: [{ a: 1 }, { a: 2 }] },
      },
    ]);
  });

  it('reads two messages from one chunk, honouring moreToCome and a trailing checksum', () => {
    const reader = new MessageReader();
    const requests = reader.push(
      Buffer.concat([opMsg(1, { insert: 'c' }, [{ a: 1 }], 2), opMsg(2, { insert: 'c' }, [{ b: 2 }], 1)]),
    );
    expect(requests.map((r) => [r.requestId, r.moreToCome, r.body.documents])).toEqual([
      [1, true, [{ a: 1 }]],
      [2, false, [{ b: 2 }]],
    ]);
  });

  it('rejects a frame with an impossible length', () => {
    const bad = Buffer.alloc(16);
    bad.writeInt32LE(3, 0);
    expect(() => new MessageReader().push(bad)).toThrow(WireProtocolError);
  });
});
