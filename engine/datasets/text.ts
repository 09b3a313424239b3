/**
 * Character-level text from a UTF-8 file. Characters are Unicode code points (so Chinese text
 * and emoji are one symbol each), and Windows line ends are read as "\n".
 */
import { z } from 'zod';
import { Random } from './random.ts';
import { EXAMPLES_PER_YIELD, seedParam } from './params.ts';
import { DatasetError, MAX_STREAM_VALUES, type Dataset, type DatasetContext } from './types.ts';
import type { Work } from '../ir/work.ts';

export const textParams = z.strictObject({
  file: z.string().min(1).describe('UTF-8 text file, relative to the graph file (required).'),
  steps: z.number().int().min(2).max(4096).default(32).describe('Characters per example (T).'),
  stride: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .describe('Characters between the starts of consecutive examples; defaults to steps (no overlap).'),
  maxSamples: z.number().int().min(1).max(1_000_000).default(100_000).describe('At most this many examples are kept.'),
  shuffle: z.boolean().default(true).describe('Shuffle the order of examples (by seed) before keeping maxSamples.'),
  seed: seedParam,
});
export type TextParams = z.output<typeof textParams>;

/**
 * Example i covers characters [s, s + T] of the file for a start s = stride · k:
 * x: tokens [N, T]: chars[s .. s+T); y: tokens [N, T]: chars[s+1 .. s+T], the next character at
 * each position. vocabulary: the file's distinct characters sorted by code point.
 * Throws DatasetError when the file is missing, empty, not UTF-8 or shorter than steps + 1.
 */
export function* generateText(params: TextParams, ctx: DatasetContext): Work<Dataset> {
  const { steps, maxSamples } = params;
  const stride = params.stride ?? steps;
  const { path, text } = ctx.readText(params.file);
  const chars = Array.from(text.replace(/\r\n?/g, '\n')); // iterates by code point, not UTF-16 unit
  if (chars.length === 0) throw new DatasetError('file', `"${path}" is empty`);
  if (chars.length < steps + 1) {
    throw new DatasetError('steps', `"${path}" has ${chars.length} characters; one example needs steps + 1 = ${steps + 1}`);
  }

  const vocabulary = [...new Set(chars)].sort((a, b) => (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0));
  const idOf = new Map(vocabulary.map((c, i) => [c, i]));
  const ids = Int32Array.from(chars, (c) => idOf.get(c) ?? -1);

  const windows = Math.floor((chars.length - steps - 1) / stride) + 1;
  let starts = Int32Array.from({ length: windows }, (_, k) => k * stride);
  if (params.shuffle) new Random(params.seed).shuffle(starts);
  starts = starts.subarray(0, Math.min(windows, maxSamples));
  const size = starts.length;
  if (size * steps > MAX_STREAM_VALUES) {
    throw new DatasetError('maxSamples', `${size} examples × ${steps} steps = ${size * steps} values, more than the limit of ${MAX_STREAM_VALUES}`);
  }

  const x = new Int32Array(size * steps);
  const y = new Int32Array(size * steps);
  const counts = new Float64Array(vocabulary.length);
  for (let n = 0; n < size; n++) {
    if (n % EXAMPLES_PER_YIELD === 0) yield n / size;
    const s = starts[n];
    x.set(ids.subarray(s, s + steps), n * steps);
    y.set(ids.subarray(s + 1, s + steps + 1), n * steps);
  }
  for (const id of y) counts[id]++;
  let entropy = 0;
  for (const count of counts) {
    if (count > 0) entropy -= (count / y.length) * Math.log(count / y.length);
  }

  return {
    type: 'text',
    steps,
    size,
    x: { kind: 'tokens', perStep: true, vocabulary: vocabulary.length, data: x },
    y: { kind: 'tokens', perStep: true, vocabulary: vocabulary.length, data: y },
    vocabulary,
    baseline: {
      metric: 'crossEntropy',
      value: entropy,
      description: `Predicting every character from its frequency alone (unigram) gives cross-entropy ${entropy.toFixed(3)} nats; a uniform guess over the ${vocabulary.length} characters gives ln(${vocabulary.length}) = ${Math.log(vocabulary.length).toFixed(3)}.`,
    },
  };
}
