import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Length, Matches } from 'class-validator';

const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

/**
 * What a tracking link may carry as the source's macro or a literal sub value: characters that keep the
 * query string intact without encoding (so the source still finds its placeholder), and the bracket,
 * brace, dollar and percent signs traffic sources write their placeholders with. Never `&`, `#`, `=`,
 * `?`, `/`, `+`, quotes or whitespace.
 */
export const LINK_VALUE = /^[A-Za-z0-9_.~!*()\-{}[\]$%:@|,]+$/;
const LINK_VALUE_MESSAGE =
  "must be the traffic source's placeholder (like {clickid}, ${SUBID} or [CLICK_ID]) or a URL-safe " +
  'literal: letters, digits and _ . ~ ! * ( ) - { } [ ] $ % : @ | ,';

/** The click-id placeholder used when the request names none: the most common spelling. */
export const DEFAULT_CLICK_ID_MACRO = '{clickid}';

const SUB_DESCRIPTION = (n: number): string =>
  `Optional value for sub${n}: the source's placeholder (e.g. \`{zoneid}\`) or a literal; left out when empty`;

function SubField(n: number): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description: SUB_DESCRIPTION(n), maxLength: 128 }),
    IsOptional(),
    Length(1, 128),
    Matches(LINK_VALUE, { message: `sub${n} ${LINK_VALUE_MESSAGE}` }),
  );
}

/** `GET /api/offers/{id}/tracking-link` query. */
export class TrackingLinkQuery {
  @ApiProperty({ description: 'The traffic source that will send the clicks (24-character hex id)' })
  @Matches(OBJECT_ID, { message: 'sourceId must be the 24-character hex id of a source' })
  sourceId!: string;

  @ApiPropertyOptional({
    description:
      "The source's own click-id placeholder, written as its platform spells it: `{clickid}` (default), " +
      '`${SUBID}`, `[CLICK_ID]`, `{{click_id}}` … Sources in Ricochet have no field for it, because the ' +
      'placeholder belongs to the platform, not to the source record. It is put in `ext_click_id` ' +
      'unencoded, so the platform replaces it with its click id on every click.',
    default: DEFAULT_CLICK_ID_MACRO,
    maxLength: 128,
  })
  @IsOptional()
  @Length(1, 128)
  @Matches(LINK_VALUE, { message: `macro ${LINK_VALUE_MESSAGE}` })
  macro?: string;

  @SubField(1) sub1?: string;
  @SubField(2) sub2?: string;
  @SubField(3) sub3?: string;
  @SubField(4) sub4?: string;
  @SubField(5) sub5?: string;
  @SubField(6) sub6?: string;
  @SubField(7) sub7?: string;
  @SubField(8) sub8?: string;
  @SubField(9) sub9?: string;
  @SubField(10) sub10?: string;
}

export class TrackingLinkResponse {
  @ApiProperty({
    example:
      'https://track.example.com/click?offer_id=665f1c2e8b3d4a0087654321&source_id=665f1c2e8b3d4a0012345679' +
      '&ext_click_id={clickid}&sub1={zoneid}',
    description:
      'The link to give the traffic source. Absolute when PUBLIC_BASE_URL is set, else a path to put ' +
      "after the gateway's public address. The source replaces its placeholder with its own click id; " +
      'GET /click then records the click with that id as `extClickId` and redirects to the offer.',
  })
  url!: string;

  @ApiProperty({ example: true, description: 'Whether `url` is absolute (PUBLIC_BASE_URL is set)' })
  absolute!: boolean;

  @ApiProperty({ example: '665f1c2e8b3d4a0087654321', description: 'Offer id' })
  offerId!: string;

  @ApiProperty({ example: '665f1c2e8b3d4a0012345679', description: 'Source id' })
  sourceId!: string;

  @ApiProperty({ example: '{clickid}', description: 'The placeholder put in `ext_click_id`' })
  clickIdMacro!: string;

  @ApiProperty({
    example: [],
    type: [String],
    description: 'Things to know before using the link (relative URL, paused offer …); empty when none',
  })
  notes!: string[];
}
