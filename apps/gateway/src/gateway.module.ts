import { Module } from '@nestjs/common';

/**
 * The gateway's HTTP features (clicks, postback intake, admin API). Infrastructure (config, MongoDB,
 * BullMQ connection, health) is composed around it by {@link createGatewayApp}, so the one-process
 * mode can put the gateway and the worker on the same infrastructure.
 */
@Module({
  imports: [],
})
export class GatewayModule {}
