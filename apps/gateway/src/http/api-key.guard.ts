import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/**
 * Admin API authentication (DESIGN §8): `x-api-key: <key>` or `Authorization: Bearer <key>`, keys from
 * ADMIN_API_KEYS. With no keys configured every request is refused: the admin API is closed by default.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keyDigests: Buffer[];

  constructor(@InjectConfig() config: RicochetConfig) {
    this.keyDigests = config.admin.apiKeys.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const presented = presentedKey(request);
    // Compare fixed-length digests in constant time, against every key, so timing reveals nothing.
    const candidate = presented === undefined ? undefined : digest(presented);
    let match = false;
    for (const key of this.keyDigests) {
      if (candidate !== undefined && timingSafeEqual(key, candidate)) match = true;
    }
    if (!match) {
      throw new UnauthorizedException({
        statusCode: 401,
        code: 'UNAUTHORIZED',
        message: 'admin API key missing or invalid: send it as x-api-key or Authorization: Bearer <key>',
      });
    }
    return true;
  }
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && /^bearer /i.test(authorization))
    return authorization.slice(7).trim();
  return undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
