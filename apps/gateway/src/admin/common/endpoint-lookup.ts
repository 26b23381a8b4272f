import { NotFoundException } from '@nestjs/common';
import type { EndpointRecord, SourceRepository } from '@ricochet/persistence';

/**
 * A source's endpoint, read from the database (not a cache: it may have been added a moment ago).
 * @throws NotFoundException `SOURCE_NOT_FOUND` (param `sourceId`) or `ENDPOINT_NOT_FOUND` (param `endpointId`).
 */
export async function findEndpointOrThrow(
  sources: SourceRepository,
  sourceId: string,
  endpointId: string,
): Promise<EndpointRecord> {
  const source = await sources.findById(sourceId);
  if (!source) {
    throw new NotFoundException({
      code: 'SOURCE_NOT_FOUND',
      message: `no source has id "${sourceId}"`,
      param: 'sourceId',
    });
  }
  const endpoint = source.endpoints.find((candidate) => candidate.id === endpointId);
  if (!endpoint) {
    throw new NotFoundException({
      code: 'ENDPOINT_NOT_FOUND',
      message: `source "${sourceId}" has no endpoint "${endpointId}" (GET /api/sources/${sourceId} lists them)`,
      param: 'endpointId',
    });
  }
  return endpoint;
}
