import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from './api-key.guard';
import type { ApiTagName } from './api-tags';
import { ApiErrorResponse } from './error-response';
import { API_KEY_SCHEME, BEARER_SCHEME } from './swagger';

/**
 * Marks a controller as admin API: API-key guard, Swagger security schemes and the 401 answer. `tag`
 * groups all its operations in `/docs`; a controller whose operations belong to different groups
 * omits it and tags each operation with `@ApiTags` instead (tags of both levels would add up).
 */
export function AdminController(tag?: ApiTagName): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ...(tag !== undefined ? [ApiTags(tag)] : []),
    UseGuards(ApiKeyGuard),
    ApiSecurity(API_KEY_SCHEME),
    ApiBearerAuth(BEARER_SCHEME),
    ApiErrorResponse(401, 'Missing or invalid admin API key'),
  );
}
