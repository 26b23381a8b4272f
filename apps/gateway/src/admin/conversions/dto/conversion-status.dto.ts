import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONVERSION_STATUSES, type ConversionStatus } from '@ricochet/domain/model';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** `POST /api/conversions/:id/status`: a manual status change, checked against the status machine. */
export class ConversionStatusBody {
  @ApiProperty({
    enum: CONVERSION_STATUSES,
    description:
      'New status. Allowed: pending → approved, pending → rejected, approved → rejected (a reversal). ' +
      'The current status again is a no-op; anything else is 409 INVALID_TRANSITION.',
    example: 'rejected',
  })
  @IsIn(CONVERSION_STATUSES)
  status!: ConversionStatus;

  @ApiPropertyOptional({ description: 'Why, kept in the conversion history', example: 'chargeback #4411' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}
