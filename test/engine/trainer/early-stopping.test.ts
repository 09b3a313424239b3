/**
 * Early stopping on a scripted loss sequence: an executor replaces the loss of the validation
 * passes (or of the training steps) with numbers chosen per epoch, so the epoch training must stop
 * at is known in advance. The weights handed back must be those of the best epoch: the weights
 * its validation pass was fed, or the next epoch's first step started from.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Executor, float32, ReferenceExecutor } from '../../../engine/executors/index.ts';
import { TrainingSettings } from '../../../engine/graph/schema.ts';
import { EarlyStopper } from '../../../engine/trainer/early-stopping.ts';
import { RecordingExecutor, WrappingExecutor } from '../../helpers/recording-executor.ts';
import { type ElmanSpec, elmanDataset, elmanGraph, epochsOf, trainCollecting } from './fixtures.ts';

/** Replaces the loss of every run whose program's name starts with `prefix`: the n-th such run gets script[⌊n / perEpoch⌋]. */
class ScriptedLoss extends WrappingExecutor {
  constructor(inner: Executor, prefix: string, perEpoch: number, script: readonly number[]) {
    let count = 0;
    super(inner, (name, _feeds, outputs) => {
      if (!name.startsWith(prefix)) return outputs;
      const value = script[Math.floor(count++ / perEpoch)];
      return { ...outputs, loss: float32([], Float32Array.of(value)) };
    });
  }
}

describe('EarlyStopper (Keras’s rule: improve on the best by more than minDelta within patience epochs)', () => {
  const run = (patience: number, minDelta: number, losses: readonly number[]) => {
    const s = new EarlyStopper(patience, minDelta);
    const verdicts = [];
    for (const [i, loss] of losses.entries()) {
      const v = s.update(i + 1, loss);
      verdicts.push(v);
      if (v === 'stop') break;
    }
    return { verdicts, best: s.best };
  };

  test('patience 2: 1.0, 0.8, 0.85, 0.79, 0.9, 0.95 stops at epoch 6, best epoch 4', () => {
    assert.deepEqual(run(2, 0, [1.0, 0.8, 0.85, 0.79, 0.9, 0.95, 0.1]), {
      verdicts: ['improved', 'improved', 'waiting', 'improved', 'waiting', 'stop'],
      best: { epoch: 4, loss: 0.79 },
    });
  });

  test('minDelta 0.05: 0.79 is no improvement on 0.8, so the same losses stop at epoch 4, best epoch 2', () => {
    assert.deepEqual(run(2, 0.05, [1.0, 0.8, 0.85, 0.79, 0.9, 0.95]), { verdicts: ['improved', 'improved', 'waiting', 'stop'], best: { epoch: 2, loss: 0.8 } });
  });

  test('patience 1 stops at the first epoch that does not improve; a NaN never improves', () => {
    assert.deepEqual(run(1, 0, [3, 2, 2]).verdicts, ['improved', 'improved', 'stop']);
    assert.deepEqual(run(3, 0, [NaN, NaN, NaN]), { verdicts: ['waiting', 'waiting', 'stop'], best: null });
  });

  test('the schema: patience at least 1, minDelta not negative, null turns it off', () => {
    assert.equal(TrainingSettings.safeParse({ earlyStopping: { patience: 3 } }).success, true);
    assert.equal(TrainingSettings.safeParse({ earlyStopping: null }).success, true);
    assert.equal(TrainingSettings.safeParse({ earlyStopping: { patience: 0 } }).success, false);
    assert.equal(TrainingSettings.safeParse({ earlyStopping: { patience: 2, minDelta: -0.1 } }).success, false);
  });
});

describe('a run that stops early', () => {
  const spec: ElmanSpec = { inputs: 2, units: 3, outputs: 1, activation: 'tanh', perStep: true };
  const doc = elmanGraph(spec);
  const dataset = elmanDataset(spec, 12, 4);
  const base = { epochs: 20, batchSize: 4, seed: 2, optimizer: { type: 'sgd' as const, learningRate: 0.05 } };
  // Exact in float32, so the losses compare as written.
  const script = [1, 0.75, 0.875, 0.71875, 0.8125, 0.90625, 0.5, 0.25];

  test('on the validation loss: stops after epoch 6 (patience 2), best epoch 4, and returns the weights epoch 4 validated', async (t) => {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    // 12 examples, 3 held out: 3 training steps and 1 validation pass per epoch.
    const r = await trainCollecting({
      graph: doc,
      dataset,
      executor: new ScriptedLoss(recorder, 'forward:', 1, script),
      settings: { ...base, validationSplit: 0.25, earlyStopping: { patience: 2 } },
    });
    t.diagnostic(r.end.message);
    assert.equal(r.end.reason, 'early-stopped');
    assert.equal(r.end.epochs, 6);
    assert.deepEqual(r.end.best, { epoch: 4, loss: 0.71875, monitor: 'validation' });
    assert.match(r.end.message, /since epoch 4 .*restored the weights of epoch 4/);
    assert.deepEqual(epochsOf(r.events).map((e) => e.validation?.loss), script.slice(0, 6));
    assert.equal(r.history.length, 6);
    assert.equal(r.events.at(-1), r.end);

    const params = r.weightInfo.map((w) => w.param);
    const validatedAt = (epoch: number) => recorder.weightsOf(epoch * 4 - 1, params);
    assert.ok(recorder.runs[4 * 4 - 1].name.startsWith('forward:'));
    assert.deepStrictEqual(r.weights, validatedAt(4));
    assert.notDeepStrictEqual(r.weights, validatedAt(6), 'the last epoch’s weights are not the ones returned');
    assert.equal(recorder.runs.length, 6 * 4, 'nothing runs after the stop');
  });

  test('on the training loss when there is no split: stops after epoch 4 with minDelta 0.05, best epoch 2', async () => {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    const r = await trainCollecting({
      graph: doc,
      dataset,
      executor: new ScriptedLoss(recorder, 'train:', 3, script),
      settings: { ...base, earlyStopping: { patience: 2, minDelta: 0.05 } },
    });
    assert.equal(r.end.reason, 'early-stopped');
    assert.equal(r.end.epochs, 4);
    assert.deepEqual(r.end.best, { epoch: 2, loss: 0.75, monitor: 'training' });
    assert.deepEqual(r.history.map((h) => h.loss), script.slice(0, 4));
    // The weights at the end of epoch 2 are those epoch 3's first step started from.
    const params = r.weightInfo.map((w) => w.param);
    assert.deepStrictEqual(r.weights, recorder.weightsOf(2 * 3, params));
    assert.notDeepStrictEqual(r.weights, recorder.weightsOf(3 * 3, params));
  });

  test('a run that trains every epoch with early stopping set still returns its best epoch’s weights', async () => {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    const r = await trainCollecting({
      graph: doc,
      dataset,
      executor: new ScriptedLoss(recorder, 'forward:', 1, [1, 0.5, 0.75, 0.625]),
      settings: { ...base, epochs: 4, validationSplit: 0.25, earlyStopping: { patience: 3 } },
    });
    assert.equal(r.end.reason, 'completed');
    assert.deepEqual(r.end.best, { epoch: 2, loss: 0.5, monitor: 'validation' });
    assert.match(r.end.message, /kept the weights of epoch 2/);
    assert.deepStrictEqual(r.weights, recorder.weightsOf(2 * 4 - 1, r.weightInfo.map((w) => w.param)));
  });

  test('a cancelled run keeps the weights it has (not the best epoch’s) and names no best epoch', async () => {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    const controller = new AbortController();
    const r = await trainCollecting({
      graph: doc,
      dataset,
      executor: new ScriptedLoss(recorder, 'forward:', 1, [1, 0.5, 0.75, 0.625]),
      settings: { ...base, epochs: 10, validationSplit: 0.25, earlyStopping: { patience: 5 } },
      signal: controller.signal,
      onEvent: (e) => e.type === 'epoch' && e.epoch === 3 && controller.abort(),
    });
    assert.equal(r.end.reason, 'cancelled');
    assert.equal(r.end.best, undefined);
    assert.deepStrictEqual(r.weights, recorder.weightsOf(3 * 4 - 1, r.weightInfo.map((w) => w.param)));
  });

  test('without early stopping the same scripted losses train every epoch and return the last weights', async () => {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    const r = await trainCollecting({ graph: doc, dataset, executor: new ScriptedLoss(recorder, 'forward:', 1, script), settings: { ...base, epochs: 8, validationSplit: 0.25 } });
    assert.equal(r.end.reason, 'completed');
    assert.equal(r.end.best, undefined);
    assert.deepStrictEqual(r.weights, recorder.weightsOf(8 * 4 - 1, r.weightInfo.map((w) => w.param)));
  });
});
