/**
 * Every differentiable IR op, checked against central differences on the float64 reference
 * interpreter; the ops without a gradient are listed with the reason and their forward values
 * checked instead. The table is keyed by op type so that a new op without a check fails here.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IrBuilder } from '../../../engine/ir/builder.ts';
import { differentiate } from '../../../engine/ir/autodiff.ts';
import { OPS, ShapeError, forwardOf, inferShape } from '../../../engine/ir/ops.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import { verifyIr } from '../../../engine/ir/verify.ts';
import type { IrOp, NodeId, OpType, Shape } from '../../../engine/ir/types.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { gradCheck, mulberry32, randomTensor } from '../../helpers/gradcheck.ts';

const TOLERANCE = 1e-6;

/** Ops with no gradient rule to check, and why. */
const EXEMPT = {
  input: 'a leaf fed at run time: gradients stop at it',
  param: 'a leaf fed at run time: it is what gradients are taken with respect to',
  const: 'a leaf with no inputs',
  zeros: 'a leaf with no inputs',
  heaviside: 'piecewise constant: its derivative is zero wherever it exists',
  oneHot: 'its input is integer ids, which have no gradient',
} as const satisfies Partial<Record<OpType, string>>;
type Exempt = keyof typeof EXEMPT;

/** How a param's values are drawn: keep inputs away from kinks and inside the domain. */
type Draw = 'any' | 'positive' | 'awayFromZero' | ((rng: () => number) => number);

interface Case {
  readonly name: string;
  /** Builds the op under test from params declared with `p`; returns its output. */
  build(b: IrBuilder, p: (name: string, shape: Shape, draw?: Draw) => NodeId): NodeId;
}

const e = (b: IrBuilder, op: IrOp, ...xs: NodeId[]): NodeId => b.emit(op, xs);
/** A case whose op is applied to params of the given shapes. */
const on = (name: string, op: IrOp, shapes: readonly Shape[], draw: Draw = 'any'): Case => ({
  name,
  build: (b, p) => b.emit(op, shapes.map((s, i) => p(`x${i}`, s, draw))),
});
const values = (name: string, op: IrOp, shape: Shape, xs: readonly number[]): Case => {
  let i = 0;
  return on(name, op, [shape], () => xs[i++ % xs.length]);
};

const B = 3;
const N = 4;

/** Every broadcasting form of a binary elementwise op, and the op applied to one node twice. */
const broadcastCases = (type: 'add' | 'sub' | 'mul'): Case[] => [
  on(`${type} [B, N] ∘ [B, N]`, { type }, [[B, N], [B, N]]),
  on(`${type} [B, N] ∘ [N]`, { type }, [[B, N], [N]]),
  on(`${type} [N] ∘ [B, N]`, { type }, [[N], [B, N]]),
  on(`${type} [] ∘ [B, N]`, { type }, [[], [B, N]]),
  on(`${type} [B, N] ∘ []`, { type }, [[B, N], []]),
  on(`${type} [B, 1] ∘ [B, N]`, { type }, [[B, 1], [B, N]]),
  on(`${type} [B, N] ∘ [B, 1]`, { type }, [[B, N], [B, 1]]),
  on(`${type} [1, N] ∘ [B, N]`, { type }, [[1, N], [B, N]]),
  on(`${type} [B, 1] ∘ [1, N] (both broadcast)`, { type }, [[B, 1], [1, N]]),
  on(`${type} [2, 1, 3] ∘ [4, 1]`, { type }, [[2, 1, 3], [4, 1]]),
  on(`${type} [] ∘ [1, 1]`, { type }, [[], [1, 1]]),
  on(`${type} [] ∘ []`, { type }, [[], []]),
  { name: `${type} x ∘ x (same node twice)`, build: (b, p) => { const x = p('x', [B, N]); return e(b, { type }, x, x); } },
];

const CASES: { readonly [T in Exclude<OpType, Exempt>]: readonly Case[] } = {
  index: [0, 1, 2].map((i) => on(`index ${i} of [3, 2, 4]`, { type: 'index', index: i }, [[3, 2, 4]])),
  stack: [
    on('stack 3 × [2, 3]', { type: 'stack' }, [[2, 3], [2, 3], [2, 3]]),
    on('stack 2 × []', { type: 'stack' }, [[], []]),
    { name: 'stack [a, b, a] (a used twice)', build: (b, p) => { const a = p('a', [2]); return e(b, { type: 'stack' }, a, p('b', [2]), a); } },
  ],
  reshape: [
    on('reshape [2, 6] -> [3, 4]', { type: 'reshape', shape: [3, 4] }, [[2, 6]]),
    on('reshape [2, 3] -> [6]', { type: 'reshape', shape: [6] }, [[2, 3]]),
    on('reshape [1, 1] -> []', { type: 'reshape', shape: [] }, [[1, 1]]),
    on('reshape [] -> [1, 1, 1]', { type: 'reshape', shape: [1, 1, 1] }, [[]]),
  ],
  expand: [
    on('expand [N] -> [B, N]', { type: 'expand', shape: [B, N] }, [[N]]),
    on('expand [B, 1] -> [B, N]', { type: 'expand', shape: [B, N] }, [[B, 1]]),
    on('expand [] -> [B, N]', { type: 'expand', shape: [B, N] }, [[]]),
    on('expand [2, 1, 3] -> [4, 2, 5, 3]', { type: 'expand', shape: [4, 2, 5, 3] }, [[2, 1, 3]]),
    on('expand [B, N] -> [B, N] (no-op)', { type: 'expand', shape: [B, N] }, [[B, N]]),
  ],
  matmul: [false, true].flatMap((transA) =>
    [false, true].map((transB) =>
      // op(A) is [2, 3] and op(B) is [3, 4]: every dimension differs, so a wrong transpose cannot pass.
      on(`matmul transA=${transA} transB=${transB}`, { type: 'matmul', transA, transB }, [transA ? [3, 2] : [2, 3], transB ? [4, 3] : [3, 4]]),
    ),
  ),
  add: broadcastCases('add'),
  sub: broadcastCases('sub'),
  mul: broadcastCases('mul'),
  addN: [
    on('addN 3 × [B, N]', { type: 'addN' }, [[B, N], [B, N], [B, N]]),
    on('addN 1 × [N]', { type: 'addN' }, [[N]]),
    { name: 'addN [a, b, a]', build: (b, p) => { const a = p('a', [B, N]); return e(b, { type: 'addN' }, a, p('b', [B, N]), a); } },
  ],
  neg: [on('neg [B, N]', { type: 'neg' }, [[B, N]])],
  tanh: [on('tanh [B, N]', { type: 'tanh' }, [[B, N]]), values('tanh at ±3, ±6', { type: 'tanh' }, [4], [-6, -3, 3, 6])],
  sigmoid: [on('sigmoid [B, N]', { type: 'sigmoid' }, [[B, N]]), values('sigmoid at ±5, ±20', { type: 'sigmoid' }, [4], [-20, -5, 5, 20])],
  relu: [on('relu [B, N], |x| ≥ 0.2', { type: 'relu' }, [[B, N]], 'awayFromZero')],
  exp: [on('exp [B, N]', { type: 'exp' }, [[B, N]]), values('exp at −30, 5', { type: 'exp' }, [2], [-30, 5])],
  log: [on('log [B, N], x in [0.5, 2)', { type: 'log' }, [[B, N]], 'positive'), values('log at 1e-2, 1e3', { type: 'log' }, [2], [1e-2, 1e3])],
  softplus: [
    on('softplus [B, N]', { type: 'softplus' }, [[B, N]]),
    values('softplus at ±30, ±100', { type: 'softplus' }, [4], [-100, -30, 30, 100]),
  ],
  concat: [
    on('concat axis 0: [1, 3], [2, 3]', { type: 'concat', axis: 0 }, [[1, 3], [2, 3]]),
    on('concat axis 1: [2, 1], [2, 3], [2, 2]', { type: 'concat', axis: 1 }, [[2, 1], [2, 3], [2, 2]]),
    on('concat axis 2: [2, 2, 1], [2, 2, 3]', { type: 'concat', axis: 2 }, [[2, 2, 1], [2, 2, 3]]),
    on('concat a single input', { type: 'concat', axis: 0 }, [[2, 3]]),
  ],
  slice: [
    on('slice axis 0 [1, 3) of [4, 5]', { type: 'slice', axis: 0, start: 1, end: 3 }, [[4, 5]]),
    on('slice axis 1 [2, 5) of [4, 5]', { type: 'slice', axis: 1, start: 2, end: 5 }, [[4, 5]]),
    on('slice axis 1 [0, 1) of [2, 3, 2]', { type: 'slice', axis: 1, start: 0, end: 1 }, [[2, 3, 2]]),
  ],
  pad: [
    on('pad axis 0 by (1, 2) of [2, 3]', { type: 'pad', axis: 0, before: 1, after: 2 }, [[2, 3]]),
    on('pad axis 1 by (2, 0) of [2, 3]', { type: 'pad', axis: 1, before: 2, after: 0 }, [[2, 3]]),
    on('pad axis 1 by (0, 1) of [2, 3, 2]', { type: 'pad', axis: 1, before: 0, after: 1 }, [[2, 3, 2]]),
  ],
  reduceSum: [true, false].flatMap((keepDims) => [
    on(`reduceSum axes [1] keepDims=${keepDims} of [B, N]`, { type: 'reduceSum', axes: [1], keepDims }, [[B, N]]),
    on(`reduceSum axes [0] keepDims=${keepDims} of [B, N]`, { type: 'reduceSum', axes: [0], keepDims }, [[B, N]]),
    on(`reduceSum axes [0, 2] keepDims=${keepDims} of [2, 3, 4]`, { type: 'reduceSum', axes: [0, 2], keepDims }, [[2, 3, 4]]),
    on(`reduceSum axes [0, 1, 2] keepDims=${keepDims} of [2, 3, 4]`, { type: 'reduceSum', axes: [0, 1, 2], keepDims }, [[2, 3, 4]]),
    on(`reduceSum axes [] keepDims=${keepDims} of [B, N]`, { type: 'reduceSum', axes: [], keepDims }, [[B, N]]),
  ]),
  logSoftmax: [
    on('logSoftmax [B, N]', { type: 'logSoftmax' }, [[B, N]]),
    on('logSoftmax [5]', { type: 'logSoftmax' }, [[5]]),
    on('logSoftmax [2, 2, 3]', { type: 'logSoftmax' }, [[2, 2, 3]]),
    values('logSoftmax of large logits', { type: 'logSoftmax' }, [2, 3], [50, 40, 45, -50, -45, -40]),
  ],
  softmax: [
    on('softmax [B, N]', { type: 'softmax' }, [[B, N]]),
    on('softmax [5]', { type: 'softmax' }, [[5]]),
    on('softmax [2, 2, 3]', { type: 'softmax' }, [[2, 2, 3]]),
    values('softmax of large logits', { type: 'softmax' }, [2, 3], [50, 48, 49, -50, -49, -48]),
  ],
};

function drawValue(draw: Draw, rng: () => number): number {
  if (typeof draw === 'function') return draw(rng);
  const u = rng();
  switch (draw) {
    case 'any':
      return 2 * u - 1;
    case 'positive':
      return 0.5 + 1.5 * u;
    case 'awayFromZero':
      return (u < 0.5 ? -1 : 1) * (0.2 + 0.8 * rng());
  }
}

/** A seed from the case's name, so each case has its own fixed numbers. */
const seedOf = (name: string): number => [...name].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261);

/**
 * Builds loss = Σ op(params) ⊙ W with W a fixed random input (so every output element matters),
 * differentiates it, and returns the gradient check of every param.
 */
function checkCase(c: Case): ReturnType<typeof gradCheck> {
  const rng = mulberry32(seedOf(c.name));
  const b = new IrBuilder();
  const feeds: Record<string, Tensor64> = {};
  const params = new Map<string, NodeId>();
  const y = c.build(b, (name, shape, draw = 'any') => {
    if (!params.has(name)) {
      const t = tensor(shape);
      for (let i = 0; i < t.data.length; i++) t.data[i] = drawValue(draw, rng);
      feeds[name] = t;
      params.set(name, b.param(name, shape));
    }
    return params.get(name)!;
  });
  const shape = b.shape(y);
  feeds.weights = randomTensor(shape, rng, 1);
  const weighted = b.emit({ type: 'mul' }, [y, b.input('weights', shape)]);
  const loss = b.emit({ type: 'reduceSum', axes: shape.map((_, i) => i), keepDims: false }, [weighted]);
  const grads = differentiate(b, loss, [...params.values()]);
  const graph = b.finish({ loss, ...Object.fromEntries([...params.keys()].map((n, i) => [`grad:${n}`, grads[i]])) });
  verifyIr(graph);
  return gradCheck(graph, feeds);
}

describe('op gradients match central differences (float64 reference)', () => {
  it('covers every op: each has gradient cases or is exempt with a reason', () => {
    const checked = Object.keys(CASES);
    const exempt = Object.keys(EXEMPT);
    for (const op of Object.keys(OPS)) {
      assert.ok(checked.includes(op) !== exempt.includes(op), `op '${op}' needs gradient cases in ops.test.ts, or an exemption with a reason`);
      if (checked.includes(op)) assert.ok(CASES[op as keyof typeof CASES].length > 0, `op '${op}' has no cases`);
    }
    for (const op of [...checked, ...exempt]) assert.ok(op in OPS, `'${op}' is not an op`);
  });

  for (const [op, cases] of Object.entries(CASES)) {
    describe(op, () => {
      for (const c of cases) {
        it(c.name, (t) => {
          const { worst, perParam } = checkCase(c);
          t.diagnostic(`worst relative error ${worst.toExponential(1)}`);
          assert.ok(worst < TOLERANCE, `relative error ${worst} ≥ ${TOLERANCE}: ${JSON.stringify(perParam)}`);
        });
      }
    });
  }
});

const run = (op: IrOp, ...xs: Tensor64[]): number[] => [...forwardOf(op, xs).data];

describe('ops without a gradient', () => {
  it('heaviside is 1 where x > 0, else 0, and passes no gradient back', () => {
    assert.deepEqual(run({ type: 'heaviside' }, tensor([5], [-2, -1e-300, 0, 1e-300, 3])), [0, 0, 0, 1, 1]);
    const b = new IrBuilder();
    const x = b.param('x', [3]);
    const loss = b.emit({ type: 'reduceSum', axes: [0], keepDims: false }, [b.emit({ type: 'heaviside' }, [x])]);
    const [dx] = differentiate(b, loss, [x]);
    const out = runReference(b.finish({ loss, dx }), { x: tensor([3], [-1, 2, 3]) });
    assert.deepEqual([...out.loss.data], [2]);
    assert.deepEqual([...out.dx.data], [0, 0, 0]);
  });

  it('oneHot puts a 1 at each id and gives a zero row for an id outside [0, depth)', () => {
    const ids = tensor([2, 3], [0, 2, 1, -1, 3, 1.5]);
    assert.deepEqual(forwardOf({ type: 'oneHot', depth: 3 }, [ids]).shape, [2, 3, 3]);
    assert.deepEqual(run({ type: 'oneHot', depth: 3 }, ids), [1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('const and zeros produce their values', () => {
    assert.deepEqual(run({ type: 'const', value: -2.5 }), [-2.5]);
    const z = forwardOf({ type: 'zeros', shape: [2, 3] }, []);
    assert.deepEqual(z.shape, [2, 3]);
    assert.deepEqual([...z.data], [0, 0, 0, 0, 0, 0]);
  });
});

describe('forward values against hand-computed numbers', () => {
  const close = (actual: readonly number[], expected: readonly number[], tol = 1e-12) => {
    assert.equal(actual.length, expected.length);
    actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `element ${i}: ${a} vs ${expected[i]}`));
  };

  it('logSoftmax and softmax of [1000, 0] are finite and exact', () => {
    close(run({ type: 'logSoftmax' }, tensor([2], [1000, 0])), [0, -1000]);
    close(run({ type: 'softmax' }, tensor([2], [1000, 0])), [1, 0]);
    close(run({ type: 'logSoftmax' }, tensor([2, 2], [0, 0, -1000, -1000])), [-Math.LN2, -Math.LN2, -Math.LN2, -Math.LN2]);
    close(run({ type: 'softmax' }, tensor([3], [1, 2, 3])), [1, Math.E, Math.E ** 2].map((v) => v / (1 + Math.E + Math.E ** 2)));
  });

  it('sigmoid, softplus and tanh saturate without NaN', () => {
    assert.deepEqual(run({ type: 'sigmoid' }, tensor([3], [-800, 0, 800])), [0, 0.5, 1]);
    close(run({ type: 'softplus' }, tensor([3], [-800, 0, 800])), [0, Math.LN2, 800]);
    close(run({ type: 'softplus' }, tensor([1], [-30])), [Math.exp(-30)]);
    assert.deepEqual(run({ type: 'tanh' }, tensor([2], [-800, 800])), [-1, 1]);
  });

  it('matmul with every transpose', () => {
    const a = tensor([2, 2], [1, 2, 3, 4]);
    const b = tensor([2, 2], [5, 6, 7, 8]);
    const mm = (transA: boolean, transB: boolean) => run({ type: 'matmul', transA, transB }, a, b);
    assert.deepEqual(mm(false, false), [19, 22, 43, 50]);
    assert.deepEqual(mm(true, false), [26, 30, 38, 44]);
    assert.deepEqual(mm(false, true), [17, 23, 39, 53]);
    assert.deepEqual(mm(true, true), [23, 31, 34, 46]);
    // [1, 3] · [2, 3]ᵀ: rectangular, so the output shape is checked too.
    const r = forwardOf({ type: 'matmul', transA: false, transB: true }, [tensor([1, 3], [1, 2, 3]), tensor([2, 3], [1, 0, 1, 0, 1, 0])]);
    assert.deepEqual(r.shape, [1, 2]);
    assert.deepEqual([...r.data], [4, 2]);
  });

  it('broadcasting, reductions and layout ops', () => {
    const x = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(run({ type: 'sub' }, x, tensor([3], [1, 1, 1])), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(run({ type: 'mul' }, x, tensor([2, 1], [10, -1])), [10, 20, 30, -4, -5, -6]);
    assert.deepEqual(run({ type: 'reduceSum', axes: [0], keepDims: false }, x), [5, 7, 9]);
    assert.deepEqual(run({ type: 'reduceSum', axes: [1], keepDims: true }, x), [6, 15]);
    assert.deepEqual(run({ type: 'concat', axis: 1 }, x, tensor([2, 1], [7, 8])), [1, 2, 3, 7, 4, 5, 6, 8]);
    assert.deepEqual(run({ type: 'slice', axis: 1, start: 1, end: 3 }, x), [2, 3, 5, 6]);
    assert.deepEqual(run({ type: 'pad', axis: 1, before: 1, after: 1 }, x), [0, 1, 2, 3, 0, 0, 4, 5, 6, 0]);
    assert.deepEqual(run({ type: 'pad', axis: 0, before: 1, after: 0 }, x), [0, 0, 0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(run({ type: 'index', index: 1 }, x), [4, 5, 6]);
    assert.deepEqual(run({ type: 'expand', shape: [2, 2] }, tensor([2, 1], [3, 4])), [3, 3, 4, 4]);
    assert.deepEqual(run({ type: 'log' }, tensor([2], [1, Math.E])), [0, 1]);
  });
});

describe('known gaps in the op table', () => {
  const f32 = (shape: Shape) => ({ shape, dtype: 'float32' as const });

  it('logSoftmax and softmax reject a scalar, whose gradient rule needs a last axis', () => {
    assert.throws(() => inferShape({ type: 'logSoftmax' }, [f32([])]), ShapeError);
    assert.throws(() => inferShape({ type: 'softmax' }, [f32([])]), ShapeError);
  });

  it('logSoftmax runs on a row of 200 000 logits', () => {
    const y = forwardOf({ type: 'logSoftmax' }, [tensor([200_000])]);
    assert.ok(Math.abs(y.data[0] + Math.log(200_000)) < 1e-9);
  });

  it('reshape and zeros reject negative or fractional dimensions', () => {
    assert.throws(() => inferShape({ type: 'reshape', shape: [-2, -3] }, [f32([6])]), ShapeError);
    assert.throws(() => inferShape({ type: 'reshape', shape: [1.5, 4] }, [f32([6])]), ShapeError);
    assert.throws(() => inferShape({ type: 'zeros', shape: [-1, 2] }, []), ShapeError);
  });
});
