/**
 * Datasets are stored example-major ([N, T, F], Keras's layout); the IR reads time-major
 * ([T, B, F]). This module cuts batches and transposes them.
 */
import type { PortType } from '../blocks/types.ts';
import type { StreamTypes } from '../compiler/validate.ts';
import type { Dataset, Stream } from '../datasets/types.ts';
import type { Feed } from '../executors/index.ts';

export const streamType = (s: Stream): PortType => ({
  kind: s.perStep ? 'sequence' : 'vector',
  size: s.kind === 'dense' ? s.features : s.vocabulary,
  tokens: s.kind === 'tokens',
});

export const streamTypes = (d: Dataset): StreamTypes => ({ x: streamType(d.x), y: streamType(d.y) });

/** Feed of `stream` for the examples `rows`, time-major when the stream is per step. */
export function batchFeed(stream: Stream, rows: readonly number[], steps: number): Feed {
  const width = stream.kind === 'dense' ? stream.features : 1;
  const b = rows.length;
  const data = stream.kind === 'dense' ? new Float32Array(b * (stream.perStep ? steps : 1) * width) : new Int32Array(b * (stream.perStep ? steps : 1));
  const src = stream.data;
  if (stream.perStep) {
    rows.forEach((row, j) => {
      for (let t = 0; t < steps; t++) {
        const from = (row * steps + t) * width;
        data.set(src.subarray(from, from + width), (t * b + j) * width);
      }
    });
  } else {
    rows.forEach((row, j) => data.set(src.subarray(row * width, (row + 1) * width), j * width));
  }
  const shape = [...(stream.perStep ? [steps] : []), b, ...(stream.kind === 'dense' ? [width] : [])];
  return { shape, data };
}

/** Index batches of at most `size` over `order`. */
export function batchesOf(order: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += size) out.push(order.slice(i, i + size));
  return out;
}
