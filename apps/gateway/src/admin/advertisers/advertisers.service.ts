import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { mintSecretToken } from '@ricochet/domain/ids';
import { parseCurrency } from '@ricochet/domain/money';
import { parseCidrList } from '@ricochet/domain/network';
import { validateParamMap, validateStatusMap } from '@ricochet/domain/postback';
import {
  AdvertiserRepository,
  type AdvertiserPatch,
  type AdvertiserRecord,
  type NewAdvertiser,
} from '@ricochet/persistence';
import { Lookups } from '@ricochet/persistence';
import { parseInput } from '../common/config-input.error';
import { type PageResponse, toPageResponse } from '../common/page.dto';
import type { PaginationQuery } from '../common/pagination.dto';
import type { AdvertiserResponse, CreateAdvertiserBody, UpdateAdvertiserBody } from './dto/advertiser.dto';
import { toAdvertiserResponse, toStoredParamMap } from './advertiser.mapper';

@Injectable()
export class AdvertisersService {
  /** PUBLIC_BASE_URL: makes the responses' postback URL absolute. */
  private readonly publicBaseUrl: string | undefined;

  constructor(
    private readonly advertisers: AdvertiserRepository,
    private readonly lookups: Lookups,
    @InjectConfig() config: RicochetConfig,
  ) {
    this.publicBaseUrl = config.gateway.publicBaseUrl;
  }

  private readonly toResponse = (record: AdvertiserRecord): AdvertiserResponse =>
    toAdvertiserResponse(record, this.publicBaseUrl);

  async create(body: CreateAdvertiserBody): Promise<AdvertiserResponse> {
    const input: NewAdvertiser = {
      ...this.toFields(body),
      name: body.name,
      postbackToken: body.postbackToken ?? mintSecretToken(),
      ...(body.signingSecret ? { signingSecret: body.signingSecret } : {}),
      ...(typeof body.signatureToleranceSeconds === 'number'
        ? { signatureToleranceSec: body.signatureToleranceSeconds }
        : {}),
    };
    const created = await this.advertisers.create(input);
    this.lookups.invalidateAdvertiser(created.id);
    return this.toResponse(created);
  }

  async list(query: PaginationQuery): Promise<PageResponse<AdvertiserResponse>> {
    const page = await this.advertisers.list({ limit: query.limit, cursor: query.cursor });
    return toPageResponse(page, this.toResponse);
  }

  async get(id: string): Promise<AdvertiserResponse> {
    return this.toResponse(await this.require(id));
  }

  async update(id: string, body: UpdateAdvertiserBody): Promise<AdvertiserResponse> {
    const patch: AdvertiserPatch = {
      ...this.toFields(body),
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.postbackToken !== undefined ? { postbackToken: body.postbackToken } : {}),
      ...(body.signingSecret !== undefined ? { signingSecret: body.signingSecret } : {}),
      ...(body.signatureToleranceSeconds !== undefined
        ? { signatureToleranceSec: body.signatureToleranceSeconds }
        : {}),
    };
    const updated = await this.advertisers.update(id, patch);
    if (!updated) throw notFound(id);
    this.lookups.invalidateAdvertiser(id);
    return this.toResponse(updated);
  }

  async rotateToken(id: string): Promise<AdvertiserResponse> {
    const updated = await this.advertisers.update(id, { postbackToken: mintSecretToken() });
    if (!updated) throw notFound(id);
    this.lookups.invalidateAdvertiser(id);
    return this.toResponse(updated);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.advertisers.delete(id))) throw notFound(id);
    this.lookups.invalidateAdvertiser(id);
  }

  /** Loads an advertiser or answers 404 ADVERTISER_NOT_FOUND. */
  async require(id: string): Promise<AdvertiserRecord> {
    const advertiser = await this.advertisers.findById(id);
    if (!advertiser) throw notFound(id);
    return advertiser;
  }

  /** The optional fields create and update share, each checked by its domain parser. */
  private toFields(
    body: UpdateAdvertiserBody,
  ): Omit<AdvertiserPatch, 'name' | 'postbackToken' | 'signingSecret' | 'signatureToleranceSec'> {
    return {
      ...(body.signatureScheme !== undefined && body.signatureScheme !== null
        ? { signatureScheme: body.signatureScheme }
        : {}),
      ...(body.allowedIps !== undefined
        ? {
            allowedIps: parseInput('allowedIps', 'INVALID_CIDR', () =>
              parseCidrList(body.allowedIps ?? []).map((cidr) => cidr.text),
            ),
          }
        : {}),
      ...(body.paramMap !== undefined
        ? {
            paramMap: toStoredParamMap(
              parseInput('paramMap', 'INVALID_PARAM_MAP', () => validateParamMap(body.paramMap)),
            ),
          }
        : {}),
      ...(body.statusMap !== undefined
        ? {
            statusMap: parseInput('statusMap', 'INVALID_STATUS_MAP', () => validateStatusMap(body.statusMap)),
          }
        : {}),
      ...(body.defaultCurrency !== undefined
        ? { defaultCurrency: parseCurrency(body.defaultCurrency, 'defaultCurrency') }
        : {}),
    };
  }
}

export function notFound(id: string): NotFoundException {
  return new NotFoundException({
    code: 'ADVERTISER_NOT_FOUND',
    message: `no advertiser has id "${id}"`,
    param: 'id',
  });
}
