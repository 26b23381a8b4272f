import { Injectable } from '@nestjs/common';
import type { ClickRecord, OfferRecord } from '@ricochet/persistence';
import {
  compileTemplate,
  renderTemplate,
  type CompiledTemplate,
  type MacroValues,
} from '@ricochet/domain/templates';
import { SUB_KEYS } from '@ricochet/persistence';
import type { ClickQuery } from './click-query.parser';

/** Compiled offer URLs kept per process; the key includes the URL, so an edited offer recompiles. */
const MAX_CACHED_TEMPLATES = 5_000;

/** Renders an offer's landing URL for one click, compiling each offer URL once. */
@Injectable()
export class OfferUrlRenderer {
  private readonly compiled = new Map<string, CompiledTemplate>();

  render(offer: Pick<OfferRecord, 'id' | 'url'>, click: ClickRecord): string {
    return renderTemplate(this.template(offer.id, offer.url), clickMacroValues(click));
  }

  /**
   * Renders an offer's fallback URL (a paused offer, an unknown source). It takes the same macros as
   * `url`, filled from the request; no click is recorded on this path, so `{click_id}` is empty.
   */
  renderFallback(offer: Pick<OfferRecord, 'id'> & { fallbackUrl: string }, query: ClickQuery): string {
    return renderTemplate(this.template(offer.id, offer.fallbackUrl), fallbackMacroValues(query));
  }

  private template(offerId: string, url: string): CompiledTemplate {
    const key = `${offerId}\n${url}`;
    let template = this.compiled.get(key);
    if (template === undefined) {
      template = compileTemplate(url, { kind: 'offer-url' });
      if (this.compiled.size >= MAX_CACHED_TEMPLATES) this.compiled.clear();
      this.compiled.set(key, template);
    }
    return template;
  }
}

/** The click-side macros an offer URL may use. */
export function clickMacroValues(click: ClickRecord): MacroValues {
  const values: MacroValues = {
    click_id: click.clickId,
    ext_click_id: click.extClickId ?? '',
    offer_id: click.offerId,
    source_id: click.sourceId,
  };
  for (const key of SUB_KEYS) values[key] = click[key] ?? '';
  return values;
}

/** The same macros for a redirect that records no click: the request's values, no click id. */
export function fallbackMacroValues(query: ClickQuery): MacroValues {
  const values: MacroValues = {
    click_id: '',
    ext_click_id: query.extClickId ?? '',
    offer_id: query.offerId,
    source_id: query.sourceId,
  };
  for (const key of SUB_KEYS) values[key] = query.subs[key] ?? '';
  return values;
}
