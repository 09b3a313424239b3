/**
 * Teacher forcing in the Jordan block: while training, the context is fed the previous target
 * (one-hot for class ids) instead of the block's own previous output. Checked against a float64
 * Jordan network written out here that feeds the targets, by finite differences, and by
 * inference, which must neither read the targets nor differ from the block without it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGraph, type Compiled } from '../../../engine/compiler/compile.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { tensor, type Tensor64 } from '../../../engine/ir/tensor64.ts';
import { feedsFor } from '../../helpers/block-cases.ts';
import { gradCheck } from '../../helpers/gradcheck.ts';
import { graph } from '../../helpers/graphs.ts';

const [T, B, F, H, O] = [5, 3, 2, 4, 3];
type Loss = 'meanSquaredError' | 'softmaxCrossEntropy';
const jordanGraph = (loss: Loss, params: Record<string, unknown> = {}) =>
  graph(
    {
      x: ['input', { size: F }],
      j: ['jordan', { units: H, outputUnits: O, outputActivation: loss === 'meanSquaredError' ? 'tanh' : 'linear', teacherForcing: true, ...params }],
      o: ['output', { loss }],
    },
    ['x -> j', 'j -> o'],
  );

/** Row-major [rows, cols] matrix times vector-of-rows helper: out[j] = Σ_i v[i]·M[i, j]. */
const vecMat = (v: ArrayLike<number>, m: Tensor64): number[] => {
  const [rows, cols] = m.shape;
  return Array.from({ length: cols }, (_, j) => {
    let s = 0;
    for (let i = 0; i < rows; i++) s += v[i] * m.data[i * cols + j];
    return s;
  });
};

/**
 * The Jordan network with teacher forcing, in float64, from the feeds: s_0 = 0, s_t = ŷ_{t−1} + α·s_{t−1},
 * h_t = tanh(x_t·W + s_t·U + b), z_t = h_t·V + c, and the loss (mean squared error of tanh(z), or
 * softmax cross-entropy of z) averaged over examples (and features) and then steps.
 */
function referenceLoss(feeds: Record<string, Tensor64>, loss: Loss, decay = 0): number {
  const [W, U, b, V, c] = ['kernel', 'recurrentKernel', 'bias', 'outputKernel', 'outputBias'].map((n) => feeds[`j.${n}`]);
  const x = feeds.x;
  const y = feeds.y;
  let total = 0;
  for (let n = 0; n < B; n++) {
    let s = new Array<number>(O).fill(0);
    for (let t = 0; t < T; t++) {
      if (t > 0) {
        const prev = loss === 'softmaxCrossEntropy' ? Array.from({ length: O }, (_, k) => (k === y.data[(t - 1) * B + n] ? 1 : 0)) : Array.from(y.data.subarray(((t - 1) * B + n) * O, ((t - 1) * B + n + 1) * O));
        s = prev.map((v, k) => v + decay * s[k]);
      }
      const xw = vecMat(x.data.subarray((t * B + n) * F, (t * B + n + 1) * F), W);
      const su = vecMat(s, U);
      const h = xw.map((v, k) => Math.tanh(v + su[k] + b.data[k]));
      const z = vecMat(h, V).map((v, k) => v + c.data[k]);
      if (loss === 'meanSquaredError') {
        for (let k = 0; k < O; k++) total += (Math.tanh(z[k]) - y.data[(t * B + n) * O + k]) ** 2 / (B * O);
      } else {
        const max = Math.max(...z);
        const logSum = max + Math.log(z.reduce((a, v) => a + Math.exp(v - max), 0));
        total += -(z[y.data[t * B + n]] - logSum) / B;
      }
    }
  }
  return total / T;
}

const compile = (doc: ReturnType<typeof jordanGraph>): Compiled => compileGraph(doc, { steps: T, batch: B });

describe('Jordan teacher forcing', () => {
  for (const [loss, decay] of [
    ['meanSquaredError', 0],
    ['softmaxCrossEntropy', 0],
    ['meanSquaredError', 0.5],
  ] as const) {
    test(`${loss}${decay ? `, contextDecay ${decay}` : ''}: the train-step loss is that of a float64 network fed the previous targets`, () => {
      const c = compile(jordanGraph(loss, { contextDecay: decay }));
      const feeds = feedsFor(c, 17, 0.7);
      const got = runReference(c.train, feeds, ['loss']).loss.data[0];
      const want = referenceLoss(feeds, loss, decay);
      assert.ok(Math.abs(got - want) < 1e-12 * Math.max(1, Math.abs(want)), `${got} against ${want}`);
      // Not the loss without teacher forcing: the targets really are what is fed back.
      const own = compile(jordanGraph(loss, { contextDecay: decay, teacherForcing: false }));
      const free = runReference(own.train, feeds, ['loss']).loss.data[0];
      assert.ok(Math.abs(free - got) > 1e-6, 'feeding back the targets changes the loss');
    });

    test(`${loss}${decay ? `, contextDecay ${decay}` : ''}: finite differences agree with the gradients`, () => {
      const c = compile(jordanGraph(loss, { contextDecay: decay }));
      const { worst } = gradCheck(c.train, feedsFor(c, 23, 0.7));
      assert.ok(worst < 1e-6, `worst relative error ${worst}`);
    });
  }

  test('inference ignores the targets: its forward IR is the block without teacher forcing', () => {
    for (const loss of ['meanSquaredError', 'softmaxCrossEntropy'] as const) {
      const c = compile(jordanGraph(loss));
      const own = compile(jordanGraph(loss, { teacherForcing: false }));
      assert.deepEqual(c.forward.nodes.map((n) => [n.op, n.inputs]), own.forward.nodes.map((n) => [n.op, n.inputs]));
      const feeds = feedsFor(c, 31, 0.7);
      const out = runReference(c.forward, feeds, ['out:o'])['out:o'];
      const otherTargets = { ...feeds, y: tensor(feeds.y.shape, feeds.y.data.map((v) => (loss === 'softmaxCrossEntropy' ? (v + 1) % O : -v))) };
      assert.deepEqual(runReference(c.forward, otherTargets, ['out:o'])['out:o'].data, out.data, 'the prediction does not depend on the targets');
      assert.notDeepEqual(runReference(c.train, otherTargets, ['out:o'])['out:o'].data, runReference(c.train, feeds, ['out:o'])['out:o'].data, 'the train step does');
      // Sampling, one step at a time: the state carried is the block's own output, as without it.
      const sampler = compileGraph(jordanGraph(loss), { steps: 1, batch: 1, stateful: true });
      const ownSampler = compileGraph(jordanGraph(loss, { teacherForcing: false }), { steps: 1, batch: 1, stateful: true });
      assert.deepEqual(sampler.forward.nodes.map((n) => [n.op, n.inputs]), ownSampler.forward.nodes.map((n) => [n.op, n.inputs]));
    }
  });

  test('refused: preActivation feedback, an output of another size, one target per sequence', () => {
    assert.throws(() => compile(jordanGraph('meanSquaredError', { feedback: 'preActivation' })), /set feedback to 'output'/);
    const wider = graph(
      { x: ['input', { size: F }], j: ['jordan', { units: H, outputUnits: O, teacherForcing: true }], d: ['dense', { units: 4 }], o: ['output', {}] },
      ['x -> j', 'j -> d', 'd -> o'],
    );
    assert.throws(() => compile(wider), /target of 4 features or classes, in place of this block's output of 3/);
    assert.throws(() => compile(jordanGraph('meanSquaredError', { returnSequences: false })), /a target at every step/);
  });
});
