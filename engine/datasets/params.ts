/** Parameter pieces shared by several dataset schemas. */
import { z } from 'zod';
import { MAX_STREAM_VALUES } from './types.ts';

/** Seed of the generator: the same params always give bit-identical data. */
export const seedParam = z
  .number()
  .int()
  .min(0)
  .max(4294967295)
  .default(1)
  .describe('Random seed: the same parameters and seed always give identical data.');

/** Number of examples to generate. */
export function samplesParam(defaultSamples: number) {
  return z.number().int().min(1).max(1_000_000).default(defaultSamples).describe('Number of examples to generate.');
}

/**
 * A refinement for a params object: fails on `samples` when the largest stream would hold more
 * than MAX_STREAM_VALUES values (N · T · F).
 */
export function streamSizeCheck<P extends { samples: number }>(valuesPerSample: (params: P) => number, what: string) {
  return (params: P, ctx: z.RefinementCtx): void => {
    const values = params.samples * valuesPerSample(params);
    if (values > MAX_STREAM_VALUES) {
      ctx.addIssue({
        code: 'custom',
        path: ['samples'],
        message: `samples × ${what} = ${values.toLocaleString('en')} values, more than the limit of ${MAX_STREAM_VALUES.toLocaleString('en')}; lower samples or the length`,
      });
    }
  };
}

/** Generators yield (see ir/work.ts) once every this many examples. */
export const EXAMPLES_PER_YIELD = 64;
