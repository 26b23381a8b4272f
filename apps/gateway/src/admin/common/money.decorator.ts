import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { isMoneyError, parseMoney, parsePercent } from '@ricochet/domain/money';
import { IsOptional, ValidateBy, type ValidationArguments } from 'class-validator';

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
    ValidateBy({
      name,
      validator: {
        validate: (value: unknown, args?: ValidationArguments): boolean => {
          if (typeof value !== 'string') return false;
          try {
            parse(value, args?.property ?? name);
            return true;
          } catch {
            return false;
          }
        },
        // A JSON number is refused without rendering it: its double's text (`1e-7` for 0.0000001) is
        // not what the client wrote, so the message must not quote it.
        defaultMessage: (args?: ValidationArguments): string => {
          const property = args?.property ?? name;
          if (typeof args?.value !== 'string') {
            return `${property} must be a decimal number written as a JSON string, like "${options.example}"`;
          }
          try {
            parse(args.value, property);
            return `${property} is invalid`;
          } catch (error) {
            return reason(error, args);
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
