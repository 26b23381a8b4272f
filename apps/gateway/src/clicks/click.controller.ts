import { Controller, Get, Query, Redirect, Req } from '@nestjs/common';
import { ApiFoundResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { API_TAGS } from '../http/api-tags';
import { ApiErrorResponse } from '../http/error-response';
import { parseClickQuery } from './click-query.parser';
import { ClickService, type ClickVisitor } from './click.service';

/** Nest's dynamic redirect: the handler's return value sets `Location`. */
interface RedirectTarget {
  url: string;
  statusCode: number;
}

/** The tracking link traffic sources send visitors to. */
@ApiTags(API_TAGS.tracking)
@Controller('click')
export class ClickController {
  constructor(private readonly clicks: ClickService) {}

  @Get()
  @Redirect(undefined, 302)
  @ApiOperation({
    summary: 'Track a click and redirect to the offer',
    description:
      'Mints a click id, stores the click and answers 302 with the offer URL, its macros ({click_id}, ' +
      '{ext_click_id}, {sub1}…) substituted and URL-encoded. A paused offer, or an unknown source, ' +
      "redirects to the offer's fallback URL when it has one (same macros, filled from this request; " +
      'no click is stored, so {click_id} is empty), else answers 404. Get a ready link for an offer and ' +
      'a source from GET /api/offers/{id}/tracking-link.',
  })
  // Listed bottom-up: Swagger shows query parameters in the reverse order of these decorators.
  @ApiQuery({
    name: 'sub1',
    type: String,
    required: false,
    description: 'sub1 … sub10 work alike: free values stored with the click, at most 512 characters',
  })
  @ApiQuery({
    name: 'ext_click_id',
    type: String,
    required: false,
    description: "The source's own click id (its placeholder in the link), at most 256 characters",
  })
  @ApiQuery({
    name: 'source_id',
    type: String,
    required: true,
    description: 'Traffic source id (24-character hex)',
  })
  @ApiQuery({ name: 'offer_id', type: String, required: true, description: 'Offer id (24-character hex)' })
  @ApiFoundResponse({ description: 'Redirect to the offer landing page (Location header)' })
  @ApiErrorResponse(400, 'A parameter is missing or invalid', {
    code: 'MISSING_OFFER_ID',
    message: 'MISSING_OFFER_ID: "offer_id" is required',
    param: 'offer_id',
  })
  @ApiErrorResponse(404, 'Unknown or paused offer without a fallback URL, or unknown source', {
    code: 'OFFER_NOT_FOUND',
    message: 'OFFER_NOT_FOUND: offer 665f1c2e8b3d4a0087654321 does not exist or is paused',
  })
  @ApiErrorResponse(405, 'HEAD: a link checker must not create clicks', {
    message: 'HEAD is not allowed here: this route stores what it receives; use GET',
  })
  @ApiErrorResponse(503, 'The click could not be stored; retry after Retry-After seconds')
  async click(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
  ): Promise<RedirectTarget> {
    const target = await this.clicks.track(parseClickQuery(query), visitorOf(request));
    return { url: target.url, statusCode: 302 };
  }
}

/** `request.ip` honours X-Forwarded-For only as fastify's trustProxy (TRUST_PROXY) allows. */
function visitorOf(request: FastifyRequest): ClickVisitor {
  return {
    ip: request.ip,
    userAgent: header(request, 'user-agent', 1024),
    referrer: header(request, 'referer', 2048),
    country: country(header(request, 'cf-ipcountry', 8) ?? header(request, 'x-country', 8)),
  };
}

function header(request: FastifyRequest, name: string, max: number): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value.slice(0, max) : undefined;
}

/** ISO 3166 alpha-2 only; Cloudflare's XX (unknown) and T1 (Tor) are not countries. */
function country(value: string | undefined): string | undefined {
  if (value === undefined || !/^[A-Za-z]{2}$/.test(value)) return undefined;
  const upper = value.toUpperCase();
  return upper === 'XX' ? undefined : upper;
}
