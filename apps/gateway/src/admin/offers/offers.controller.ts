import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { AdminController } from '../../http/admin-route.decorator';
import { API_TAGS } from '../../http/api-tags';
import { ApiErrorResponse } from '../../http/error-response';
import type { PageResponse } from '../common/page.dto';
import { PayoutRuleBody, PayoutRuleResponse } from '../common/payout-rule.dto';
import { CreateOfferBody, OfferListQuery, OfferPage, OfferResponse, UpdateOfferBody } from './dto/offer.dto';
import { TrackingLinkQuery, TrackingLinkResponse } from './dto/tracking-link.dto';
import { OffersService } from './offers.service';

const CLICKID_HINT = 'did you mean {click_id}? Use {ext_click_id} for the source’s own click id';

const OFFER_NOT_FOUND = {
  code: 'OFFER_NOT_FOUND',
  message: 'no offer has id "665f1c2e8b3d4a0087654321"',
  param: 'id',
};

@AdminController(API_TAGS.setup)
@ApiExtraModels(PayoutRuleBody, PayoutRuleResponse)
@Controller('api/offers')
export class OffersController {
  constructor(private readonly offers: OffersService) {}

  @Post()
  @ApiOperation({ summary: 'Create an offer; its URL template is validated now' })
  @ApiCreatedResponse({ type: OfferResponse })
  @ApiErrorResponse(
    400,
    'Invalid input, e.g. UNKNOWN_MACRO or FOREIGN_MACRO_SYNTAX in `url` (with a `hint`)',
    {
      code: 'UNKNOWN_MACRO',
      message: `UNKNOWN_MACRO: {clickid} in "url" is not a Ricochet macro (${CLICKID_HINT})`,
      param: 'url',
      hint: CLICKID_HINT,
    },
  )
  @ApiErrorResponse(404, 'ADVERTISER_NOT_FOUND', {
    code: 'ADVERTISER_NOT_FOUND',
    message: '"advertiserId": no advertiser has id "665f1c2e8b3d4a0012345678"',
    param: 'advertiserId',
  })
  create(@Body() body: CreateOfferBody): Promise<OfferResponse> {
    return this.offers.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List offers, newest first, optionally by advertiser and status' })
  @ApiOkResponse({ type: OfferPage })
  @ApiErrorResponse(400, 'A filter is invalid')
  list(@Query() query: OfferListQuery): Promise<PageResponse<OfferResponse>> {
    return this.offers.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one offer' })
  @ApiOkResponse({ type: OfferResponse })
  @ApiErrorResponse(404, 'OFFER_NOT_FOUND', OFFER_NOT_FOUND)
  get(@Param('id') id: string): Promise<OfferResponse> {
    return this.offers.get(id);
  }

  @Get(':id/tracking-link')
  @ApiOperation({
    summary: 'The ready tracking link of this offer for a traffic source',
    description:
      'Builds the `GET /click` link to paste into the traffic source: `offer_id`, `source_id`, ' +
      "`ext_click_id` set to the source's own click-id placeholder (`macro`, default `{clickid}`) and " +
      'optional `sub1`…`sub10`. On each click the source replaces its placeholder with its click id; ' +
      "Ricochet stores it as the click's `extClickId`, which forwards send back as `{ext_click_id}`. " +
      'Sources have no stored placeholder field: the placeholder depends on the platform, so give it ' +
      'here. The URL is absolute when PUBLIC_BASE_URL is set, else a path (see `notes`).',
  })
  @ApiOkResponse({ type: TrackingLinkResponse })
  @ApiErrorResponse(400, 'sourceId missing or malformed, or a macro/sub value that would break the URL', {
    message: "macro must be the traffic source's placeholder (like {clickid}, ${SUBID} or [CLICK_ID]) …",
    param: 'macro',
    details: ["macro must be the traffic source's placeholder (like {clickid}, ${SUBID} or [CLICK_ID]) …"],
  })
  @ApiErrorResponse(404, 'OFFER_NOT_FOUND or SOURCE_NOT_FOUND', {
    code: 'SOURCE_NOT_FOUND',
    message: '"sourceId": no source has id "665f1c2e8b3d4a0012345679"',
    param: 'sourceId',
  })
  trackingLink(@Param('id') id: string, @Query() query: TrackingLinkQuery): Promise<TrackingLinkResponse> {
    return this.offers.trackingLink(id, query);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an offer; omitted fields stay, `null` clears fallbackUrl/defaultRevenue' })
  @ApiOkResponse({ type: OfferResponse })
  @ApiErrorResponse(400, 'Invalid input, e.g. a template error in `url` or `fallbackUrl` (with a `hint`)', {
    code: 'UNKNOWN_MACRO',
    message: `UNKNOWN_MACRO: {clickid} in "fallbackUrl" is not a Ricochet macro (${CLICKID_HINT})`,
    param: 'fallbackUrl',
    hint: CLICKID_HINT,
  })
  @ApiErrorResponse(404, 'OFFER_NOT_FOUND', OFFER_NOT_FOUND)
  update(@Param('id') id: string, @Body() body: UpdateOfferBody): Promise<OfferResponse> {
    return this.offers.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an offer' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrorResponse(404, 'OFFER_NOT_FOUND', OFFER_NOT_FOUND)
  remove(@Param('id') id: string): Promise<void> {
    return this.offers.remove(id);
  }
}
