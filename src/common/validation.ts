import { applyDecorators, Body, Query, type ValidationError, ValidationPipe } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsObject, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';
import { labelsViolation } from './labels.js';
import { type FieldError, GatewayError } from './problem.js';

/** Flattens class-validator's tree into `{field: 'remote.cluster', message}` entries. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    // An empty key ({"": 1}) is named by its JSON spelling, so every field error names something.
    const property = error.property === '' ? '""' : error.property;
    const field = parent ? `${parent}.${property}` : property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fieldErrors = flattenValidationErrors(errors);
      const detail = fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ');
      return new GatewayError('validation_failed', detail || 'the request body is not valid', { errors: fieldErrors });
    },
  });
}

/**
 * The HTTP API's validation pipe, on the parameters that carry a DTO: `@ValidBody()` and
 * `@ValidQuery()` in place of `@Body()` and `@Query()`. It is not a global pipe: Nest runs a
 * global pipe on every path parameter of every request too (a promise chain per parameter, about
 * a tenth of what a read allocated; docs/performance.md), where a path parameter or a named query
 * value is a string that cannot be invalid. src/common/validation-coverage.spec.ts checks that
 * every controller's DTO parameter carries it.
 */
export const HTTP_VALIDATION = createValidationPipe();

/** `@Body()`, validated and transformed into its DTO class (problem+json `validation_failed` otherwise). */
export function ValidBody(): ParameterDecorator {
  return Body(HTTP_VALIDATION);
}

/** `@Query()` as a whole, validated and transformed into its DTO class. */
export function ValidQuery(): ParameterDecorator {
  return Query(HTTP_VALIDATION);
}

/** Like @IsOptional(), but only an absent property is skipped: `null` is a value, and is checked. */
export function IsOptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}

/**
 * A nested object of class `type`: an array, a string or null is refused (class-transformer
 * would otherwise turn `[]` into an empty array that passes nested validation).
 */
export function NestedObject(type: () => new () => object): PropertyDecorator {
  return applyDecorators(IsObject({ message: '$property must be a JSON object' }), ValidateNested(), Type(type));
}

/** Labels by src/common/labels.ts. */
export function IsLabels(): PropertyDecorator {
  return ValidateBy({
    name: 'isLabels',
    validator: {
      validate: (value: unknown) => labelsViolation(value) === null,
      defaultMessage: (args) => `${args?.property ?? 'labels'} ${labelsViolation(args?.value)}`,
    },
  });
}
