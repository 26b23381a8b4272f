import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ClickDetailResponse {
  @ApiProperty({ description: 'Click id (ours, or the external tracker’s)', example: 'c_8Jx2mQ4vT7' })
  clickId!: string;

  @ApiProperty({ description: 'Offer', example: '665f1c2e8b3d4a0012345679' })
  offerId!: string;

  @ApiProperty({ description: 'Traffic source', example: '665f1c2e8b3d4a001234567b' })
  sourceId!: string;

  @ApiProperty({ description: 'The offer’s advertiser', example: '665f1c2e8b3d4a001234567c' })
  advertiserId!: string;

  @ApiPropertyOptional({ description: 'The source’s own click id', example: 'src-991' })
  extClickId?: string;

  @ApiPropertyOptional({ description: 'Sub parameter 1', example: 'campaign-7' }) sub1?: string;
  @ApiPropertyOptional({ description: 'Sub parameter 2', example: 'banner-3' }) sub2?: string;
  @ApiPropertyOptional({ description: 'Sub parameter 3', example: 'geo-de' }) sub3?: string;
  @ApiPropertyOptional({ description: 'Sub parameter 4', example: 'x' }) sub4?: string;
  @ApiPropertyOptional({ description: 'Sub parameter 5', example: 'x' }) sub5?: string;
  @ApiPropertyOptional({ description: 'Sub parameter 6', example: 'x' }) sub6?: string;
  @ApiPropertyOptional({ description: 'Sub parameter 7', example: 'x' }) sub7?: string;
  @ApiPropertyOptional({ description: 'Sub parameter 8', example: 'x' }) sub8?: string;
  @ApiPropertyOptional({ description: 'Sub parameter 9', example: 'x' }) sub9?: string;
  @ApiPropertyOptional({ description: 'Sub parameter 10', example: 'x' }) sub10?: string;

  @ApiPropertyOptional({ description: 'Visitor IP', example: '198.51.100.4' })
  ip?: string;

  @ApiPropertyOptional({ description: 'Visitor user agent', example: 'Mozilla/5.0' })
  userAgent?: string;

  @ApiPropertyOptional({ description: 'Referrer', example: 'https://publisher.example/' })
  referrer?: string;

  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2 country', example: 'DE' })
  country?: string;

  @ApiProperty({ description: 'Click time', example: '2026-11-24T06:40:00.000Z' })
  createdAt!: Date;
}
