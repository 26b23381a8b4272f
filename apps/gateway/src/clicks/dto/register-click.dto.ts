import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsMongoId, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

/** One click minted by an external tracker (`POST /api/clicks`). */
export class RegisterClickDto {
  @ApiProperty({
    example: 'c7Hq2LmN0pRs4TuV6wXy8z',
    description: '1–128 characters of A–Z a–z 0–9 . _ ~ -, unique',
  })
  @IsString()
  clickId!: string;

  @ApiProperty({ example: '665f1c2e8b3d4a0012345678' })
  @IsMongoId()
  offerId!: string;

  @ApiProperty({ example: '665f1c2e8b3d4a0087654321' })
  @IsMongoId()
  sourceId!: string;

  @ApiPropertyOptional({ example: 'ext-5f3a9c21', description: "The traffic source's own click id" })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  extClickId?: string;

  @ApiPropertyOptional({
    example: '2026-01-01T12:00:00Z',
    description: 'When the click happened (default: now)',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  createdAt?: string;

  @ApiPropertyOptional({ example: '203.0.113.7' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  ip?: string;

  @ApiPropertyOptional({ example: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  userAgent?: string;

  @ApiPropertyOptional({ example: 'https://news.example/article' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  referrer?: string;

  @ApiPropertyOptional({ example: 'DE', description: 'ISO 3166-1 alpha-2' })
  @IsOptional()
  @Matches(/^[A-Za-z]{2}$/, { message: 'country must be a two-letter ISO 3166-1 code' })
  country?: string;

  @ApiPropertyOptional({ example: 'banner-7' })
  @IsOptional()
  @IsString()
  @Length(0, 512)
  sub1?: string;
  @ApiPropertyOptional({ example: 'placement-12' })
  @IsOptional()
  @IsString()
  @Length(0, 512)
  sub2?: string;
  @ApiPropertyOptional({ example: 'keyword' })
  @IsOptional()
  @IsString()
  @Length(0, 512)
  sub3?: string;
  @ApiPropertyOptional({ example: 'creative-a' })
  @IsOptional()
  @IsString()
  @Length(0, 512)
  sub4?: string;
  @ApiPropertyOptional({ example: 'geo-de' })
  @IsOptional()
  @IsString()
  @Length(0, 512)
  sub5?: string;
  @ApiPropertyOptional({ example: 'device-ios' })
  @IsOptional()
  @IsString()
  @Length(0, 512)
  sub6?: string;
  @ApiPropertyOptional({ example: 'campaign-3' })
  @IsOptional()
  @IsString()
  @Length(0, 512)
  sub7?: string;
  @ApiPropertyOptional({ example: 'adset-9' })
  @IsOptional()
  @IsString()
  @Length(0, 512)
  sub8?: string;
  @ApiPropertyOptional({ example: 'ad-44' })
  @IsOptional()
  @IsString()
  @Length(0, 512)
  sub9?: string;
  @ApiPropertyOptional({ example: 'pub-1001' })
  @IsOptional()
  @IsString()
  @Length(0, 512)
  sub10?: string;
}
