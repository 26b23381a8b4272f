import { PostbackAuthError } from '@ricochet/domain/postback';

/** The intake's authentication refusals, worded once; the ErrorFilter maps them to 401/403. */
export function invalidToken(): PostbackAuthError {
  return new PostbackAuthError(
    'INVALID_TOKEN',
    "the postback token is missing or unknown; put the advertiser's postbackToken in the path " +
      '(/postback/<token>) or as token=<token>',
  );
}

export function ipNotAllowed(ip: string): PostbackAuthError {
  return new PostbackAuthError('IP_NOT_ALLOWED', `${ip} is not in the advertiser's IP allowlist`);
}

export function signatureMissing(): PostbackAuthError {
  return new PostbackAuthError(
    'INVALID_SIGNATURE',
    'this advertiser signs postbacks; send the HMAC-SHA256 signature as the X-Signature header or the ' +
      'sig= query parameter (docs/security.md)',
    'X-Signature',
  );
}

export function signatureMismatch(scheme: string): PostbackAuthError {
  return new PostbackAuthError(
    'INVALID_SIGNATURE',
    `the HMAC-SHA256 signature does not match the request (scheme ${scheme}); check the string to sign ` +
      'with POST /api/tools/sign-postback',
    'X-Signature',
  );
}

export function unsignedQuery(names: readonly string[]): PostbackAuthError {
  return new PostbackAuthError(
    'INVALID_SIGNATURE',
    `the legacy-body signature covers only the body, so the query parameters ${names
      .slice(0, 5)
      .map((n) => `"${n}"`)
      .join(', ')} are refused; move them into the body or switch the advertiser to signatureScheme v1`,
    names[0],
  );
}

export function invalidTimestamp(detail: string): PostbackAuthError {
  return new PostbackAuthError('INVALID_TIMESTAMP', detail, 'X-Timestamp');
}

export function signatureExpired(skewSeconds: number, toleranceSeconds: number): PostbackAuthError {
  const direction = skewSeconds > 0 ? 'in the future' : 'old';
  return new PostbackAuthError(
    'SIGNATURE_EXPIRED',
    `the signed timestamp is ${Math.abs(skewSeconds)} s ${direction}; signatures are accepted within ` +
      `${toleranceSeconds} s of the gateway's clock (sign each request when it is sent, and keep the ` +
      'sender’s clock in sync)',
    'X-Timestamp',
  );
}
