import { Injectable, NotFoundException } from '@nestjs/common';
import {
  canonicalPostbackString,
  computePostbackSignature,
  POSTBACK_TIMESTAMP_PARAM,
  type PostbackSignatureScheme,
  postbackSigningPayload,
  verifyPostbackSignature,
} from '@ricochet/domain/delivery';
import {
  buildMacroValues,
  compileTemplate,
  type MacroValues,
  renderTemplate,
  sampleMacroValues,
} from '@ricochet/domain/templates';
import {
  AdvertiserRepository,
  ClickRepository,
  ConversionRepository,
  PostbackRepository,
} from '@ricochet/persistence';
import { configInputError } from '../common/config-input.error';
import { checkStatusMappings } from '../common/status-mapping';
import type { PreviewBody, PreviewResponse } from './dto/preview.dto';
import type { SignPostbackBody, SignPostbackResponse } from './dto/sign-postback.dto';
import { withOverrides } from './preview-values';

/**
 * Admin tools: template preview (compiles and renders, nothing is sent or stored) and the
 * postback-signing helper (shows the exact string an advertiser signs and its signature).
 */
@Injectable()
export class ToolsService {
  constructor(
    private readonly conversions: ConversionRepository,
    private readonly clicks: ClickRepository,
    private readonly postbacks: PostbackRepository,
    private readonly advertisers: AdvertiserRepository,
  ) {}

  /** The canonical string and HMAC of a postback request, as the intake would check it. */
  async signPostback(body: SignPostbackBody): Promise<SignPostbackResponse> {
    const { secret, scheme } = await this.signingKey(body);
    const { path, rawQuery } = splitTarget(body.url);
    const rawBody = body.body ?? '';
    if (scheme === 'legacy-body') {
      const payload = postbackSigningPayload({ rawQuery, rawBody });
      const signature = computePostbackSignature(secret, payload);
      return withMatch(
        { scheme, canonicalString: payload.toString(), signature, headers: { 'X-Signature': signature } },
        secret,
        payload,
        body.signature,
      );
    }
    const timestamp = body.timestamp ?? timestampParam(rawQuery) ?? String(Math.floor(Date.now() / 1000));
    const payload = canonicalPostbackString({ timestamp, method: body.method, path, rawQuery, rawBody });
    const signature = computePostbackSignature(secret, payload);
    return withMatch(
      {
        scheme,
        timestamp,
        canonicalString: payload.toString('utf8'),
        signature,
        headers: { 'X-Timestamp': timestamp, 'X-Signature': signature },
      },
      secret,
      payload,
      body.signature,
    );
  }

  private async signingKey(
    body: SignPostbackBody,
  ): Promise<{ secret: string; scheme: PostbackSignatureScheme }> {
    if (body.advertiserId !== undefined) {
      const advertiser = await this.advertisers.findById(body.advertiserId);
      if (!advertiser) {
        throw new NotFoundException({
          code: 'ADVERTISER_NOT_FOUND',
          message: `no advertiser has id "${body.advertiserId}"`,
          param: 'advertiserId',
        });
      }
      if (!advertiser.signingSecret) {
        throw configInputError(
          'NO_SIGNING_SECRET',
          'advertiserId',
          'this advertiser has no signing secret, so its postbacks are not signed',
          'set signingSecret on the advertiser first',
        );
      }
      return { secret: advertiser.signingSecret, scheme: body.scheme ?? advertiser.signatureScheme };
    }
    if (body.secret === undefined || body.secret === '') {
      throw configInputError(
        'SECRET_REQUIRED',
        'secret',
        'give advertiserId (its stored secret is used) or secret',
      );
    }
    return { secret: body.secret, scheme: body.scheme ?? 'v1' };
  }

  /** @param numberTexts values given as JSON numbers, as written (see `withOverrides`) */
  async preview(body: PreviewBody, numberTexts?: ReadonlyMap<string, string>): Promise<PreviewResponse> {
    const compiled = compileTemplate(body.template, { kind: body.kind, field: 'template' });
    checkStatusMappings(compiled, 'template');
    const base = body.conversionId ? await this.conversionValues(body.conversionId) : sampleMacroValues();
    const values = withOverrides(base, body.values ?? {}, numberTexts);
    return { rendered: renderTemplate(compiled, values), macros: [...compiled.macros] };
  }

  private async conversionValues(conversionId: string): Promise<MacroValues> {
    const conversion = await this.conversions.findById(conversionId);
    if (!conversion) {
      throw new NotFoundException({
        code: 'CONVERSION_NOT_FOUND',
        message: `"conversionId": no conversion has id "${conversionId}"`,
        param: 'conversionId',
      });
    }
    const postbackId = [...conversion.history].reverse().find((entry) => entry.postbackId)?.postbackId;
    const [click, postback] = await Promise.all([
      this.clicks.findByClickId(conversion.clickId),
      postbackId ? this.postbacks.findById(postbackId) : Promise.resolve(null),
    ]);
    return buildMacroValues({
      status: conversion.status,
      conversion,
      click,
      postbackParams: postback?.params,
      now: new Date(),
    });
  }
}

/** Path and raw query of a request target (`/postback/x?a=1`, or a full URL whose origin is ignored). */
function splitTarget(target: string): { path: string; rawQuery: string } {
  const withoutOrigin = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const beforeHash = withoutOrigin.split('#')[0];
  const question = beforeHash.indexOf('?');
  const path = question === -1 ? beforeHash : beforeHash.slice(0, question);
  return { path: path === '' ? '/' : path, rawQuery: question === -1 ? '' : beforeHash.slice(question + 1) };
}

/** The first `ts=` of a raw query, as the intake reads it. */
function timestampParam(rawQuery: string): string | undefined {
  const params = new URLSearchParams(rawQuery);
  return params.get(POSTBACK_TIMESTAMP_PARAM) ?? undefined;
}

function withMatch(
  response: SignPostbackResponse,
  secret: string,
  payload: string | Buffer,
  given: string | undefined,
): SignPostbackResponse {
  if (given === undefined) return response;
  return { ...response, matches: verifyPostbackSignature({ secret, payload, signature: given }) };
}
