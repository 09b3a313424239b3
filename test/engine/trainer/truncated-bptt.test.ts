/**
 * Truncated BPTT: sequences of T = 7 steps cut into chunks of k = 3 (3, 3 and 1 steps). Each
 * chunk's gradient must be exactly full BPTT over that chunk alone, started from the state the
 * previous chunk ended with: checked against an Elman network written out by hand in float64
 * (elman-reference.ts), from what the trainer fed each step. The float64 reference executor runs
 * the engine's side, so the two agree to float32 rounding.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { CompileError } from '../../../engine/graph/diagnostics.ts';
import { ReferenceExecutor, runOnce } from '../../../engine/executors/index.ts';
import { batchFeed, chunksOf } from '../../../engine/trainer/batches.ts';
import { graph } from '../../helpers/graphs.ts';
import { RecordingExecutor } from '../../helpers/recording-executor.ts';
import { elmanBptt, elmanStates, norm } from './elman-reference.ts';
import { type ElmanSpec, elmanDataset, elmanGraph, epochsOf, referenceOf, relativeError, stepsOf, trainCollecting } from './fixtures.ts';

const TOLERANCE = 1e-5;
const T = 7;
const K = 3;
const sgd = { type: 'sgd' as const, learningRate: 0.2 };

const GRADS = [
  ['rnn.kernel', 'K'],
  ['rnn.recurrentKernel', 'R'],
  ['rnn.bias', 'b'],
  ['d.kernel', 'Wd'],
  ['d.bias', 'bd'],
] as const;

describe('chunksOf and windowed feeds', () => {
  test('T = 7, k = 3 gives windows [0, 3), [3, 6), [6, 7); k ≥ T gives one', () => {
    assert.deepEqual(chunksOf(7, 3), [
      { start: 0, length: 3 },
      { start: 3, length: 3 },
      { start: 6, length: 1 },
    ]);
    assert.deepEqual(chunksOf(7, 7), [{ start: 0, length: 7 }]);
    assert.deepEqual(chunksOf(7, 50), [{ start: 0, length: 7 }]);
  });

  test('a window of a sequence feed is those steps of the full feed', () => {
    const d = elmanDataset({ inputs: 2, units: 1, outputs: 1, activation: 'tanh', perStep: true }, 5, T);
    const rows = [4, 1, 2];
    const full = batchFeed(d.x, rows, T);
    const part = batchFeed(d.x, rows, T, { start: 3, length: 3 });
    assert.deepEqual(part.shape, [3, 3, 2]);
    assert.deepEqual([...part.data], [...full.data.subarray(3 * 3 * 2, 6 * 3 * 2)]);
    assert.throws(() => batchFeed(d.x, rows, T, { start: 5, length: 3 }), /not inside 7 steps/);
  });
});

describe('truncated BPTT, a target at every step: every chunk is an optimizer step', () => {
  const spec: ElmanSpec = { inputs: 2, units: 3, outputs: 1, activation: 'tanh', perStep: true };
  const doc = elmanGraph(spec);
  const dataset = elmanDataset(spec, 6, T);
  const settings = { epochs: 2, batchSize: 4, seed: 3, optimizer: sgd, truncatedBptt: { steps: K } };

  test('each chunk starts from the state the previous one ended with, and its gradient is BPTT over the chunk alone', async (t) => {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    const r = await trainCollecting({ graph: doc, dataset, executor: recorder, settings });
    assert.equal(r.end.reason, 'completed');
    const start = r.events[0];
    assert.ok(start.type === 'start');
    assert.deepEqual({ batchesPerEpoch: start.batchesPerEpoch, chunksPerBatch: start.chunksPerBatch, stepsPerEpoch: start.stepsPerEpoch }, { batchesPerEpoch: 2, chunksPerBatch: 3, stepsPerEpoch: 6 });

    const steps = stepsOf(r.events);
    assert.equal(steps.length, 2 * 2 * 3, 'epochs × batches × chunks optimizer steps');
    assert.deepEqual(steps.map((s) => [s.batch, s.chunk]), [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2].map((b, i) => [b, (i % 3) + 1]));
    assert.equal(recorder.runs.length, steps.length, 'one run per step, nothing else');

    let worst = 0;
    let carriedNorm = 0;
    let zeroStateDifference = 0;
    recorder.runs.forEach((run, i) => {
      const chunk = i % 3;
      assert.match(run.name, /^train\+state:/);
      assert.equal(run.feeds.x.shape[0], [3, 3, 1][chunk], `run ${i}: chunk length`);
      const state = run.feeds['state:rnn.h'].data;
      if (chunk === 0) assert.ok(state.every((v) => v === 0), `run ${i}: a batch starts from zeros`);
      else {
        assert.deepStrictEqual(state, recorder.runs[i - 1].outputs['final:rnn.h'].data, `run ${i}: the state chunk ${chunk} ended with`);
        carriedNorm = Math.max(carriedNorm, norm(state));
      }
      const { problem, weights } = referenceOf(spec, run);
      const ref = elmanBptt(problem, weights);
      worst = Math.max(worst, relativeError(run.outputs.loss.data, [ref.loss]));
      for (const [param, key] of GRADS) worst = Math.max(worst, relativeError(run.outputs[`grad:${param}`].data, ref[key]));
      // Were the carried state dropped (every chunk from zeros), the gradients would differ this much.
      if (chunk > 0) zeroStateDifference = Math.max(zeroStateDifference, relativeError(elmanBptt({ ...problem, h0: undefined }, weights).R, ref.R));
    });
    t.diagnostic(`worst relative error against the hand-written BPTT ${worst.toExponential(2)}; largest carried state norm ${carriedNorm.toFixed(3)}; a zero start would change ∂L/∂R by ${(100 * zeroStateDifference).toFixed(0)}%`);
    assert.ok(worst < TOLERANCE, `worst relative error ${worst}`);
    assert.ok(carriedNorm > 0.1 && zeroStateDifference > 0.01, 'the carried state matters, so the test would catch a trainer that dropped it');
  });

  test("the first chunk's step equals the engine's own full BPTT over its 3 steps (no state input)", async () => {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    await trainCollecting({ graph: doc, dataset, executor: recorder, settings: { ...settings, epochs: 1 } });
    const run = recorder.runs[0];
    const plain = compileGraph(doc, { steps: K, batch: 4 });
    const { 'state:rnn.h': _state, ...feeds } = run.feeds;
    const out = await runOnce(new ReferenceExecutor(), plain.train, feeds);
    for (const name of ['loss', ...GRADS.map(([p]) => `grad:${p}`)]) assert.ok(relativeError(run.outputs[name].data, out[name].data) < 1e-6, name);
  });

  test("the epoch loss is each chunk's loss weighted by its share of the 7 steps, averaged over the examples", async () => {
    const r = await trainCollecting({ graph: doc, dataset, executor: new ReferenceExecutor(), settings });
    const steps = stepsOf(r.events);
    epochsOf(r.events).forEach((e, i) => {
      let sum = 0;
      for (const s of steps.slice(i * 6, (i + 1) * 6)) sum += (s.loss * (s.batch === 1 ? 4 : 2) * [3, 3, 1][s.chunk! - 1]) / T;
      assert.ok(Math.abs(e.loss - sum / 6) <= 1e-12 * e.loss, `epoch ${e.epoch}: ${e.loss} vs ${sum / 6}`);
    });
  });

  test('chunks of k ≥ T steps train exactly like full BPTT', async () => {
    const plain = await trainCollecting({ graph: doc, dataset, executor: new ReferenceExecutor(), settings: { ...settings, truncatedBptt: null } });
    const whole = await trainCollecting({ graph: doc, dataset, executor: new ReferenceExecutor(), settings: { ...settings, truncatedBptt: { steps: T } } });
    assert.deepEqual(stepsOf(whole.events).map((s) => s.chunk), new Array(4).fill(1));
    assert.deepEqual(stepsOf(whole.events).map((s) => s.loss), stepsOf(plain.events).map((s) => s.loss));
    assert.deepStrictEqual(whole.weights, plain.weights);
    const truncated = await trainCollecting({ graph: doc, dataset, executor: new ReferenceExecutor(), settings });
    assert.notDeepStrictEqual(truncated.weights, plain.weights);
  });
});

describe('truncated BPTT, one target per sequence: the earlier chunks only carry the state', () => {
  const spec: ElmanSpec = { inputs: 2, units: 3, outputs: 1, activation: 'tanh', perStep: false };
  const doc = elmanGraph(spec);
  const dataset = elmanDataset(spec, 4, T);

  test('two forward runs carry the state into the last chunk, which takes the one step of the batch', async () => {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    const r = await trainCollecting({ graph: doc, dataset, executor: recorder, settings: { epochs: 2, batchSize: 4, seed: 5, optimizer: sgd, truncatedBptt: { steps: K } } });
    assert.deepEqual(stepsOf(r.events).map((s) => [s.step, s.chunk]), [[1, 3], [2, 3]]);
    const start = r.events[0];
    assert.ok(start.type === 'start' && start.chunksPerBatch === 3 && start.stepsPerEpoch === 1);
    assert.deepEqual(recorder.runs.map((run) => run.name.split(':')[0]), ['forward+state', 'forward+state', 'train+state', 'forward+state', 'forward+state', 'train+state']);
    for (const base of [0, 3]) {
      const [a, b, last] = recorder.runs.slice(base, base + 3);
      assert.ok(a.feeds['state:rnn.h'].data.every((v) => v === 0));
      assert.deepStrictEqual(b.feeds['state:rnn.h'].data, a.outputs['final:rnn.h'].data);
      assert.deepStrictEqual(last.feeds['state:rnn.h'].data, b.outputs['final:rnn.h'].data);
      // The carried state is h_5 of the whole sequence, computed by hand from the first six steps.
      const whole = referenceOf(spec, a);
      const x6 = Float64Array.from([...a.feeds.x.data, ...b.feeds.x.data]);
      const h = elmanStates({ ...whole.problem, steps: 6, x: x6 }, whole.weights);
      assert.ok(relativeError(last.feeds['state:rnn.h'].data, h[5]) < TOLERANCE);
      // And the step's gradient is BPTT over the last chunk (one step) from that state.
      const { problem, weights } = referenceOf(spec, last);
      const ref = elmanBptt(problem, weights);
      for (const [param, key] of GRADS) assert.ok(relativeError(last.outputs[`grad:${param}`].data, ref[key]) < TOLERANCE, param);
    }
  });
});

test('a graph with a backward recurrence cannot use truncated BPTT, and the error says so', async () => {
  const doc = graph(
    { x: ['input', { size: 2 }], bi: ['bidirectional', { cell: { type: 'elman', units: 2 } }], d: ['dense', { units: 1 }], o: ['output'] },
    ['x -> bi', 'bi -> d', 'd -> o'],
  );
  const dataset = elmanDataset({ inputs: 2, units: 2, outputs: 1, activation: 'tanh', perStep: true }, 4, T);
  await assert.rejects(trainCollecting({ graph: doc, dataset, executor: new ReferenceExecutor(), settings: { truncatedBptt: { steps: K } } }), (e: unknown) => {
    assert.ok(e instanceof CompileError);
    assert.match(e.message, /truncated BPTT carries the state forward/);
    assert.match(e.message, /truncatedBptt to null/);
    return true;
  });
  const plain = await trainCollecting({ graph: doc, dataset, executor: new ReferenceExecutor(), settings: { epochs: 1 } });
  assert.equal(plain.end.reason, 'completed');
});
