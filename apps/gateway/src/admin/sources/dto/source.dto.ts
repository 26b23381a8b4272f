import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, ValidateNested } from 'class-validator';
import { TextField } from '../../common/fields.decorator';
import { PageOf } from '../../common/page.dto';
import { PayoutPolicyBody, PayoutPolicyResponse } from '../../common/payout-rule.dto';
import { EndpointBody, EndpointResponse } from './endpoint.dto';

export const MAX_ENDPOINTS = 20;

export class CreateSourceBody {
  @TextField({ description: 'Display name', example: 'PushHouse – campaign 42', max: 200 })
  name!: string;

  @ApiPropertyOptional({
    type: PayoutPolicyBody,
    description: "Overrides the offer's payout rule for this source; PATCH `null` removes the override",
    example: { type: 'percent', percent: '60' },
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => PayoutPolicyBody)
  payoutRule?: PayoutPolicyBody;

  @ApiPropertyOptional({
    type: [EndpointBody],
    description: `Where conversions are forwarded (at most ${MAX_ENDPOINTS}); in PATCH the list replaces the old one`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ENDPOINTS)
  @ValidateNested({ each: true })
  @Type(() => EndpointBody)
  endpoints?: EndpointBody[];
}

export class UpdateSourceBody extends PartialType(CreateSourceBody) {}

export class SourceResponse {
  @ApiProperty({ example: '665f1c2e8b3d4a0087654321', description: 'Source id' })
  id!: string;

  @ApiProperty({ example: 'PushHouse – campaign 42', description: 'Display name' })
  name!: string;

  @ApiPropertyOptional({ type: PayoutPolicyResponse, description: 'Payout override' })
  payoutRule?: PayoutPolicyResponse;

  @ApiProperty({ type: [EndpointResponse], description: 'Forwarding endpoints' })
  endpoints!: EndpointResponse[];

  @ApiProperty({ example: '2026-01-01T00:00:00.000Z', description: 'Created at' })
  createdAt!: string;

  @ApiProperty({ example: '2026-01-01T00:00:00.000Z', description: 'Last changed at' })
  updatedAt!: string;
}

export class SourcePage extends PageOf(SourceResponse) {}
