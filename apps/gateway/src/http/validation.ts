import { BadRequestException, type ValidationError, ValidationPipe } from '@nestjs/common';

/** One field at fault: its path (`limit`, `endpoints.0.maxRps`) and a message that starts with it. */
export interface FieldProblem {
  param: string;
  message: string;
}

/** Admin DTO validation: unknown fields are refused, and the error names every field at fault. */
export function adminValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors: ValidationError[]) => validationException(flattenValidationErrors(errors)),
  });
}

/**
 * 400 VALIDATION_FAILED: `message` lists every problem, `param` is the first field at fault (its bare
 * path, e.g. `tz`), `details` has one message per problem.
 */
export function validationException(problems: readonly FieldProblem[]): BadRequestException {
  const details = problems.map((problem) => problem.message);
  return new BadRequestException({
    code: 'VALIDATION_FAILED',
    message: details.length > 0 ? details.join('; ') : 'the request is invalid',
    ...(problems.length > 0 ? { param: problems[0].param } : {}),
    details,
  });
}

/**
 * class-validator's nested errors as one problem per failed constraint. Its messages name the property
 * at their start (`limit must not be …`), except the whitelist's (`property tz should not exist`); each
 * message is rewritten to start with the field's full path, once.
 */
export function flattenValidationErrors(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      param: path,
      message: fieldMessage(path, error.property, constraint, message),
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}

function fieldMessage(path: string, property: string, constraint: string, message: string): string {
  if (constraint === 'whitelistValidation') {
    return `${path} is not a known field here; remove it`;
  }
  if (message.startsWith(`${property} `)) return `${path}${message.slice(property.length)}`;
  return `${path}: ${message}`;
}
