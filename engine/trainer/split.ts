/**
 * The validation split: which examples train and which are held out. Decided once per run, before
 * the first epoch, from the seed alone, so a held-out example is never trained on and the same
 * seed always holds out the same examples.
 */
import { Random } from '../datasets/random.ts';

/** Mixed into the run's seed so that the split does not reuse the draws of the batch order. */
const SPLIT_STREAM = 0x5b1170;

export interface ExampleSplit {
  /** Example indices that train, in the shuffled order the split left them in. */
  readonly train: readonly number[];
  /** The last ⌈N · fraction⌉ examples of that shuffle (Keras splits at ⌊N · (1 − fraction)⌋). */
  readonly validation: readonly number[];
}

/**
 * Splits examples 0 … size − 1. fraction 0 holds nothing out and keeps the natural order (so a
 * run without a split batches exactly as before). Throws a RangeError when the split would leave
 * no example to train on.
 */
export function splitExamples(size: number, fraction: number, seed: number): ExampleSplit {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`validationSplit must be in [0, 1), got ${fraction}`);
  const all = Array.from({ length: size }, (_, i) => i);
  if (fraction === 0) return { train: all, validation: [] };
  new Random((seed ^ SPLIT_STREAM) >>> 0).shuffle(all);
  const at = Math.floor(size * (1 - fraction));
  if (at < 1) throw new RangeError(`validationSplit ${fraction} of ${size} example${size === 1 ? '' : 's'} leaves none to train on`);
  return { train: all.slice(0, at), validation: all.slice(at) };
}
