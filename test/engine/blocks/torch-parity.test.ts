/**
 * Our Elman, LSTM and GRU blocks, stacked (layers: 2), bidirectional (merge: concat), both, and
 * with their initial-state ports, against torch.nn.RNN / LSTM / GRU with num_layers and
 * bidirectional as PyTorch documents them (test/helpers/torch-reference.ts, float64 loops that
 * share nothing with the engine). Our Keras-layout weights go through the documented mapping
 * (transpose, GRU gates z, r, h → r, z, n, our bias split between b_ih and b_hh, names
 * `backward_kernel_l1` → `weight_ih_l1_reverse`), and then:
 *
 * - the output sequence, the final hidden state h_n and the LSTM's c_n agree to 1e-9 on the
 *   float64 reference executor and to 1e-5 (relative to the largest value) on ONNX Runtime;
 * - the gradient of an MSE loss of the output, computed by our reverse-mode AD through the
 *   unrolled graph, agrees with central differences of the same loss through PyTorch's equations
 *   (normwise relative error below 1e-6; fourth-order differences, see FD_STEP).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type Compiled, compileGraph } from '../../../engine/compiler/compile.ts';
import { runOnce } from '../../../engine/executors/index.ts';
import { OrtExecutor } from '../../../engine/executors/onnx/ort.ts';
import { tensorsFrom64 } from '../../../engine/executors/tensors.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import { mulberry32, randomTensor } from '../../helpers/gradcheck.ts';
import { graph, maxAbsDiff, relativeToScale } from '../../helpers/graphs.ts';
import { type TorchConfig, type TorchKind, torchForward, torchParamsFrom, torchStateFrom } from '../../helpers/torch-reference.ts';

const T = 5;
const B = 2;
const F = 2;
const H = 3;
const REFERENCE_TOLERANCE = 1e-9;
const ORT_TOLERANCE = 1e-5;
const GRADIENT_TOLERANCE = 1e-6;
/**
 * The fourth-order central difference (8·(L(w+h) − L(w−h)) − (L(w+2h) − L(w−2h))) / 12h with
 * h = 1e-4: its truncation error (~h⁴) and rounding error (~ε·|L|/h ≈ 1e-12) both stay far below
 * the smallest gradients here (a backward direction's recurrent kernel, ~3e-4 in norm), where
 * the plain central difference's rounding noise would already reach ~1e-6 of them.
 */
const FD_STEP = 1e-4;

const BLOCK: Readonly<Record<TorchKind, string>> = { RNN: 'elman', LSTM: 'lstm', GRU: 'gru' };

interface Case {
  readonly kind: TorchKind;
  readonly layers: number;
  readonly bidirectional: boolean;
  /** h0 (and c0) fed from the graph: lastStep(x) → dense → h0. */
  readonly initial: boolean;
}

const CASES: readonly Case[] = [
  ...(['RNN', 'LSTM', 'GRU'] as const).flatMap((kind) =>
    [1, 2].flatMap((layers) => [false, true].map((bidirectional) => ({ kind, layers, bidirectional, initial: false }))),
  ),
  { kind: 'RNN', layers: 1, bidirectional: true, initial: true },
  { kind: 'LSTM', layers: 2, bidirectional: false, initial: true },
  { kind: 'LSTM', layers: 2, bidirectional: true, initial: true },
  { kind: 'GRU', layers: 2, bidirectional: true, initial: true },
];

const nameOf = (c: Case) =>
  `${BLOCK[c.kind]} = nn.${c.kind}(num_layers=${c.layers}, bidirectional=${c.bidirectional ? 'True' : 'False'})${c.initial ? ' with h0' + (c.kind === 'LSTM' ? ', c0' : '') : ''}`;

const directions = (c: Case) => (c.bidirectional ? 2 : 1);
/** Rows of h_0 / h_n: num_layers · D. */
const parts = (c: Case) => directions(c) * c.layers;
const configOf = (c: Case): TorchConfig => ({ kind: c.kind, inputSize: F, hiddenSize: H, numLayers: c.layers, bidirectional: c.bidirectional });

/** input → r → output on port `port` of r, and, with initial states, input → lastStep → dense → r.h0 (and c0). */
function docFor(c: Case, port: 'out' | 'h' | 'c'): GraphDocument {
  const cell = { units: H, layers: c.layers };
  const r: readonly [string, Record<string, unknown>] = c.bidirectional ? ['bidirectional', { cell: { type: BLOCK[c.kind], ...cell }, merge: 'concat' }] : [BLOCK[c.kind], cell];
  const lstm = c.kind === 'LSTM';
  return graph(
    {
      x: ['input', { size: F }],
      r,
      o: ['output', { loss: 'meanSquaredError' }],
      ...(c.initial ? { l: ['lastStep'], dh: ['dense', { units: parts(c) * H }], ...(lstm ? { dc: ['dense', { units: parts(c) * H }] } : {}) } : {}),
    },
    ['x -> r', `r.${port} -> o`, ...(c.initial ? ['x -> l', 'l -> dh', 'dh -> r.h0', ...(lstm ? ['l -> dc', 'dc -> r.c0'] : [])] : [])],
  );
}

const float32 = (t: Tensor64): Tensor64 => tensor(t.shape, t.data.map(Math.fround));

/** Seeded, float32-exact feeds for every weight and data input of `compiled`. */
function feedsFor(compiled: Compiled, seed: number): Record<string, Tensor64> {
  const rng = mulberry32(seed);
  const feeds: Record<string, Tensor64> = {};
  for (const w of compiled.weights) feeds[w.param] = float32(randomTensor(w.shape, rng, 0.5));
  for (const i of compiled.inputs) feeds[i.name] = float32(randomTensor(i.shape, rng, 1));
  return feeds;
}

/** A fixed share of each bias that goes to b_hh (the rest to b_ih), drawn from the bias's name. */
function split(name: string, width: number): Float64Array {
  const rng = mulberry32([...name].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 0x01000193), 0x811c9dc5) >>> 0);
  return Float64Array.from({ length: width }, () => rng() - 0.5);
}

/** y = x·W + b for x [B, in], W [in, out] row-major: the dense block, written out. */
function denseLayer(x: ArrayLike<number>, w: Tensor64, b: Tensor64): Float64Array {
  const [rows, cols] = w.shape;
  const out = new Float64Array(B * cols);
  for (let n = 0; n < B; n++)
    for (let j = 0; j < cols; j++) {
      let s = b.data[j];
      for (let k = 0; k < rows; k++) s += x[n * rows + k] * w.data[k * cols + j];
      out[n * cols + j] = s;
    }
  return out;
}

/** PyTorch's equations on the block's weights (and the dense layers' start states) in `feeds`. */
function torchOf(c: Case, feeds: Readonly<Record<string, Tensor64>>) {
  const ours = Object.fromEntries(Object.entries(feeds).flatMap(([k, v]) => (k.startsWith('r.') ? [[k.slice(2), v.data]] : [])));
  const params = torchParamsFrom(configOf(c), ours, split);
  let h0: Float64Array | undefined;
  let c0: Float64Array | undefined;
  if (c.initial) {
    const last = feeds.x.data.subarray((T - 1) * B * F, T * B * F);
    h0 = torchStateFrom(denseLayer(last, feeds['dh.kernel'], feeds['dh.bias']), B, parts(c), H);
    if (c.kind === 'LSTM') c0 = torchStateFrom(denseLayer(last, feeds['dc.kernel'], feeds['dc.bias']), B, parts(c), H);
  }
  return torchForward(configOf(c), params, feeds.x.data, T, B, h0, c0);
}

/** The output block's mean squared error of the output sequence against y: mean over t of Σ (o − y)² / (B·features). */
function mseLoss(output: Float64Array, y: Tensor64): number {
  const perStep = output.length / T;
  let total = 0;
  for (let t = 0; t < T; t++) {
    let s = 0;
    for (let i = 0; i < perStep; i++) s += (output[t * perStep + i] - y.data[t * perStep + i]) ** 2;
    total += s / perStep;
  }
  return total / T;
}

function normwise(a: ArrayLike<number>, n: ArrayLike<number>): number {
  let diff = 0;
  let na = 0;
  let nn = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - n[i]) ** 2;
    na += a[i] ** 2;
    nn += n[i] ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(na), Math.sqrt(nn), 1e-8);
}

describe('stacked and bidirectional RNN, LSTM, GRU match PyTorch (its documented equations, float64)', () => {
  let ort: OrtExecutor;
  before(async () => {
    ort = await OrtExecutor.create({ threads: 1 });
  });
  after(async () => {
    await ort.dispose();
  });

  it('the bias split, the GRU gate permutation and the direction names matter (checks that would pass without them prove nothing)', () => {
    assert.ok(split('bias', 4).every((v) => v !== 0), 'b_hh gets a nonzero share');
    const c: Case = { kind: 'GRU', layers: 1, bidirectional: true, initial: false };
    const compiled = compileGraph(docFor(c, 'out'), { steps: T, batch: B });
    const feeds = feedsFor(compiled, 3);
    const ours = runReference(compiled.forward, feeds, ['out:o'])['out:o'].data;
    const ours64 = Object.fromEntries(Object.entries(feeds).flatMap(([k, v]) => (k.startsWith('r.') ? [[k.slice(2), v.data]] : [])));
    const params = torchParamsFrom(configOf(c), ours64);
    const run = (p: Record<string, Float64Array>) => torchForward(configOf(c), p, feeds.x.data, T, B).output;
    assert.ok(maxAbsDiff(run(params), ours) < REFERENCE_TOLERANCE, 'as documented');
    /** Gate blocks r and z swapped back: the Keras order z, r, h. */
    const unswapped = (w: Float64Array) => {
      const block = w.length / 3;
      return Float64Array.from(w, (_, i) => (i < block ? w[i + block] : i < 2 * block ? w[i - block] : w[i]));
    };
    const keras = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, unswapped(v)]));
    assert.ok(maxAbsDiff(run(keras), ours) > 1e-3, 'without the r, z swap');
    const mirrored = Object.fromEntries(Object.entries(params).map(([k, v]) => [k.endsWith('_reverse') ? k.slice(0, -'_reverse'.length) : `${k}_reverse`, v]));
    assert.ok(maxAbsDiff(run(mirrored), ours) > 1e-3, 'with the directions swapped');
  });

  for (const [index, c] of CASES.entries()) {
    const ports = c.kind === 'LSTM' ? (['out', 'h', 'c'] as const) : (['out', 'h'] as const);

    it(`${nameOf(c)}: output, h_n${c.kind === 'LSTM' ? ', c_n' : ''}`, async (t) => {
      const seed = 100 + index;
      const errors: string[] = [];
      for (const port of ports) {
        const compiled = compileGraph(docFor(c, port), { steps: T, batch: B });
        const feeds = feedsFor(compiled, seed);
        const torch = torchOf(c, feeds);
        const expected = port === 'out' ? torch.output : port === 'h' ? torch.hN : torch.cN!;
        const reference = runReference(compiled.forward, feeds, ['out:o'])['out:o'];
        const got = port === 'out' ? reference.data : torchStateFrom(reference.data, B, parts(c), H);
        assert.deepEqual(reference.shape, port === 'out' ? [T, B, directions(c) * H] : [B, parts(c) * H], `${port}: shape`);
        const onnx = (await runOnce(ort, compiled.forward, tensorsFrom64(compiled.forward, feeds), { outputs: ['out:o'], name: `torch-parity:${index}:${port}` }))['out:o'];
        const ortGot = port === 'out' ? onnx.data : torchStateFrom(onnx.data, B, parts(c), H);
        const e = { reference: maxAbsDiff(got, expected), onnxruntime: relativeToScale(ortGot, expected) };
        errors.push(`${port}: reference ${e.reference.toExponential(2)}, onnxruntime ${e.onnxruntime.toExponential(2)}`);
        assert.ok(e.reference < REFERENCE_TOLERANCE, `${port}: max |ours − torch| = ${e.reference.toExponential(2)} on the reference executor`);
        assert.ok(e.onnxruntime < ORT_TOLERANCE, `${port}: relative error ${e.onnxruntime.toExponential(2)} on ONNX Runtime`);
      }
      t.diagnostic(errors.join('; '));
    });

    it(`${nameOf(c)}: weight gradients = finite differences of PyTorch's equations`, (t) => {
      const compiled = compileGraph(docFor(c, 'out'), { steps: T, batch: B });
      const feeds = feedsFor(compiled, 200 + index);
      const analytic = runReference(compiled.train, feeds, compiled.weights.map((w) => `grad:${w.param}`));
      const lossAt = (f: Record<string, Tensor64>) => mseLoss(torchOf(c, f).output, f.y);
      const ours = runReference(compiled.forward, feeds, ['loss']).loss.data[0];
      assert.ok(Math.abs(ours - lossAt(feeds)) < REFERENCE_TOLERANCE, 'the same loss');
      let worst = 0;
      for (const w of compiled.weights) {
        const base = feeds[w.param];
        const numeric = Float64Array.from(base.data, (_, i) => {
          const moved = (delta: number) => {
            const m = tensor(base.shape, base.data);
            m.data[i] += delta;
            return lossAt({ ...feeds, [w.param]: m });
          };
          return (8 * (moved(FD_STEP) - moved(-FD_STEP)) - (moved(2 * FD_STEP) - moved(-2 * FD_STEP))) / (12 * FD_STEP);
        });
        const error = normwise(analytic[`grad:${w.param}`].data, numeric);
        worst = Math.max(worst, error);
        assert.ok(error < GRADIENT_TOLERANCE, `grad:${w.param}: normwise relative error ${error.toExponential(2)}`);
      }
      t.diagnostic(`${compiled.weights.length} weights, worst normwise relative error ${worst.toExponential(2)}`);
    });
  }
});
