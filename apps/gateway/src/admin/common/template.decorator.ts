import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { allowedMacros, TEMPLATE_MAX_LENGTH, type TemplateKind } from '@ricochet/domain/templates';
import { IsOptional, IsString, MaxLength } from 'class-validator';

interface TemplateFieldOptions {
  description: string;
  example: string;
  /** Default true. */
  required?: boolean;
}

/**
 * A template field of `kind`: a string within the kind's length limit, documented with the macros it
 * may use. The full check (unknown macros, other trackers' syntax, URL/JSON shape) is `compileTemplate`,
 * run by the service with the field's path, because its error carries a stable code (`UNKNOWN_MACRO`,
 * `FOREIGN_MACRO_SYNTAX` …) and a hint that the validation pipe's generic shape would lose.
 */
export function IsTemplate(kind: TemplateKind, options: TemplateFieldOptions): PropertyDecorator {
  const postback = kind === 'offer-url' ? '' : ' {postback.NAME}';
  const macros = allowedMacros(kind)
    .map((name) => `{${name}}`)
    .join(' ');
  return applyDecorators(
    ApiProperty({
      type: String,
      description: `${options.description}\n\nTemplate kind \`${kind}\`; macros: ${macros}${postback}.`,
      example: options.example,
      required: options.required ?? true,
      maxLength: TEMPLATE_MAX_LENGTH[kind],
    }),
    ...(options.required === false ? [IsOptional()] : []),
    IsString(),
    MaxLength(TEMPLATE_MAX_LENGTH[kind]),
  );
}
