/**
 * A peephole LSTM cell wired by hand from the primitive blocks (delay, linear, add, multiply,
 * sigmoid, tanh) computes what the peepholeLstm block computes: the same predictions, loss and
 * gradients on the float64 reference, to rounding (1e-12).
 *
 * The hand-wired cell has one linear per gate for x (with its bias) and one per gate for h_{t−1}
 * (no bias), fed the gate blocks of the block's kernel, bias and recurrentKernel. A peephole
 * p ⊙ c is a linear (no bias) of c whose kernel is diag(p): the primitives have no elementwise
 * learned scale, and c·diag(p) = p ⊙ c. Its gradient is then a full [H, H] matrix whose diagonal
 * is the gradient of p (the off-diagonal part is what a full-matrix peephole, W·[c, h, x] as some
 * lecture notes write it, would receive).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runReference } from '../../../engine/executors/reference.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import { mulberry32, randomTensor } from '../../helpers/gradcheck.ts';
import { compile, graph, maxAbsDiff } from '../../helpers/graphs.ts';

const UNITS = 4;
const FEATURES = 3;
const STEPS = 5;
const BATCH = 3;
const TOLERANCE = 1e-12;
const GATES = ['i', 'f', 'c', 'o'] as const;

const builtIn = graph(
  { x: ['input', { size: FEATURES }], rnn: ['peepholeLstm', { units: UNITS }], o: ['output', { loss: 'meanSquaredError' }] },
  ['x -> rnn', 'rnn -> o'],
);

/**
 *   z_g = x·W_g + b_g + h₋₁·U_g                 (x_g: linear of x, u_g: linear of h₋₁, z_g: add)
 *   i = σ(z_i + c₋₁·diag(p_i)),  f = σ(z_f + c₋₁·diag(p_f))
 *   c = f ⊙ c₋₁ + i ⊙ tanh(z_c)
 *   o = σ(z_o + c·diag(p_o)),    h = o ⊙ tanh(c)
 * with delays dh (h₋₁) and dc (c₋₁).
 */
const handWired = graph(
  {
    x: ['input', { size: FEATURES }],
    dh: ['delay', { size: UNITS }],
    dc: ['delay', { size: UNITS }],
    ...Object.fromEntries(
      GATES.flatMap((g) => [
        [`x_${g}`, ['linear', { units: UNITS }]],
        [`u_${g}`, ['linear', { units: UNITS, useBias: false }]],
        [`z_${g}`, ['add']],
      ]),
    ),
    p_i: ['linear', { units: UNITS, useBias: false }],
    p_f: ['linear', { units: UNITS, useBias: false }],
    p_o: ['linear', { units: UNITS, useBias: false }],
    pre_i: ['add'],
    pre_f: ['add'],
    pre_o: ['add'],
    gate_i: ['sigmoid'],
    gate_f: ['sigmoid'],
    gate_o: ['sigmoid'],
    candidate: ['tanh'],
    keep: ['multiply'],
    write: ['multiply'],
    c: ['add'],
    tanh_c: ['tanh'],
    h: ['multiply'],
    o: ['output', { loss: 'meanSquaredError' }],
  },
  [
    ...GATES.flatMap((g) => [`x -> x_${g}`, `dh -> u_${g}`, `x_${g} -> z_${g}.a`, `u_${g} -> z_${g}.b`]),
    'dc -> p_i',
    'dc -> p_f',
    'c -> p_o',
    'z_i -> pre_i.a',
    'p_i -> pre_i.b',
    'z_f -> pre_f.a',
    'p_f -> pre_f.b',
    'z_o -> pre_o.a',
    'p_o -> pre_o.b',
    'pre_i -> gate_i',
    'pre_f -> gate_f',
    'pre_o -> gate_o',
    'z_c -> candidate',
    'gate_f -> keep.a',
    'dc -> keep.b',
    'gate_i -> write.a',
    'candidate -> write.b',
    'keep -> c.a',
    'write -> c.b',
    'c -> tanh_c',
    'gate_o -> h.a',
    'tanh_c -> h.b',
    'h -> dh',
    'c -> dc',
    'h -> o',
  ],
);

/** Columns [from, from + n) of a row-major [R, C] matrix (or [C] vector). */
function columns(t: Tensor64, from: number, n: number): Tensor64 {
  const rows = t.shape.length === 2 ? t.shape[0] : 1;
  const cols = t.shape.at(-1)!;
  const out = tensor(t.shape.length === 2 ? [rows, n] : [n]);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) out.data[r * n + j] = t.data[r * cols + from + j];
  return out;
}

const diag = (p: Tensor64): Tensor64 => {
  const out = tensor([p.data.length, p.data.length]);
  p.data.forEach((v, j) => (out.data[j * p.data.length + j] = v));
  return out;
};
const diagonalOf = (m: Tensor64): Float64Array => Float64Array.from({ length: m.shape[0] }, (_, j) => m.data[j * m.shape[1] + j]);

/** The block's weight → the hand-wired weights holding its pieces, and how to cut them out. */
const PIECES: readonly { block: string; wired: string; cut: (w: Tensor64) => Tensor64; back: (g: Tensor64) => Float64Array }[] = [
  ...GATES.flatMap((g, k) => [
    { block: 'rnn.kernel', wired: `x_${g}.kernel`, cut: (w: Tensor64) => columns(w, k * UNITS, UNITS), back: (g: Tensor64) => g.data },
    { block: 'rnn.bias', wired: `x_${g}.bias`, cut: (w: Tensor64) => columns(w, k * UNITS, UNITS), back: (g: Tensor64) => g.data },
    { block: 'rnn.recurrentKernel', wired: `u_${g}.kernel`, cut: (w: Tensor64) => columns(w, k * UNITS, UNITS), back: (g: Tensor64) => g.data },
  ]),
  { block: 'rnn.peepholeInput', wired: 'p_i.kernel', cut: diag, back: diagonalOf },
  { block: 'rnn.peepholeForget', wired: 'p_f.kernel', cut: diag, back: diagonalOf },
  { block: 'rnn.peepholeOutput', wired: 'p_o.kernel', cut: diag, back: diagonalOf },
];

describe('a hand-wired peephole LSTM cell equals the peepholeLstm block', () => {
  it(`same predictions, loss and weight gradients to ${TOLERANCE.toExponential(0)} (float64 reference)`, (t) => {
    const ours = compile(builtIn, STEPS, BATCH);
    const wired = compile(handWired, STEPS, BATCH);
    assert.deepEqual(wired.analysis.diagnostics, []);
    assert.deepEqual(new Set(wired.weights.map((w) => w.param)), new Set(PIECES.map((p) => p.wired)), 'every hand-wired weight is a piece of a block weight');

    const rng = mulberry32(11);
    const feeds: Record<string, Tensor64> = {};
    for (const w of ours.weights) feeds[w.param] = randomTensor(w.shape, rng, 0.6);
    for (const p of PIECES) feeds[p.wired] = p.cut(feeds[p.block]);
    feeds.x = randomTensor([STEPS, BATCH, FEATURES], rng);
    feeds.y = randomTensor([STEPS, BATCH, UNITS], rng);

    const expected = runReference(ours.train, feeds);
    const got = runReference(wired.train, feeds);
    const errors: Record<string, number> = {
      loss: maxAbsDiff(got.loss.data, expected.loss.data),
      'out:o': maxAbsDiff(got['out:o'].data, expected['out:o'].data),
    };
    for (const w of ours.weights) {
      const pieces = PIECES.filter((p) => p.block === w.param);
      // Gate pieces are cut along the columns; put the pieces' gradients back side by side.
      const rebuilt = tensor(w.shape);
      const cols = w.shape.at(-1)!;
      const rows = rebuilt.data.length / cols;
      pieces.forEach((p, k) => {
        const g = p.back(got[`grad:${p.wired}`]);
        const n = g.length / rows;
        for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) rebuilt.data[r * cols + k * n + j] = g[r * n + j];
      });
      errors[`grad:${w.param}`] = maxAbsDiff(rebuilt.data, expected[`grad:${w.param}`].data);
      assert.ok(expected[`grad:${w.param}`].data.some((v) => v !== 0), `grad:${w.param} is not all zero`);
    }
    t.diagnostic(`max differences: ${Object.entries(errors).map(([k, e]) => `${k} ${e.toExponential(2)}`).join(', ')}`);
    for (const [name, error] of Object.entries(errors)) assert.ok(error < TOLERANCE, `${name}: max difference ${error.toExponential(2)}`);
  });
});
