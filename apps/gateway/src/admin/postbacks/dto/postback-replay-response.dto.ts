import { ApiProperty } from '@nestjs/swagger';

/** `POST /api/postbacks/:id/replay`: the postback is back to `accepted` and queued for attribution. */
export class PostbackReplayResponse {
  @ApiProperty({ description: 'Replayed postback', example: '665f1c2e8b3d4a0012345678' })
  postbackId!: string;

  @ApiProperty({ description: 'Its outcome until the worker attributes it again', example: 'accepted' })
  outcome!: 'accepted';
}
