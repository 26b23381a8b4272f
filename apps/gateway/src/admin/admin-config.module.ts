import { Module } from '@nestjs/common';
import { AdvertisersController } from './advertisers/advertisers.controller';
import { AdvertisersService } from './advertisers/advertisers.service';
import { OffersController } from './offers/offers.controller';
import { OffersService } from './offers/offers.service';
import { EndpointInputService } from './sources/endpoint-input.service';
import { SourcesController } from './sources/sources.controller';
import { SourcesService } from './sources/sources.service';
import { ToolsController } from './tools/tools.controller';
import { ToolsService } from './tools/tools.service';

/**
 * Admin API: advertisers, offers, sources with endpoints, template preview. Repositories, the config and
 * `Lookups` come from the global infrastructure modules.
 */
@Module({
  controllers: [AdvertisersController, OffersController, SourcesController, ToolsController],
  providers: [AdvertisersService, OffersService, SourcesService, EndpointInputService, ToolsService],
})
export class AdminConfigModule {}
