import type { AdvertiserRecord } from '@ricochet/persistence';
import type { CanonicalParam } from '@ricochet/domain/model';
import type { ParamMap } from '@ricochet/domain/postback';
import type { AdvertiserResponse } from './dto/advertiser.dto';

/**
 * The API speaks the domain's paramMap (`{ clickId: ['transaction_id'] }`, what `validateParamMap`
 * checks); the advertiser record stores it inverted, received name → canonical field.
 */
export function toStoredParamMap(paramMap: ParamMap): Record<string, CanonicalParam> {
  const stored: Record<string, CanonicalParam> = {};
  for (const [canonical, names] of Object.entries(paramMap) as [CanonicalParam, readonly string[]][]) {
    for (const name of names) stored[name] = canonical;
  }
  return stored;
}

export function fromStoredParamMap(stored: Record<string, CanonicalParam>): Record<string, string[]> {
  const paramMap: Record<string, string[]> = {};
  for (const [name, canonical] of Object.entries(stored)) (paramMap[canonical] ??= []).push(name);
  return paramMap;
}

/** The parameter name the example URL uses for a canonical field: the advertiser's own, else ours. */
function nameFor(paramMap: Record<string, string[]>, canonical: CanonicalParam, fallback: string): string {
  return paramMap[canonical]?.[0] ?? fallback;
}

/**
 * The postback URL to give the advertiser: absolute under `publicBaseUrl` (PUBLIC_BASE_URL) when it is
 * set, else a path to put after the gateway's public address.
 */
export function postbackUrlExample(
  token: string,
  paramMap: Record<string, string[]>,
  publicBaseUrl?: string,
): string {
  const query = [
    `${nameFor(paramMap, 'clickId', 'click_id')}={clickid}`,
    `${nameFor(paramMap, 'payout', 'payout')}={payout}`,
    `${nameFor(paramMap, 'status', 'status')}={status}`,
    `${nameFor(paramMap, 'txid', 'txid')}={txid}`,
  ];
  return `${publicBaseUrl ?? ''}/postback/${encodeURIComponent(token)}?${query.join('&')}`;
}

/** Said next to a relative postback URL. */
export const RELATIVE_POSTBACK_URL_NOTE =
  "postbackUrlExample is relative: put the gateway's public address (https://your-host) in front of it, " +
  'or set PUBLIC_BASE_URL to get it absolute.';

/**
 * The one record → response mapping for advertisers; the signing secret never leaves. `publicBaseUrl`
 * (PUBLIC_BASE_URL) makes the postback URL absolute.
 */
export function toAdvertiserResponse(record: AdvertiserRecord, publicBaseUrl?: string): AdvertiserResponse {
  const paramMap = fromStoredParamMap(record.paramMap);
  return {
    id: record.id,
    name: record.name,
    postbackToken: record.postbackToken,
    postbackUrlExample: postbackUrlExample(record.postbackToken, paramMap, publicBaseUrl),
    ...(publicBaseUrl === undefined ? { postbackUrlNote: RELATIVE_POSTBACK_URL_NOTE } : {}),
    allowedIps: record.allowedIps,
    paramMap,
    statusMap: record.statusMap,
    defaultCurrency: record.defaultCurrency,
    hasSigningSecret: record.signingSecret !== undefined,
    signatureScheme: record.signatureScheme,
    signatureToleranceSeconds: record.signatureToleranceSec ?? null,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}
