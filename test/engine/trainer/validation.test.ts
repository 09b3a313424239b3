/**
 * The validation split: which examples are held out (disjoint from the training ones, the same for
 * the same seed), that no training step ever sees a held-out example, and that each epoch's
 * validation loss is the forward pass over exactly the held-out examples with the epoch's final
 * weights (recomputed by the hand-written float64 Elman network).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReferenceExecutor } from '../../../engine/executors/index.ts';
import { TrainingSettings } from '../../../engine/graph/schema.ts';
import { splitExamples } from '../../../engine/trainer/split.ts';
import { RecordingExecutor, type RecordedRun } from '../../helpers/recording-executor.ts';
import { elmanLoss } from './elman-reference.ts';
import { type ElmanSpec, elmanDataset, elmanGraph, epochsOf, referenceOf, trainCollecting } from './fixtures.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

describe('splitExamples', () => {
  test('holds out N − ⌊N·(1 − fraction)⌋ examples, as Keras cuts', () => {
    for (const [n, fraction, held] of [
      [10, 0.2, 2],
      [10, 0.25, 3],
      [7, 0.1, 1],
      [512, 0.2, 103],
      [2, 0.49, 1],
      [1000, 0.001, 1],
    ] as const) {
      const s = splitExamples(n, fraction, 1);
      assert.equal(s.validation.length, held, `${n} × ${fraction}`);
      assert.equal(s.train.length, n - held);
    }
  });

  test('training and held-out examples are disjoint and together are every example once', () => {
    for (const seed of [0, 1, 99]) {
      const s = splitExamples(100, 0.3, seed);
      assert.equal(new Set([...s.train, ...s.validation]).size, 100);
      assert.deepEqual(sorted([...s.train, ...s.validation]), range(100));
      assert.ok(s.validation.every((i) => !s.train.includes(i)));
    }
  });

  test('deterministic by seed: the same seed holds out the same examples, another seed others; not simply the last ones', () => {
    assert.deepEqual(splitExamples(100, 0.2, 5), splitExamples(100, 0.2, 5));
    assert.notDeepEqual(sorted(splitExamples(100, 0.2, 5).validation), sorted(splitExamples(100, 0.2, 6).validation));
    assert.notDeepEqual(sorted(splitExamples(100, 0.2, 5).validation), range(20).map((i) => 80 + i));
  });

  test('fraction 0 holds nothing out and keeps the natural order (so runs without a split batch as before)', () => {
    assert.deepEqual(splitExamples(6, 0, 3), { train: range(6), validation: [] });
  });

  test('a split that leaves nothing to train on is refused, naming the numbers', () => {
    assert.throws(() => splitExamples(1, 0.3, 1), /validationSplit 0.3 of 1 example leaves none to train on/);
  });

  test('the schema: 0 ≤ validationSplit < 0.5', () => {
    assert.equal(TrainingSettings.safeParse({ validationSplit: 0 }).success, true);
    assert.equal(TrainingSettings.safeParse({ validationSplit: 0.49 }).success, true);
    assert.equal(TrainingSettings.safeParse({ validationSplit: 0.5 }).success, false);
    assert.equal(TrainingSettings.safeParse({ validationSplit: -0.1 }).success, false);
  });
});

describe('a run with a validation split', () => {
  const spec: ElmanSpec = { inputs: 1, units: 3, outputs: 1, activation: 'tanh', perStep: true };
  const doc = elmanGraph(spec);
  const N = 12;
  const T = 4;
  // x of example n is n/100 at every step, so every feed says which examples it holds.
  const dataset = { ...elmanDataset(spec, N, T), x: { kind: 'dense' as const, perStep: true, features: 1, data: Float32Array.from(range(N * T), (i) => Math.floor(i / T) / 100) } };
  const examplesIn = (run: RecordedRun) => {
    const [, b] = run.feeds.x.shape;
    return range(b).map((j) => Math.round(run.feeds.x.data[j] * 100));
  };
  const settings = { epochs: 3, batchSize: 4, seed: 8, validationSplit: 0.25, optimizer: { type: 'sgd' as const, learningRate: 0.1 } };

  test('no training step sees a held-out example; each epoch validates on exactly the held-out ones', async () => {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    const r = await trainCollecting({ graph: doc, dataset, executor: recorder, settings });
    const start = r.events[0];
    assert.ok(start.type === 'start');
    assert.deepEqual({ examples: start.examples, validationExamples: start.validationExamples, batchesPerEpoch: start.batchesPerEpoch }, { examples: 12, validationExamples: 3, batchesPerEpoch: 3 });
    const split = splitExamples(N, 0.25, 8);
    assert.deepEqual(
      recorder.runs.map((run) => run.name.split(':')[0]),
      [1, 2, 3].flatMap(() => ['train', 'train', 'train', 'forward']),
      'three training steps, then one validation pass, each epoch',
    );
    for (let epoch = 0; epoch < 3; epoch++) {
      const runs = recorder.runs.slice(epoch * 4, epoch * 4 + 4);
      const trained = runs.slice(0, 3).flatMap(examplesIn);
      assert.deepEqual(sorted(trained), sorted(split.train), `epoch ${epoch + 1} trains on each training example once`);
      assert.deepEqual(sorted(examplesIn(runs[3])), sorted(split.validation), `epoch ${epoch + 1} validates on the held-out examples`);
    }
    const again = new RecordingExecutor(new ReferenceExecutor());
    await trainCollecting({ graph: doc, dataset, executor: again, settings });
    assert.deepEqual(again.runs.map(examplesIn), recorder.runs.map(examplesIn), 'the same seed, the same split and batches');
    const other = new RecordingExecutor(new ReferenceExecutor());
    await trainCollecting({ graph: doc, dataset, executor: other, settings: { ...settings, seed: 9 } });
    assert.notDeepEqual(sorted(examplesIn(other.runs[3])), sorted(split.validation));
  });

  test("each epoch's validation loss is the loss on the held-out examples with that epoch's final weights", async () => {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    const r = await trainCollecting({ graph: doc, dataset, executor: recorder, settings });
    const epochs = epochsOf(r.events);
    const params = r.weightInfo.map((w) => w.param);
    epochs.forEach((e, i) => {
      const run = recorder.runs[i * 4 + 3];
      const { problem, weights } = referenceOf(spec, run);
      assert.ok(e.validation);
      assert.ok(Math.abs(e.validation.loss - elmanLoss(problem, weights)) < 1e-6 * e.validation.loss, `epoch ${e.epoch}`);
      assert.deepEqual(e.validation.metrics, { mse: e.validation.metrics.mse });
      assert.ok(Math.abs(e.validation.metrics.mse - e.validation.loss) < 1e-6 * e.validation.loss, 'one MSE output: its mse is the loss');
      // The weights it validated are those the next epoch starts from (the final ones after the last epoch).
      const next = i < 2 ? recorder.weightsOf((i + 1) * 4, params) : r.weights;
      assert.deepStrictEqual(recorder.weightsOf(i * 4 + 3, params), next);
    });
    assert.deepEqual(r.history.map((h) => h.validation), epochs.map((e) => e.validation));
  });

  test('without a split there is no validation pass and no validation in the events', async () => {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    const r = await trainCollecting({ graph: doc, dataset, executor: recorder, settings: { ...settings, validationSplit: 0 } });
    assert.ok(recorder.runs.every((run) => run.name.startsWith('train:')));
    assert.ok(epochsOf(r.events).every((e) => e.validation === undefined));
    assert.ok(r.history.every((h) => !('validation' in h)));
  });
});
