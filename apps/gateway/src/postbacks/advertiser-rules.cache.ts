import { Injectable } from '@nestjs/common';
import type { CanonicalParam } from '@ricochet/domain/model';
import { type Cidr, parseCidrList } from '@ricochet/domain/network';
import { CANONICAL_PARAMS } from '@ricochet/domain/model';
import {
  compilePostbackRules,
  DEFAULT_IGNORED_PARAMS,
  type ParamMapInput,
  type PostbackRules,
} from '@ricochet/domain/postback';
import { POSTBACK_SIGNATURE_PARAMS, POSTBACK_TIMESTAMP_PARAM } from '@ricochet/domain/delivery';
import type { AdvertiserRecord } from '@ricochet/persistence';

/** An advertiser's intake settings compiled for the hot path. */
export interface AdvertiserRules {
  postback: PostbackRules;
  /** Names never stored nor offered to templates (lower case): the token, and for a signed advertiser its signature parameters. */
  ignored: ReadonlySet<string>;
  /** Empty = any address. */
  allowedIps: Cidr[];
}

/**
 * Compiles each advertiser's paramMap, statusMap and IP allowlist once per cached record: `Lookups`
 * hands out the same object until its TTL ends or an admin change invalidates it, so a WeakMap keyed
 * by the record recompiles exactly when the record is reloaded.
 */
@Injectable()
export class AdvertiserRulesCache {
  private readonly compiled = new WeakMap<AdvertiserRecord, AdvertiserRules>();

  rulesFor(advertiser: AdvertiserRecord): AdvertiserRules {
    let rules = this.compiled.get(advertiser);
    if (rules === undefined) {
      const ignoredParams = ignoredParamsOf(advertiser);
      rules = {
        postback: compilePostbackRules({
          paramMap: toParamMapInput(advertiser.paramMap),
          statusMap: advertiser.statusMap,
          ignoredParams,
        }),
        ignored: new Set(ignoredParams.map((name) => name.toLowerCase())),
        allowedIps: parseCidrList(advertiser.allowedIps),
      };
      this.compiled.set(advertiser, rules);
    }
    return rules;
  }
}

/**
 * A signed advertiser's `sig`/`signature` (and a `v1` advertiser's `ts`) are authentication, not
 * parameters to store or forward; nobody's `token` is ever stored (docs/decisions.md).
 */
function ignoredParamsOf(advertiser: AdvertiserRecord): string[] {
  if (!advertiser.signingSecret) return [...DEFAULT_IGNORED_PARAMS];
  const timestamp = advertiser.signatureScheme === 'legacy-body' ? [] : [POSTBACK_TIMESTAMP_PARAM];
  return [...DEFAULT_IGNORED_PARAMS, ...POSTBACK_SIGNATURE_PARAMS, ...timestamp];
}

const CANONICAL: ReadonlySet<string> = new Set(CANONICAL_PARAMS);

/**
 * The stored paramMap is "advertiser's name → canonical field" (`{ transaction_id: 'clickId' }`); the
 * domain parser takes "canonical field → names". Entries already in the parser's form (a canonical key
 * with a name or list of names) are accepted too.
 */
export function toParamMapInput(stored: Readonly<Record<string, unknown>> | undefined): ParamMapInput {
  const byField: Partial<Record<CanonicalParam, string[]>> = {};
  for (const [key, value] of Object.entries(stored ?? {})) {
    if (typeof value === 'string' && CANONICAL.has(value)) {
      (byField[value as CanonicalParam] ??= []).push(key);
    } else if (CANONICAL.has(key)) {
      const names = Array.isArray(value) ? value.map(String) : [String(value)];
      (byField[key as CanonicalParam] ??= []).push(...names);
    }
  }
  return byField;
}
