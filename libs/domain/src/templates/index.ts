export * from './template.error';
export * from './template-render.error';
export * from './macros';
export * from './macro-values';
export { suggestMacro, equivalentMacro } from './macro-hints';
export { findForeignToken, type ForeignToken } from './foreign-syntax';
export { parseTemplate, type TemplateSegment, type TextSegment, type MacroSegment } from './template-parser';
export * from './template-compiler';
export {
  renderTemplate,
  encodeHeaderValue,
  isJsonLiteral,
  type CompiledTemplate,
  type CompiledMacroSegment,
} from './template-renderer';
