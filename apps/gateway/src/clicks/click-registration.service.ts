import { BadRequestException, Injectable, Logger } from '@nestjs/common';
import { isValidClickIdFormat } from '@ricochet/domain/ids';
import {
  BatchTooLargeError,
  ClickRepository,
  MAX_CLICK_BATCH,
  type NewClick,
  PostbackRepository,
} from '@ricochet/persistence';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Lookups } from '@ricochet/persistence';
import { flattenValidationErrors, validationException } from '../http/validation';
import { AttributionDispatch } from '../postbacks/attribution-dispatch.service';
import { RegisterClickDto } from './dto/register-click.dto';
import type { RegisterClicksResponseDto } from './dto/register-clicks.dto';

/**
 * `POST /api/clicks`: registers clicks minted by an external tracker, then queues the
 * postbacks that were parked waiting for those click ids, so they attribute without a manual replay.
 */
@Injectable()
export class ClickRegistrationService {
  private readonly logger = new Logger(ClickRegistrationService.name);

  constructor(
    private readonly clicks: ClickRepository,
    private readonly postbacks: PostbackRepository,
    private readonly lookups: Lookups,
    private readonly dispatch: AttributionDispatch,
  ) {}

  /** @param body a single click, or `{ clicks: [...] }` */
  async register(body: unknown): Promise<RegisterClicksResponseDto> {
    const { items, prefix } = unpack(body);
    const dtos = items.map((item, index) => validateItem(item, prefix(index)));
    const newClicks = await Promise.all(dtos.map((dto, index) => this.toNewClick(dto, prefix(index))));
    const results = await this.clicks.registerClicks(newClicks);
    const requeuedPostbacks = await this.requeueParked(
      results.filter((result) => result.status === 'created').map((result) => result.clickId),
    );
    const created = results.filter((result) => result.status === 'created').length;
    return {
      results: results.map(({ clickId, status }) => ({ clickId, status })),
      created,
      duplicates: results.length - created,
      requeuedPostbacks,
    };
  }

  private async toNewClick(dto: RegisterClickDto, prefix: string): Promise<NewClick> {
    const [offer, source] = await Promise.all([
      this.lookups.offer(dto.offerId),
      this.lookups.source(dto.sourceId),
    ]);
    if (offer === null) invalid('OFFER_NOT_FOUND', `${prefix}offerId`, `offer ${dto.offerId} does not exist`);
    if (source === null)
      invalid('SOURCE_NOT_FOUND', `${prefix}sourceId`, `source ${dto.sourceId} does not exist`);
    const { createdAt, country, ...fields } = dto;
    return {
      ...fields,
      offerId: offer.id,
      sourceId: source.id,
      advertiserId: offer.advertiserId,
      ...(country !== undefined ? { country: country.toUpperCase() } : {}),
      ...(createdAt !== undefined ? { createdAt: new Date(createdAt) } : {}),
    };
  }

  /**
   * Re-queues postbacks parked on these click ids (one query for the whole batch); `unattributed` ones
   * go back to `accepted` first. A postback still waiting for its click has a delayed job: it is made to
   * run now instead of at its next lookup.
   */
  private async requeueParked(clickIds: readonly string[]): Promise<number> {
    const parked = await this.postbacks.findParkedByClickIds(clickIds);
    for (const postback of parked) {
      if (postback.outcome === 'unattributed') await this.postbacks.resetForReplay(postback.id, new Date());
      await this.dispatch.redispatch(postback.id);
    }
    if (parked.length > 0) this.logger.log({ msg: 'requeued parked postbacks', count: parked.length });
    return parked.length;
  }
}

function unpack(body: unknown): { items: unknown[]; prefix: (index: number) => string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    invalid('VALIDATION_FAILED', 'body', 'the body must be a click object or { "clicks": [...] }');
  }
  if (!('clicks' in body)) return { items: [body], prefix: () => '' };
  const { clicks, ...others } = body;
  const extra = Object.keys(others);
  if (extra.length > 0) {
    throw validationException([
      { param: extra[0], message: `${extra[0]} is not a known field here; remove it` },
    ]);
  }
  if (!Array.isArray(clicks) || clicks.length === 0) {
    invalid('VALIDATION_FAILED', 'clicks', 'clicks must be a non-empty array of click objects');
  }
  if (clicks.length > MAX_CLICK_BATCH) throw new BatchTooLargeError(clicks.length, MAX_CLICK_BATCH);
  return { items: clicks, prefix: (index) => `clicks[${index}].` };
}

function validateItem(item: unknown, prefix: string): RegisterClickDto {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    invalid(
      'VALIDATION_FAILED',
      prefix.slice(0, -1) || 'body',
      `${prefix.slice(0, -1) || 'body'} must be an object`,
    );
  }
  const dto = plainToInstance(RegisterClickDto, item);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  const problems = flattenValidationErrors(errors, prefix.slice(0, -1));
  if (typeof dto.clickId === 'string' && !isValidClickIdFormat(dto.clickId)) {
    problems.push({
      param: `${prefix}clickId`,
      message: `${prefix}clickId must be 1–128 characters of A-Z a-z 0-9 . _ ~ -`,
    });
  }
  if (problems.length > 0) throw validationException(problems);
  return dto;
}

function invalid(code: string, param: string, message: string): never {
  throw new BadRequestException({ code, param, message: `${code}: ${message}` });
}
