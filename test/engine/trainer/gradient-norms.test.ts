/**
 * Per-time-step gradient norms: ‖∂loss/∂h_t‖ for every step t of every recurrent state, read from
 * the backward IR. Checked against finite differences of the loss with h_t nudged, in an Elman
 * network written out by hand in float64 (elman-reference.ts); against the closed form a^(T−1−t) of
 * a linear Elman net with U = a·I; and shown to vanish from late to early steps for an Elman net
 * with small recurrent weights.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseExecutor, type Executor, ReferenceExecutor } from '../../../engine/executors/index.ts';
import type { StateGradNorms } from '../../../engine/trainer/train.ts';
import { graph } from '../../helpers/graphs.ts';
import { RecordingExecutor } from '../../helpers/recording-executor.ts';
import { elmanBptt, elmanLoss, norm } from './elman-reference.ts';
import { type ElmanSpec, elmanDataset, elmanGraph, referenceOf, relativeError, stepsOf, trainCollecting } from './fixtures.ts';

const sgd = { type: 'sgd' as const, learningRate: 0.1 };

/** The norms of the first step of a one-step run with gradientNormsOverTime on. */
async function firstStepNorms(spec: ElmanSpec, steps: number, size = 2) {
  const recorder = new RecordingExecutor(new ReferenceExecutor());
  const r = await trainCollecting({
    graph: elmanGraph(spec),
    dataset: elmanDataset(spec, size, steps),
    executor: recorder,
    settings: { epochs: 1, batchSize: size, seed: 4, optimizer: sgd, gradientNormsOverTime: true },
  });
  const [step] = stepsOf(r.events);
  assert.ok(step.stateGradNorms, 'the step reports gradient norms over time');
  return { norms: step.stateGradNorms, run: recorder.runs[0] };
}

const fmt = (xs: readonly number[]) => xs.map((x) => x.toExponential(1)).join(' ');

describe('‖∂loss/∂h_t‖ from the backward IR', () => {
  test('equals finite differences of the loss with h_t nudged (tanh Elman, a target at every step, T = 6)', async (t) => {
    const spec: ElmanSpec = { inputs: 2, units: 3, outputs: 1, activation: 'tanh', perStep: true };
    const { norms, run } = await firstStepNorms(spec, 6);
    assert.deepEqual(
      norms.map((n: StateGradNorms) => ({ delay: n.delay, block: n.block, start: n.start, count: n.norms.length })),
      [{ delay: 'rnn.h', block: 'rnn', start: 0, count: 6 }],
    );
    const { problem, weights } = referenceOf(spec, run);
    const delta = 1e-6;
    const fdNorms: number[] = [];
    let worstVector = 0;
    const gradState = run.outputs['gradState:rnn.h'];
    assert.deepEqual(gradState.shape, [6, 2, 3]);
    for (let step = 0; step < 6; step++) {
      const fd = Array.from({ length: 2 * 3 }, (_, index) => (elmanLoss(problem, weights, { t: step, index, delta }) - elmanLoss(problem, weights, { t: step, index, delta: -delta })) / (2 * delta));
      fdNorms.push(norm(fd));
      worstVector = Math.max(worstVector, relativeError(gradState.data.subarray(step * 6, (step + 1) * 6), fd));
    }
    const worstNorm = relativeError(norms[0].norms, fdNorms);
    t.diagnostic(`engine ${fmt(norms[0].norms)}; finite differences ${fmt(fdNorms)}; worst relative error: norms ${worstNorm.toExponential(1)}, vectors ${worstVector.toExponential(1)}`);
    assert.ok(worstNorm < 1e-5 && worstVector < 1e-5);
    // And the hand-written BPTT agrees with both.
    assert.ok(relativeError(norms[0].norms, elmanBptt(problem, weights).dh.map(norm)) < 1e-5);
  });

  test('vanish from late to early steps for a tanh Elman net with small recurrent weights (U orthogonal × 0.2, loss at the last step)', async (t) => {
    const spec: ElmanSpec = { inputs: 2, units: 4, outputs: 1, activation: 'tanh', perStep: false, elman: { recurrentGain: 0.2 } };
    const { norms } = await firstStepNorms(spec, 12, 4);
    const n = norms[0].norms;
    t.diagnostic(`‖∂L/∂h_t‖, t = 0 … 11: ${fmt(n)}`);
    for (let step = 1; step < n.length; step++) assert.ok(n[step - 1] < 0.5 * n[step], `t = ${step - 1}: ${n[step - 1]} is not well below t = ${step}: ${n[step]}`);
    assert.ok(n[0] / n[11] < 1e-7, `ratio ${n[0] / n[11]}`);
  });

  for (const a of [0.5, 1.5]) {
    test(`follow a^(T−1−t) exactly for a linear Elman net with U = ${a}·I (${a < 1 ? 'vanishing' : 'exploding'})`, async (t) => {
      const spec: ElmanSpec = { inputs: 2, units: 3, outputs: 2, activation: 'linear', perStep: false, elman: { recurrentInitializer: 'identity', recurrentGain: a } };
      const { norms } = await firstStepNorms(spec, 8);
      const n = norms[0].norms;
      const expected = n.map((_, step) => n[7] * a ** (7 - step));
      t.diagnostic(`‖∂L/∂h_t‖: ${fmt(n)}`);
      assert.ok(relativeError(n, expected) < 1e-5, `${fmt(n)} vs ${fmt(expected)}`);
    });
  }

  test('an LSTM reports both of its states, h and c', async () => {
    const doc = graph(
      { x: ['input', { size: 2 }], lstm: ['lstm', { units: 3 }], d: ['dense', { units: 1 }], o: ['output'] },
      ['x -> lstm', 'lstm -> d', 'd -> o'],
    );
    const dataset = elmanDataset({ inputs: 2, units: 3, outputs: 1, activation: 'tanh', perStep: true }, 2, 5);
    const r = await trainCollecting({ graph: doc, dataset, executor: new ReferenceExecutor(), settings: { epochs: 1, gradientNormsOverTime: true } });
    const [step] = stepsOf(r.events);
    assert.deepEqual(step.stateGradNorms?.map((s) => [s.delay, s.block, s.norms.length]).sort(), [
      ['lstm.c', 'lstm', 5],
      ['lstm.h', 'lstm', 5],
    ]);
    assert.ok(step.stateGradNorms!.every((s) => s.norms.every((v) => Number.isFinite(v) && v > 0)));
  });
});

describe('when gradient norms are computed', () => {
  const spec: ElmanSpec = { inputs: 2, units: 3, outputs: 1, activation: 'tanh', perStep: true };
  const doc = elmanGraph(spec);
  const dataset = elmanDataset(spec, 7, 6);

  test('every N-th step: N = 3 over 7 steps gives steps 1, 4 and 7, and only those run the larger graph', async () => {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    const r = await trainCollecting({ graph: doc, dataset, executor: recorder, settings: { epochs: 1, batchSize: 1, gradientNormsOverTime: 3 } });
    const steps = stepsOf(r.events);
    assert.equal(steps.length, 7);
    assert.deepEqual(steps.filter((s) => s.stateGradNorms).map((s) => s.step), [1, 4, 7]);
    assert.deepEqual(recorder.runs.map((run) => run.name.startsWith('train+gradState:')), steps.map((s) => s.stateGradNorms !== undefined));
  });

  test('off by default: no norms and the plain train step', async () => {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    const r = await trainCollecting({ graph: doc, dataset, executor: recorder, settings: { epochs: 1, batchSize: 4 } });
    assert.ok(stepsOf(r.events).every((s) => s.stateGradNorms === undefined));
    assert.ok(recorder.runs.every((run) => run.name.startsWith('train:') && !('gradState:rnn.h' in run.outputs)));
  });

  test("the norms do not change the step: the same losses and weights with and without them", async () => {
    const plain = await trainCollecting({ graph: doc, dataset, executor: new ReferenceExecutor(), settings: { epochs: 2, batchSize: 3 } });
    const withNorms = await trainCollecting({ graph: doc, dataset, executor: new ReferenceExecutor(), settings: { epochs: 2, batchSize: 3, gradientNormsOverTime: true } });
    assert.deepEqual(stepsOf(withNorms.events).map((s) => s.loss), stepsOf(plain.events).map((s) => s.loss));
    assert.deepStrictEqual(withNorms.weights, plain.weights);
  });

  test('under truncated BPTT each chunk reports its own steps, from its first one', async () => {
    const recorder = new RecordingExecutor(new ReferenceExecutor());
    const r = await trainCollecting({ graph: doc, dataset, executor: recorder, settings: { epochs: 1, batchSize: 7, truncatedBptt: { steps: 4 }, gradientNormsOverTime: true } });
    const steps = stepsOf(r.events);
    assert.deepEqual(steps.map((s) => s.stateGradNorms?.map((n) => [n.start, n.norms.length])), [[[0, 4]], [[4, 2]]]);
    // Chunk 2 against the hand-written BPTT over its two steps from the carried state.
    const { problem, weights } = referenceOf(spec, recorder.runs[1]);
    assert.ok(relativeError(steps[1].stateGradNorms![0].norms, elmanBptt(problem, weights).dh.map(norm)) < 1e-5);
  });
});

test('ONNX Runtime computes the same norms as the float64 reference (LSTM and Elman, truncated BPTT, to 1e-4)', async () => {
  const { executor } = await chooseExecutor('onnxruntime');
  try {
    const spec: ElmanSpec = { inputs: 2, units: 3, outputs: 1, activation: 'tanh', perStep: true };
    const lstm = graph({ x: ['input', { size: 2 }], lstm: ['lstm', { units: 3 }], d: ['dense', { units: 1 }], o: ['output'] }, ['x -> lstm', 'lstm -> d', 'd -> o']);
    const dataset = elmanDataset(spec, 6, 7);
    for (const doc of [elmanGraph(spec), lstm]) {
      const settings = { epochs: 1, batchSize: 3, truncatedBptt: { steps: 4 }, gradientNormsOverTime: true };
      const norms = async (e: Executor) => stepsOf((await trainCollecting({ graph: doc, dataset, executor: e, settings })).events).flatMap((s) => s.stateGradNorms!.flatMap((n) => n.norms));
      const [ort, ref] = [await norms(executor), await norms(new ReferenceExecutor())];
      assert.equal(ort.length, 2 * 7 * (doc === lstm ? 2 : 1));
      assert.ok(relativeError(ort, ref) < 1e-4, `relative error ${relativeError(ort, ref)}`);
    }
  } finally {
    await executor.dispose();
  }
});
