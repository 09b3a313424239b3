/**
 * The peephole LSTM, the CTRNN and the Jordan block's options against their equations, written
 * out here a second time as plain float64 loops over arrays (nothing from the engine: not its
 * cell math, ops or kernels). For random weights and inputs, the hidden state at every step of the
 * compiled forward IR agrees with these loops to 1e-9 on the float64 reference executor and to
 * 1e-5 on ONNX Runtime (float32). Each case is also checked to differ from its plain variant
 * (a plain LSTM, an Elman step, a Jordan block without the option), so that a block that ignored
 * its extra weights or options would fail.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Compiled } from '../../../engine/compiler/compile.ts';
import { runOnce } from '../../../engine/executors/index.ts';
import { OrtExecutor } from '../../../engine/executors/onnx/ort.ts';
import { tensorsFrom64 } from '../../../engine/executors/tensors.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import { mulberry32, randomTensor } from '../../helpers/gradcheck.ts';
import { compile, graph, maxAbsDiff } from '../../helpers/graphs.ts';

const FEATURES = 3;
const STEPS = 6;
const BATCH = 2;
const REFERENCE_TOLERANCE = 1e-9;
const ORT_TOLERANCE = 1e-5;
/** How far a case must be from its plain variant for the comparison to mean something. */
const DIFFERENT = 1e-3;

type Vec = Float64Array;
type Weights = Readonly<Record<string, Tensor64>>;

// ── the equations, as plain loops ────────────────────────────────────────────────────────────

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const ACT: Readonly<Record<string, (v: number) => number>> = { tanh: Math.tanh, sigmoid, relu: (v) => (v > 0 ? v : 0), linear: (v) => v };

/** Row vector times matrix: (v·M)[j] = Σ_k v[k]·M[k, j] for a row-major M [v.length, cols], columns [from, from + n). */
function rowTimes(v: ArrayLike<number>, m: Tensor64, from: number, n: number): Vec {
  const cols = m.shape[1];
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < v.length; k++) s += v[k] * m.data[k * cols + from + j];
    out[j] = s;
  }
  return out;
}

/** x_t of example b, from a time-major x [T, B, F]. */
const xAt = (x: Tensor64, t: number, b: number): Vec => x.data.slice((t * BATCH + b) * FEATURES, (t * BATCH + b + 1) * FEATURES);

/** Runs `step` over t for each example from a zero state; returns the outputs time-major [T, B, n]. */
function scan<S>(x: Tensor64, n: number, zero: () => S, step: (xt: Vec, state: S) => { state: S; out: Vec }): Float64Array {
  const out = new Float64Array(STEPS * BATCH * n);
  for (let b = 0; b < BATCH; b++) {
    let state = zero();
    for (let t = 0; t < STEPS; t++) {
      const r = step(xAt(x, t, b), state);
      state = r.state;
      out.set(r.out, (t * BATCH + b) * n);
    }
  }
  return out;
}

/**
 * i = σ(W_i x + U_i h + p_i ⊙ c_{t−1} + b_i), f likewise with p_f, c_t = f ⊙ c_{t−1} + i ⊙ tanh(W_c x + U_c h + b_c),
 * o = σ(W_o x + U_o h + p_o ⊙ c_t + b_o), h_t = o ⊙ tanh(c_t). Gate blocks i, f, c, o along the columns.
 */
function peepholeLstm(x: Tensor64, w: Weights, H: number): Float64Array {
  const [pi, pf, po] = [w.peepholeInput, w.peepholeForget, w.peepholeOutput].map((p) => p.data);
  const gate = (xt: Vec, h: Vec, g: number) => {
    const a = rowTimes(xt, w.kernel, g * H, H);
    const u = rowTimes(h, w.recurrentKernel, g * H, H);
    return a.map((v, j) => v + u[j] + w.bias.data[g * H + j]);
  };
  return scan(x, H, () => ({ h: new Float64Array(H), c: new Float64Array(H) }), (xt, { h, c: cPrev }) => {
    const [zi, zf, zc, zo] = [0, 1, 2, 3].map((g) => gate(xt, h, g));
    const c = new Float64Array(H);
    const hNext = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const i = sigmoid(zi[j] + pi[j] * cPrev[j]);
      const f = sigmoid(zf[j] + pf[j] * cPrev[j]);
      c[j] = f * cPrev[j] + i * Math.tanh(zc[j]);
      const o = sigmoid(zo[j] + po[j] * c[j]);
      hNext[j] = o * Math.tanh(c[j]);
    }
    return { state: { h: hNext, c }, out: hNext };
  });
}

/** The plain LSTM: the same without the peephole terms. */
function plainLstm(x: Tensor64, w: Weights, H: number): Float64Array {
  const zero = tensor([H]);
  return peepholeLstm(x, { ...w, peepholeInput: zero, peepholeForget: zero, peepholeOutput: zero }, H);
}

/** h_t = (1 − α) ⊙ h_{t−1} + α ⊙ f(W x_t + U h_{t−1} + b), α = Δt / τ, τ = Δt + softplus(ρ). */
function ctrnn(x: Tensor64, w: Weights, H: number, dt: number, f: string): Float64Array {
  const alpha = Array.from(w.tauRaw.data, (rho) => dt / (dt + Math.log(1 + Math.exp(rho))));
  return scan(x, H, () => new Float64Array(H), (xt, h) => {
    const a = rowTimes(xt, w.kernel, 0, H);
    const u = rowTimes(h, w.recurrentKernel, 0, H);
    const next = h.map((hj, j) => (1 - alpha[j]) * hj + alpha[j] * ACT[f](a[j] + u[j] + w.bias.data[j]));
    return { state: next, out: next };
  });
}

/** h_t = f(W x_t + U h_{t−1} + b). */
function elman(x: Tensor64, w: Weights, H: number, f: string): Float64Array {
  return scan(x, H, () => new Float64Array(H), (xt, h) => {
    const a = rowTimes(xt, w.kernel, 0, H);
    const u = rowTimes(h, w.recurrentKernel, 0, H);
    const next = a.map((v, j) => ACT[f](v + u[j] + w.bias.data[j]));
    return { state: next, out: next };
  });
}

/**
 * s_t = α s_{t−1} + v_{t−1}, h_t = f(W x_t + U s_t + b), y_t = g(V h_t + c), where v_t is y_t
 * (feedback 'output') or V h_t + c (feedback 'preActivation').
 */
function jordan(x: Tensor64, w: Weights, H: number, Y: number, o: { f: string; g: string; feedback: string; decay: number }): Float64Array {
  return scan(x, Y, () => ({ s: new Float64Array(Y), fed: new Float64Array(Y) }), (xt, prev) => {
    const s = prev.s.map((v, k) => o.decay * v + prev.fed[k]);
    const a = rowTimes(xt, w.kernel, 0, H);
    const u = rowTimes(s, w.recurrentKernel, 0, H);
    const h = a.map((v, j) => ACT[o.f](v + u[j] + w.bias.data[j]));
    const pre = rowTimes(h, w.outputKernel, 0, Y).map((v, k) => v + w.outputBias.data[k]);
    const y = pre.map((v) => ACT[o.g](v));
    return { state: { s, fed: o.feedback === 'output' ? y : pre }, out: y };
  });
}

// ── the cases ────────────────────────────────────────────────────────────────────────────────

interface Case {
  readonly name: string;
  readonly block: readonly [string, Record<string, unknown>];
  /** Output features per step. */
  readonly size: number;
  /** Extra feeds, set after the random ones (e.g. a chosen τ). */
  readonly fix?: (feeds: Record<string, Tensor64>) => void;
  readonly equations: (x: Tensor64, w: Weights) => Float64Array;
  /** The same weights through the plain variant's equations, which must give other numbers. */
  readonly plain: (x: Tensor64, w: Weights) => Float64Array;
}

const H = 5;
const Y = 3;
const jordanOptions = { f: 'tanh', g: 'tanh', feedback: 'output', decay: 0 };

const CASES: readonly Case[] = [
  {
    name: 'peepholeLstm',
    block: ['peepholeLstm', { units: H }],
    size: H,
    equations: (x, w) => peepholeLstm(x, w, H),
    plain: (x, w) => plainLstm(x, w, H),
  },
  {
    name: 'ctrnn (tanh, dt 0.5)',
    block: ['ctrnn', { units: H, dt: 0.5, tauInit: 2 }],
    size: H,
    equations: (x, w) => ctrnn(x, w, H, 0.5, 'tanh'),
    plain: (x, w) => elman(x, w, H, 'tanh'),
  },
  {
    name: 'ctrnn (sigmoid, dt 2, τ from 2.1 to 40)',
    block: ['ctrnn', { units: H, activation: 'sigmoid', dt: 2, tauInit: 3 }],
    size: H,
    // ρ from −3 to 38: τ = 2 + softplus(ρ) from about 2.05 to 40.
    fix: (feeds) => {
      feeds['rnn.tauRaw'] = tensor([H], [-3, -0.5, 1, 6, 38]);
    },
    equations: (x, w) => ctrnn(x, w, H, 2, 'sigmoid'),
    plain: (x, w) => elman(x, w, H, 'sigmoid'),
  },
  {
    name: 'ctrnn (relu)',
    block: ['ctrnn', { units: H, activation: 'relu' }],
    size: H,
    equations: (x, w) => ctrnn(x, w, H, 1, 'relu'),
    plain: (x, w) => elman(x, w, H, 'relu'),
  },
  {
    name: "jordan feedback 'preActivation'",
    block: ['jordan', { units: H, outputUnits: Y, feedback: 'preActivation' }],
    size: Y,
    equations: (x, w) => jordan(x, w, H, Y, { ...jordanOptions, feedback: 'preActivation' }),
    plain: (x, w) => jordan(x, w, H, Y, jordanOptions),
  },
  {
    name: 'jordan contextDecay 0.7',
    block: ['jordan', { units: H, outputUnits: Y, contextDecay: 0.7 }],
    size: Y,
    equations: (x, w) => jordan(x, w, H, Y, { ...jordanOptions, decay: 0.7 }),
    plain: (x, w) => jordan(x, w, H, Y, jordanOptions),
  },
  {
    name: "jordan feedback 'preActivation', contextDecay 0.4, relu → sigmoid",
    block: ['jordan', { units: H, outputUnits: Y, feedback: 'preActivation', contextDecay: 0.4, activation: 'relu', outputActivation: 'sigmoid' }],
    size: Y,
    equations: (x, w) => jordan(x, w, H, Y, { f: 'relu', g: 'sigmoid', feedback: 'preActivation', decay: 0.4 }),
    plain: (x, w) => jordan(x, w, H, Y, { f: 'relu', g: 'sigmoid', feedback: 'output', decay: 0 }),
  },
  {
    name: 'jordan defaults (the equations of the original block)',
    block: ['jordan', { units: H, outputUnits: Y }],
    size: Y,
    equations: (x, w) => jordan(x, w, H, Y, jordanOptions),
    plain: (x, w) => jordan(x, w, H, Y, { ...jordanOptions, decay: 0.5 }),
  },
];

const float32 = (t: Tensor64): Tensor64 => tensor(t.shape, t.data.map(Math.fround));

/** input → rnn → output (mean squared error): the prediction 'out:o' is the block's output at every step, [T, B, size]. */
function ours(c: Case, seed: number): { compiled: Compiled; feeds: Record<string, Tensor64>; weights: Weights } {
  const doc = graph({ x: ['input', { size: FEATURES }], rnn: [c.block[0], { ...c.block[1], returnSequences: true }], o: ['output', { loss: 'meanSquaredError' }] }, ['x -> rnn', 'rnn -> o']);
  const compiled = compile(doc, STEPS, BATCH);
  const rng = mulberry32(seed);
  const feeds: Record<string, Tensor64> = {};
  for (const w of compiled.weights) feeds[w.param] = float32(randomTensor(w.shape, rng, 0.6));
  c.fix?.(feeds);
  feeds.x = float32(randomTensor([STEPS, BATCH, FEATURES], rng, 1));
  feeds.y = tensor([STEPS, BATCH, c.size]);
  const weights = Object.fromEntries(compiled.weights.map((w) => [w.name, feeds[w.param]]));
  return { compiled, feeds, weights };
}

describe('new blocks and options match their equations (independent float64 loops)', () => {
  let ort: OrtExecutor;
  before(async () => {
    ort = await OrtExecutor.create({ threads: 1 });
  });
  after(async () => {
    await ort.dispose();
  });

  CASES.forEach((c, k) => {
    it(`${c.name}: reference executor within ${REFERENCE_TOLERANCE.toExponential(0)}, ONNX Runtime within ${ORT_TOLERANCE.toExponential(0)}`, async (t) => {
      const { compiled, feeds, weights } = ours(c, 100 + k);
      const expected = c.equations(feeds.x, weights);
      const reference = runReference(compiled.forward, feeds, ['out:o'])['out:o'];
      assert.deepEqual(reference.shape, [STEPS, BATCH, c.size]);
      const onnx = (await runOnce(ort, compiled.forward, tensorsFrom64(compiled.forward, feeds), { outputs: ['out:o'], name: c.name }))['out:o'];
      const errors = { reference: maxAbsDiff(reference.data, expected), onnxruntime: maxAbsDiff(onnx.data, expected) };
      const fromPlain = maxAbsDiff(c.plain(feeds.x, weights), expected);
      t.diagnostic(`max |engine − equations|: reference ${errors.reference.toExponential(2)}, onnxruntime ${errors.onnxruntime.toExponential(2)}; max |case − plain variant| ${fromPlain.toExponential(2)}`);
      assert.ok(errors.reference < REFERENCE_TOLERANCE, `reference executor: max error ${errors.reference.toExponential(2)}`);
      assert.ok(errors.onnxruntime < ORT_TOLERANCE, `onnxruntime: max error ${errors.onnxruntime.toExponential(2)}`);
      assert.ok(fromPlain > DIFFERENT, `the case should differ from its plain variant, but only by ${fromPlain.toExponential(2)}`);
    });
  });
});
