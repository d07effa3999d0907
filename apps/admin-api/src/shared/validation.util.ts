import { ValidationPipe, type ValidationError } from '@nestjs/common';

import { CommonError, CommonErrorCodes } from './admin-api.errors';

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** Every failed constraint, with its dotted path (`targets.0.appid`). */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/** class-validator on every input: unknown fields refused, values converted to the DTO's types. */
export function adminValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Values are not echoed back: a refused password must not return in the error body.
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new CommonError(CommonErrorCodes.ValidationFailed, 'the request is not valid', {
        fields: fieldProblems(errors),
      }),
  });
}
