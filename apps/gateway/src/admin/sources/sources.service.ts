import { Injectable, NotFoundException } from '@nestjs/common';
import { generateWebhookSecret } from '@ricochet/domain/delivery';
import {
  type EndpointInput,
  type EndpointRecord,
  SourceRepository,
  type SourcePatch,
  type SourceRecord,
} from '@ricochet/persistence';
import { Lookups } from '@ricochet/persistence';
import { configInputError } from '../common/config-input.error';
import { type PageResponse, toPageResponse } from '../common/page.dto';
import type { PaginationQuery } from '../common/pagination.dto';
import { toPayoutPolicy } from '../common/payout-rule.mapper';
import type { EndpointBody } from './dto/endpoint.dto';
import type { CreateSourceBody, SourceResponse, UpdateSourceBody } from './dto/source.dto';
import { EndpointInputService } from './endpoint-input.service';
import { toSourceResponse } from './source.mapper';

@Injectable()
export class SourcesService {
  constructor(
    private readonly sources: SourceRepository,
    private readonly endpointInput: EndpointInputService,
    private readonly lookups: Lookups,
  ) {}

  async create(body: CreateSourceBody): Promise<SourceResponse> {
    const endpoints = this.checkEndpoints(body.endpoints ?? [], []);
    const created = await this.sources.create({
      name: body.name,
      ...(body.payoutRule ? { payoutPolicy: toPayoutPolicy(body.payoutRule, 'payoutRule') } : {}),
      endpoints: endpoints.inputs,
    });
    this.lookups.invalidateSource(created.id);
    return toSourceResponse(created, revealed(created, endpoints.reveal));
  }

  async list(query: PaginationQuery): Promise<PageResponse<SourceResponse>> {
    const page = await this.sources.list({ limit: query.limit, cursor: query.cursor });
    return toPageResponse(page, (record) => toSourceResponse(record));
  }

  async get(id: string): Promise<SourceResponse> {
    return toSourceResponse(await this.require(id));
  }

  async update(id: string, body: UpdateSourceBody): Promise<SourceResponse> {
    const current = await this.require(id);
    const payoutRule = (body as { payoutRule?: UpdateSourceBody['payoutRule'] | null }).payoutRule;
    const endpoints = body.endpoints ? this.checkEndpoints(body.endpoints, current.endpoints) : undefined;
    const patch: SourcePatch = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(payoutRule === null ? { payoutPolicy: null } : {}),
      ...(payoutRule ? { payoutPolicy: toPayoutPolicy(payoutRule, 'payoutRule') } : {}),
      ...(endpoints ? { endpoints: endpoints.inputs } : {}),
    };
    return this.save(id, patch, (record) => revealed(record, endpoints?.reveal ?? []));
  }

  async remove(id: string): Promise<void> {
    if (!(await this.sources.delete(id))) throw notFound('SOURCE_NOT_FOUND', `no source has id "${id}"`);
    this.lookups.invalidateSource(id);
  }

  /** Switches an endpoint back on (after a 410 auto-disable, or a manual `enabled: false`). */
  async enableEndpoint(id: string, endpointId: string): Promise<SourceResponse> {
    return this.changeEndpoint(id, endpointId, (endpoint) => ({ ...withoutReason(endpoint), enabled: true }));
  }

  /** Replaces an endpoint's signing secret (or creates one); the new secret is in this response only. */
  async rotateEndpointSecret(id: string, endpointId: string): Promise<SourceResponse> {
    return this.changeEndpoint(
      id,
      endpointId,
      (endpoint) => ({ ...withoutReason(endpoint), signingSecret: generateWebhookSecret() }),
      true,
    );
  }

  private async changeEndpoint(
    id: string,
    endpointId: string,
    change: (endpoint: EndpointRecord) => EndpointInput,
    reveal = false,
  ): Promise<SourceResponse> {
    const current = await this.require(id);
    const target = current.endpoints.find((endpoint) => endpoint.id === endpointId.toLowerCase());
    if (!target) {
      throw notFound('ENDPOINT_NOT_FOUND', `source "${id}" has no endpoint "${endpointId}"`, 'endpointId');
    }
    // Read-modify-write of the list: the repository has no single-endpoint update besides disabling.
    const endpoints = current.endpoints.map((endpoint) =>
      endpoint.id === target.id ? change(endpoint) : endpoint,
    );
    return this.save(id, { endpoints }, () => new Set(reveal ? [target.id] : []));
  }

  private async save(
    id: string,
    patch: SourcePatch,
    reveal: (record: SourceRecord) => ReadonlySet<string>,
  ): Promise<SourceResponse> {
    const updated = await this.sources.update(id, patch);
    if (!updated) throw notFound('SOURCE_NOT_FOUND', `no source has id "${id}"`);
    this.lookups.invalidateSource(id);
    return toSourceResponse(updated, reveal(updated));
  }

  private async require(id: string): Promise<SourceRecord> {
    const source = await this.sources.findById(id);
    if (!source) throw notFound('SOURCE_NOT_FOUND', `no source has id "${id}"`);
    return source;
  }

  /** Checks every endpoint; an `id` must name one of the source's endpoints and appear once. */
  private checkEndpoints(
    bodies: EndpointBody[],
    existing: readonly EndpointRecord[],
  ): { inputs: EndpointInput[]; reveal: number[] } {
    const seen = new Set<string>();
    const reveal: number[] = [];
    const inputs = bodies.map((body, index) => {
      const path = `endpoints[${index}]`;
      const id = body.id?.toLowerCase();
      const stored = id === undefined ? undefined : existing.find((endpoint) => endpoint.id === id);
      if (id !== undefined && (!stored || seen.has(id))) {
        throw configInputError(
          'UNKNOWN_ENDPOINT_ID',
          `${path}.id`,
          `"${path}.id" ${stored ? 'appears twice' : 'is not an endpoint of this source'}`,
          'omit id to add a new endpoint',
        );
      }
      if (id !== undefined) seen.add(id);
      const checked = this.endpointInput.check({ ...body, ...(id ? { id } : {}) }, path, stored);
      if (checked.revealSecret) reveal.push(index);
      const keepReason = stored?.disabledReason !== undefined && checked.input.enabled === false;
      return keepReason ? { ...checked.input, disabledReason: stored.disabledReason } : checked.input;
    });
    return { inputs, reveal };
  }
}

/** Endpoint ids (by position in the saved list) whose secret this request generated. */
function revealed(record: SourceRecord, positions: readonly number[]): Set<string> {
  return new Set(positions.flatMap((index) => (record.endpoints[index] ? [record.endpoints[index].id] : [])));
}

function withoutReason(endpoint: EndpointRecord): EndpointInput {
  const copy: EndpointInput = { ...endpoint };
  delete copy.disabledReason;
  return copy;
}

function notFound(code: string, message: string, param = 'id'): NotFoundException {
  return new NotFoundException({ code, message, param });
}
