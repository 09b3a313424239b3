/**
 * What every dataset generator produces: an x stream that input blocks read and a y stream that
 * output and loss blocks compare against (sequence-to-sequence data adds a decoderInput stream).
 * Arrays are flat and example-major (row-major over the shapes below), so one example is one
 * contiguous slice.
 */

/**
 * One stream of a dataset.
 * Dense: data is [N, T, F] when perStep, else [N, F].
 * Tokens: ids in [0, vocabulary) shaped [N, T] when perStep, else [N].
 */
export type Stream =
  | { kind: 'dense'; perStep: boolean; features: number; data: Float32Array }
  | { kind: 'tokens'; perStep: boolean; vocabulary: number; data: Int32Array };

export type BaselineMetric = 'mse' | 'crossEntropy' | 'accuracy';

export interface Dataset {
  /** Registry key (see DATASETS). */
  type: string;
  /** T: time steps per example. */
  steps: number;
  /** N: number of examples. */
  size: number;
  /** What input blocks read. */
  x: Stream;
  /** What output/loss blocks compare against. */
  y: Stream;
  /**
   * Sequence-to-sequence datasets only: y shifted right by one step behind a start token, what a
   * decoder reads while it trains (teacher forcing). Input blocks with stream 'decoderInput' read it.
   */
  decoderInput?: Stream;
  /** id -> symbol for token/class streams (characters, dish names), for sampling and display. */
  vocabulary?: readonly string[];
  /** The loss of a trivial predictor, so users and tests can see whether a model learned anything. */
  baseline?: { metric: BaselineMetric; value: number; description: string };
  /**
   * Dense values were min-max scaled to [-1, 1] from [min, max] of the raw series:
   * raw = min + (v + 1) / 2 · (max - min).
   */
  normalisation?: { min: number; max: number };
}

/**
 * What generators read from outside. Datasets are pure code, so the caller opens the files:
 * on Node, engine/files/dataset-files.ts resolves names against the graph file's folder.
 */
export interface DatasetContext {
  /**
   * The text of the file a dataset param names, and the path it was read from (for messages).
   * Throws DatasetError('file', …) when the file is missing, too large or not UTF-8.
   */
  readText(file: string): { path: string; text: string };
}

/**
 * A user error found while generating (a missing file, too little text), tied to the parameter
 * it is about. loadDataset turns it into `dataset.params.<param>: <message>`.
 */
export class DatasetError extends Error {
  constructor(
    readonly param: string,
    readonly detail: string,
  ) {
    super(`${param}: ${detail}`);
    this.name = 'DatasetError';
  }
}

/** The most values one stream may hold (2^24 floats = 64 MiB), so a typo cannot exhaust memory. */
export const MAX_STREAM_VALUES = 2 ** 24;

/** The shape of a stream's data: [N, T, F] / [N, F] for dense, [N, T] / [N] for tokens. */
export function streamShape(stream: Stream, size: number, steps: number): number[] {
  const lead = stream.perStep ? [size, steps] : [size];
  return stream.kind === 'dense' ? [...lead, stream.features] : lead;
}

/**
 * Why a min–max normalisation cannot be used, or undefined when it can: scaling divides by
 * max − min and unscaling multiplies by it, so the range must be non-empty and finite.
 */
export function normalisationProblem({ min, max }: { readonly min: number; readonly max: number }): string | undefined {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return `min and max must be finite numbers, got min ${min}, max ${max}`;
  if (!(min < max)) return `min ${min} must be less than max ${max}`;
  if (!Number.isFinite(max - min)) return `max − min is not a finite number (min ${min}, max ${max})`;
  return undefined;
}

/** The first token of `vocabulary` that appears twice, with both ids, or undefined when each is unique. */
export function duplicateToken(vocabulary: readonly string[]): { token: string; first: number; second: number } | undefined {
  const seen = new Map<string, number>();
  for (const [i, token] of vocabulary.entries()) {
    const first = seen.get(token);
    if (first !== undefined) return { token, first, second: i };
    seen.set(token, i);
  }
  return undefined;
}

/**
 * The first value of a dense stream of `d` that is not finite, named by stream, example, step
 * and feature; undefined when every one is. The networks compute in float32, where a NaN or an
 * infinity in the data turns every loss after it into NaN.
 */
export function nonFiniteValue(d: Pick<Dataset, 'steps' | 'x' | 'y' | 'decoderInput'>): string | undefined {
  for (const [name, stream] of [['x', d.x], ['y', d.y], ['decoderInput', d.decoderInput]] as const) {
    if (stream?.kind !== 'dense') continue;
    const at = stream.data.findIndex((v) => !Number.isFinite(v));
    if (at < 0) continue;
    const f = at % stream.features;
    const row = (at - f) / stream.features;
    const where = stream.perStep ? `example ${Math.floor(row / d.steps)} step ${row % d.steps}` : `example ${row}`;
    return `stream '${name}' ${where} feature ${f} is ${stream.data[at]}, not a finite number`;
  }
  return undefined;
}
