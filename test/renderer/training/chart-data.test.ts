/**
 * What the loss chart draws: min/max decimation keeps every bucket's extremes (a spike survives),
 * the first and last points, and the order of x; epoch means land on the x of the step that
 * ended them, and so do validation losses; a log scale turns values ≤ 0 into gaps.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildChartSeries, decimateMinMax, lowerBound } from '../../../renderer/training/chart-data.ts';

const range = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));

describe('decimateMinMax', () => {
  test('returns the input arrays themselves when there are at most two points per bucket', () => {
    const x = range(10, (i) => i + 1);
    const y = range(10, (i) => i * i);
    const d = decimateMinMax(x, y, 5);
    assert.equal(d.x, x);
    assert.equal(d.y, y);
  });

  test('keeps each bucket min and max, in x order, plus both ends', () => {
    // 12 points in 3 buckets of 4.
    const y = Float64Array.from([5, 1, 9, 4, /**/ 3, 3, 8, 0, /**/ 7, 2, 6, 5]);
    const x = range(12, (i) => i + 1);
    const d = decimateMinMax(x, y, 3);
    assert.deepEqual([...d.x], [1, 2, 3, 7, 8, 9, 10, 12]);
    assert.deepEqual([...d.y], [5, 1, 9, 8, 0, 7, 2, 5]);
  });

  test('100 000 points with one spike: about two points per bucket and the spike is kept', () => {
    const n = 100_000;
    const x = range(n, (i) => i + 1);
    const y = range(n, (i) => 1 + Math.sin(i / 500) * 0.1);
    y[54_321] = 40;
    y[77_777] = -3;
    const buckets = 800;
    const d = decimateMinMax(x, y, buckets);
    assert.ok(d.x.length <= 2 * buckets + 2, `${d.x.length} points for ${buckets} buckets`);
    assert.ok(d.x.length >= buckets);
    assert.equal(d.x[0], 1);
    assert.equal(d.x[d.x.length - 1], n);
    for (let i = 1; i < d.x.length; i++) assert.ok(d.x[i] > d.x[i - 1], 'x stays increasing');
    assert.equal(Math.max(...d.y), 40);
    assert.equal(Math.min(...d.y), -3);
    assert.equal(d.x[d.y.indexOf(40)], 54_322);
  });

  test('non-finite values are skipped, not chosen as extremes', () => {
    const x = range(8, (i) => i);
    const y = Float64Array.from([1, Number.NaN, 2, Infinity, 0.5, 0.7, Number.NaN, 0.2]);
    const d = decimateMinMax(x, y, 2);
    for (const v of d.y.subarray(1, d.y.length - 1)) assert.ok(Number.isFinite(v));
  });
});

describe('lowerBound', () => {
  test('finds the first index at or above a value', () => {
    const xs = [1, 3, 3, 7];
    assert.equal(lowerBound(xs, 0), 0);
    assert.equal(lowerBound(xs, 3), 1);
    assert.equal(lowerBound(xs, 4), 3);
    assert.equal(lowerBound(xs, 8), 4);
  });
});

describe('buildChartSeries', () => {
  test('places epoch means at the step that ended each epoch, leaving other x empty', () => {
    const c = buildChartSeries({
      steps: range(8, (i) => i + 1),
      losses: range(8, (i) => 1 / (i + 1)),
      epochSteps: Float64Array.from([4, 8]),
      epochLosses: Float64Array.from([0.6, 0.2]),
      width: 100,
      log: false,
    });
    assert.equal(c.x.length, 8);
    assert.deepEqual(c.epochLoss, [null, null, null, 0.6, null, null, null, 0.2]);
  });

  test('an epoch whose last steps have not arrived yet waits', () => {
    const c = buildChartSeries({
      steps: range(6, (i) => i + 1),
      losses: range(6, () => 1),
      epochSteps: Float64Array.from([4, 8]),
      epochLosses: Float64Array.from([0.6, 0.2]),
      width: 100,
      log: false,
    });
    assert.deepEqual(c.epochLoss, [null, null, null, 0.6, null, null]);
  });

  test('decimated: epoch means still land on kept x values, one per epoch', () => {
    const n = 50_000;
    const c = buildChartSeries({
      steps: range(n, (i) => i + 1),
      losses: range(n, (i) => 2 - i / n),
      epochSteps: range(10, (e) => (e + 1) * 5000),
      epochLosses: range(10, (e) => 1.9 - e / 10),
      width: 500,
      log: false,
    });
    assert.ok(c.x.length <= 1002);
    const placed = c.epochLoss.map((v, i) => [v, c.x[i]] as const).filter(([v]) => v !== null);
    assert.equal(placed.length, 10);
    for (const [k, [v, x]] of placed.entries()) {
      assert.equal(v, 1.9 - k / 10);
      assert.ok(Math.abs(x - (k + 1) * 5000) <= n / 500, `epoch ${k + 1} drawn at step ${x}`);
    }
  });

  test('validation losses: a third series at the epochs’ steps; epochs without one and runs without a split give none', () => {
    const input = {
      steps: range(8, (i) => i + 1),
      losses: range(8, (i) => 1 / (i + 1)),
      epochSteps: Float64Array.from([4, 8]),
      epochLosses: Float64Array.from([0.6, 0.2]),
      width: 100,
      log: false,
    };
    const withSplit = buildChartSeries({ ...input, epochValidationLosses: Float64Array.from([Number.NaN, 0.3]) });
    assert.deepEqual(withSplit.validationLoss, [null, null, null, null, null, null, null, 0.3]);
    assert.deepEqual(withSplit.epochLoss, [null, null, null, 0.6, null, null, null, 0.2], 'the training means are unchanged');
    assert.equal(buildChartSeries(input).validationLoss, null);
    const log = buildChartSeries({ ...input, log: true, epochValidationLosses: Float64Array.from([0, 0.3]) });
    assert.deepEqual(log.validationLoss?.filter((v) => v !== null), [0.3], 'a log scale drops a validation loss of 0');
  });

  test('log scale: losses ≤ 0 become gaps; linear keeps the typed view', () => {
    const input = { steps: range(4, (i) => i + 1), losses: Float64Array.from([1, 0, 0.5, -1]), epochSteps: new Float64Array(0), epochLosses: new Float64Array(0), width: 100 };
    assert.deepEqual(buildChartSeries({ ...input, log: true }).loss, [1, null, 0.5, null]);
    assert.ok(buildChartSeries({ ...input, log: false }).loss instanceof Float64Array);
  });
});
