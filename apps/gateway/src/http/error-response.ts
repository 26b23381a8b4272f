import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one error shape every 4xx/5xx of the gateway has. */
export class ErrorResponse {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'INVALID_PAYOUT', description: 'Stable machine code' })
  code!: string;

  @ApiProperty({ example: '"payout" must be a decimal number like 12.50, got "12,5"' })
  message!: string;

  @ApiPropertyOptional({ example: 'payout', description: 'The parameter at fault, when there is one' })
  param?: string;

  @ApiPropertyOptional({ example: 'Use {ext_click_id}', description: 'How to fix it, when known' })
  hint?: string;

  @ApiPropertyOptional({ description: 'For 500s: the id of the log line that has the details' })
  errorId?: string;

  @ApiPropertyOptional({ type: [String], description: 'For validation errors: every field at fault' })
  details?: string[];
}
