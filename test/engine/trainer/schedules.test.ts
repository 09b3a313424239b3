/**
 * Learning-rate schedules: the rate of each epoch against values worked out by hand and against
 * Keras's formulas; every optimizer takes the rate it is given; and in a run, each epoch's updates
 * use the rate its epoch event reports.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReferenceExecutor } from '../../../engine/executors/index.ts';
import { LearningRateSchedule, type Optimizer, resolveTraining } from '../../../engine/graph/schema.ts';
import { createOptimizer } from '../../../engine/trainer/optimizers.ts';
import { learningRateAt } from '../../../engine/trainer/schedules.ts';
import { graph } from '../../helpers/graphs.ts';
import { RecordingExecutor } from '../../helpers/recording-executor.ts';
import { epochsOf, stepsOf, trainCollecting } from './fixtures.ts';

const resolved = (schedule: LearningRateSchedule) => resolveTraining({ schedule }).schedule;
const rates = (schedule: LearningRateSchedule, base: number, epochs: number) => Array.from({ length: epochs }, (_, i) => learningRateAt(resolved(schedule), base, i + 1));
const close = (a: readonly number[], b: readonly number[], tolerance = 1e-12) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= tolerance * Math.max(1, Math.abs(b[i])));

describe('learning rate per epoch', () => {
  test('none: the optimizer’s own rate every epoch', () => {
    assert.deepEqual(rates({ type: 'none' }, 0.3, 4), [0.3, 0.3, 0.3, 0.3]);
    assert.deepEqual(resolveTraining(undefined).schedule, { type: 'none' });
  });

  test('step {every 2, factor 0.5} from 0.8: 0.8, 0.8, 0.4, 0.4, 0.2, 0.2, 0.1', () => {
    assert.ok(close(rates({ type: 'step', every: 2, factor: 0.5 }, 0.8, 7), [0.8, 0.8, 0.4, 0.4, 0.2, 0.2, 0.1]));
    assert.ok(close(rates({ type: 'step', every: 3, factor: 0.1 }, 1, 7), [1, 1, 1, 0.1, 0.1, 0.1, 0.01]));
  });

  test('exponential {decayRate 0.5} from 0.8: 0.8, 0.4, 0.2, 0.1, 0.05', () => {
    assert.ok(close(rates({ type: 'exponential', decayRate: 0.5 }, 0.8, 5), [0.8, 0.4, 0.2, 0.1, 0.05]));
    assert.ok(close(rates({ type: 'exponential', decayRate: 1 }, 0.8, 3), [0.8, 0.8, 0.8]));
  });

  test('cosine {epochs 4, min 0.1} from 0.9: 0.9, 0.1 + 0.4·(1 + √½), 0.5, 0.1 + 0.4·(1 − √½), then 0.1 for good', () => {
    const half = Math.SQRT1_2;
    assert.ok(close(rates({ type: 'cosine', epochs: 4, minLearningRate: 0.1 }, 0.9, 7), [0.9, 0.1 + 0.4 * (1 + half), 0.5, 0.1 + 0.4 * (1 - half), 0.1, 0.1, 0.1]));
    // minLearningRate defaults to 0: halfway is half the rate.
    assert.ok(close(rates({ type: 'cosine', epochs: 2 }, 0.6, 4), [0.6, 0.3, 0, 0]));
  });

  test('cosine equals Keras’s CosineDecay(initial, decay_steps = epochs, alpha = min / initial) evaluated at step e − 1', () => {
    const initial = 0.05;
    const min = 0.002;
    const decaySteps = 9;
    const keras = (step: number) => initial * ((1 - min / initial) * 0.5 * (1 + Math.cos((Math.PI * Math.min(step, decaySteps)) / decaySteps)) + min / initial);
    assert.ok(close(rates({ type: 'cosine', epochs: decaySteps, minLearningRate: min }, initial, 14), Array.from({ length: 14 }, (_, i) => keras(i))));
  });

  test('epochs count from 1', () => {
    assert.throws(() => learningRateAt({ type: 'none' }, 0.1, 0), /count from 1/);
  });

  test('the schema: factor and decayRate in (0, 1], every and epochs at least 1', () => {
    for (const bad of [
      { type: 'step', every: 0, factor: 0.5 },
      { type: 'step', every: 1, factor: 1.5 },
      { type: 'exponential', decayRate: 0 },
      { type: 'cosine', epochs: 0 },
      { type: 'cosine', epochs: 3, minLearningRate: -1 },
      { type: 'linear' },
    ])
      assert.equal(LearningRateSchedule.safeParse(bad).success, false, JSON.stringify(bad));
  });
});

describe('every optimizer trains at the rate it is given', () => {
  const optimizers: readonly Optimizer[] = [
    { type: 'sgd', learningRate: 0.5 },
    { type: 'momentum', learningRate: 0.5, momentum: 0.9, nesterov: true },
    { type: 'rmsprop', learningRate: 0.5, rho: 0.9, epsilon: 1e-7 },
    { type: 'adam', learningRate: 0.5, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  ];
  for (const o of optimizers) {
    test(`${o.type}: two steps after setting the rate to 0.125 equal two steps of an optimizer made with 0.125`, () => {
      const run = (optimizer: ReturnType<typeof createOptimizer>) => {
        const weights = new Map([['w', Float32Array.of(1, -2, 0.5)]]);
        for (const g of [Float32Array.of(0.3, -1, 2), Float32Array.of(-0.2, 0.4, 1)]) optimizer.step(weights, new Map([['w', g]]));
        return weights.get('w')!;
      };
      const scheduled = createOptimizer(o);
      assert.equal(scheduled.learningRate, 0.5);
      scheduled.learningRate = 0.125;
      const made = run(createOptimizer({ ...o, learningRate: 0.125 }));
      assert.deepStrictEqual(run(scheduled), made);
      assert.notDeepStrictEqual(run(createOptimizer(o)), made);
    });
  }
});

test('in a run, each epoch’s SGD updates use the learning rate its epoch event reports', async () => {
  // loss = (w·x + b − y)² on one example: every step is w ← w − lr·∂L/∂w exactly.
  const doc = graph({ x: ['input', { size: 1, sequence: false }], d: ['dense', { units: 1 }], o: ['output'] }, ['x -> d', 'd -> o']);
  const dataset = {
    type: 'custom',
    steps: 1,
    size: 1,
    x: { kind: 'dense' as const, perStep: false, features: 1, data: Float32Array.of(1.5) },
    y: { kind: 'dense' as const, perStep: false, features: 1, data: Float32Array.of(-0.5) },
  };
  const recorder = new RecordingExecutor(new ReferenceExecutor());
  const r = await trainCollecting({
    graph: doc,
    dataset,
    executor: recorder,
    settings: { epochs: 5, batchSize: 1, optimizer: { type: 'sgd', learningRate: 0.2 }, schedule: { type: 'step', every: 2, factor: 0.25 } },
  });
  const expected = [0.2, 0.2, 0.05, 0.05, 0.0125];
  assert.ok(close(epochsOf(r.events).map((e) => e.learningRate), expected));
  assert.equal(stepsOf(r.events).length, 5);
  const params = ['d.kernel', 'd.bias'];
  for (let step = 0; step < 5; step++) {
    const before = recorder.weightsOf(step, params);
    const after = step < 4 ? recorder.weightsOf(step + 1, params) : r.weights;
    for (const p of params) {
      const g = recorder.runs[step].outputs[`grad:${p}`].data[0];
      assert.ok(g !== 0);
      const lr = (before.get(p)![0] - after.get(p)![0]) / g;
      assert.ok(Math.abs(lr - expected[step]) <= 1e-4 * expected[step], `step ${step + 1}, ${p}: rate ${lr}, expected ${expected[step]}`);
    }
  }
});
