import { Module } from '@nestjs/common';
import { DeliveryContextLoader, DeliveryRequestBuilder, HttpSender } from '@ricochet/forwarding';
import { TestSendController } from './test-send.controller';
import { TestSendService } from './test-send.service';

/**
 * `POST /api/tools/test-send`. The request builder, the HTTP client and the macro-value loader are the
 * worker's own classes, instantiated here (the gateway gets its own connection pool), so a test send
 * is rendered, guarded and sent exactly as a delivery is.
 */
@Module({
  controllers: [TestSendController],
  providers: [TestSendService, DeliveryRequestBuilder, HttpSender, DeliveryContextLoader],
})
export class TestSendModule {}
