/**
 * How one token is chosen from a model's softmax when generating: greedy (argmax), or a draw
 * from the probabilities reshaped by a temperature, cut to the k most probable tokens (top-k),
 * with some tokens never allowed (rejection). Pure functions of the probabilities and the seed.
 */
import type { Random } from '../datasets/random.ts';
import { InputError } from './predict.ts';

export interface DrawOptions {
  /**
   * 0: greedy, the most probable token every time. Otherwise the log-probabilities are divided
   * by it before the softmax: below 1 sharpens the distribution, above 1 flattens it.
   */
  readonly temperature: number;
  /** Keep only the k most probable tokens and renormalise (0: keep them all). */
  readonly topK?: number;
  /** Token ids never chosen (an unknown-word token, a character to avoid). */
  readonly rejected?: ReadonlySet<number>;
}

/** Probabilities below this are raised to it, so a float32 softmax that underflowed to 0 still takes part at a high temperature. */
const FLOOR = 1e-30;

/** Throws InputError for a temperature that is negative or not finite, or a top-k that is not a non-negative integer. */
export function checkDrawOptions(o: DrawOptions): void {
  if (!(o.temperature >= 0) || !Number.isFinite(o.temperature)) throw new InputError(`temperature must be 0 (greedy) or a positive number, got ${o.temperature}`);
  const k = o.topK ?? 0;
  if (!Number.isInteger(k) || k < 0) throw new InputError(`top-k must be a non-negative integer (0: off), got ${k}`);
}

/**
 * The distribution a token is drawn from, over the V entries of `probabilities`: rejected ids get
 * 0; the rest get p^(1/temperature); only the k largest of those are kept (ties go to the lower
 * id); the result is normalised to sum to 1. Greedy (temperature 0) puts all the mass on the most
 * probable allowed id. Zeroing a rejected token and renormalising gives exactly the distribution
 * of drawing again until the draw is not rejected. Throws InputError when every id is rejected
 * or a probability is negative or not finite.
 */
export function drawDistribution(probabilities: ArrayLike<number>, o: DrawOptions): Float64Array {
  checkDrawOptions(o);
  const rejected = o.rejected ?? new Set<number>();
  const allowed: number[] = [];
  for (let i = 0; i < probabilities.length; i++) if (!rejected.has(i)) allowed.push(i);
  if (allowed.length === 0) throw new InputError(`every one of the ${probabilities.length} tokens is rejected; nothing is left to draw`);
  for (let i = 0; i < probabilities.length; i++)
    if (!(probabilities[i] >= 0) || !Number.isFinite(probabilities[i])) throw new InputError(`the model's probability of token ${i} is ${probabilities[i]}; its weights may have diverged`);
  const out = new Float64Array(probabilities.length);
  const logits = Float64Array.from({ length: probabilities.length }, (_, i) => Math.log(Math.max(probabilities[i], FLOOR)));
  // Ranking by probability (not by the tempered logit) picks the same k for every temperature.
  const ranked = allowed.sort((a, b) => logits[b] - logits[a] || a - b);
  if (o.temperature === 0) {
    out[ranked[0]] = 1;
    return out;
  }
  const k = o.topK ?? 0;
  const kept = k > 0 ? ranked.slice(0, k) : ranked;
  const top = logits[kept[0]] / o.temperature;
  let total = 0;
  for (const i of kept) total += out[i] = Math.exp(logits[i] / o.temperature - top);
  for (const i of kept) out[i] /= total;
  return out;
}

/** One token id drawn from drawDistribution(probabilities, o) with one uniform number from `rng` (none when greedy). */
export function drawToken(probabilities: ArrayLike<number>, o: DrawOptions, rng: Random): number {
  const distribution = drawDistribution(probabilities, o);
  if (o.temperature === 0) return distribution.indexOf(1);
  let r = rng.uniform();
  let last = 0;
  for (let i = 0; i < distribution.length; i++) {
    if (distribution[i] === 0) continue;
    last = i;
    if ((r -= distribution[i]) < 0) return i;
  }
  return last; // rounding left r a hair above 0: the last token that can be drawn
}
