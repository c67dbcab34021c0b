import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import { forEachProduct, productIds, productPlugins } from './index.js';
import type { ProductBlocks } from './product-plugin.js';
import { IsOptionalNotNull, NestedObject } from '../common/validation.js';

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

type BlockSlot = 'clusterFacts' | 'peeringCreate' | 'peeringUpdate';

/**
 * Adds each product's block for `slot` to a request DTO, as the property named by the product
 * id: validated as a nested object of the plugin's class and documented by it. The DTO itself
 * names no product.
 */
export function withProductBlocks(target: abstract new (...args: never[]) => object, slot: BlockSlot): void {
  forEachProduct((plugin) => {
    const block = plugin.blocks?.[slot];
    if (!block) return;
    applyDecorators(
      ApiPropertyOptional({ type: block.type, description: block.description }),
      IsOptionalNotNull(),
      NestedObject(() => block.type),
    )(target.prototype, plugin.id);
  });
}

/** Documents each product's blocks on an answer: `slot`'s class under the product id, and the product's state fields for a peering. */
export function withProductViews(target: abstract new (...args: never[]) => object, slot: Exclude<BlockSlot, 'peeringUpdate'>): void {
  forEachProduct((plugin) => {
    const blocks: ProductBlocks = plugin.blocks ?? {};
    const block = blocks[slot];
    if (block) ApiPropertyOptional({ type: block.type, description: `${plugin.title}: ${block.description}` })(target.prototype, plugin.id);
    if (slot !== 'peeringCreate') return;
    for (const [name, options] of Object.entries(blocks.peeringState ?? {})) ApiPropertyOptional(options)(target.prototype, name);
  });
}

/** The products' request examples for POST /v1/peerings, by name. */
export function productExamples(): Record<string, { summary: string; value: Record<string, unknown> }> {
  return Object.assign({}, ...productPlugins().map((plugin) => plugin.blocks?.createExamples ?? {})) as Record<
    string,
    { summary: string; value: Record<string, unknown> }
  >;
}
