import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { POSTBACK_SIGNATURE_SCHEMES, type PostbackSignatureScheme } from '@ricochet/domain/delivery';
import { CONVERSION_STATUSES, type ConversionStatus } from '@ricochet/domain/model';
import { PageOf } from '../../common/page.dto';
import {
  EnumField,
  NumberField,
  ObjectField,
  StringListField,
  TextField,
} from '../../common/fields.decorator';

/** Longest per-advertiser signature tolerance: one day. */
export const MAX_SIGNATURE_TOLERANCE_SECONDS = 86_400;

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export class CreateAdvertiserBody {
  @TextField({ description: 'Display name', example: 'Acme Network', max: 200 })
  name!: string;

  @TextField({
    description:
      "Secret that authenticates this advertiser's postbacks (path `/postback/<token>` or `?token=`). " +
      'Omit to have a random 43-character token generated; when given: 16–128 URL-safe characters.',
    example: 'k3Jd9sLq0Zx8Vb2Nm4Rt6Yp1Wc5Ue7Ha',
    required: false,
    min: 16,
    max: 128,
    pattern: TOKEN_PATTERN,
    patternMessage: 'postbackToken must be 16–128 URL-safe characters (A–Z a–z 0–9 _ -)',
  })
  postbackToken?: string;

  @StringListField({
    description: 'Addresses allowed to send postbacks, as IPs or CIDRs; empty or omitted = any address',
    example: ['203.0.113.0/24', '2001:db8::/32'],
    required: false,
    maxItems: 200,
    maxLength: 64,
  })
  allowedIps?: string[];

  @ObjectField({
    description:
      "Which of the advertiser's parameter names feed our canonical fields (clickId, payout, txid, status, " +
      "event, currency). An entry replaces that field's default aliases.",
    example: { clickId: ['transaction_id'], payout: 'sum' },
    required: false,
    valueType: 'array',
  })
  paramMap?: Record<string, string | string[]>;

  @ObjectField({
    description: `The advertiser's status words → ${CONVERSION_STATUSES.join(' | ')}; adds to the default synonyms`,
    example: { '5': 'pending', sale: 'approved', billed: 'approved' },
    required: false,
  })
  statusMap?: Record<string, string>;

  @TextField({
    description: 'ISO 4217 currency of postbacks that carry none (default USD)',
    example: 'EUR',
    required: false,
    min: 3,
    max: 3,
  })
  defaultCurrency?: string;

  @TextField({
    description:
      'Optional HMAC secret for signed postbacks. Write-only: never returned (see `hasSigningSecret`). ' +
      'In PATCH, `null` removes it.',
    example: 'b1f0c4e2a9d84f6e8c3b7a5d2e1f0c9b',
    required: false,
    min: 16,
    max: 256,
  })
  signingSecret?: string;

  @EnumField(POSTBACK_SIGNATURE_SCHEMES, {
    description:
      'How signed postbacks are checked (docs/security.md). `v1` (default): HMAC-SHA256 over timestamp, ' +
      'method, path, query string and body, refused outside the tolerance. `legacy-body`: the older ' +
      'body-only HMAC, for senders that cannot move yet; no replay window, and a signed body refuses ' +
      'query parameters.',
    example: 'v1',
    required: false,
  })
  signatureScheme?: PostbackSignatureScheme;

  @NumberField({
    description:
      "How far a v1 signature's timestamp may be from the gateway's clock, in seconds; omit for " +
      'SIGNATURE_TOLERANCE (5 minutes). In PATCH, `null` goes back to the default.',
    example: 300,
    required: false,
    min: 1,
    max: MAX_SIGNATURE_TOLERANCE_SECONDS,
    integer: true,
  })
  signatureToleranceSeconds?: number;
}

export class UpdateAdvertiserBody extends PartialType(CreateAdvertiserBody) {}

export class AdvertiserResponse {
  @ApiProperty({ example: '665f1c2e8b3d4a0012345678', description: 'Advertiser id' })
  id!: string;

  @ApiProperty({ example: 'Acme Network', description: 'Display name' })
  name!: string;

  @ApiProperty({
    example: 'k3Jd9sLq0Zx8Vb2Nm4Rt6Yp1Wc5Ue7Ha',
    description:
      "Secret token in the advertiser's postback URL; rotate with POST /api/advertisers/{id}/rotate-token",
  })
  postbackToken!: string;

  @ApiProperty({
    example:
      'https://track.example.com/postback/k3Jd9sLq0Zx8Vb2Nm4Rt6Yp1Wc5Ue7Ha?click_id={clickid}&payout={payout}&status={status}&txid={txid}',
    description:
      'Ready-to-paste postback URL for the advertiser: absolute when PUBLIC_BASE_URL is set, else a path ' +
      "to put after the gateway's public address (see postbackUrlNote). The `{…}` placeholders on the " +
      "right are the ADVERTISER's macros: replace them with the macro names their platform uses. " +
      "Parameter names follow this advertiser's paramMap.",
  })
  postbackUrlExample!: string;

  @ApiPropertyOptional({
    example:
      "postbackUrlExample is relative: put the gateway's public address (https://your-host) in front of " +
      'it, or set PUBLIC_BASE_URL to get it absolute.',
    description: 'Present only when postbackUrlExample is relative (PUBLIC_BASE_URL is not set)',
  })
  postbackUrlNote?: string;

  @ApiProperty({
    example: ['203.0.113.0/24'],
    description: 'Allowed sender CIDRs; empty = any',
    type: [String],
  })
  allowedIps!: string[];

  @ApiProperty({
    example: { clickId: ['transaction_id'] },
    description: "Canonical field → the advertiser's parameter names",
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
  })
  paramMap!: Record<string, string[]>;

  @ApiProperty({
    example: { sale: 'approved' },
    description: 'Status word → status',
    type: 'object',
    additionalProperties: { type: 'string', enum: [...CONVERSION_STATUSES] },
  })
  statusMap!: Record<string, ConversionStatus>;

  @ApiProperty({ example: 'USD', description: 'Currency of postbacks that carry none' })
  defaultCurrency!: string;

  @ApiProperty({
    example: false,
    description: 'Whether a signing secret is set (the secret itself is write-only)',
  })
  hasSigningSecret!: boolean;

  @ApiProperty({
    enum: POSTBACK_SIGNATURE_SCHEMES,
    example: 'v1',
    description: 'How signed postbacks are checked (used only when a signing secret is set)',
  })
  signatureScheme!: PostbackSignatureScheme;

  @ApiProperty({
    example: null,
    nullable: true,
    type: Number,
    description: "The advertiser's own signature tolerance in seconds; null = SIGNATURE_TOLERANCE",
  })
  signatureToleranceSeconds!: number | null;

  @ApiProperty({ example: '2026-01-01T00:00:00.000Z', description: 'Created at' })
  createdAt!: string;

  @ApiProperty({ example: '2026-01-01T00:00:00.000Z', description: 'Last changed at' })
  updatedAt!: string;
}

export class AdvertiserPage extends PageOf(AdvertiserResponse) {}
