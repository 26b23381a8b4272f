import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { ConversionStatus } from '@ricochet/domain/model';
import { type EndpointRecord, SourceRepository } from '@ricochet/persistence';
import { AttributionProducer } from '@ricochet/queue';
import { BackfillRunStore, type BackfillScope, BackfillSelection } from '@ricochet/forwarding';
import { configInputError } from '../common/config-input.error';
import type { BackfillBody, BackfillProgressResponse, BackfillResponse } from './dto/backfill.dto';
import { findEndpointOrThrow } from '../common/endpoint-lookup';

/** The longest range one backfill covers; a longer one is split into several. */
export const MAX_BACKFILL_DAYS = 366;
const DAY_MS = 24 * 3_600_000;

/**
 * Backfills: forward past conversions of a source to one of its endpoints (one added or fixed after
 * they happened). Counts what would be forwarded, then hands the run to the worker as one resumable
 * job (`backfill`) that walks the conversions in batches with a checkpoint after each, creating the
 * deliveries the live pipeline would have created (same ids, so a second run creates nothing new).
 */
@Injectable()
export class BackfillService {
  constructor(
    private readonly sources: SourceRepository,
    private readonly selection: BackfillSelection,
    private readonly runs: BackfillRunStore,
    private readonly producer: AttributionProducer,
  ) {}

  async start(body: BackfillBody): Promise<BackfillResponse> {
    checkRange(body.from, body.to);
    const endpoint = await findEndpointOrThrow(
      this.sources,
      body.sourceId.toLowerCase(),
      body.endpointId.toLowerCase(),
    );
    const statuses = statusesFor(endpoint, body.statuses);
    if (body.dryRun !== true && !endpoint.enabled) {
      const why = endpoint.disabledReason ? ` (${endpoint.disabledReason})` : '';
      throw new ConflictException({
        code: 'ENDPOINT_DISABLED',
        message:
          `endpoint "${endpoint.id}" of source "${body.sourceId}" is disabled${why}: nothing could be sent; ` +
          `enable it first (POST /api/sources/${body.sourceId}/endpoints/${endpoint.id}/enable)`,
        param: 'endpointId',
      });
    }
    const startedAt = new Date();
    // Conversions created from now on are planned by attribution as usual: the walk stops here.
    const until = body.to.getTime() < startedAt.getTime() ? body.to : startedAt;
    const scope: BackfillScope = {
      sourceId: body.sourceId.toLowerCase(),
      endpoint,
      from: body.from,
      until,
      statuses,
    };
    const matched = await this.selection.count(scope);
    if (body.dryRun === true) return { matched };
    const backfillId = randomUUID();
    await this.runs.start(
      backfillId,
      {
        sourceId: scope.sourceId,
        endpointId: endpoint.id,
        from: body.from.toISOString(),
        to: body.to.toISOString(),
        until: until.toISOString(),
        statuses,
      },
      matched,
      startedAt,
    );
    await this.producer.backfill(backfillId);
    return { backfillId, matched };
  }

  async progressOf(backfillId: string): Promise<BackfillProgressResponse> {
    const run = await this.runs.get(backfillId);
    if (!run) {
      throw new NotFoundException({
        code: 'NOT_FOUND',
        message: `backfill "${backfillId}" not found (unknown, or finished more than 7 days ago)`,
        param: 'id',
      });
    }
    return {
      backfillId: run.runId,
      sourceId: run.sourceId,
      endpointId: run.endpointId,
      from: run.from,
      to: run.to,
      statuses: run.statuses,
      matched: run.matched,
      processed: run.processed,
      created: run.created,
      skipped: run.skipped,
      done: run.done,
      startedAt: run.startedAt,
      ...(run.finishedAt !== undefined ? { finishedAt: run.finishedAt } : {}),
      ...(run.error !== undefined ? { error: run.error } : {}),
      ...(run.lastError !== undefined && !run.done ? { lastError: run.lastError } : {}),
    };
  }
}

/** A half-open range [from, to) of at most {@link MAX_BACKFILL_DAYS} days. */
function checkRange(from: Date, to: Date): void {
  if (from.getTime() >= to.getTime()) {
    throw configInputError(
      'INVALID_TIME_RANGE',
      'to',
      `"to" (${to.toISOString()}) must be later than "from" (${from.toISOString()}); the range is [from, to)`,
    );
  }
  const days = (to.getTime() - from.getTime()) / DAY_MS;
  if (days > MAX_BACKFILL_DAYS) {
    throw configInputError(
      'RANGE_TOO_LONG',
      'to',
      `the range spans ${Math.ceil(days)} days; one backfill covers at most ${MAX_BACKFILL_DAYS} days`,
      'split it into several backfills of consecutive ranges',
    );
  }
}

/** The statuses to walk: the asked ones, each of which the endpoint must forward; default all of its own. */
function statusesFor(endpoint: EndpointRecord, asked?: readonly ConversionStatus[]): ConversionStatus[] {
  if (asked === undefined || asked.length === 0) return [...endpoint.statuses];
  const unknown = asked.filter((status) => !endpoint.statuses.includes(status));
  if (unknown.length > 0) {
    throw configInputError(
      'STATUS_NOT_FORWARDED',
      'statuses',
      `endpoint "${endpoint.id}" forwards ${endpoint.statuses.join(', ')} only; ` +
        `${unknown.join(', ')} would never be sent to it`,
      `use statuses from [${endpoint.statuses.join(', ')}], or change the endpoint's statuses first`,
    );
  }
  return [...new Set(asked)];
}
