/**
 * The attention block against its equations, written out a second time as plain float64 loops
 * (nothing from the engine: not its cell math, ops or kernels):
 *
 *   e_ts = q_t·k_s (dot), (q_t·W)·k_s (general), v·tanh(q_t·W_q + k_s·W_k) (additive), times
 *   1/√Dk when scaled;  α_t = softmax_s(e_t);  c_t = Σ_s α_ts·v_s.
 *
 * For random weights and inputs the compiled forward IR agrees with the loops to 1e-12 on the
 * float64 reference, both the context (the output block's prediction) and the weights α (the
 * block's probe). Then what the block refuses: sizes that do not fit a dot score, scale with
 * additive scores, a stateful (one step at a time) compile, and a source on the block's own loop.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lowerToCell } from '../../../engine/compiler/lower.ts';
import { CompileError } from '../../../engine/graph/diagnostics.ts';
import { unrollCell } from '../../../engine/compiler/unroll.ts';
import { analyzeGraph } from '../../../engine/compiler/validate.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { IrBuilder } from '../../../engine/ir/builder.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { mulberry32, randomTensor } from '../../helpers/gradcheck.ts';
import { compile, graph, maxAbsDiff } from '../../helpers/graphs.ts';

const FEATURES = 3;
const STEPS = 5;
const BATCH = 2;
const TOLERANCE = 1e-12;

interface Case {
  readonly name: string;
  readonly params: Record<string, unknown>;
  /** Sizes of the query, keys (0: the values are the keys) and values. */
  readonly q: number;
  readonly k: number;
  readonly v: number;
  /** One query per example (from the last step of x) instead of one per step. */
  readonly vectorQuery?: boolean;
}

const CASES: readonly Case[] = [
  { name: 'dot', params: {}, q: 4, k: 0, v: 4 },
  { name: 'dot, scaled', params: { scale: true }, q: 4, k: 0, v: 4 },
  { name: 'dot, keys apart from the values', params: { score: 'dot' }, q: 3, k: 3, v: 2 },
  { name: 'general', params: { score: 'general' }, q: 2, k: 0, v: 4 },
  { name: 'general, scaled, keys apart', params: { score: 'general', scale: true }, q: 2, k: 5, v: 3 },
  { name: 'additive', params: { score: 'additive', units: 3 }, q: 2, k: 0, v: 4 },
  { name: 'additive, keys apart', params: { score: 'additive', units: 4 }, q: 3, k: 2, v: 2 },
  { name: 'dot with one query per example', params: { scale: true }, q: 3, k: 0, v: 3, vectorQuery: true },
];

/** x → linear q (from the last step of x for a vector query), linear k, linear v → attention → output. */
function caseGraph(c: Case): GraphDocument {
  return graph(
    {
      x: ['input', { size: FEATURES }],
      ...(c.vectorQuery ? { l: ['lastStep'] } : {}),
      q: ['linear', { units: c.q }],
      ...(c.k ? { k: ['linear', { units: c.k }] } : {}),
      v: ['linear', { units: c.v }],
      att: ['attention', c.params],
      o: ['output', { loss: 'meanSquaredError' }],
    },
    [...(c.vectorQuery ? ['x -> l', 'l -> q'] : ['x -> q']), 'x -> v', 'q -> att.query', 'v -> att.values', ...(c.k ? ['x -> k', 'k -> att.keys'] : []), 'att -> o'],
  );
}

// ── the equations, as plain loops ────────────────────────────────────────────────────────────

type Vec = Float64Array;

/** v·M + b for a row-major M [v.length, n]. */
function affine(v: ArrayLike<number>, m: Tensor64, b?: Tensor64): Vec {
  const n = m.shape[1];
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = b ? b.data[j] : 0;
    for (let i = 0; i < v.length; i++) s += v[i] * m.data[i * n + j];
    out[j] = s;
  }
  return out;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** The context [T_q, B, Dv] and the weights [T_q, B, T] of every query step (T_q = 1 for a vector query). */
function reference(c: Case, f: Readonly<Record<string, Tensor64>>): { context: Float64Array; alpha: Float64Array } {
  const w = (name: string) => f[name];
  const xAt = (t: number, b: number) => f.x.data.slice((t * BATCH + b) * FEATURES, (t * BATCH + b + 1) * FEATURES);
  const queries = c.vectorQuery ? 1 : STEPS;
  const context = new Float64Array(queries * BATCH * c.v);
  const alpha = new Float64Array(queries * BATCH * STEPS);
  for (let b = 0; b < BATCH; b++) {
    const values = Array.from({ length: STEPS }, (_, s) => affine(xAt(s, b), w('v.kernel'), w('v.bias')));
    const keys = c.k ? Array.from({ length: STEPS }, (_, s) => affine(xAt(s, b), w('k.kernel'), w('k.bias'))) : values;
    for (let t = 0; t < queries; t++) {
      const q = affine(xAt(c.vectorQuery ? STEPS - 1 : t, b), w('q.kernel'), w('q.bias'));
      const e = keys.map((k): number => {
        switch (c.params.score ?? 'dot') {
          case 'general':
            return dot(affine(q, w('att.kernel')), k) / (c.params.scale ? Math.sqrt(k.length) : 1);
          case 'additive': {
            const [wq, wk] = [affine(q, w('att.queryKernel')), affine(k, w('att.keyKernel'))];
            return dot(w('att.scoreVector').data, wq.map((a, j) => Math.tanh(a + wk[j])));
          }
          default:
            return dot(q, k) / (c.params.scale ? Math.sqrt(k.length) : 1);
        }
      });
      const top = Math.max(...e);
      const exp = e.map((v) => Math.exp(v - top));
      const total = exp.reduce((a, v) => a + v, 0);
      for (let s = 0; s < STEPS; s++) {
        const a = exp[s] / total;
        alpha[(t * BATCH + b) * STEPS + s] = a;
        for (let j = 0; j < c.v; j++) context[(t * BATCH + b) * c.v + j] += a * values[s][j];
      }
    }
  }
  return { context, alpha };
}

/** The compiled graph's prediction and the attention block's probe 'weights', on the float64 reference. */
function compiled(doc: GraphDocument, feeds: (weights: readonly { param: string; shape: readonly number[] }[]) => Record<string, Tensor64>) {
  const c = compile(doc, STEPS, BATCH);
  const f = feeds(c.weights);
  const { cell } = lowerToCell(doc, analyzeGraph(doc), BATCH, { steps: STEPS });
  const probe = cell.probes?.find((p) => p.block === 'att' && p.name === 'weights');
  assert.ok(probe, "the attention block shows its weights as the probe 'weights'");
  const b = new IrBuilder();
  const unrolled = unrollCell(cell, b, { steps: STEPS });
  const perStep = cell.nodes[probe.ref].domain === 'step';
  const weights = perStep ? b.emit({ type: 'stack' }, Array.from({ length: STEPS }, (_, t) => unrolled.at(probe.ref, t))) : unrolled.at(probe.ref, 0);
  const alpha = runReference(b.finish({ weights }), f).weights;
  return { f, context: runReference(c.forward, f, ['out:o'])['out:o'], alpha };
}

describe('attention against its equations (float64 loops)', () => {
  for (const [i, c] of CASES.entries()) {
    it(c.name, () => {
      const rng = mulberry32(100 + i);
      const { f, context, alpha } = compiled(caseGraph(c), (weights) => {
        const feeds: Record<string, Tensor64> = { x: randomTensor([STEPS, BATCH, FEATURES], rng, 1) };
        for (const w of weights) feeds[w.param] = randomTensor(w.shape, rng, 1);
        return feeds;
      });
      const want = reference(c, f);
      assert.ok(maxAbsDiff(context.data, want.context) < TOLERANCE, `context differs by ${maxAbsDiff(context.data, want.context)}`);
      assert.ok(maxAbsDiff(alpha.data, want.alpha) < TOLERANCE, `weights differ by ${maxAbsDiff(alpha.data, want.alpha)}`);
      // The weights mean something: each row sums to 1 and is not uniform.
      for (let r = 0; r < alpha.data.length / STEPS; r++) {
        const row = alpha.data.slice(r * STEPS, (r + 1) * STEPS);
        assert.ok(Math.abs(row.reduce((a, v) => a + v, 0) - 1) < 1e-12);
        assert.ok(Math.max(...row) - Math.min(...row) > 1e-3, `row ${r} is not uniform: ${[...row].join(', ')}`);
      }
    });
  }

  it('keys connected to the values give the same result as keys left unconnected', () => {
    const doc = (keys: boolean) =>
      graph(
        { x: ['input', { size: FEATURES }], q: ['linear', { units: 3 }], v: ['linear', { units: 3 }], att: ['attention', { score: 'additive', units: 2 }], o: ['output'] },
        ['x -> q', 'x -> v', 'q -> att.query', 'v -> att.values', ...(keys ? ['v -> att.keys'] : []), 'att -> o'],
      );
    const rng = mulberry32(7);
    const c = compile(doc(false), STEPS, BATCH);
    const f: Record<string, Tensor64> = { x: randomTensor([STEPS, BATCH, FEATURES], rng, 1), y: tensor([STEPS, BATCH, 3]) };
    for (const w of c.weights) f[w.param] = randomTensor(w.shape, rng, 1);
    const apart = runReference(compile(doc(true), STEPS, BATCH).forward, f)['out:o'];
    assert.deepEqual(runReference(c.forward, f)['out:o'].data, apart.data);
  });
});

describe('what the attention block refuses', () => {
  const diagnostics = (doc: GraphDocument) => analyzeGraph(doc).diagnostics.filter((d) => d.severity === 'error');
  const around = (params: Record<string, unknown>, q = 3, v = 3) =>
    graph(
      { x: ['input', { size: FEATURES }], q: ['linear', { units: q }], v: ['gru', { units: v }], att: ['attention', params], o: ['output'] },
      ['x -> q', 'x -> v', 'q -> att.query', 'v -> att.values', 'att -> o'],
    );

  it('a dot score between a query and keys of different sizes, with the way out', () => {
    const [d, ...rest] = diagnostics(around({}, 3, 5));
    assert.equal(rest.length, 0);
    assert.equal(d.code, 'size-mismatch');
    assert.equal(d.nodeId, 'att');
    assert.equal(d.port, 'query');
    assert.match(d.message, /query has 3 features, the values 5; choose score 'general' or 'additive'/);
    assert.deepEqual(diagnostics(around({ score: 'general' }, 3, 5)), [], 'general scores take any sizes');
  });

  it('scale with additive scores', () => {
    const [d] = diagnostics(around({ score: 'additive', scale: true }));
    assert.equal(d.code, 'param-invalid');
    assert.match(d.message, /additive scores learn their own scale/);
  });

  it('a vector as the values, with a hint', () => {
    const doc = graph(
      { x: ['input', { size: FEATURES }], l: ['lastStep'], att: ['attention'], o: ['output'] },
      ['x -> l', 'x -> att.query', 'l -> att.values', 'att -> o'],
    );
    const [d] = diagnostics(doc);
    assert.equal(d.code, 'kind-mismatch');
    assert.equal(d.port, 'values');
  });

  it('one step at a time (sampling, truncated BPTT): it reads every step of its source', () => {
    assert.throws(
      () => compile(around({}), 1, 1, true),
      (e: unknown) => e instanceof CompileError && e.diagnostics.some((d) => d.code === 'time-direction' && d.nodeId === 'att' && /reads every step of a sequence at once/.test(d.message)),
    );
  });

  it('a source that depends, through a delay, on the attention itself', () => {
    const doc = graph(
      { x: ['input', { size: FEATURES }], lx: ['linear', { units: 3 }], d: ['delay', { size: 3 }], s: ['add'], att: ['attention'], o: ['output'] },
      ['x -> lx', 'lx -> s.a', 'd -> s.b', 's -> att.values', 'lx -> att.query', 'att -> d', 'att -> o'],
    );
    const found = diagnostics(doc);
    assert.ok(
      found.some((d) => d.code === 'time-direction' && d.nodeId === 'att' && /step t would need steps after t/.test(d.message)),
      `validation finds what compiling would: ${JSON.stringify(found)}`,
    );
    assert.throws(
      () => compile(doc, STEPS, BATCH),
      (e: unknown) => e instanceof CompileError && e.diagnostics.some((d) => d.code === 'time-direction' && d.nodeId === 'att' && /step t would need steps after t/.test(d.message)),
    );
  });
});
