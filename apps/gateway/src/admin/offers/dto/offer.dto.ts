import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { OFFER_STATES, type OfferState } from '@ricochet/domain/model';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, Matches, ValidateNested } from 'class-validator';
import { EnumField, NumberField, TextField } from '../../common/fields.decorator';
import { MoneyString } from '../../common/money.decorator';
import { PageOf } from '../../common/page.dto';
import { PaginationQuery } from '../../common/pagination.dto';
import { PayoutPolicyBody, PayoutPolicyResponse } from '../../common/payout-rule.dto';
import { IsTemplate } from '../../common/template.decorator';

const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

export class CreateOfferBody {
  @TextField({
    description: 'The advertiser that runs this offer (must exist)',
    example: '665f1c2e8b3d4a0012345678',
    min: 24,
    max: 24,
    pattern: OBJECT_ID,
    patternMessage: 'advertiserId must be a 24-character hex id',
  })
  advertiserId!: string;

  @TextField({ description: 'Display name', example: 'Acme VPN – US trial', max: 200 })
  name!: string;

  @IsTemplate('offer-url', {
    description: 'Landing URL the click redirects to; macros are filled from the click, URL-encoded',
    example: 'https://acme.example/landing?aff_click_id={click_id}&s1={sub1}',
  })
  url!: string;

  @IsTemplate('offer-url', {
    description:
      'Where clicks go while the offer is paused or the source is unknown. Same macros as `url`, filled ' +
      'from the click request and URL-encoded; no click is recorded on this path, so `{click_id}` is ' +
      'empty. PATCH `null` removes it.',
    example: 'https://acme.example/offers?s1={sub1}&ref={source_id}',
    required: false,
  })
  fallbackUrl?: string;

  @MoneyString({
    description: 'Revenue counted when a postback carries no payout; PATCH `null` removes it',
    example: '12.50',
    required: false,
  })
  defaultRevenue?: string;

  @ApiPropertyOptional({
    type: PayoutPolicyBody,
    description: "How sources are paid for this offer (default passthrough); a source's own rule wins",
    example: { type: 'percent', percent: '70', perEvent: { ftd: { type: 'fixed', amount: '25.00' } } },
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => PayoutPolicyBody)
  payoutRule?: PayoutPolicyBody;

  @NumberField({
    description: 'How many days after the click a conversion is still attributed (default 30)',
    example: 30,
    required: false,
    integer: true,
    min: 1,
    max: 365,
  })
  attributionWindowDays?: number;

  @EnumField(OFFER_STATES, {
    description: 'active or paused (default active)',
    example: 'active',
    required: false,
  })
  status?: OfferState;
}

export class UpdateOfferBody extends PartialType(OmitType(CreateOfferBody, ['advertiserId'] as const)) {}

/** `GET /api/offers` filters, all optional (no examples: they would prefill Swagger UI's inputs). */
export class OfferListQuery extends PaginationQuery {
  @ApiPropertyOptional({ description: "Only this advertiser's offers (24-character hex id)" })
  @IsOptional()
  @Matches(OBJECT_ID, { message: 'advertiserId must be a 24-character hex id' })
  advertiserId?: string;

  @ApiPropertyOptional({ enum: OFFER_STATES, description: 'Only offers in this state' })
  @IsOptional()
  @IsIn(OFFER_STATES)
  status?: OfferState;
}

export class OfferResponse {
  @ApiProperty({ example: '665f1c2e8b3d4a0087654321', description: 'Offer id' })
  id!: string;

  @ApiProperty({ example: '665f1c2e8b3d4a0012345678', description: 'Advertiser id' })
  advertiserId!: string;

  @ApiProperty({ example: 'Acme VPN – US trial', description: 'Display name' })
  name!: string;

  @ApiProperty({
    example: 'https://acme.example/landing?aff_click_id={click_id}',
    description: 'Landing URL template',
  })
  url!: string;

  @ApiPropertyOptional({
    example: 'https://acme.example/offers?s1={sub1}&ref={source_id}',
    description: 'URL template used while paused or for an unknown source (macros filled, no click id)',
  })
  fallbackUrl?: string;

  @ApiPropertyOptional({ example: '12.50', description: 'Revenue when a postback carries none' })
  defaultRevenue?: string;

  @ApiProperty({ type: PayoutPolicyResponse, description: 'How sources are paid' })
  payoutRule!: PayoutPolicyResponse;

  @ApiProperty({ example: 30, description: 'Attribution window in days' })
  attributionWindowDays!: number;

  @ApiProperty({ enum: OFFER_STATES, example: 'active', description: 'active or paused' })
  status!: OfferState;

  @ApiProperty({ example: '2026-01-01T00:00:00.000Z', description: 'Created at' })
  createdAt!: string;

  @ApiProperty({ example: '2026-01-01T00:00:00.000Z', description: 'Last changed at' })
  updatedAt!: string;
}

export class OfferPage extends PageOf(OfferResponse) {}
