import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AttemptTrigger, ForwardMethod } from '@ricochet/domain/model';
import { Model, Types } from 'mongoose';
import { DeliveryAttempt } from '../schemas/delivery-attempt.schema';
import { compact } from './filters';
import { InsertBatcher } from './turn-batchers';
import { filterObjectId, requireObjectId } from './object-id';

/** Most bytes (UTF-8) of a response body kept on an attempt. */
export const MAX_RESPONSE_SNIPPET_BYTES = 2048;

export interface DeliveryAttemptRecord {
  id: string;
  deliveryId: string;
  attemptNo: number;
  trigger: AttemptTrigger;
  /** Secrets redacted. */
  url: string;
  method: ForwardMethod;
  statusCode?: number;
  durationMs: number;
  startedAt: Date;
  responseSnippet: string;
  errorClass?: string;
  errorMessage?: string;
}

export interface NewDeliveryAttempt {
  deliveryId: string;
  attemptNo: number;
  trigger: AttemptTrigger;
  /** Must already have its secrets redacted: attempts are shown to admins as stored. */
  url: string;
  method: ForwardMethod;
  statusCode?: number;
  durationMs: number;
  startedAt: Date;
  /** Truncated to {@link MAX_RESPONSE_SNIPPET_BYTES} bytes here, whatever the caller passes. */
  responseSnippet?: string;
  errorClass?: string;
  errorMessage?: string;
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) {
    return text;
  }
  let end = maxBytes;
  // Back up over continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) {
    end -= 1;
  }
  return bytes.subarray(0, end).toString('utf8');
}

@Injectable()
export class DeliveryAttemptRepository {
  private readonly inserts: InsertBatcher;

  constructor(@InjectModel(DeliveryAttempt.name) private readonly attempts: Model<DeliveryAttempt>) {
    this.inserts = new InsertBatcher(() => this.attempts.collection);
  }

  /** Appends one attempt (a plain document, batched with concurrent ones: every delivery writes one). */
  async recordAttempt(input: NewDeliveryAttempt): Promise<DeliveryAttemptRecord> {
    const doc = compact({
      _id: new Types.ObjectId(),
      ...input,
      deliveryId: requireObjectId('deliveryId', input.deliveryId),
      responseSnippet: truncateUtf8(input.responseSnippet ?? '', MAX_RESPONSE_SNIPPET_BYTES),
      errorMessage:
        input.errorMessage === undefined
          ? undefined
          : truncateUtf8(input.errorMessage, MAX_RESPONSE_SNIPPET_BYTES),
    }) as DeliveryAttempt;
    const result = await this.inserts.insert(doc);
    if (!result.ok) throw result.error;
    return toAttemptRecord(doc);
  }

  /** Every attempt of a delivery, in attempt order. */
  async listByDelivery(deliveryId: string): Promise<DeliveryAttemptRecord[]> {
    const docs = await this.attempts
      .find({ deliveryId: filterObjectId(deliveryId) })
      .sort({ attemptNo: 1, _id: 1 })
      .lean<DeliveryAttempt[]>()
      .exec();
    return docs.map(toAttemptRecord);
  }
}

function toAttemptRecord(doc: DeliveryAttempt): DeliveryAttemptRecord {
  return {
    id: doc._id.toHexString(),
    deliveryId: doc.deliveryId.toHexString(),
    attemptNo: doc.attemptNo,
    trigger: doc.trigger,
    url: doc.url,
    method: doc.method,
    ...(doc.statusCode !== undefined ? { statusCode: doc.statusCode } : {}),
    durationMs: doc.durationMs,
    startedAt: doc.startedAt,
    responseSnippet: doc.responseSnippet,
    ...(doc.errorClass !== undefined ? { errorClass: doc.errorClass } : {}),
    ...(doc.errorMessage !== undefined ? { errorMessage: doc.errorMessage } : {}),
  };
}
