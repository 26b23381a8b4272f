import { type Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Page } from '@ricochet/persistence';

/** A page of an admin list: `{ items, nextCursor }`. */
export interface PageResponse<T> {
  items: T[];
  /** Present only when another page exists. */
  nextCursor?: string;
}

/**
 * Swagger class for a page of `item`: `class AdvertiserPage extends PageOf(AdvertiserResponse) {}`.
 * Named subclasses keep the OpenAPI schema names readable.
 */
export function PageOf<T>(item: Type<T>): Type<PageResponse<T>> {
  class PageOfItems implements PageResponse<T> {
    @ApiProperty({ type: [item], description: 'This page, newest first' })
    items!: T[];

    @ApiPropertyOptional({
      description: 'Pass as `cursor` to get the next page; absent on the last page',
      example: '665f1c2e8b3d4a0012345678',
    })
    nextCursor?: string;
  }
  return PageOfItems;
}

/** Maps a repository page to a response page with the feature's one mapper. */
export function toPageResponse<R, T>(page: Page<R>, map: (record: R) => T): PageResponse<T> {
  return {
    items: page.items.map(map),
    ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
  };
}
