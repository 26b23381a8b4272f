import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from './api-key.guard';
import { ErrorResponse } from './error-response';
import { API_KEY_SCHEME, BEARER_SCHEME } from './swagger';

/** Marks a controller as admin API: API-key guard, Swagger security schemes, tag and the 401 shape. */
export function AdminController(tag: string): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiTags(tag),
    UseGuards(ApiKeyGuard),
    ApiSecurity(API_KEY_SCHEME),
    ApiBearerAuth(BEARER_SCHEME),
    ApiResponse({ status: 401, description: 'Missing or invalid admin API key', type: ErrorResponse }),
  );
}
