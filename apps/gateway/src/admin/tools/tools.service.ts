import { Injectable, NotFoundException } from '@nestjs/common';
import {
  buildMacroValues,
  compileTemplate,
  type MacroValues,
  renderTemplate,
  sampleMacroValues,
} from '@ricochet/domain/templates';
import { ClickRepository, ConversionRepository, PostbackRepository } from '@ricochet/persistence';
import type { PreviewBody, PreviewResponse } from './dto/preview.dto';
import { withOverrides } from './preview-values';

/** Template preview (DESIGN §8): compiles and renders, nothing is sent or stored. */
@Injectable()
export class ToolsService {
  constructor(
    private readonly conversions: ConversionRepository,
    private readonly clicks: ClickRepository,
    private readonly postbacks: PostbackRepository,
  ) {}

  async preview(body: PreviewBody): Promise<PreviewResponse> {
    const compiled = compileTemplate(body.template, { kind: body.kind, field: 'template' });
    const base = body.conversionId ? await this.conversionValues(body.conversionId) : sampleMacroValues();
    const values = withOverrides(base, body.values ?? {});
    return { rendered: renderTemplate(compiled, values), macros: [...compiled.macros] };
  }

  private async conversionValues(conversionId: string): Promise<MacroValues> {
    const conversion = await this.conversions.findById(conversionId);
    if (!conversion) {
      throw new NotFoundException({
        code: 'CONVERSION_NOT_FOUND',
        message: `"conversionId": no conversion has id "${conversionId}"`,
        param: 'conversionId',
      });
    }
    const postbackId = [...conversion.history].reverse().find((entry) => entry.postbackId)?.postbackId;
    const [click, postback] = await Promise.all([
      this.clicks.findByClickId(conversion.clickId),
      postbackId ? this.postbacks.findById(postbackId) : Promise.resolve(null),
    ]);
    return buildMacroValues({
      status: conversion.status,
      conversion,
      click,
      postbackParams: postback?.params,
      now: new Date(),
    });
  }
}
