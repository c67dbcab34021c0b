import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import { productIds } from './index.js';

/**
 * A DTO property naming a product: documented with the registered ids, and checked against the
 * products registered when the request comes (a product registered later counts too).
 */
export function IsProduct(options: { required: boolean; description?: string }): PropertyDecorator {
  const doc = { enum: productIds(), ...(options.description ? { description: options.description } : {}) };
  return applyDecorators(
    options.required ? ApiProperty(doc) : ApiPropertyOptional(doc),
    ValidateBy({
      name: 'isProduct',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && productIds().includes(value),
        defaultMessage: () => `product must be one of: ${productIds().join(', ')}`,
      },
    }),
  );
}
