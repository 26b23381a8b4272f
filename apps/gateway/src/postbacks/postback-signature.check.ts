import {
  canonicalPostbackString,
  parseSignatureTimestamp,
  POSTBACK_SIGNATURE_PARAMS,
  POSTBACK_TIMESTAMP_PARAM,
  type PostbackSignatureScheme,
  postbackSigningPayload,
  verifyPostbackSignature,
} from '@ricochet/domain/delivery';
import type { PostbackAuthError } from '@ricochet/domain/postback';
import {
  invalidTimestamp,
  signatureExpired,
  signatureMismatch,
  signatureMissing,
  unsignedQuery,
} from './postback-intake.errors';
import { firstQueryParam, type PostbackParamsSource, queryNames } from './postback-params.parser';

/** What a signature check reads off one request, each part as received. */
export interface SignedRequest extends PostbackParamsSource {
  method: string;
  /** The path as sent, before `?`. */
  path: string;
  rawQuery: string;
  rawBody?: Buffer;
  /** `X-Signature`. */
  signature?: string;
  /** `X-Timestamp`. */
  timestamp?: string;
}

export interface SignaturePolicy {
  secret: string;
  scheme: PostbackSignatureScheme;
  toleranceMs: number;
  nowMs: number;
}

/** Names a legacy-body request may carry in its query string next to a signed body. */
const LEGACY_QUERY_ALLOWED: ReadonlySet<string> = new Set(['token', ...POSTBACK_SIGNATURE_PARAMS]);

/**
 * Checks a signed advertiser's request (docs/security.md). `v1`: the HMAC covers
 * {@link canonicalPostbackString} — timestamp, method, path, query string without `sig`/`signature`,
 * raw body — and the timestamp must be within the tolerance of the gateway's clock. `legacy-body`:
 * the HMAC covers the raw body (or the query string of a bodyless request), and a request with a body
 * may carry no query parameter but `token`, `sig` and `signature`, since nothing would sign them.
 *
 * @returns the refusal, or undefined when the request is authentic.
 */
export function checkPostbackSignature(
  request: SignedRequest,
  policy: SignaturePolicy,
): PostbackAuthError | undefined {
  const signature = request.signature || signatureParam(request);
  if (signature === undefined) return signatureMissing();
  return policy.scheme === 'legacy-body'
    ? checkLegacy(request, policy, signature)
    : checkV1(request, policy, signature);
}

function signatureParam(request: SignedRequest): string | undefined {
  for (const name of POSTBACK_SIGNATURE_PARAMS) {
    const value = firstQueryParam(request, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

function checkV1(
  request: SignedRequest,
  policy: SignaturePolicy,
  signature: string,
): PostbackAuthError | undefined {
  const header = request.timestamp?.trim();
  const param = firstQueryParam(request, POSTBACK_TIMESTAMP_PARAM);
  if (header !== undefined && header !== '' && param !== undefined && param !== header) {
    return invalidTimestamp(
      `X-Timestamp (${header.slice(0, 20)}) and ts= (${param.slice(0, 20)}) disagree; send one`,
    );
  }
  const timestamp = header || param;
  if (timestamp === undefined) {
    return invalidTimestamp(
      'a signed postback needs its signing time as unix seconds: the X-Timestamp header, or ts= in the query',
    );
  }
  const timestampMs = parseSignatureTimestamp(timestamp);
  if (timestampMs === undefined) {
    return invalidTimestamp(
      `the timestamp must be unix seconds (digits only), got "${timestamp.slice(0, 40)}"`,
    );
  }
  const payload = canonicalPostbackString({
    timestamp,
    method: request.method,
    path: request.path,
    rawQuery: request.rawQuery,
    rawBody: request.rawBody,
  });
  if (!verifyPostbackSignature({ secret: policy.secret, payload, signature })) return signatureMismatch('v1');
  const skewMs = timestampMs - policy.nowMs;
  if (Math.abs(skewMs) > policy.toleranceMs) {
    return signatureExpired(Math.round(skewMs / 1000), Math.round(policy.toleranceMs / 1000));
  }
  return undefined;
}

function checkLegacy(
  request: SignedRequest,
  policy: SignaturePolicy,
  signature: string,
): PostbackAuthError | undefined {
  const payload = postbackSigningPayload({ rawQuery: request.rawQuery, rawBody: request.rawBody });
  if (!verifyPostbackSignature({ secret: policy.secret, payload, signature })) {
    return signatureMismatch('legacy-body');
  }
  if (request.rawBody !== undefined && request.rawBody.length > 0) {
    const unsigned = queryNames(request).filter((name) => !LEGACY_QUERY_ALLOWED.has(name.toLowerCase()));
    if (unsigned.length > 0) return unsignedQuery(unsigned);
  }
  return undefined;
}
