/**
 * Datasets are stored example-major ([N, T, F], Keras's layout); the IR reads time-major
 * ([T, B, F]). This module cuts batches and transposes them.
 */
import type { PortType } from '../blocks/types.ts';
import type { StreamTypes } from '../compiler/validate.ts';
import type { Dataset, Stream } from '../datasets/types.ts';
import { type Tensor, tensorOf } from '../executors/index.ts';

export const streamType = (s: Stream): PortType => ({
  kind: s.perStep ? 'sequence' : 'vector',
  size: s.kind === 'dense' ? s.features : s.vocabulary,
  tokens: s.kind === 'tokens',
});

export const streamTypes = (d: Dataset): StreamTypes => ({ x: streamType(d.x), y: streamType(d.y), ...(d.decoderInput ? { decoderInput: streamType(d.decoderInput) } : {}) });

/** Time steps start … start + length − 1 of a sequence. */
export interface TimeWindow {
  readonly start: number;
  readonly length: number;
}

/**
 * The tensor of `stream` for the examples `rows`, time-major when the stream is per step: [T, B, F] or
 * [T, B] for sequences of `steps` steps, [B, F] or [B] otherwise. With `window`, a sequence feed
 * holds only those steps ([window.length, B, …]: one chunk of truncated BPTT); a per-example
 * stream is the same for every window.
 */
export function batchFeed(stream: Stream, rows: readonly number[], steps: number, window: TimeWindow = { start: 0, length: steps }): Tensor {
  const width = stream.kind === 'dense' ? stream.features : 1;
  const b = rows.length;
  const span = window.length;
  if (window.start < 0 || span < 1 || window.start + span > steps) throw new RangeError(`window [${window.start}, ${window.start + span}) is not inside ${steps} steps`);
  const data = stream.kind === 'dense' ? new Float32Array(b * (stream.perStep ? span : 1) * width) : new Int32Array(b * (stream.perStep ? span : 1));
  const src = stream.data;
  if (stream.perStep) {
    rows.forEach((row, j) => {
      for (let t = 0; t < span; t++) {
        const from = (row * steps + window.start + t) * width;
        data.set(src.subarray(from, from + width), (t * b + j) * width);
      }
    });
  } else {
    rows.forEach((row, j) => data.set(src.subarray(row * width, (row + 1) * width), j * width));
  }
  const shape = [...(stream.perStep ? [span] : []), b, ...(stream.kind === 'dense' ? [width] : [])];
  return tensorOf(shape, data);
}

/** The windows of `steps` steps cut into chunks of `chunk` (the last one shorter when it does not divide). */
export function chunksOf(steps: number, chunk: number): TimeWindow[] {
  const out: TimeWindow[] = [];
  for (let start = 0; start < steps; start += chunk) out.push({ start, length: Math.min(chunk, steps - start) });
  return out;
}

/** Index batches of at most `size` over `order`. */
export function batchesOf(order: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += size) out.push(order.slice(i, i + size));
  return out;
}
