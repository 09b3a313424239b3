/**
 * Drawing a step (engine/blocks/draw-math.ts): a cell written only as a step — here a minimal
 * gated unit, which no block of the studio defines — opens into primitive blocks that compute it,
 * checked against a float64 loop written from its equations; and a step that computes something
 * no primitive block does is refused with the reason.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DrawError, DrawMath, drawStep } from '../../../engine/blocks/draw-math.ts';
import { carryWeights } from '../../../engine/blocks/expand.ts';
import { CellDraft } from '../../../engine/blocks/expand-draft.ts';
import type { StepContext, StepResult } from '../../../engine/blocks/step.ts';
import { validateGraph } from '../../../engine/compiler/compile.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { type GraphDocument } from '../../../engine/graph/schema.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import { mulberry32, randomTensor } from '../../helpers/gradcheck.ts';
import { compile, graph, maxAbsDiff } from '../../helpers/graphs.ts';

const [STEPS, BATCH, IN, H] = [4, 2, 3, 2];

/**
 * Minimal gated unit (Zhou et al. 2016), kernel [in, 2H], recurrentKernel [H, 2H], bias [2H]:
 *   f = σ(x·W_f + h₋₁·U_f + b_f),   h̃ = tanh(x·W_h + (f ⊙ h₋₁)·U_h + b_h),   h = (1 − f) ⊙ h₋₁ + f ⊙ h̃
 */
function mgu<V>({ m, x, weight, previous }: StepContext<V>): StepResult<V> {
  const [W, U, b] = [weight('kernel'), weight('recurrentKernel'), weight('bias')];
  const hPrev = previous('h');
  const [xf, xh] = m.split(m.add(m.matmul(x, W), b), ['f', 'h']);
  const [Uf, Uh] = m.split(U, ['f', 'h']);
  const f = m.name(m.act('sigmoid', m.add(xf, m.matmul(hPrev, Uf))), 'f', 'forget gate f');
  const candidate = m.name(m.act('tanh', m.add(xh, m.matmul(m.mul(f, hPrev), Uh))), 'h̃', 'candidate h̃');
  const h = m.name(m.add(m.mul(m.oneMinus(f), hPrev), m.mul(f, candidate)), 'h', 'hidden state h');
  return { out: h, next: { h } };
}

const SHAPES: Readonly<Record<string, readonly number[]>> = { kernel: [IN, 2 * H], recurrentKernel: [H, 2 * H], bias: [2 * H] };

/** The same cell as plain loops over a time-major x [T, B, in]: h at every step, [T, B, H]. */
function mguByHand(x: Float64Array, w: Readonly<Record<string, ArrayLike<number>>>): Float64Array {
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const out = new Float64Array(STEPS * BATCH * H);
  const h = new Float64Array(BATCH * H);
  for (let t = 0; t < STEPS; t++)
    for (let n = 0; n < BATCH; n++) {
      const xs = Array.from({ length: IN }, (_, i) => x[(t * BATCH + n) * IN + i]);
      const hs = Array.from({ length: H }, (_, j) => h[n * H + j]);
      const affine = (col: number, input: readonly number[], kernel: ArrayLike<number>) => input.reduce((s, v, i) => s + v * kernel[i * 2 * H + col], 0);
      const f = hs.map((_, j) => sigmoid(affine(j, xs, w.kernel) + affine(j, hs, w.recurrentKernel) + w.bias[j]));
      const reset = hs.map((v, j) => f[j] * v);
      const candidate = hs.map((_, j) => Math.tanh(affine(H + j, xs, w.kernel) + affine(H + j, reset, w.recurrentKernel) + w.bias[H + j]));
      hs.forEach((v, j) => {
        h[n * H + j] = (1 - f[j]) * v + f[j] * candidate[j];
        out[(t * BATCH + n) * H + j] = h[n * H + j];
      });
    }
  return out;
}

describe('drawing a step', () => {
  it('a cell defined only by its step opens into primitives that compute it', () => {
    const d = new CellDraft();
    const drawn = drawStep(d, mgu, 'input', (name) => ({ source: name, shape: SHAPES[name], columns: [0, SHAPES[name][SHAPES[name].length - 1]] }));
    const base = graph({ x: ['input', { size: IN }], o: ['output', { loss: 'meanSquaredError' }] }, []);
    const drawing = d.finish(base, 'mgu');
    const doc: GraphDocument = {
      ...base,
      nodes: [...base.nodes, ...drawing.nodes],
      edges: [
        ...drawing.inputUses.map((use, k) => ({ id: `in${k}`, source: 'x', sourcePort: 'out', target: use.node, targetPort: use.port })),
        ...drawing.edges,
        { id: 'out', source: drawing.idOf(drawn.out), sourcePort: 'out', target: 'o', targetPort: 'in' },
      ],
    };
    assert.deepEqual(validateGraph(doc), []);
    assert.deepEqual(
      drawing.nodes.filter((n) => n.type !== 'linear' && n.type !== 'add').map((n) => n.label),
      ['z⁻¹ h', 'forget gate f', 'f ⊙ h₋₁', 'candidate h̃', '1 − f', '(1 − f) ⊙ h₋₁', 'f ⊙ h̃'],
      'the named values keep their labels',
    );

    const rng = mulberry32(7);
    const macro = new Map(Object.entries(SHAPES).map(([name, shape]) => [`mgu.${name}`, randomTensor([...shape], rng, 0.8).data]));
    const carried = carryWeights(drawing.pieces, 'mgu', macro, (n) => new Float64Array(n));
    const compiled = compile(doc, STEPS, BATCH);
    const feeds: Record<string, Tensor64> = { x: randomTensor([STEPS, BATCH, IN], rng), y: randomTensor([STEPS, BATCH, H], rng) };
    for (const w of compiled.weights) feeds[w.param] = tensor([...w.shape], carried.get(w.param)!);
    const got = runReference(compiled.train, feeds)['out:o'].data;
    const expected = mguByHand(feeds.x.data, Object.fromEntries([...macro].map(([k, v]) => [k.slice('mgu.'.length), v])));
    assert.ok(maxAbsDiff(got, expected) <= 1e-12, `max difference ${maxAbsDiff(got, expected)}`);
  });

  it('refuses what no primitive block computes', () => {
    const m = new DrawMath(new CellDraft());
    const x = m.source('input', 'x', 3);
    const w = m.weight({ source: 'kernel', shape: [3, 4], columns: [0, 4] }, 'W');
    const b = m.weight({ source: 'bias', shape: [4], columns: [0, 4] }, 'b');
    const refused: readonly [string, () => unknown, RegExp][] = [
      ['a constant added to a value', () => m.draw(m.add(m.constant(1), x)), /no primitive block adds a constant/],
      ['a bias on its own', () => m.draw(m.add(b, m.act('tanh', x))), /only a linear block adds a learned bias/],
      ['a drawn value split into gates', () => m.split(m.add(m.act('tanh', x), m.matmul(x, w)), ['a', 'b']), /only products with weights/],
      ['a product with something that is not a weight', () => m.matmul(x, x), /not a weight matrix/],
      ['a weight as a value of its own', () => m.draw(w), /no primitive block outputs/],
    ];
    for (const [name, draw, reason] of refused) assert.throws(draw, (e: unknown) => e instanceof DrawError && reason.test(e.message), name);
  });
});
