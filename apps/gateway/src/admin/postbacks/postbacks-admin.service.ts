import { Injectable, NotFoundException } from '@nestjs/common';
import { PostbackRepository } from '@ricochet/persistence';
import { AttributionProducer } from '@ricochet/queue';
import type { PageResponse } from '../common/page.dto';
import { toPageResponse } from '../common/page.dto';
import type { PostbackListQuery } from './dto/postback-list-query.dto';
import type { PostbackReplayResponse } from './dto/postback-replay-response.dto';
import type { PostbackResponse } from './dto/postback-response.dto';
import { toPostbackResponse } from './postback.mapper';

/** Admin reads of stored postbacks and their replay through attribution. */
@Injectable()
export class PostbacksAdminService {
  constructor(
    private readonly postbacks: PostbackRepository,
    private readonly attribution: AttributionProducer,
  ) {}

  async list(query: PostbackListQuery): Promise<PageResponse<PostbackResponse>> {
    const { limit, cursor, ...filter } = query;
    const page = await this.postbacks.list(filter, { limit, cursor });
    return toPageResponse(page, toPostbackResponse);
  }

  async get(id: string): Promise<PostbackResponse> {
    const record = await this.postbacks.findById(id);
    if (!record) throw notFound(id);
    return toPostbackResponse(record);
  }

  /** Back to `accepted`, then an attribution job (replacing one that ended, promoting a delayed one). */
  async replay(id: string): Promise<PostbackReplayResponse> {
    const record = await this.postbacks.resetForReplay(id, new Date());
    if (!record) throw notFound(id);
    await this.attribution.ensureAttribution(record.id);
    return { postbackId: record.id, outcome: 'accepted' };
  }
}

function notFound(id: string): NotFoundException {
  return new NotFoundException({ code: 'NOT_FOUND', message: `postback "${id}" not found` });
}
