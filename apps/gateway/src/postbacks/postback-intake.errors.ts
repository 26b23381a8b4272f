import { ForbiddenException, HttpStatus, UnauthorizedException } from '@nestjs/common';

/** Reason codes of refused authentication; 403 ones are stored on the postback as its rejectReason. */
export type IntakeAuthCode = 'INVALID_TOKEN' | 'IP_NOT_ALLOWED' | 'INVALID_SIGNATURE';

export function invalidToken(): UnauthorizedException {
  return new UnauthorizedException({
    statusCode: HttpStatus.UNAUTHORIZED,
    code: 'INVALID_TOKEN',
    message:
      "INVALID_TOKEN: the postback token is missing or unknown; put the advertiser's postbackToken in the " +
      'path (/postback/<token>) or as token=<token>',
  });
}

export function ipNotAllowed(ip: string): ForbiddenException {
  return new ForbiddenException({
    statusCode: HttpStatus.FORBIDDEN,
    code: 'IP_NOT_ALLOWED',
    message: `IP_NOT_ALLOWED: ${ip} is not in the advertiser's IP allowlist`,
  });
}

export function invalidSignature(present: boolean): ForbiddenException {
  return new ForbiddenException({
    statusCode: HttpStatus.FORBIDDEN,
    code: 'INVALID_SIGNATURE',
    message: present
      ? 'INVALID_SIGNATURE: the HMAC-SHA256 signature does not match the request'
      : 'INVALID_SIGNATURE: this advertiser signs postbacks; send the HMAC-SHA256 signature as the ' +
        'X-Signature header or the sig= parameter',
  });
}
