/**
 * Dropout in training: every train step is fed fresh masks drawn from the training seed (the same
 * seed, the same masks), validation and prediction run without dropout, and a stacked LSTM with
 * dropout between its layers learns, its evaluation output being that of the same weights in a
 * network without dropout.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { Random } from '../../../engine/datasets/random.ts';
import type { Dataset } from '../../../engine/datasets/types.ts';
import { ReferenceExecutor } from '../../../engine/executors/index.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { tensor } from '../../../engine/ir/tensor64.ts';
import { predict } from '../../../engine/inference/predict.ts';
import { DEFAULT_OPTIMIZER, type GraphDocument } from '../../../engine/graph/schema.ts';
import { graph } from '../../helpers/graphs.ts';
import { RecordingExecutor, type RecordedRun } from '../../helpers/recording-executor.ts';
import { type ElmanSpec, elmanDataset, epochsOf, stepsOf, trainCollecting } from './fixtures.ts';

const spec: ElmanSpec = { inputs: 2, units: 6, outputs: 1, activation: 'tanh', perStep: true };
const lstmGraph = (dropout: number): GraphDocument =>
  graph(
    { x: ['input', { size: 2 }], r: ['lstm', { units: 6, layers: 2, dropout }], d: ['dense', { units: 1 }], o: ['output', { loss: 'meanSquaredError' }] },
    ['x -> r', 'r -> d', 'd -> o'],
  );
const RATE = 0.3;
const dataset = elmanDataset(spec, 16, 5);
const settings = { epochs: 2, batchSize: 6, seed: 4, validationSplit: 0.25, optimizer: DEFAULT_OPTIMIZER };
const trainRuns = (r: RecordingExecutor) => r.runs.filter((run) => run.name.startsWith('train:'));
const maskOf = (run: RecordedRun) => run.feeds['mask:r.l1'];
const feeds64 = (run: RecordedRun) => Object.fromEntries(Object.entries(run.feeds).map(([k, f]) => [k, tensor(f.shape, f.data)]));

describe('training with dropout', () => {
  test('each train step gets a fresh mask of 0 and 1 / (1 − rate) per element and step; the same seed gives the same masks', async () => {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    await trainCollecting({ graph: lstmGraph(RATE), dataset, executor: recorder, settings });
    const runs = trainRuns(recorder);
    assert.equal(runs.length, 4, 'two batches a epoch, two epochs');
    const keep = Math.fround(1 / (1 - RATE));
    for (const run of runs) {
      const m = maskOf(run);
      assert.deepEqual(m.shape, [5, run.feeds.x.shape[1], 6], '[T, B, units]: one value per element and step');
      assert.ok(m.data.every((v) => v === 0 || v === keep));
      assert.ok(m.data.includes(0) && m.data.includes(keep));
    }
    for (let i = 1; i < runs.length; i++) assert.notDeepEqual(maskOf(runs[i]).data.slice(0, 30), maskOf(runs[i - 1]).data.slice(0, 30), `step ${i + 1} has a mask of its own`);
    const first = maskOf(runs[0]).data;
    const rows = first.length / 5;
    assert.notDeepEqual(first.slice(0, rows), first.slice(rows, 2 * rows), 'step t = 1 of the sequence has a mask of its own');

    const again = new RecordingExecutor(new ReferenceExecutor());
    await trainCollecting({ graph: lstmGraph(RATE), dataset, executor: again, settings });
    assert.deepEqual(trainRuns(again).map(maskOf), runs.map(maskOf), 'the same seed, the same masks');
    const other = new RecordingExecutor(new ReferenceExecutor());
    await trainCollecting({ graph: lstmGraph(RATE), dataset, executor: other, settings: { ...settings, seed: 5 } });
    assert.notDeepEqual(maskOf(trainRuns(other)[0]).data, maskOf(runs[0]).data, 'another seed, other masks');
  });

  test('the train loss is that of the masked network; the validation loss is that of the network without dropout', async () => {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    const r = await trainCollecting({ graph: lstmGraph(RATE), dataset, executor: recorder, settings });
    const plain = compileGraph(lstmGraph(0), { steps: 5, batch: 6 });
    const masked = compileGraph(lstmGraph(RATE), { steps: 5, batch: 6 });
    const step1 = trainRuns(recorder)[0];
    const loss1 = stepsOf(r.events)[0].loss;
    const withMask = runReference(masked.train, feeds64(step1), ['loss']).loss.data[0];
    const noDropout = runReference(plain.train, feeds64(step1), ['loss']).loss.data[0];
    assert.ok(Math.abs(loss1 - withMask) < 1e-6 * withMask, `step 1 loss ${loss1} against the float64 masked network ${withMask}`);
    assert.ok(Math.abs(loss1 - noDropout) > 1e-4 * noDropout, 'dropout changed the train loss');

    const validations = recorder.runs.filter((run) => run.name.startsWith('forward:'));
    assert.equal(validations.length, 2);
    const held = compileGraph(lstmGraph(0), { steps: 5, batch: validations[0].feeds.x.shape[1] });
    epochsOf(r.events).forEach((e, i) => {
      const run = validations[i];
      assert.ok(Object.keys(run.feeds).every((k) => !k.startsWith('mask:')), 'validation is fed no mask');
      const expected = runReference(held.forward, feeds64(run), ['loss']).loss.data[0];
      assert.ok(e.validation && Math.abs(e.validation.loss - expected) < 1e-6 * expected, `epoch ${e.epoch}: ${e.validation?.loss} against ${expected} without dropout`);
    });
  });

  test('a 2-layer LSTM with dropout 0.3 between its layers learns, and predicts exactly as the same weights without dropout', async (t) => {
    // y_t = 0.6·x_t[0] − 0.4·x_{t−1}[1]: a target that needs one step of memory.
    const [n, steps] = [48, 6];
    const rng = new Random(3);
    const xs = Float32Array.from({ length: n * steps * 2 }, () => 2 * rng.uniform() - 1);
    const ys = Float32Array.from({ length: n * steps }, (_, i) => Math.fround(0.6 * xs[2 * i] - (i % steps === 0 ? 0 : 0.4 * xs[2 * (i - 1) + 1])));
    const data: Dataset = { type: 'custom', steps, size: n, x: { kind: 'dense', perStep: true, features: 2, data: xs }, y: { kind: 'dense', perStep: true, features: 1, data: ys } };
    const r = await trainCollecting({
      graph: lstmGraph(RATE),
      dataset: data,
      executor: new ReferenceExecutor(),
      settings: { epochs: 25, batchSize: 16, seed: 2, optimizer: { ...DEFAULT_OPTIMIZER, learningRate: 0.03 } },
    });
    const losses = epochsOf(r.events).map((e) => e.loss);
    t.diagnostic(`epoch loss ${losses[0].toFixed(4)} → ${losses[losses.length - 1].toFixed(4)}`);
    assert.ok(losses[losses.length - 1] < 0.5 * losses[0], `loss ${losses[0]} → ${losses[losses.length - 1]}`);

    const input = { x: [0, 1, 2].map((n) => Array.from({ length: 6 }, (_, s) => [Math.sin(n + s), Math.cos(2 * n - s)])) };
    const withDropout = await predict(lstmGraph(RATE), r.weights, input, new ReferenceExecutor());
    const without = await predict(lstmGraph(0), r.weights, input, new ReferenceExecutor());
    assert.deepEqual(withDropout, without);
    const again = await predict(lstmGraph(RATE), r.weights, input, new ReferenceExecutor());
    assert.deepEqual(again, withDropout, 'prediction is deterministic');
  });
});
