/**
 * A cell wired by hand from primitives computes what the built-in block computes: an Elman cell
 * made of input → linear, delay → linear (no bias), add, tanh, tanh → delay, fed the built-in
 * Elman's weights (kernel and bias on the input's linear, recurrentKernel on the delay's), gives
 * the same predictions, loss and gradients on the float64 reference, to rounding (1e-12).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runReference } from '../../../engine/executors/reference.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import { type IrGraph, sizeOf } from '../../../engine/ir/types.ts';
import { handWiredElman } from '../../helpers/block-cases.ts';
import { mulberry32, randomTensor } from '../../helpers/gradcheck.ts';
import { compile, graph, maxAbsDiff } from '../../helpers/graphs.ts';

const UNITS = 4;
const FEATURES = 3;
const STEPS = 5;
const BATCH = 3;
const TOLERANCE = 1e-12;

/** Built-in weight → the hand-wired weight holding the same matrix. */
const SAME_WEIGHT: Readonly<Record<string, string>> = {
  'rnn.kernel': 'lx.kernel',
  'rnn.bias': 'lx.bias',
  'rnn.recurrentKernel': 'lh.kernel',
};

const builtIn = graph(
  { x: ['input', { size: FEATURES }], rnn: ['elman', { units: UNITS }], o: ['output', { loss: 'meanSquaredError' }] },
  ['x -> rnn', 'rnn -> o'],
);

/** The same two graphs with the sequence reduced to its last step and a softmax loss. */
function lastStepOf(doc: GraphDocument, last: string): GraphDocument {
  return {
    ...doc,
    nodes: [...doc.nodes.map((n) => (n.id === 'o' ? { ...n, params: { loss: 'softmaxCrossEntropy' } } : n)), { id: 'l', type: 'lastStep', params: {}, position: { x: 0, y: 100 } }],
    edges: [...doc.edges.filter((e) => e.target !== 'o'), { id: 'to-last', source: last, sourcePort: 'out', target: 'l', targetPort: 'in' }, { id: 'to-o', source: 'l', sourcePort: 'out', target: 'o', targetPort: 'in' }],
  };
}

const CASES = [
  { name: 'every step, mean squared error', builtIn, handWired: handWiredElman(UNITS), classes: 0 },
  { name: 'last step, softmax cross-entropy', builtIn: lastStepOf(builtIn, 'rnn'), handWired: lastStepOf(handWiredElman(UNITS), 'h'), classes: UNITS },
];

describe('a hand-wired Elman cell equals the Elman block', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const ours = compile(c.builtIn, STEPS, BATCH);
      const wired = compile(c.handWired, STEPS, BATCH);
      assert.deepEqual(wired.analysis.diagnostics, []);
      assert.deepEqual(ours.weights.map((w) => SAME_WEIGHT[w.param]).sort(), wired.weights.map((w) => w.param).sort());

      const rng = mulberry32(3);
      const feeds: Record<string, Tensor64> = {};
      for (const w of ours.weights) feeds[w.param] = feeds[SAME_WEIGHT[w.param]] = randomTensor(w.shape, rng, 0.5);
      feeds.x = randomTensor([STEPS, BATCH, FEATURES], rng);
      const y = ours.inputs.find((i) => i.name === 'y')!;
      feeds.y = c.classes ? tensor(y.shape, Array.from({ length: sizeOf(y.shape) }, () => Math.floor(rng() * c.classes))) : randomTensor(y.shape, rng);

      const expected = runReference(ours.train, feeds);
      const got = runReference(wired.train, feeds);
      const pairs: [string, string][] = [
        ['loss', 'loss'],
        ['out:o', 'out:o'],
        ...Object.entries(SAME_WEIGHT).map(([a, b]): [string, string] => [`grad:${a}`, `grad:${b}`]),
      ];
      for (const [a, b] of pairs) {
        assert.deepEqual(got[b].shape, expected[a].shape, `${b}: shape`);
        const error = maxAbsDiff(got[b].data, expected[a].data);
        assert.ok(error < TOLERANCE, `${b} against ${a}: max difference ${error.toExponential(2)}`);
      }
      assert.ok(expected['grad:rnn.recurrentKernel'].data.some((v) => v !== 0), 'the recurrent path carries gradient');
    });
  }

  it('unrolls to the same ops, step for step', () => {
    const ops = (g: IrGraph) =>
      g.nodes
        .filter((n) => n.origin.t !== null && n.phase === 'forward')
        .map((n) => `t=${n.origin.t} ${n.op.type}`)
        .sort();
    assert.deepEqual(ops(compile(handWiredElman(UNITS), STEPS, BATCH).forward), ops(compile(builtIn, STEPS, BATCH).forward));
  });
});
