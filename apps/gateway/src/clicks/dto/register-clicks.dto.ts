import { ApiProperty } from '@nestjs/swagger';
import type { RegisterClickDto } from './register-click.dto';

/** The bulk form of `POST /api/clicks`: up to 1000 clicks, each validated like a single one. */
export class RegisterClicksDto {
  @ApiProperty({
    type: 'array',
    items: { $ref: '#/components/schemas/RegisterClickDto' },
    maxItems: 1000,
    description: 'Clicks to register, each like the single form',
  })
  clicks!: RegisterClickDto[];
}

/** What happened to one click, in request order. */
export class RegisterClickResultDto {
  @ApiProperty({ example: 'c7Hq2LmN0pRs4TuV6wXy8z' })
  clickId!: string;

  @ApiProperty({ enum: ['created', 'duplicate'], example: 'created' })
  status!: 'created' | 'duplicate';
}

export class RegisterClicksResponseDto {
  @ApiProperty({ type: [RegisterClickResultDto] })
  results!: RegisterClickResultDto[];

  @ApiProperty({ example: 1, description: 'How many clicks were new' })
  created!: number;

  @ApiProperty({ example: 0, description: 'How many click ids already existed (nothing changed)' })
  duplicates!: number;

  @ApiProperty({
    example: 0,
    description: 'Postbacks that were waiting for these click ids and were queued for attribution again',
  })
  requeuedPostbacks!: number;
}
