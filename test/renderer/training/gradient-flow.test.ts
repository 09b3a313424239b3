/**
 * Gradients over time, prepared for the chart: snapshots are taken from the steps that carry
 * norms and only the last few are kept; the chart gets one line per recurrent state over the time
 * steps they cover, with gaps where a log scale cannot draw; each state is summed up as vanishing,
 * exploding or steady from its last time step back to its first; factors read as people write them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StateGradNorms, StepPoint } from '../../../engine/protocol/messages.ts';
import {
  buildGradientFlow,
  formatFactor,
  type GradientSnapshot,
  keepLatest,
  pickSnapshot,
  snapshotsOf,
  summarizeFlow,
} from '../../../renderer/training/gradient-flow.ts';

const state = (delay: string, norms: number[], start = 0): StateGradNorms => ({ delay, block: delay.split('.')[0], start, norms });
const snapshot = (step: number, states: StateGradNorms[] = [state('rnn.h', [1, 2])]): GradientSnapshot => ({ step, epoch: 1, chunk: null, states });
const point = (step: number, extra: Partial<StepPoint> = {}): StepPoint => ({ step, epoch: 1, loss: 1, gradNorm: 1, clipped: false, ...extra });

describe('snapshots', () => {
  test('only steps that carry norms become snapshots, with their chunk under truncated BPTT', () => {
    const norms = [state('rnn.h', [0.1, 0.5])];
    const got = snapshotsOf([point(1, { stateGradNorms: norms }), point(2), point(3, { stateGradNorms: [] }), point(4, { stateGradNorms: norms, chunk: 2, epoch: 2 })]);
    assert.deepEqual(got, [
      { step: 1, epoch: 1, chunk: null, states: norms },
      { step: 4, epoch: 2, chunk: 2, states: norms },
    ]);
  });

  test('keepLatest keeps the run’s first snapshot and the newest after it, and returns the same array when nothing was added', () => {
    const history = [snapshot(1), snapshot(2)];
    assert.equal(keepLatest(history, []), history);
    assert.deepEqual(keepLatest(history, [snapshot(3)], 3).map((s) => s.step), [1, 2, 3]);
    assert.deepEqual(keepLatest(history, [snapshot(3), snapshot(4), snapshot(5)], 3).map((s) => s.step), [1, 4, 5]);
  });

  test('pickSnapshot follows the latest unless a kept one is pinned; a pin that rolled off gives the next one kept', () => {
    const history = [snapshot(10), snapshot(20), snapshot(30)];
    assert.equal(pickSnapshot([], null), null);
    assert.equal(pickSnapshot(history, null)?.step, 30);
    assert.equal(pickSnapshot(history, 20)?.step, 20);
    assert.equal(pickSnapshot(history, 5)?.step, 10);
    assert.equal(pickSnapshot(history, 15)?.step, 20, 'a pin that rolled off gives the next kept step');
    assert.equal(pickSnapshot(history, 99)?.step, 30, 'a pin from an earlier, longer run');
  });
});

describe('buildGradientFlow', () => {
  test('one line per state over t = start … start + T − 1', () => {
    const c = buildGradientFlow(snapshot(7, [state('lstm.h', [1e-6, 1e-3, 1]), state('lstm.c', [2e-6, 2e-3, 2])]));
    assert.deepEqual(c.x, [0, 1, 2]);
    assert.deepEqual(c.lines.map((l) => [l.delay, l.block]), [['lstm.h', 'lstm'], ['lstm.c', 'lstm']]);
    assert.deepEqual(c.lines[1].values, [2e-6, 2e-3, 2]);
    assert.deepEqual(c.range, { min: 1e-6, max: 2 });
  });

  test('a chunk of truncated BPTT starts at its own t; states covering different steps leave gaps', () => {
    const c = buildGradientFlow(snapshot(3, [state('a.h', [1, 2, 3], 10), state('b.h', [4, 5], 11)]));
    assert.deepEqual(c.x, [10, 11, 12]);
    assert.deepEqual(c.lines[1].values, [null, 4, 5]);
  });

  test('values a log scale cannot show (0, negative, NaN, ∞) are gaps', () => {
    const c = buildGradientFlow(snapshot(1, [state('rnn.h', [0, -1, Number.NaN, Infinity, 0.5])]));
    assert.deepEqual(c.lines[0].values, [null, null, null, null, 0.5]);
    assert.deepEqual(c.range, { min: 0.5, max: 0.5 });
  });

  test('nothing measured: no steps, no lines', () => {
    assert.deepEqual(buildGradientFlow(null), { x: [], lines: [], range: null });
    assert.deepEqual(buildGradientFlow(snapshot(1, [])), { x: [], lines: [], range: null });
  });
});

describe('summarizeFlow', () => {
  test('an Elman net with a loss at the last step: the norm falls geometrically towards t = 0 and vanishes', () => {
    const norms = Array.from({ length: 20 }, (_, t) => 0.5 ** (19 - t));
    const s = summarizeFlow(state('rnn.h', norms));
    assert.ok(s);
    assert.equal(s.kind, 'vanishing');
    assert.deepEqual([s.first, s.last], [0, 19]);
    assert.ok(Math.abs(s.ratio - 0.5 ** 19) < 1e-15);
  });

  test('growing towards t = 0 by more than the threshold explodes; within it is steady', () => {
    assert.equal(summarizeFlow(state('rnn.h', Array.from({ length: 8 }, (_, t) => 2 ** (7 - t))))?.kind, 'exploding');
    assert.equal(summarizeFlow(state('rnn.h', [3, 2, 1]))?.kind, 'steady');
    assert.equal(summarizeFlow(state('rnn.h', [0.2, 1]))?.kind, 'steady', 'a factor of 5 is within the threshold');
    assert.equal(summarizeFlow(state('rnn.h', [0.005, 1]))?.kind, 'vanishing');
  });

  test('compares the first and last usable steps, at their own t', () => {
    const s = summarizeFlow(state('rnn.h', [0, 1e-4, 1e-2, 1, Number.NaN], 5));
    assert.deepEqual(s && [s.first, s.last, s.ratio], [6, 8, 1e-4]);
    assert.equal(summarizeFlow(state('rnn.h', [1])), null, 'one step: nothing to compare');
    assert.equal(summarizeFlow(state('rnn.h', [0, 0, 2])), null);
  });
});

describe('formatFactor', () => {
  test('small factors with a decimal, medium ones whole, large ones as a power of ten', () => {
    assert.equal(formatFactor(1), '1.0');
    assert.equal(formatFactor(3.44), '3.4');
    assert.equal(formatFactor(27.4), '27');
    assert.equal(formatFactor(4.12e6), '4.1 × 10⁶');
    assert.equal(formatFactor(9.97e11), '1.0 × 10¹²');
    assert.equal(formatFactor(Infinity), '∞');
  });
});
