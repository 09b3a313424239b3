/** The arithmetic behind the build-and-train measurements, checked without a browser. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { drawLatencies, percentile, ProbeLog, streamingReport, tasksDuring } from './streaming-metrics.ts';

describe('streaming metrics', () => {
  test('each batch is timed to the first draw that shows its points', () => {
    const arrived = [
      { points: 10, at: 100 },
      { points: 20, at: 105 }, // drawn together with the batch before
      { points: 30, at: 200 },
    ];
    const drawn = [
      { points: 0, at: 50 }, // before any batch
      { points: 20, at: 116 },
      { points: 20, at: 150 }, // a redraw (resize, epoch): not a delivery
      { points: 30, at: 230 },
    ];
    assert.deepEqual(drawLatencies(arrived, drawn, { from: 0, to: 1000, lastRead: 1000 }), [16, 11, 30]);
  });

  test('a batch never drawn counts as Infinity, unless it arrived just before the last read', () => {
    const arrived = [
      { points: 10, at: 100 },
      { points: 20, at: 950 },
    ];
    assert.deepEqual(drawLatencies(arrived, [], { from: 0, to: 1000, lastRead: 1000 }), [Number.POSITIVE_INFINITY]);
  });

  test('batches outside the window are left out', () => {
    const arrived = [
      { points: 10, at: 100 },
      { points: 20, at: 300 },
    ];
    const drawn = [{ points: 20, at: 310 }];
    assert.deepEqual(drawLatencies(arrived, drawn, { from: 200, to: 1000, lastRead: 1000 }), [10]);
  });

  test('percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(values, 50), 50);
    assert.equal(percentile(values, 95), 95);
    assert.equal(percentile([7], 95), 7);
    assert.ok(Number.isNaN(percentile([], 95)));
  });

  test('records read several times are kept once, in time order', () => {
    const log = new ProbeLog();
    log.add([
      { points: 1, at: 2 },
      { points: 2, at: 3 },
    ]);
    log.add([
      { points: 2, at: 3 },
      { points: 0, at: 1 },
    ]);
    assert.deepEqual(log.records, [
      { points: 0, at: 1 },
      { points: 1, at: 2 },
      { points: 2, at: 3 },
    ]);
  });

  test('long tasks overlapping the window count, others do not', () => {
    const tasks = [
      { start: 0, duration: 60 }, // ends before
      { start: 90, duration: 70 }, // runs into the window
      { start: 500, duration: 55 }, // inside
      { start: 1001, duration: 80 }, // after
    ];
    assert.deepEqual(tasksDuring(tasks, 100, 1000), [tasks[1], tasks[2]]);
  });
});

describe('streaming report', () => {
  test('says whether each target was met, with the numbers', () => {
    const fast = streamingReport([{ start: 0, duration: 50 }], [10, 20, 30]);
    assert.match(fast[0], /^renderer long tasks while streaming: 1 \(longest 50 ms\); target none over 50 ms: met$/);
    assert.match(fast[1], /p50 20\.0 ms, p95 30\.0 ms, max 30\.0 ms over 3 batches; target p95 ≤ 250 ms: met$/);
    const slow = streamingReport([{ start: 0, duration: 114 }], [...Array.from({ length: 19 }, () => 10), 400]);
    assert.match(slow[0], /longest 114 ms\); target none over 50 ms: missed$/);
    assert.match(slow[1], /p95 10\.0 ms/);
    assert.match(streamingReport([], Array.from({ length: 10 }, () => 300))[1], /target p95 ≤ 250 ms: missed$/);
  });
});
