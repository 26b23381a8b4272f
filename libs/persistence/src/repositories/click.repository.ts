import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { BatchTooLargeError, DuplicateKeyError, isDuplicateKeyError } from '../persistence.errors';
import { Click, SUB_KEYS, SubKey } from '../schemas/click.schema';
import { compact } from './filters';
import { FindBatcher, InsertBatcher } from './turn-batchers';
import { requireObjectId } from './object-id';

export type ClickSubs = Partial<Record<SubKey, string>>;

export interface ClickRecord extends ClickSubs {
  id: string;
  clickId: string;
  offerId: string;
  sourceId: string;
  advertiserId: string;
  extClickId?: string;
  ip?: string;
  userAgent?: string;
  referrer?: string;
  country?: string;
  createdAt: Date;
}

export interface NewClick extends ClickSubs {
  clickId: string;
  offerId: string;
  sourceId: string;
  /** The offer's advertiser, copied here so attribution checks ownership cheaply. */
  advertiserId: string;
  extClickId?: string;
  ip?: string;
  userAgent?: string;
  referrer?: string;
  country?: string;
  /** Default: now. Clicks minted by an external tracker keep their original time. */
  createdAt?: Date;
}

/** The outcome of one item of {@link ClickRepository.registerClicks}, in input order. */
export type RegisterClickResult =
  { clickId: string; status: 'created'; click: ClickRecord } | { clickId: string; status: 'duplicate' };

/** Most clicks one {@link ClickRepository.registerClicks} call accepts. */
export const MAX_CLICK_BATCH = 1000;

@Injectable()
export class ClickRepository {
  /** Concurrent click writes share one insertMany per event-loop turn. */
  private readonly inserts: InsertBatcher;
  /** Concurrent attributions' click lookups share one query per event-loop turn. */
  private readonly reads: FindBatcher<string>;

  constructor(@InjectModel(Click.name) private readonly clicks: Model<Click>) {
    this.inserts = new InsertBatcher(() => this.clicks.collection);
    this.reads = new FindBatcher(() => this.clicks.collection, 'clickId', String);
  }

  /**
   * Persists one click (the `GET /click` hot path).
   * @throws DuplicateKeyError when the click id already exists.
   */
  async recordClick(input: NewClick): Promise<ClickRecord> {
    // The click hot path: a plain document straight to the driver (see PostbackRepository.recordPostback).
    const doc = compact({
      _id: new Types.ObjectId(),
      ...toClickDoc(input),
      createdAt: input.createdAt ?? new Date(),
    });
    const result = await this.inserts.insert(doc);
    if (!result.ok) {
      throw isDuplicateKeyError(result.error)
        ? new DuplicateKeyError('clicks', { clickId: input.clickId })
        : result.error;
    }
    return toClickRecord(doc as Click);
  }

  /**
   * Registers clicks minted elsewhere (`POST /api/clicks`). One unordered insert: an existing click id
   * (in the store or earlier in the batch) is reported as `duplicate` for that item, never thrown. The
   * batch is validated before anything is written, so an invalid item writes nothing.
   */
  async registerClicks(inputs: readonly NewClick[]): Promise<RegisterClickResult[]> {
    if (inputs.length > MAX_CLICK_BATCH) {
      throw new BatchTooLargeError(inputs.length, MAX_CLICK_BATCH);
    }
    if (inputs.length === 0) {
      return [];
    }
    const docs = inputs.map((input) => new this.clicks(toClickDoc(input)));
    await Promise.all(docs.map((doc) => doc.validate()));
    const duplicates = new Set<number>();
    try {
      await this.clicks.insertMany(docs, { ordered: false });
    } catch (error) {
      const writeErrors = (
        error as { writeErrors?: { index: number; code?: number; err?: { code?: number } }[] }
      ).writeErrors;
      if (
        !writeErrors ||
        writeErrors.some((writeError) => !isDuplicateKeyError(writeError.err ?? writeError))
      ) {
        throw error;
      }
      writeErrors.forEach((writeError) => duplicates.add(writeError.index));
    }
    return docs.map((doc, index) =>
      duplicates.has(index)
        ? { clickId: doc.clickId, status: 'duplicate' }
        : { clickId: doc.clickId, status: 'created', click: toClickRecord(doc.toObject()) },
    );
  }

  async findByClickId(clickId: string): Promise<ClickRecord | null> {
    // The worker's hot path: the driver directly, no mongoose query casting.
    const doc = (await this.reads.findOne(String(clickId))) as Click | null;
    return doc ? toClickRecord(doc) : null;
  }
}

function toClickDoc(input: NewClick): Partial<Click> {
  return {
    ...input,
    offerId: requireObjectId('offerId', input.offerId),
    sourceId: requireObjectId('sourceId', input.sourceId),
    advertiserId: requireObjectId('advertiserId', input.advertiserId),
  };
}

const OPTIONAL_STRINGS = ['extClickId', 'ip', 'userAgent', 'referrer', 'country', ...SUB_KEYS] as const;

function toClickRecord(doc: Click): ClickRecord {
  const record: ClickRecord = {
    id: doc._id.toHexString(),
    clickId: doc.clickId,
    offerId: doc.offerId.toHexString(),
    sourceId: doc.sourceId.toHexString(),
    advertiserId: doc.advertiserId.toHexString(),
    createdAt: doc.createdAt,
  };
  for (const key of OPTIONAL_STRINGS) {
    const value = doc[key];
    if (typeof value === 'string') {
      record[key] = value;
    }
  }
  return record;
}
