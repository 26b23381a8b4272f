import { Module } from '@nestjs/common';
import { PostbacksModule } from '../postbacks/postbacks.module';
import { ClickRegistrationService } from './click-registration.service';
import { ClickController } from './click.controller';
import { ClickService } from './click.service';
import { ClicksAdminController } from './clicks-admin.controller';
import { OfferUrlRenderer } from './offer-url.renderer';

/** GET /click and POST /api/clicks. */
@Module({
  imports: [PostbacksModule],
  controllers: [ClickController, ClicksAdminController],
  providers: [ClickService, ClickRegistrationService, OfferUrlRenderer],
})
export class ClicksModule {}
