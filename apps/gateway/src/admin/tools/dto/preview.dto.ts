import { ApiProperty } from '@nestjs/swagger';
import { TEMPLATE_KINDS, type TemplateKind } from '@ricochet/domain/templates';
import { EnumField, ObjectField, TextField } from '../../common/fields.decorator';

export class PreviewBody {
  @TextField({
    description: 'The template to render, as it would be saved',
    example:
      'https://tracker.example/pb?clickid={ext_click_id}&sum={payout}&s={status:approved=1,rejected=2}',
    max: 65536,
  })
  template!: string;

  @EnumField(TEMPLATE_KINDS, {
    description: 'Where the template is used: decides the macros allowed and how values are encoded',
    example: 'forward-url',
  })
  kind!: TemplateKind;

  @TextField({
    description:
      "Render with this conversion's real values (and its click and postback); omit for sample values",
    example: '665f1c2e8b3d4a00abcdef01',
    required: false,
    min: 24,
    max: 24,
    pattern: /^[0-9a-fA-F]{24}$/,
    patternMessage: 'conversionId must be a 24-character hex id',
  })
  conversionId?: string;

  @ObjectField({
    description:
      'Values that override the sample or conversion values, by macro name (`postback.NAME` for postback parameters)',
    example: { payout: '3.20', sub1: 'campaign-9', 'postback.goal': 'ftd' },
    required: false,
  })
  values?: Record<string, string>;
}

export class PreviewResponse {
  @ApiProperty({
    example: 'https://tracker.example/pb?clickid=ext-5f3a9c21&sum=8.75&s=1',
    description:
      'The template rendered exactly as it would be sent (values URL-encoded or JSON-escaped per kind)',
  })
  rendered!: string;

  @ApiProperty({
    example: ['ext_click_id', 'payout', 'status'],
    description: 'Macros the template uses',
    type: [String],
  })
  macros!: string[];
}
