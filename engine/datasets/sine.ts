/**
 * Sine forecasting: one long series sin(2π t / period + phase) + noise · N(0, 1), min-max scaled
 * to [-1, 1], cut into sliding windows whose target is the value right after the window.
 * The phase is drawn from the seed.
 */
import { z } from 'zod';
import { Random } from './random.ts';
import { EXAMPLES_PER_YIELD, samplesParam, seedParam, streamSizeCheck } from './params.ts';
import type { Dataset } from './types.ts';
import type { Work } from '../ir/work.ts';

export const sineParams = z
  .strictObject({
    window: z.number().int().min(2).max(1000).default(20).describe('Steps the network sees before it predicts the next value (T).'),
    samples: samplesParam(512),
    period: z.number().min(2).max(10000).default(25).describe('Steps per full sine cycle.'),
    noise: z.number().min(0).max(10).default(0).describe('Standard deviation of Gaussian noise added to the raw sine (before scaling).'),
    seed: seedParam,
  })
  .superRefine(streamSizeCheck((p) => p.window, 'window'));
export type SineParams = z.output<typeof sineParams>;

/**
 * x: dense [N, T, 1]: series[n .. n+T); y: dense [N, 1]: series[n+T].
 * The series has N + T values; normalisation holds its raw min and max.
 */
export function* generateSine(params: SineParams): Work<Dataset> {
  const { window, samples, period, noise } = params;
  const random = new Random(params.seed);
  const phase = 2 * Math.PI * random.uniform();
  const length = samples + window;
  const series = new Float64Array(length);
  let min = Infinity;
  let max = -Infinity;
  for (let t = 0; t < length; t++) {
    const v = Math.sin((2 * Math.PI * t) / period + phase) + (noise > 0 ? noise * random.normal() : 0);
    series[t] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // A flat series (impossible for period ≥ 2 with ≥ 3 points, but cheap to guard) maps to 0.
  const scale = max > min ? 2 / (max - min) : 0;
  const scaled = Float32Array.from(series, (v) => (v - min) * scale - 1);

  const x = new Float32Array(samples * window);
  const y = new Float32Array(samples);
  let squaredError = 0;
  for (let n = 0; n < samples; n++) {
    if (n % EXAMPLES_PER_YIELD === 0) yield n / samples;
    x.set(scaled.subarray(n, n + window), n * window);
    y[n] = scaled[n + window];
    squaredError += (y[n] - x[n * window + window - 1]) ** 2;
  }
  const mse = squaredError / samples;
  return {
    type: 'sine',
    steps: window,
    size: samples,
    x: { kind: 'dense', perStep: true, features: 1, data: x },
    y: { kind: 'dense', perStep: false, features: 1, data: y },
    normalisation: { min, max },
    baseline: {
      metric: 'mse',
      value: mse,
      description: `Predicting the last value of the window again (persistence) gives MSE ${mse.toPrecision(3)} on the [-1, 1] scale.`,
    },
  };
}
