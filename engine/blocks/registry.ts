/** Every block kind, in palette order. The palette, inspector, validator and docs all read this. */
import { attention } from './attention.ts';
import { bidirectional } from './bidirectional.ts';
import { embedding, input } from './data.ts';
import { ctrnn } from './ctrnn.ts';
import { dropout } from './dropout.ts';
import { elman } from './elman.ts';
import { gru } from './gru.ts';
import { minimalGatedUnit } from './minimal-gated-unit.ts';
import { jordan } from './jordan.ts';
import { activation, denseBlock, lastStep } from './layers.ts';
import { lstm } from './lstm.ts';
import { output } from './output.ts';
import { peepholeLstm } from './peephole-lstm.ts';
import { add, concat, constantScale, delay, firstStep, linear, multiply, oneMinus, rateScale, relu, scale, sigmoid, tanh } from './primitives.ts';
import { repeatVector } from './repeat-vector.ts';
import type { AnyBlock } from './types.ts';
import type { z } from 'zod';

/** The blocks with their literal types and params types, from which the types below are derived. */
const TYPED = [
  input, embedding,
  elman, jordan, lstm, gru, minimalGatedUnit, peepholeLstm, ctrnn, bidirectional,
  denseBlock, activation, dropout, lastStep, repeatVector, attention,
  output,
  delay, linear, add, multiply, concat, tanh, sigmoid, relu, oneMinus, scale, constantScale, rateScale, firstStep,
] as const satisfies readonly AnyBlock[];

/** Every block, each seen as any block (its params erased to a record) so that code may call its members uniformly. */
export const BLOCKS: readonly AnyBlock[] = TYPED;

/** Every block type, as a union of literals: a `switch` over it is checked for exhaustiveness. */
export type BlockType = (typeof TYPED)[number]['type'];
/** The block of type `K`. */
export type BlockOf<K extends BlockType> = Extract<(typeof TYPED)[number], { readonly type: K }>;
/** The params of a block of type `K`, defaults applied. */
export type ParamsOf<K extends BlockType> = z.output<BlockOf<K>['params']>;

const byType = new Map(BLOCKS.map((b) => [b.type, b]));

export const getBlock = (type: string): AnyBlock | undefined => byType.get(type);
