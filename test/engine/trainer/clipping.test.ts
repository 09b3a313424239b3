/**
 * Clipping by value, alone and with clipping by global norm (value first, then norm, as Keras
 * does): the function itself, and the update a run applies, recomputed in float64 from the raw
 * gradients each step returned.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReferenceExecutor } from '../../../engine/executors/index.ts';
import { TrainingSettings } from '../../../engine/graph/schema.ts';
import { clipByValue } from '../../../engine/trainer/optimizers.ts';
import { RecordingExecutor } from '../../helpers/recording-executor.ts';
import { CopyingExecutor, type ElmanSpec, elmanDataset, elmanGraph, stepsOf, trainCollecting } from './fixtures.ts';

describe('clipByValue', () => {
  test('clamps every element outside [−v, v] to the nearer bound and leaves the others exactly as they were', () => {
    const grads = new Map([
      ['a', Float32Array.of(3, -4, 0.5, -0.25)],
      ['b', Float32Array.of(-1, 1, 0.75)],
    ]);
    assert.equal(clipByValue(grads, 1), true);
    assert.deepEqual([...grads.get('a')!], [1, -1, 0.5, -0.25]);
    assert.deepEqual([...grads.get('b')!], [-1, 1, 0.75]);
  });

  test('nothing outside (or exactly at a bound): no change, and it says so', () => {
    const grads = new Map([['a', Float32Array.of(0.5, -0.5, 0)]]);
    assert.equal(clipByValue(grads, 0.5), false);
    assert.deepEqual([...grads.get('a')!], [0.5, -0.5, 0]);
  });

  test('the schema: a positive number or null', () => {
    assert.equal(TrainingSettings.safeParse({ clipValue: 0.5 }).success, true);
    assert.equal(TrainingSettings.safeParse({ clipValue: null }).success, true);
    assert.equal(TrainingSettings.safeParse({ clipValue: 0 }).success, false);
    assert.equal(TrainingSettings.safeParse({ clipValue: -1 }).success, false);
  });
});

describe('clipping in a run (SGD, so each update is −lr times the clipped gradient)', () => {
  const spec: ElmanSpec = { inputs: 2, units: 3, outputs: 1, activation: 'tanh', perStep: true };
  const doc = elmanGraph(spec);
  const dataset = elmanDataset(spec, 8, 5);
  const lr = 0.5;

  /** The update each step made (before − after), and its raw gradients. */
  async function updates(clip: { clipValue?: number; clipNorm?: number }) {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    const r = await trainCollecting({ graph: doc, dataset, executor: new CopyingExecutor(recorder), settings: { epochs: 2, batchSize: 4, optimizer: { type: 'sgd', learningRate: lr }, ...clip } });
    const params = r.weightInfo.map((w) => w.param);
    return recorder.runs.map((run, i) => {
      const before = recorder.weightsOf(i, params);
      const after = i + 1 < recorder.runs.length ? recorder.weightsOf(i + 1, params) : r.weights;
      return {
        event: stepsOf(r.events)[i],
        raw: params.map((p) => [...run.outputs[`grad:${p}`].data]),
        applied: params.map((p) => [...before.get(p)!].map((w, k) => (w - after.get(p)![k]) / lr)),
      };
    });
  }

  const clamp = (g: number[][], v: number) => g.map((x) => x.map((e) => Math.min(v, Math.max(-v, e))));
  const rescale = (g: number[][], max: number) => {
    const n = Math.hypot(...g.flat());
    return n > max ? g.map((x) => x.map((e) => (e * max) / n)) : g;
  };
  const worst = (a: number[][], b: number[][]) => Math.max(...a.flat().map((x, i) => Math.abs(x - b.flat()[i])));

  test('clipValue alone: the applied gradient is the raw one clamped; the steps say clipped by value', async (t) => {
    const v = 0.05;
    const steps = await updates({ clipValue: v });
    let clampedAny = 0;
    for (const s of steps) {
      const expected = clamp(s.raw, v);
      const changed = s.raw.flat().some((x) => Math.abs(x) > v);
      assert.ok(worst(s.applied, expected) < 1e-5, `step ${s.event.step}: ${worst(s.applied, expected)}`);
      assert.deepEqual([s.event.clipped, s.event.clippedValue, s.event.clippedNorm], [changed, changed, false]);
      if (changed) clampedAny++;
      assert.ok(Math.max(...s.applied.flat().map(Math.abs)) <= v * (1 + 1e-4));
    }
    t.diagnostic(`${clampedAny} of ${steps.length} steps clamped`);
    assert.ok(clampedAny > 0);
  });

  test('clipValue and clipNorm: clamped first, then rescaled to the norm (not the other way round)', async () => {
    const v = 0.05;
    const max = 0.06;
    const steps = await updates({ clipValue: v, clipNorm: max });
    let orderMattered = false;
    for (const s of steps) {
      const expected = rescale(clamp(s.raw, v), max);
      const otherOrder = clamp(rescale(s.raw, max), v);
      assert.ok(worst(s.applied, expected) < 1e-5, `step ${s.event.step}`);
      if (worst(expected, otherOrder) > 1e-3) orderMattered = true;
      assert.equal(s.event.clippedNorm, Math.hypot(...clamp(s.raw, v).flat()) > max);
      assert.equal(s.event.clipped, s.event.clippedValue || s.event.clippedNorm);
      assert.equal(s.event.gradNorm.toPrecision(5), Math.hypot(...s.raw.flat()).toPrecision(5), 'the reported norm is the one before clipping');
    }
    assert.ok(orderMattered, 'on some step the two orders give different updates, so the test tells them apart');
    assert.ok(steps.some((s) => s.event.clippedNorm && s.event.clippedValue));
  });

  test('without clipping settings nothing is clipped and the update is the raw gradient', async () => {
    for (const s of await updates({})) {
      assert.ok(worst(s.applied, s.raw) < 1e-5);
      assert.deepEqual([s.event.clipped, s.event.clippedValue, s.event.clippedNorm], [false, false, false]);
    }
  });
});
