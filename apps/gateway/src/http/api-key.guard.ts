import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The 401 body of a missing or wrong admin key (the guard and the pre-parsing hook send the same). */
export const UNAUTHORIZED_BODY = {
  statusCode: 401,
  code: 'UNAUTHORIZED',
  message: 'admin API key missing or invalid: send it as x-api-key or Authorization: Bearer <key>',
} as const;

/**
 * The configured admin keys, compared as fixed-length SHA-256 digests in constant time against every
 * key, so timing reveals neither a key nor which one matched.
 */
export class AdminKeys {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  /** True when the request carries one of the keys as `x-api-key` or `Authorization: Bearer`. */
  accepts(headers: IncomingHttpHeaders): boolean {
    const presented = presentedKey(headers);
    const candidate = presented === undefined ? undefined : digest(presented);
    let match = false;
    for (const key of this.digests) {
      if (candidate !== undefined && timingSafeEqual(key, candidate)) match = true;
    }
    return match;
  }
}

/**
 * Admin API authentication: `x-api-key: <key>` or `Authorization: Bearer <key>`, keys from
 * ADMIN_API_KEYS. With no keys configured every request is refused: the admin API is closed by default.
 * The gateway also checks the key before an admin body is read (`registerRequestLimits`); this guard
 * keeps every admin controller closed on its own, whatever app it is mounted in.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: AdminKeys;

  constructor(@InjectConfig() config: RicochetConfig) {
    this.keys = new AdminKeys(config.admin.apiKeys);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders }>();
    if (!this.keys.accepts(request.headers)) throw new UnauthorizedException({ ...UNAUTHORIZED_BODY });
    return true;
  }
}

function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && /^bearer /i.test(authorization))
    return authorization.slice(7).trim();
  return undefined;
}

/** SHA-256 of a secret: equal-length inputs for `timingSafeEqual`. */
export function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
