import { BSON, type Document } from 'bson';

// Opcodes of the MongoDB wire protocol: https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_COMPRESSED = 2012;
const OP_MSG = 2013;

const HEADER_BYTES = 16;
const CHECKSUM_PRESENT = 1;
const MORE_TO_COME = 2;
/** Twice maxMessageSizeBytes: anything bigger is a framing error, not a message. */
const MAX_FRAME_BYTES = 96 * 1024 * 1024;

/** One decoded client message: the command body with kind-1 sequences merged in. */
export interface WireRequest {
  requestId: number;
  /** OP_QUERY handshakes must be answered with OP_REPLY, OP_MSG with OP_MSG. */
  legacy: boolean;
  /** The client sent moreToCome: it expects no reply (unacknowledged writes). */
  moreToCome: boolean;
  body: Document;
}

export class WireProtocolError extends Error {}

/** Accumulates socket chunks and yields whole messages; TCP may split or join frames anywhere. */
export class MessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): WireRequest[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const requests: WireRequest[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.peek(4);
      const length = head.readInt32LE(0);
      if (length < HEADER_BYTES || length > MAX_FRAME_BYTES) {
        throw new WireProtocolError(`invalid message length ${length}`);
      }
      if (this.buffered < length) break;
      requests.push(decodeMessage(this.take(length)));
    }
    return requests;
  }

  private peek(bytes: number): Buffer {
    if (this.chunks[0].length < bytes) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }

  private take(bytes: number): Buffer {
    const all = this.peek(bytes);
    const frame = all.subarray(0, bytes);
    const rest = all.subarray(bytes);
    this.chunks = rest.length ? [rest, ...this.chunks.slice(1)] : this.chunks.slice(1);
    this.buffered -= bytes;
    return frame;
  }
}

function decodeMessage(frame: Buffer): WireRequest {
  const requestId = frame.readInt32LE(4);
  const opCode = frame.readInt32LE(12);
  if (opCode === OP_MSG) return { requestId, legacy: false, ...decodeOpMsg(frame) };
  if (opCode === OP_QUERY) return { requestId, legacy: true, moreToCome: false, body: decodeOpQuery(frame) };
  if (opCode === OP_COMPRESSED) {
    // We never advertise compression in hello, so a compressed frame means a misconfigured client.
    throw new WireProtocolError('OP_COMPRESSED is not supported by the mongo stand-in');
  }
  throw new WireProtocolError(`unsupported opcode ${opCode}`);
}

function decodeOpMsg(frame: Buffer): { moreToCome: boolean; body: Document } {
  const flags = frame.readUInt32LE(HEADER_BYTES);
  const end = flags & CHECKSUM_PRESENT ? frame.length - 4 : frame.length;
  let offset = HEADER_BYTES + 4;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = frame[offset];
    offset += 1;
    if (kind === 0) {
      const size = frame.readInt32LE(offset);
      body = deserialize(frame.subarray(offset, offset + size));
      offset += size;
    } else if (kind === 1) {
      // Driver 7 sends insert/update/delete payloads as document sequences next to the body.
      const size = frame.readInt32LE(offset);
      const sectionEnd = offset + size;
      const nameEnd = frame.indexOf(0, offset + 4);
      const identifier = frame.toString('utf8', offset + 4, nameEnd);
      const docs: Document[] = [];
      for (let at = nameEnd + 1; at < sectionEnd;) {
        const docSize = frame.readInt32LE(at);
        docs.push(deserialize(frame.subarray(at, at + docSize)));
        at += docSize;
      }
      sequences.push([identifier, docs]);
      offset = sectionEnd;
    } else {
      throw new WireProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new WireProtocolError('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) {
    const existing: unknown = body[identifier];
    body[identifier] = Array.isArray(existing) ? [...(existing as Document[]), ...docs] : docs;
  }
  return { moreToCome: (flags & MORE_TO_COME) !== 0, body };
}

/** Only the legacy handshake (`isMaster` on `admin.$cmd`) is accepted over OP_QUERY. */
function decodeOpQuery(frame: Buffer): Document {
  let offset = HEADER_BYTES + 4;
  const nameEnd = frame.indexOf(0, offset);
  const namespace = frame.toString('utf8', offset, nameEnd);
  offset = nameEnd + 1 + 8;
  const size = frame.readInt32LE(offset);
  const query = deserialize(frame.subarray(offset, offset + size));
  const dot = namespace.indexOf('.');
  if (namespace.slice(dot + 1) !== '$cmd') {
    throw new WireProtocolError(`legacy OP_QUERY on ${namespace} is not supported; only commands are`);
  }
  // Drivers wrap the command in $query when they attach a read preference.
  const command = (query.$query as Document | undefined) ?? query;
  return { ...command, $db: namespace.slice(0, dot) };
}

function deserialize(bytes: Buffer): Document {
  // Longs that fit a double become numbers, as the driver does by default, so mingo compares them numerically.
  return BSON.deserialize(bytes, { promoteLongs: true, promoteValues: true });
}

export function encodeOpMsg(responseTo: number, body: Document): Buffer {
  const doc = BSON.serialize(body);
  const header = Buffer.alloc(HEADER_BYTES + 5);
  writeHeader(header, header.length + doc.length, responseTo, OP_MSG);
  header.writeUInt32LE(0, HEADER_BYTES);
  header[HEADER_BYTES + 4] = 0;
  return Buffer.concat([header, doc]);
}

export function encodeOpReply(responseTo: number, body: Document): Buffer {
  const doc = BSON.serialize(body);
  const header = Buffer.alloc(HEADER_BYTES + 20);
  writeHeader(header, header.length + doc.length, responseTo, OP_REPLY);
  header.writeInt32LE(0, HEADER_BYTES);
  header.writeBigInt64LE(0n, HEADER_BYTES + 4);
  header.writeInt32LE(0, HEADER_BYTES + 12);
  header.writeInt32LE(1, HEADER_BYTES + 16);
  return Buffer.concat([header, doc]);
}

let nextResponseId = 1;

function writeHeader(buffer: Buffer, length: number, responseTo: number, opCode: number): void {
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(nextResponseId++ & 0x7fffffff, 4);
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
}
