/**
 * Sequence to sequence: random strings of symbols, and the same string copied or reversed. The
 * classic first task for an encoder–decoder: the encoder reads the whole source before the
 * decoder writes anything, so everything must pass through what the decoder is given — the
 * encoder's final state, or, with attention, every encoder step. Reversal is hard without
 * attention (the first target symbol is the last source symbol, the last one the first) and easy
 * with it (output step t looks at source step T − 1 − t).
 *
 * One vocabulary for all three streams: id 0 is the start token '<s>', ids 1 … symbols are the
 * symbols 'a', 'b', … The start token never occurs in x or y.
 */
import { z } from 'zod';
import { Random } from './random.ts';
import { EXAMPLES_PER_YIELD, samplesParam, seedParam, streamSizeCheck } from './params.ts';
import type { Dataset } from './types.ts';
import type { Work } from '../ir/work.ts';

/** The id of '<s>', which starts every decoderInput sequence. */
export const START_TOKEN = 0;
const SYMBOLS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export const copyReverseParams = z
  .strictObject({
    task: z.enum(['copy', 'reverse']).default('reverse').describe('copy: the target is the source; reverse: the source from its last symbol to its first.'),
    length: z.number().int().min(2).max(200).default(8).describe('Symbols per sequence (T), source and target alike.'),
    symbols: z.number().int().min(2).max(SYMBOLS.length).default(8).describe(`Distinct symbols (at most ${SYMBOLS.length}); the vocabulary adds the start token <s> as id 0.`),
    samples: samplesParam(2000),
    seed: seedParam,
  })
  .superRefine(streamSizeCheck((p) => p.length, 'length'));
export type CopyReverseParams = z.output<typeof copyReverseParams>;

/**
 * x: tokens [N, T]: the source, ids in 1 … symbols, each drawn uniformly.
 * y: tokens [N, T]: the source copied, or reversed (y_t = x_{T−1−t}).
 * decoderInput: tokens [N, T]: <s>, y_0, …, y_{T−2} (the target one step late).
 * All three have the vocabulary symbols + 1.
 */
export function* generateCopyReverse(params: CopyReverseParams): Work<Dataset> {
  const { task, length: steps, symbols, samples } = params;
  const random = new Random(params.seed);
  const x = new Int32Array(samples * steps);
  const y = new Int32Array(samples * steps);
  const decoderInput = new Int32Array(samples * steps);
  const counts = new Array<number>(symbols + 1).fill(0);
  for (let n = 0; n < samples; n++) {
    if (n % EXAMPLES_PER_YIELD === 0) yield n / samples;
    const row = n * steps;
    for (let t = 0; t < steps; t++) x[row + t] = 1 + random.int(symbols);
    for (let t = 0; t < steps; t++) {
      y[row + t] = x[row + (task === 'copy' ? t : steps - 1 - t)];
      decoderInput[row + t] = t === 0 ? START_TOKEN : y[row + t - 1];
      counts[y[row + t]]++;
    }
  }
  const vocabulary = symbols + 1;
  const best = counts.indexOf(Math.max(...counts));
  const accuracy = counts[best] / (samples * steps);
  const tokens = (data: Int32Array) => ({ kind: 'tokens' as const, perStep: true, vocabulary, data });
  return {
    type: 'sequence-copy',
    steps,
    size: samples,
    x: tokens(x),
    y: tokens(y),
    decoderInput: tokens(decoderInput),
    vocabulary: ['<s>', ...SYMBOLS.slice(0, symbols)],
    baseline: {
      metric: 'accuracy',
      value: accuracy,
      description: `Always answering the most frequent symbol ('${SYMBOLS[best - 1]}') is right on ${(100 * accuracy).toFixed(1)}% of positions; a network that ${task === 'copy' ? 'copies' : 'reverses'} the source gets 100%.`,
    },
  };
}
