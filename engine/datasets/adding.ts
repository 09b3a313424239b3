/**
 * The adding problem (Hochreiter & Schmidhuber 1997, in the form of Le, Jaitly & Hinton 2015):
 * a sequence of random numbers with two of them marked, one in each half; the answer is their
 * sum. The marked values can lie far apart, which makes it a test of long memory.
 */
import { z } from 'zod';
import { Random } from './random.ts';
import { EXAMPLES_PER_YIELD, samplesParam, seedParam, streamSizeCheck } from './params.ts';
import type { Dataset } from './types.ts';
import type { Work } from '../ir/work.ts';

export const addingParams = z
  .strictObject({
    length: z.number().int().min(2).max(1000).default(30).describe('Sequence length (T).'),
    samples: samplesParam(2048),
    seed: seedParam,
  })
  .superRefine(streamSizeCheck((p) => p.length * 2, 'length × 2 features'));
export type AddingParams = z.output<typeof addingParams>;

/**
 * x: dense [N, T, 2]: feature 0 uniform in [0, 1); feature 1 a marker, 1 at exactly two steps
 *    (one uniform in [0, ⌊T/2⌋), one uniform in [⌊T/2⌋, T)), 0 elsewhere.
 * y: dense [N, 1]: the sum of the two marked values (as stored in float32).
 */
export function* generateAdding(params: AddingParams): Work<Dataset> {
  const { length, samples } = params;
  const random = new Random(params.seed);
  const half = Math.floor(length / 2);
  const x = new Float32Array(samples * length * 2);
  const y = new Float32Array(samples);
  let squaredError = 0;
  for (let n = 0; n < samples; n++) {
    if (n % EXAMPLES_PER_YIELD === 0) yield n / samples;
    const base = n * length * 2;
    for (let t = 0; t < length; t++) x[base + 2 * t] = random.uniform();
    const first = random.int(half);
    const second = half + random.int(length - half);
    x[base + 2 * first + 1] = 1;
    x[base + 2 * second + 1] = 1;
    y[n] = x[base + 2 * first] + x[base + 2 * second];
    squaredError += (y[n] - 1) ** 2;
  }
  const mse = squaredError / samples;
  return {
    type: 'adding',
    steps: length,
    size: samples,
    x: { kind: 'dense', perStep: true, features: 2, data: x },
    y: { kind: 'dense', perStep: false, features: 1, data: y },
    baseline: {
      metric: 'mse',
      value: mse,
      description: `Always answering 1 (the mean of the sum) gives MSE ${mse.toPrecision(3)} (in theory 1/6 ≈ 0.167); a model that ignores the markers cannot do better.`,
    },
  };
}
