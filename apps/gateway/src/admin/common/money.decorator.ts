import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { isMoneyError, parseMoney, parsePercent } from '@ricochet/domain/money';
import { IsOptional, IsString, ValidateBy, type ValidationArguments } from 'class-validator';

interface DecimalFieldOptions {
  description: string;
  example: string;
  /** Default true. */
  required?: boolean;
}

/** The MoneyError's reason with the field path at the front, as the validation pipe lists it. */
function reason(error: unknown, args: ValidationArguments): string {
  const detail = isMoneyError(error) ? error.detail : 'must be a decimal number like 12.50';
  return `${args.property} ${detail.replace(/^"[^"]*" /, '')}`;
}

function decimalField(
  name: string,
  parse: (raw: string, param: string) => number,
  options: DecimalFieldOptions,
  pattern: string,
): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      type: String,
      description: options.description,
      example: options.example,
      required: options.required ?? true,
      pattern,
    }),
    ...(options.required === false ? [IsOptional()] : []),
    IsString(),
    ValidateBy({
      name,
      validator: {
        validate: (value: unknown, args?: ValidationArguments): boolean => {
          try {
            parse(String(value), args?.property ?? name);
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: (args?: ValidationArguments): string => {
          try {
            parse(String(args?.value), args?.property ?? name);
            return `${args?.property ?? name} is invalid`;
          } catch (error) {
            return args ? reason(error, args) : String(error);
          }
        },
      },
    }),
  );
}

/**
 * A money amount as a decimal string (`"12.50"`), checked with the domain's `parseMoney` so the API
 * accepts exactly what the service will parse; `"12,5"` fails naming the field.
 */
export function MoneyString(options: DecimalFieldOptions): PropertyDecorator {
  return decimalField('isMoneyString', parseMoney, options, '^\\+?\\d{0,9}(\\.\\d*)?$');
}

/** A percentage between 0 and 100 as a decimal string (`"70"`, `"12.5"`), checked with `parsePercent`. */
export function PercentString(options: DecimalFieldOptions): PropertyDecorator {
  return decimalField('isPercentString', parsePercent, options, '^\\+?\\d{0,3}(\\.\\d*)?%?$');
}
