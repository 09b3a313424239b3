/**
 * Cutting batches: batchFeed turns example-major dataset rows ([N, T, F]) into the time-major
 * feeds the IR reads ([T, B, F]), and batchesOf splits an epoch's order into batches.
 * Every stored value encodes where it came from (example, step, feature), so a misplaced value
 * names the bug.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadDataset, streamShape, type Stream } from '../../../engine/datasets/index.ts';
import { datasetFiles } from '../../../engine/files/dataset-files.ts';
import { batchesOf, batchFeed, streamType, streamTypes } from '../../../engine/trainer/batches.ts';

const N = 7;
const T = 4;
const F = 3;
/** Example n, step t, feature f is stored as 100·n + 10·t + f. */
const code = (n: number, t: number, f: number): number => 100 * n + 10 * t + f;

const denseSequence = (): Stream => ({
  kind: 'dense',
  perStep: true,
  features: F,
  data: Float32Array.from({ length: N * T * F }, (_, i) => code(Math.floor(i / (T * F)), Math.floor(i / F) % T, i % F)),
});
const denseVector = (): Stream => ({ kind: 'dense', perStep: false, features: F, data: Float32Array.from({ length: N * F }, (_, i) => code(Math.floor(i / F), 0, i % F)) });
const tokenSequence = (): Stream => ({ kind: 'tokens', perStep: true, vocabulary: 1000, data: Int32Array.from({ length: N * T }, (_, i) => code(Math.floor(i / T), i % T, 0)) });
const tokenVector = (): Stream => ({ kind: 'tokens', perStep: false, vocabulary: 1000, data: Int32Array.from({ length: N }, (_, n) => code(n, 0, 0)) });

/** Rows out of order, with a repeat: a batch is whatever rows the shuffle picked. */
const ROWS = [5, 0, 3, 3, 6];
const B = ROWS.length;

describe('batchFeed: example-major rows to time-major feeds', () => {
  test('dense sequence [N, T, F] → [T, B, F] float32', () => {
    const feed = batchFeed(denseSequence(), ROWS, T);
    assert.deepEqual(feed.shape, [T, B, F]);
    assert.ok(feed.data instanceof Float32Array);
    assert.equal(feed.data.length, T * B * F);
    for (let t = 0; t < T; t++)
      for (let j = 0; j < B; j++) for (let f = 0; f < F; f++) assert.equal(feed.data[(t * B + j) * F + f], code(ROWS[j], t, f), `[t=${t}, b=${j}, f=${f}]`);
  });

  test('dense per-sequence [N, F] → [B, F] float32', () => {
    const feed = batchFeed(denseVector(), ROWS, T);
    assert.deepEqual(feed.shape, [B, F]);
    assert.ok(feed.data instanceof Float32Array);
    assert.deepEqual([...feed.data], ROWS.flatMap((n) => [0, 1, 2].map((f) => code(n, 0, f))));
  });

  test('token sequence [N, T] → [T, B] int32', () => {
    const feed = batchFeed(tokenSequence(), ROWS, T);
    assert.deepEqual(feed.shape, [T, B]);
    assert.ok(feed.data instanceof Int32Array);
    for (let t = 0; t < T; t++) for (let j = 0; j < B; j++) assert.equal(feed.data[t * B + j], code(ROWS[j], t, 0), `[t=${t}, b=${j}]`);
  });

  test('token per-sequence [N] → [B] int32', () => {
    const feed = batchFeed(tokenVector(), ROWS, T);
    assert.deepEqual(feed.shape, [B]);
    assert.ok(feed.data instanceof Int32Array);
    assert.deepEqual([...feed.data], ROWS.map((n) => code(n, 0, 0)));
  });

  test('one row of one step: a [1, 1, F] feed', () => {
    const stream: Stream = { kind: 'dense', perStep: true, features: F, data: Float32Array.of(1, 2, 3) };
    assert.deepEqual(batchFeed(stream, [0], 1), { dtype: 'float32', shape: [1, 1, F], data: Float32Array.of(1, 2, 3) });
  });

  test('the feed is a copy: changing it leaves the dataset alone', () => {
    const stream = denseSequence();
    const before = Float32Array.from(stream.data);
    batchFeed(stream, ROWS, T).data.fill(-1);
    assert.deepEqual(stream.data, before);
  });

  test('a real dataset (weather-food, dense x and token y): batch column j holds example rows[j]', () => {
    const loaded = loadDataset({ type: 'weather-food', params: { steps: 6, samples: 9, seed: 3 } }, datasetFiles(fileURLToPath(new URL('.', import.meta.url))));
    if (!loaded.ok) assert.fail(loaded.error);
    const d = loaded.value;
    assert.deepEqual(streamShape(d.x, d.size, d.steps), [9, 6, 5]);
    const rows = [8, 2, 4];
    const x = batchFeed(d.x, rows, d.steps);
    const y = batchFeed(d.y, rows, d.steps);
    assert.deepEqual(x.shape, [6, 3, 5]);
    assert.deepEqual(y.shape, [6, 3]);
    rows.forEach((row, j) => {
      for (let t = 0; t < d.steps; t++) {
        assert.deepEqual([...x.data.subarray((t * 3 + j) * 5, (t * 3 + j + 1) * 5)], [...d.x.data.subarray((row * 6 + t) * 5, (row * 6 + t + 1) * 5)]);
        assert.equal(y.data[t * 3 + j], d.y.data[row * 6 + t]);
      }
    });
  });
});

describe('streamType: what the compiler is told about each stream', () => {
  test('per-step streams are sequences, others vectors; tokens carry their vocabulary as size', () => {
    assert.deepEqual(streamType(denseSequence()), { kind: 'sequence', size: F, tokens: false });
    assert.deepEqual(streamType(denseVector()), { kind: 'vector', size: F, tokens: false });
    assert.deepEqual(streamType(tokenSequence()), { kind: 'sequence', size: 1000, tokens: true });
    assert.deepEqual(streamType(tokenVector()), { kind: 'vector', size: 1000, tokens: true });
    const d = { type: 't', steps: T, size: N, x: denseSequence(), y: tokenVector() };
    assert.deepEqual(streamTypes(d), { x: streamType(d.x), y: streamType(d.y) });
  });
});

describe('batchesOf: one epoch split into batches', () => {
  const order = [9, 4, 0, 7, 2, 8, 1, 5, 3, 6];

  test('covers every index once, in order, with a smaller last batch', () => {
    const batches = batchesOf(order, 4);
    assert.deepEqual(batches.map((b) => b.length), [4, 4, 2]);
    assert.deepEqual(batches.flat(), order);
    assert.equal(new Set(batches.flat()).size, order.length);
  });

  test('sizes that divide, exceed or equal the length, and size 1', () => {
    assert.deepEqual(batchesOf(order, 5).map((b) => b.length), [5, 5]);
    assert.deepEqual(batchesOf(order, 64), [order]);
    assert.deepEqual(batchesOf(order, 10), [order]);
    assert.deepEqual(batchesOf(order, 1), order.map((i) => [i]));
    assert.deepEqual(batchesOf([], 3), []);
  });

  test('the batches are copies: shuffling the order afterwards does not change them', () => {
    const mine = [...order];
    const batches = batchesOf(mine, 3);
    mine.reverse();
    assert.deepEqual(batches.flat(), order);
  });
});
