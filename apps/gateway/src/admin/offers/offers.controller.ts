import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { ErrorResponse } from '../../http/error-response';
import type { PageResponse } from '../common/page.dto';
import { PayoutRuleBody, PayoutRuleResponse } from '../common/payout-rule.dto';
import { CreateOfferBody, OfferListQuery, OfferPage, OfferResponse, UpdateOfferBody } from './dto/offer.dto';
import { OffersService } from './offers.service';

@AdminController('offers')
@ApiExtraModels(PayoutRuleBody, PayoutRuleResponse)
@ApiBadRequestResponse({
  description: 'Invalid input, e.g. UNKNOWN_MACRO or FOREIGN_MACRO_SYNTAX in `url` (with a `hint`)',
  type: ErrorResponse,
})
@ApiNotFoundResponse({ description: 'OFFER_NOT_FOUND or ADVERTISER_NOT_FOUND', type: ErrorResponse })
@Controller('api/offers')
export class OffersController {
  constructor(private readonly offers: OffersService) {}

  @Post()
  @ApiOperation({ summary: 'Create an offer; its URL template is validated now' })
  @ApiCreatedResponse({ type: OfferResponse })
  create(@Body() body: CreateOfferBody): Promise<OfferResponse> {
    return this.offers.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List offers, newest first, optionally by advertiser and status' })
  @ApiOkResponse({ type: OfferPage })
  list(@Query() query: OfferListQuery): Promise<PageResponse<OfferResponse>> {
    return this.offers.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one offer' })
  @ApiOkResponse({ type: OfferResponse })
  get(@Param('id') id: string): Promise<OfferResponse> {
    return this.offers.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an offer; omitted fields stay, `null` clears fallbackUrl/defaultRevenue' })
  @ApiOkResponse({ type: OfferResponse })
  update(@Param('id') id: string, @Body() body: UpdateOfferBody): Promise<OfferResponse> {
    return this.offers.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an offer' })
  @ApiNoContentResponse({ description: 'Deleted' })
  remove(@Param('id') id: string): Promise<void> {
    return this.offers.remove(id);
  }
}
