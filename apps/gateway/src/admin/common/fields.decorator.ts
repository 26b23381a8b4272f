import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';

/**
 * Composite field decorators for admin DTOs: each pairs the class-validator rules with the `@ApiProperty`
 * that documents them, so the schema in `/docs` and what the API accepts cannot drift.
 */
interface FieldOptions<T> {
  description: string;
  example: T;
  /** Default true. */
  required?: boolean;
}

function optional(options: FieldOptions<unknown>): PropertyDecorator[] {
  return options.required === false ? [IsOptional()] : [];
}

/** A string of `min`…`max` characters, optionally matching `pattern`. */
export function TextField(
  options: FieldOptions<string> & { min?: number; max: number; pattern?: RegExp; patternMessage?: string },
): PropertyDecorator {
  const min = options.min ?? 1;
  return applyDecorators(
    ApiProperty({
      type: String,
      description: options.description,
      example: options.example,
      required: options.required ?? true,
      minLength: min,
      maxLength: options.max,
      ...(options.pattern ? { pattern: options.pattern.source } : {}),
    }),
    ...optional(options),
    IsString(),
    Length(min, options.max),
    ...(options.pattern ? [Matches(options.pattern, { message: options.patternMessage })] : []),
  );
}

/** One of a fixed set of strings. */
export function EnumField<T extends string>(
  values: readonly T[],
  options: FieldOptions<T>,
): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      enum: values,
      description: options.description,
      example: options.example,
      required: options.required ?? true,
    }),
    ...optional(options),
    IsIn(values),
  );
}

/** A list of strings, at most `maxItems` long, each at most `maxLength` characters. */
export function StringListField(
  options: FieldOptions<string[]> & { maxItems: number; maxLength: number; values?: readonly string[] },
): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      type: [String],
      ...(options.values ? { enum: options.values } : {}),
      description: options.description,
      example: options.example,
      required: options.required ?? true,
      maxItems: options.maxItems,
    }),
    ...optional(options),
    IsArray(),
    ArrayMaxSize(options.maxItems),
    IsString({ each: true }),
    Length(1, options.maxLength, { each: true }),
    ...(options.values ? [IsIn(options.values, { each: true })] : []),
  );
}

export function BooleanField(options: FieldOptions<boolean>): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      type: Boolean,
      description: options.description,
      example: options.example,
      required: options.required ?? true,
    }),
    ...optional(options),
    IsBoolean(),
  );
}

/** A number between `min` and `max`; `integer` restricts it to whole numbers. */
export function NumberField(
  options: FieldOptions<number> & { min: number; max: number; integer?: boolean; exclusiveMin?: boolean },
): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      type: options.integer ? 'integer' : 'number',
      description: options.description,
      example: options.example,
      required: options.required ?? true,
      minimum: options.min,
      maximum: options.max,
      ...(options.exclusiveMin ? { exclusiveMinimum: true } : {}),
    }),
    ...optional(options),
    options.integer ? IsInt() : IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(options.exclusiveMin ? options.min + Number.EPSILON : options.min),
    Max(options.max),
  );
}

/** A free-form JSON object whose content the service checks with a domain validator. */
export function ObjectField(
  options: FieldOptions<Record<string, unknown>> & { valueType?: 'string' | 'array' },
): PropertyDecorator {
  const document = options.required === false ? ApiPropertyOptional : ApiProperty;
  return applyDecorators(
    document({
      type: 'object',
      description: options.description,
      example: options.example,
      additionalProperties:
        options.valueType === 'array'
          ? { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }
          : { type: 'string' },
    }),
    ...optional(options),
    IsObject(),
  );
}
