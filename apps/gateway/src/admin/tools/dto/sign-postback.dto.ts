import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { POSTBACK_SIGNATURE_SCHEMES, type PostbackSignatureScheme } from '@ricochet/domain/delivery';
import { EnumField, TextField } from '../../common/fields.decorator';

export class SignPostbackBody {
  @TextField({
    description:
      "Sign with this advertiser's stored signing secret (and its scheme); or give `secret` instead",
    example: '665f1c2e8b3d4a0012345678',
    required: false,
    min: 24,
    max: 24,
    pattern: /^[0-9a-fA-F]{24}$/,
    patternMessage: 'advertiserId must be a 24-character hex id',
  })
  advertiserId?: string;

  @TextField({
    description: 'A signing secret to try, when no advertiserId is given (never stored)',
    example: 'b1f0c4e2a9d84f6e8c3b7a5d2e1f0c9b',
    required: false,
    min: 1,
    max: 256,
  })
  secret?: string;

  @EnumField(POSTBACK_SIGNATURE_SCHEMES, {
    description: "Scheme to sign with; default: the advertiser's, else v1",
    example: 'v1',
    required: false,
  })
  scheme?: PostbackSignatureScheme;

  @EnumField(['GET', 'POST'] as const, { description: 'The request method', example: 'POST' })
  method!: 'GET' | 'POST';

  @TextField({
    description:
      'The request target exactly as the sender will send it: path and query string, percent-encoding ' +
      'as on the wire (a full http(s) URL is accepted and its origin ignored). Signature parameters ' +
      '(sig, signature) are left out of the signed string.',
    example: '/postback/k3Jd9sLq0Zx8Vb2Nm4Rt6Yp1Wc5Ue7Ha?event=ftd',
    max: 8192,
  })
  url!: string;

  @TextField({
    description: 'The raw body exactly as it will be sent (POST); omit for none',
    example: '{"click_id":"c7Hq2LmN0pRs4TuV6wXy8z","payout":"12.50"}',
    required: false,
    min: 0,
    max: 65536,
  })
  body?: string;

  @TextField({
    description: 'Unix seconds to sign with (v1); default: `ts=` of the URL when present, else now',
    example: '1767225600',
    required: false,
    max: 12,
    pattern: /^[0-9]{1,12}$/,
    patternMessage: 'timestamp must be unix seconds (digits only)',
  })
  timestamp?: string;

  @TextField({
    description: 'A signature the sender computed, to check against ours (hex or base64, optional sha256=)',
    example: '2ceff44a30e10ddb927ba76f7e1f620b87ab26290ecdb21f77626bd9033724d9',
    required: false,
    max: 200,
  })
  signature?: string;
}

export class SignPostbackResponse {
  @ApiProperty({ enum: POSTBACK_SIGNATURE_SCHEMES, example: 'v1' })
  scheme!: PostbackSignatureScheme;

  @ApiPropertyOptional({ example: '1767225600', description: 'The timestamp signed (v1)' })
  timestamp?: string;

  @ApiProperty({
    example:
      '1767225600\nPOST\n/postback/k3Jd9sLq0Zx8Vb2Nm4Rt6Yp1Wc5Ue7Ha\nevent=ftd\n{"click_id":"c7Hq2LmN0pRs4TuV6wXy8z"}',
    description: 'The exact string signed (UTF-8); compare it with what the sender signs',
  })
  canonicalString!: string;

  @ApiProperty({
    example: '5d2c0c8a3b9f7e61f0d4c2b1a9e8f7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c',
    description: 'HMAC-SHA256 of the canonical string, lower-case hex',
  })
  signature!: string;

  @ApiProperty({
    example: { 'X-Timestamp': '1767225600', 'X-Signature': '5d2c0c8a…' },
    description: 'Headers to send with the request',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  headers!: Record<string, string>;

  @ApiPropertyOptional({
    example: true,
    description: 'Whether the given `signature` matches (only when one was given)',
  })
  matches?: boolean;
}
