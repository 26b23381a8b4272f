import { Controller, Get, Query, Redirect, Req } from '@nestjs/common';
import {
  ApiFoundResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ErrorResponse } from '../http/error-response';
import { parseClickQuery } from './click-query.parser';
import { ClickService, type ClickVisitor } from './click.service';

/** Nest's dynamic redirect: the handler's return value sets `Location`. */
interface RedirectTarget {
  url: string;
  statusCode: number;
}

/** The tracking link traffic sources send visitors to. */
@ApiTags('tracking')
@Controller('click')
export class ClickController {
  constructor(private readonly clicks: ClickService) {}

  @Get()
  @Redirect(undefined, 302)
  @ApiOperation({
    summary: 'Track a click and redirect to the offer',
    description:
      'Mints a click id, stores the click and answers 302 with the offer URL, its macros ({click_id}, ' +
      '{ext_click_id}, {sub1}…) substituted and URL-encoded. An unknown or paused offer, or an unknown ' +
      "source, redirects to the offer's fallback URL when it has one, else answers 404.",
  })
  @ApiQuery({ name: 'offer_id', required: true, example: '665f1c2e8b3d4a0012345678' })
  @ApiQuery({ name: 'source_id', required: true, example: '665f1c2e8b3d4a0087654321' })
  @ApiQuery({
    name: 'ext_click_id',
    required: false,
    description: "The source's own click id",
    example: 'abc123',
  })
  @ApiQuery({ name: 'sub1', required: false, description: 'sub1 … sub10 work alike', example: 'banner-7' })
  @ApiFoundResponse({ description: 'Redirect to the offer landing page (Location header)' })
  @ApiResponse({ status: 400, description: 'A parameter is missing or invalid', type: ErrorResponse })
  @ApiNotFoundResponse({ description: 'Unknown or paused offer, or unknown source', type: ErrorResponse })
  @ApiResponse({ status: 503, description: 'The click could not be stored', type: ErrorResponse })
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
