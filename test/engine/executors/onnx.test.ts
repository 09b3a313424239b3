/**
 * ONNX Runtime executor parity: every IR op, forward and gradient, run by ORT in float32 and
 * checked against the float64 reference interpreter.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import onnxProto from 'onnx-proto';
import { IrBuilder } from '../../../engine/ir/builder.ts';
import { differentiate } from '../../../engine/ir/autodiff.ts';
import { OPS } from '../../../engine/ir/ops.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import { type IrGraph, type IrOp, type NodeId, type OpType, type Shape, sizeOf } from '../../../engine/ir/types.ts';
import { verifyIr } from '../../../engine/ir/verify.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { irToOnnx } from '../../../engine/executors/onnx/emit.ts';
import { float32, int32, type Outputs, runOnce } from '../../../engine/executors/index.ts';
import { OrtExecutor } from '../../../engine/executors/onnx/ort.ts';
import { tensorsFrom64 } from '../../../engine/executors/tensors.ts';
import { mulberry32 } from '../../helpers/gradcheck.ts';

const TOLERANCE = 1e-4;


/** A graph under construction together with the random values fed to its inputs and params. */
class Case {
  readonly b = new IrBuilder();
  readonly feeds: Record<string, Tensor64> = {};
  /** Float inputs and params, in declaration order: the gradients the case checks. */
  readonly wrt: NodeId[] = [];
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  /** A float input; values uniform in [lo, hi) unless given. Values are float32-exact so both executors see the same numbers. */
  input(name: string, shape: Shape, values?: readonly number[] | { lo: number; hi: number }): NodeId {
    return this.leaf(this.b.input(name, shape), name, shape, values);
  }

  param(name: string, shape: Shape, values?: readonly number[] | { lo: number; hi: number }): NodeId {
    return this.leaf(this.b.param(name, shape), name, shape, values);
  }

  /** An int32 input of token ids. */
  ids(name: string, shape: Shape, values: readonly number[]): NodeId {
    this.feeds[name] = tensor(shape, values);
    return this.b.input(name, shape, 'int32');
  }

  op(op: IrOp, ...inputs: NodeId[]): NodeId {
    return this.b.emit(op, inputs);
  }

  private leaf(id: NodeId, name: string, shape: Shape, values: readonly number[] | { lo: number; hi: number } = { lo: -2, hi: 2 }): NodeId {
    const data = Array.isArray(values) ? values : Array.from({ length: sizeOf(shape) }, () => this.uniform(values as { lo: number; hi: number }));
    this.feeds[name] = tensor(shape, data.map(Math.fround));
    this.wrt.push(id);
    return id;
  }

  private uniform({ lo, hi }: { lo: number; hi: number }): number {
    return lo + (hi - lo) * this.random();
  }
}

interface OpCase {
  readonly name: string;
  /** Builds the graph and returns the node whose value (and, for floats, gradients) are checked. */
  build(c: Case): NodeId;
}

const un = (type: 'neg' | 'tanh' | 'sigmoid' | 'relu' | 'exp' | 'log' | 'softplus' | 'heaviside' | 'logSoftmax' | 'softmax', range = { lo: -3, hi: 3 }): OpCase => ({
  name: `${type} of [3, 5]`,
  build: (c) => c.op({ type }, c.input('x', [3, 5], range)),
});

const binaryCases = (type: 'add' | 'sub' | 'mul'): OpCase[] => [
  { name: `${type} [B,N] with [B,N]`, build: (c) => c.op({ type }, c.input('a', [3, 4]), c.input('b', [3, 4])) },
  { name: `${type} [B,N] with [N]`, build: (c) => c.op({ type }, c.input('a', [3, 4]), c.param('b', [4])) },
  { name: `${type} [N] with [B,N]`, build: (c) => c.op({ type }, c.param('a', [4]), c.input('b', [3, 4])) },
  { name: `${type} [B,N] with scalar input []`, build: (c) => c.op({ type }, c.input('a', [3, 4]), c.input('s', [])) },
  { name: `${type} [B,1] with [B,N]`, build: (c) => c.op({ type }, c.input('a', [3, 1]), c.input('b', [3, 4])) },
  { name: `${type} [2,1,4] with [3,1]`, build: (c) => c.op({ type }, c.input('a', [2, 1, 4]), c.input('b', [3, 1])) },
];

const matmulCase = (transA: boolean, transB: boolean): OpCase => ({
  name: `matmul transA=${transA} transB=${transB}`,
  build: (c) => c.op({ type: 'matmul', transA, transB }, c.input('a', transA ? [4, 3] : [3, 4]), c.param('w', transB ? [5, 4] : [4, 5])),
});

/** Every IR op with the cases that test it. Keyed by the op table, so a new op without a case fails to typecheck. */
const CASES: { readonly [T in OpType]: readonly OpCase[] } = {
  input: [{ name: 'an input that is itself an output', build: (c) => c.input('x', [2, 3]) }],
  param: [{ name: 'a param times an input', build: (c) => c.op({ type: 'mul' }, c.param('p', [2, 3]), c.input('x', [2, 3])) }],
  const: [
    {
      name: 'x * 0.5 + 0.5 (one shared constant)',
      build: (c) => {
        const half = c.op({ type: 'const', value: 0.5 });
        return c.op({ type: 'add' }, c.op({ type: 'mul' }, c.input('x', [2, 3]), half), half);
      },
    },
  ],
  zeros: [
    { name: 'zeros added to x', build: (c) => c.op({ type: 'add' }, c.input('x', [2, 3]), c.op({ type: 'zeros', shape: [2, 3] })) },
    { name: 'zeros alone (a graph without inputs)', build: (c) => c.op({ type: 'zeros', shape: [2, 3] }) },
  ],
  index: [
    { name: 'step 2 of a [T,B,F] sequence', build: (c) => c.op({ type: 'index', index: 2 }, c.input('x', [4, 2, 3])) },
    { name: 'step 0 and step T-1 summed', build: (c) => {
      const x = c.input('x', [4, 2, 3]);
      return c.op({ type: 'add' }, c.op({ type: 'index', index: 0 }, x), c.op({ type: 'index', index: 3 }, x));
    } },
    { name: 'int32 ids of step 1 of [T,B]', build: (c) => c.op({ type: 'index', index: 1 }, c.ids('ids', [3, 2], [0, 1, 2, 3, 4, 5])) },
  ],
  stack: [
    { name: 'the steps of [T,B,F] stacked in reverse', build: (c) => {
      const x = c.input('x', [4, 2, 3]);
      return c.op({ type: 'stack' }, ...[3, 2, 1, 0].map((t) => c.op({ type: 'index', index: t }, x)));
    } },
    { name: 'one tensor stacked', build: (c) => c.op({ type: 'stack' }, c.input('x', [2, 3])) },
    { name: 'int32 ids stacked', build: (c) => {
      const ids = c.ids('ids', [3, 2], [5, 4, 3, 2, 1, 0]);
      return c.op({ type: 'stack' }, c.op({ type: 'index', index: 2 }, ids), c.op({ type: 'index', index: 0 }, ids));
    } },
  ],
  reshape: [
    { name: '[2,3,4] to [6,4]', build: (c) => c.op({ type: 'reshape', shape: [6, 4] }, c.input('x', [2, 3, 4])) },
    { name: '[1,1] to a scalar', build: (c) => c.op({ type: 'reshape', shape: [] }, c.input('x', [1, 1])) },
    { name: 'int32 [3,2] to [6]', build: (c) => c.op({ type: 'reshape', shape: [6] }, c.ids('ids', [3, 2], [0, 1, 2, 3, 4, 5])) },
  ],
  expand: [
    { name: '[3,1] to [2,3,4]', build: (c) => c.op({ type: 'expand', shape: [2, 3, 4] }, c.input('x', [3, 1])) },
    { name: '[] to [2,3]', build: (c) => c.op({ type: 'expand', shape: [2, 3] }, c.input('x', [])) },
  ],
  matmul: [matmulCase(false, false), matmulCase(false, true), matmulCase(true, false), matmulCase(true, true)],
  add: binaryCases('add'),
  sub: binaryCases('sub'),
  mul: binaryCases('mul'),
  addN: [
    { name: 'three tensors', build: (c) => c.op({ type: 'addN' }, c.input('a', [2, 3]), c.input('b', [2, 3]), c.param('p', [2, 3])) },
    { name: 'one tensor', build: (c) => c.op({ type: 'addN' }, c.input('a', [2, 3])) },
  ],
  neg: [un('neg')],
  tanh: [un('tanh')],
  sigmoid: [un('sigmoid'), { name: 'sigmoid at ±50', build: (c) => c.op({ type: 'sigmoid' }, c.input('x', [4], [-50, -20, 20, 50])) }],
  relu: [un('relu')],
  exp: [un('exp')],
  log: [un('log', { lo: 0.1, hi: 5 })],
  softplus: [
    un('softplus'),
    { name: 'softplus at ±50 and ±200', build: (c) => c.op({ type: 'softplus' }, c.input('x', [6], [-200, -50, -1, 1, 50, 200])) },
  ],
  heaviside: [
    un('heaviside'),
    { name: 'heaviside at exactly 0 and ±tiny', build: (c) => c.op({ type: 'heaviside' }, c.input('x', [4], [0, -1e-30, 1e-30, -0])) },
  ],
  concat: [
    { name: 'axis 0 of three', build: (c) => c.op({ type: 'concat', axis: 0 }, c.input('a', [2, 3]), c.input('b', [1, 3]), c.param('p', [3, 3])) },
    { name: 'axis 1 of two', build: (c) => c.op({ type: 'concat', axis: 1 }, c.input('a', [2, 3]), c.input('b', [2, 4])) },
    { name: 'axis 2 of [T,B,F] pieces', build: (c) => c.op({ type: 'concat', axis: 2 }, c.input('a', [2, 2, 1]), c.input('b', [2, 2, 3])) },
  ],
  slice: [
    { name: 'axis 0 [1,3) of [4,3]', build: (c) => c.op({ type: 'slice', axis: 0, start: 1, end: 3 }, c.input('x', [4, 3])) },
    { name: 'axis 1 [2,5) of [2,6]', build: (c) => c.op({ type: 'slice', axis: 1, start: 2, end: 5 }, c.input('x', [2, 6])) },
    { name: 'the whole axis', build: (c) => c.op({ type: 'slice', axis: 1, start: 0, end: 6 }, c.input('x', [2, 6])) },
    { name: 'int32 ids, axis 0', build: (c) => c.op({ type: 'slice', axis: 0, start: 1, end: 3 }, c.ids('ids', [3, 2], [0, 1, 2, 3, 4, 5])) },
  ],
  pad: [
    { name: 'axis 0 by (1, 2)', build: (c) => c.op({ type: 'pad', axis: 0, before: 1, after: 2 }, c.input('x', [2, 3])) },
    { name: 'axis 1 by (0, 3)', build: (c) => c.op({ type: 'pad', axis: 1, before: 0, after: 3 }, c.input('x', [2, 3])) },
    { name: 'axis 2 of [T,B,F] by (2, 0)', build: (c) => c.op({ type: 'pad', axis: 2, before: 2, after: 0 }, c.input('x', [2, 2, 3])) },
  ],
  reduceSum: [
    { name: 'axis 1, keepDims', build: (c) => c.op({ type: 'reduceSum', axes: [1], keepDims: true }, c.input('x', [3, 4])) },
    { name: 'axis 1, no keepDims', build: (c) => c.op({ type: 'reduceSum', axes: [1], keepDims: false }, c.input('x', [3, 4])) },
    { name: 'axes [0,2] of [2,3,4], keepDims', build: (c) => c.op({ type: 'reduceSum', axes: [0, 2], keepDims: true }, c.input('x', [2, 3, 4])) },
    { name: 'axes [0,2] of [2,3,4], no keepDims', build: (c) => c.op({ type: 'reduceSum', axes: [0, 2], keepDims: false }, c.input('x', [2, 3, 4])) },
    { name: 'all axes to a scalar', build: (c) => c.op({ type: 'reduceSum', axes: [0, 1], keepDims: false }, c.input('x', [3, 4])) },
    { name: 'no axes (identity, not "all")', build: (c) => c.op({ type: 'reduceSum', axes: [], keepDims: false }, c.input('x', [3, 4])) },
  ],
  logSoftmax: [
    un('logSoftmax'),
    { name: 'logSoftmax of logits near ±1000', build: (c) => c.op({ type: 'logSoftmax' }, c.input('x', [2, 4], [1000, -1000, 999, 0, -1000, -999, -1001, 1000])) },
  ],
  softmax: [
    un('softmax'),
    { name: 'softmax of logits near ±1000', build: (c) => c.op({ type: 'softmax' }, c.input('x', [2, 4], [1000, -1000, 999, 0, -1000, -999, -1001, 1000])) },
  ],
  oneHot: [
    { name: 'ids with -1 and depth (both out of range) give zero rows', build: (c) => c.op({ type: 'oneHot', depth: 4 }, c.ids('ids', [2, 3], [0, 3, -1, 4, 2, 1])) },
    { name: 'oneHot · embedding (gradient reaches the embedding)', build: (c) => {
      const hot = c.op({ type: 'oneHot', depth: 5 }, c.ids('ids', [6], [4, 0, 7, 2, 2, -3]));
      return c.op({ type: 'matmul', transA: false, transB: false }, hot, c.param('embedding', [5, 3]));
    } },
  ],
};

/** max over elements of |a - b| / max(1, |b|). */
function relError(got: Float32Array, want: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])));
  return worst;
}

/** The graph: out, and for a float out also loss = Σ out ⊙ w (w random) and the gradient of the loss w.r.t. every float leaf. */
function withLossAndGradients(c: Case, out: NodeId): IrGraph {
  const outputs: Record<string, NodeId> = { 'out:case': out };
  if (c.b.node(out).dtype === 'float32') {
    const wrt = [...c.wrt];
    const shape = c.b.shape(out);
    const weights = c.input('loss.weights', shape);
    const loss = c.op({ type: 'reduceSum', axes: shape.map((_, i) => i), keepDims: false }, c.op({ type: 'mul' }, out, weights));
    outputs.loss = loss;
    differentiate(c.b, loss, wrt).forEach((g, i) => {
      const leaf = c.b.node(wrt[i]).op;
      if (leaf.type === 'input' || leaf.type === 'param') outputs[`grad:${leaf.name}`] = g;
    });
  }
  const graph = c.b.finish(outputs);
  verifyIr(graph);
  return graph;
}

function assertClose(got: Outputs, want: Record<string, Tensor64>): void {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
  for (const [name, w] of Object.entries(want)) {
    const g = got[name];
    assert.deepEqual(g.shape, [...w.shape], `${name}: shape`);
    assert.ok(g.data.every(Number.isFinite), `${name}: ORT gave a non-finite value: ${g.data.join(', ')}`);
    const err = relError(g.data, w.data);
    assert.ok(err <= TOLERANCE, `${name}: relative error ${err.toExponential(2)} > ${TOLERANCE}\n ORT: ${g.data.join(', ')}\n ref: ${w.data.join(', ')}`);
  }
}

describe('ONNX Runtime executor', () => {
  let ex: OrtExecutor;
  before(async () => {
    ex = await OrtExecutor.create({ threads: 1 });
  });
  after(async () => {
    await ex.dispose();
  });

  it('describes itself', () => {
    const d = ex.describe();
    assert.equal(d.name, 'onnxruntime-cpu');
    assert.match(d.version, /^\d+\.\d+\.\d+/);
    assert.match(d.device, /CPU/);
  });

  it('has a case for every op of the IR, and each case uses its op', () => {
    const seen = new Set<string>();
    for (const op of Object.keys(OPS) as OpType[]) {
      const cases = (CASES as Partial<Record<string, readonly OpCase[]>>)[op] ?? [];
      assert.ok(cases.length > 0, `no ONNX test case for IR op '${op}'`);
      for (const k of cases) {
        const c = new Case(1);
        k.build(c);
        assert.ok(c.b.nodes.some((n) => n.op.type === op), `case '${op}: ${k.name}' does not use '${op}'`);
      }
      seen.add(op);
    }
    assert.deepEqual([...seen].sort(), Object.keys(CASES).sort());
  });

  for (const op of Object.keys(CASES) as OpType[]) {
    describe(op, () => {
      CASES[op].forEach((k, i) => {
        it(`${k.name}: forward and gradients match the float64 reference`, async () => {
          const c = new Case(1000 + i);
          const graph = withLossAndGradients(c, k.build(c));
          const want = runReference(graph, c.feeds);
          const got = await runOnce(ex, graph, tensorsFrom64(graph, c.feeds), { name: `${op}/${i}` });
          assertClose(got, want);
        });
      });
    });
  }

  it('matches the reference on an Elman network unrolled over 5 steps, with a cross-entropy loss', async () => {
    const [T, B, F, H, K] = [5, 2, 3, 4, 3];
    const c = new Case(7);
    const x = c.input('x', [T, B, F]);
    const targets = c.ids('y', [B], [2, 0]);
    const kernel = c.param('elman.kernel', [F, H], { lo: -0.8, hi: 0.8 });
    const recurrent = c.param('elman.recurrentKernel', [H, H], { lo: -0.8, hi: 0.8 });
    const bias = c.param('elman.bias', [H]);
    const readout = c.param('dense.kernel', [H, K]);
    const mm = (a: NodeId, w: NodeId) => c.op({ type: 'matmul', transA: false, transB: false }, a, w);
    let h = c.op({ type: 'zeros', shape: [B, H] });
    const states: NodeId[] = [];
    for (let t = 0; t < T; t++) {
      // h_t = tanh(x_t · W + h_{t-1} · U + b)
      h = c.b.at({ block: 'elman', t }, () => c.op({ type: 'tanh' }, c.op({ type: 'add' }, c.op({ type: 'addN' }, mm(c.op({ type: 'index', index: t }, x), kernel), mm(h, recurrent)), bias)));
      states.push(h);
    }
    const logProbs = c.op({ type: 'logSoftmax' }, mm(h, readout));
    const picked = c.op({ type: 'mul' }, logProbs, c.op({ type: 'oneHot', depth: K }, targets));
    const loss = c.op({ type: 'neg' }, c.op({ type: 'reduceSum', axes: [0, 1], keepDims: false }, picked));
    const params = [kernel, recurrent, bias, readout];
    const grads = differentiate(c.b, loss, params);
    const graph = c.b.finish({
      loss,
      'state:elman.h': c.op({ type: 'stack' }, ...states),
      ...Object.fromEntries(params.map((p, i) => [`grad:${(c.b.node(p).op as { name: string }).name}`, grads[i]])),
    });
    verifyIr(graph);
    const got = await runOnce(ex, graph, tensorsFrom64(graph, c.feeds));
    assertClose(got, runReference(graph, c.feeds));
    assert.deepEqual(got['state:elman.h'].shape, [T, B, H]);
  });

  describe('feeds', () => {
    const graph = (): { graph: IrGraph; feeds: Record<string, Tensor64> } => {
      const c = new Case(3);
      const out = c.op({ type: 'add' }, c.input('seq.x', [4, 2, 3]), c.param('bias', [3]));
      c.ids('tokens', [4, 2], [0, 1, 2, 0, 1, 2, 0, 1]);
      return { graph: c.b.finish({ 'out:y': out }), feeds: c.feeds };
    };

    it('rejects a feed of the wrong shape, naming it with expected and actual shapes', async () => {
      const { graph: g, feeds } = graph();
      const bad = { ...tensorsFrom64(g, feeds), 'seq.x': float32([2, 4, 3], new Float32Array(24)) };
      await assert.rejects(runOnce(ex, g, bad), /input 'seq\.x' should be float32\[4, 2, 3\], got float32\[2, 4, 3\]/);
    });

    it('rejects a missing feed, a wrong dtype and a data length that does not fit the shape', async () => {
      const { graph: g, feeds } = graph();
      const good = tensorsFrom64(g, feeds);
      const { bias: _dropped, ...missing } = good;
      await assert.rejects(runOnce(ex, g, missing), /missing param 'bias' \(expected float32\[3\]\)/);
      await assert.rejects(runOnce(ex, g, { ...good, bias: int32([3], new Int32Array(3)) }), /param 'bias' should be float32\[3\], got int32\[3\]/);
      await assert.rejects(runOnce(ex, g, { ...good, bias: float32([3], new Float32Array(4)) }), /param 'bias'.*holds 3 values, but 4 were given/);
      // The program still runs with the right feeds; the unused int32 input need not be fed.
      const { tokens: _unused, ...needed } = good;
      assertClose(await runOnce(ex, g, needed), runReference(g, feeds));
    });
  });

  describe('programs', () => {
    const c = new Case(5);
    const x = c.input('x', [2, 3]);
    const y = c.op({ type: 'tanh' }, x);
    const z = c.op({ type: 'mul' }, y, c.input('scale', [2, 3]));
    const g = c.b.finish({ 'out:y': y, 'out:z': z });

    it('computes only the requested outputs, and needs only the feeds they depend on', async () => {
      const p = await ex.prepare(g, { outputs: ['out:y'] });
      try {
        assert.deepEqual(p.outputs, ['out:y']);
        assert.deepEqual(p.inputs.map((l) => l.name), ['x']);
        assertClose(await p.run(tensorsFrom64(g, { x: c.feeds.x })), runReference(g, c.feeds, ['out:y']));
        await assert.rejects(p.run(tensorsFrom64(g, c.feeds), ['out:z']), /does not compute output 'out:z'/);
      } finally {
        await p.dispose();
      }
    });

    it('refuses a device it does not have, and a run after dispose', async () => {
      await assert.rejects(ex.prepare(g, { device: 'webgpu' }), /no device 'webgpu' \(it has cpu\)/);
      const p = await ex.prepare(g, { device: 'cpu', name: 'short-lived' });
      await p.dispose();
      await assert.rejects(p.run(tensorsFrom64(g, c.feeds)), /program 'short-lived' was disposed/);
    });
  });

  describe('emitted model', () => {
    it('shares identical constants and initializers', () => {
      const c = new Case(9);
      const x = c.input('x', [4, 3]);
      const half = c.op({ type: 'const', value: 0.5 });
      const a = c.op({ type: 'slice', axis: 0, start: 1, end: 3 }, c.op({ type: 'mul' }, x, half));
      const b = c.op({ type: 'slice', axis: 0, start: 1, end: 3 }, c.op({ type: 'add' }, x, half));
      const s = c.op({ type: 'stack' }, a, b, a);
      const model = onnxProto.onnx.ModelProto.decode(irToOnnx(c.b.finish({ s }), { name: 'dedup' }));
      const keys = (model.graph?.initializer ?? []).map((t) => `${t.dataType}[${(t.dims ?? []).join(',')}]${Buffer.from(t.rawData ?? []).toString('hex')}`);
      assert.equal(new Set(keys).size, keys.length, `duplicate initializers: ${keys.join(' ')}`);
      // 0.5, the slice's starts/ends/axes ([1], [3], [0]) and Unsqueeze's axes ([0] again).
      assert.equal(keys.length, 4);
      assert.equal(String(model.opsetImport[0].version), '17');
      assert.deepEqual(model.graph?.input?.map((i) => i.name), ['x']);
      assert.deepEqual(model.graph?.output?.map((o) => o.name), ['s']);
    });

    it('refuses names that collide in the ONNX namespace and outputs the graph lacks', () => {
      const b = new IrBuilder();
      const x = b.input('x', [2]);
      // The builder already refuses an input and a param of one name; a graph built by hand is caught here.
      assert.throws(() => b.param('x', [2]), /'x' is declared both as an input and as a param/);
      const p = b.nodes.length;
      b.nodes.push({ id: p, op: { type: 'param', name: 'x' }, inputs: [], shape: [2], dtype: 'float32', origin: { block: '', t: null }, phase: 'forward' });
      assert.throws(() => irToOnnx(b.finish({ y: b.emit({ type: 'add' }, [x, p]) })), /param 'x' has the same name as input 'x'/);
      assert.throws(() => irToOnnx(b.finish({ y: x }), { outputs: ['nope'] }), /no output 'nope'/);
    });
  });
});
