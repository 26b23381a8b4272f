import { Injectable } from '@nestjs/common';
import type { ConversionStatus } from '@ricochet/domain/model';
import { buildMacroValues, type MacroValues } from '@ricochet/domain/templates';
import {
  type ClickRecord,
  ClickRepository,
  type ConversionRecord,
  PostbackRepository,
  type PostbackRecord,
} from '@ricochet/persistence';

/** What a forward's macros are rendered from, when the caller already holds some of it. */
export interface KnownContext {
  click?: ClickRecord | null;
  postback?: PostbackRecord | null;
}

/**
 * Gathers the macro values of one forwarded conversion state: the conversion, its click (for
 * `{ext_click_id}`, subs …) and the postback behind that state (for `{postback.NAME}`). The attribution
 * job passes the click and postback it has just read, so only a retry or a replay reads them again.
 */
@Injectable()
export class DeliveryContextLoader {
  constructor(
    private readonly clicks: ClickRepository,
    private readonly postbacks: PostbackRepository,
  ) {}

  async valuesFor(
    conversion: ConversionRecord,
    status: ConversionStatus,
    known: KnownContext = {},
  ): Promise<MacroValues> {
    const [click, postback] = await Promise.all([
      known.click !== undefined ? known.click : this.clicks.findByClickId(conversion.clickId),
      known.postback !== undefined ? known.postback : this.findPostback(conversion, status),
    ]);
    return buildMacroValues({
      status,
      conversion,
      click,
      postbackParams: postback?.params,
      now: new Date(),
    });
  }

  /** The postback behind the forwarded status: its history entry, else the latest with a postback. */
  private findPostback(
    conversion: ConversionRecord,
    status: ConversionStatus,
  ): Promise<PostbackRecord | null> {
    const withPostback = conversion.history.filter((entry) => entry.postbackId !== undefined);
    const entry = withPostback.filter((candidate) => candidate.status === status).pop() ?? withPostback.pop();
    return entry?.postbackId ? this.postbacks.findById(entry.postbackId) : Promise.resolve(null);
  }
}
