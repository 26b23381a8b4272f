import { ApiProperty } from '@nestjs/swagger';

/** `POST /api/deliveries/:id/replay`: reset to pending and queued for a manual attempt. */
export class DeliveryReplayResponse {
  @ApiProperty({ description: 'Replayed delivery', example: '665f1c2e8b3d4a0012345678' })
  deliveryId!: string;

  @ApiProperty({ description: 'Its state until the worker tries it', example: 'pending' })
  state!: 'pending';
}
