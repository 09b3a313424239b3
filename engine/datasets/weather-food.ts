/**
 * The cook from the lecture notes. Three dishes come in a fixed cycle
 * (apple pie → burger → chicken → apple pie). On a sunny day the cook makes the same dish as
 * yesterday; on a rainy day, the next dish in the cycle.
 *
 * The dish before step 0 is shown only at step 0, so a network has to carry it in its state:
 * from then on the input holds only the weather.
 */
import { z } from 'zod';
import { Random } from './random.ts';
import { EXAMPLES_PER_YIELD, samplesParam, seedParam, streamSizeCheck } from './params.ts';
import type { Dataset } from './types.ts';
import type { Work } from '../ir/work.ts';

export const DISHES = ['apple pie', 'burger', 'chicken'] as const;
/** Input features: [sunny, rainy, yesterday is apple pie, … burger, … chicken]. */
const FEATURES = 2 + DISHES.length;

export const weatherFoodParams = z
  .strictObject({
    steps: z.number().int().min(2).max(200).default(10).describe('Days per example (T).'),
    samples: samplesParam(512),
    rainProbability: z.number().min(0).max(1).default(0.5).describe('Probability that a day is rainy.'),
    seed: seedParam,
  })
  .superRefine(streamSizeCheck((p) => p.steps * FEATURES, 'steps × 5 features'));
export type WeatherFoodParams = z.output<typeof weatherFoodParams>;

/**
 * x: dense [N, T, 5]: weather one-hot [sunny, rainy]; at step 0 only, features 2..4 hold the
 *    one-hot of yesterday's dish (zeros at later steps).
 * y: tokens [N, T], vocabulary 3: the dish made on each day.
 */
export function* generateWeatherFood(params: WeatherFoodParams): Work<Dataset> {
  const { steps, samples, rainProbability } = params;
  const random = new Random(params.seed);
  const x = new Float32Array(samples * steps * FEATURES);
  const y = new Int32Array(samples * steps);
  const counts = new Array<number>(DISHES.length).fill(0);

  for (let n = 0; n < samples; n++) {
    if (n % EXAMPLES_PER_YIELD === 0) yield n / samples;
    let dish = random.int(DISHES.length); // yesterday's dish, the day before step 0
    x[n * steps * FEATURES + 2 + dish] = 1;
    for (let t = 0; t < steps; t++) {
      const rainy = random.bernoulli(rainProbability);
      x[(n * steps + t) * FEATURES + (rainy ? 1 : 0)] = 1;
      if (rainy) dish = (dish + 1) % DISHES.length;
      y[n * steps + t] = dish;
      counts[dish]++;
    }
  }

  const best = counts.indexOf(Math.max(...counts));
  const accuracy = counts[best] / (samples * steps);
  return {
    type: 'weather-food',
    steps,
    size: samples,
    x: { kind: 'dense', perStep: true, features: FEATURES, data: x },
    y: { kind: 'tokens', perStep: true, vocabulary: DISHES.length, data: y },
    vocabulary: DISHES,
    baseline: {
      metric: 'accuracy',
      value: accuracy,
      description: `Always guessing the most frequent dish (${DISHES[best]}) is right on ${(100 * accuracy).toFixed(1)}% of days; a network that remembers the dish gets 100%.`,
    },
  };
}
