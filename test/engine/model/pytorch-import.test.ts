/**
 * Importing PyTorch weights (engine/model/pytorch.ts) against torch.nn.RNN / LSTM / GRU as
 * PyTorch documents them (test/helpers/torch-reference.ts: float64 loops that read the
 * PyTorch-layout tensors directly and share nothing with the engine).
 *
 * For RNN, LSTM and GRU × 1 and 2 layers × one and two directions × with and without bias, a
 * state dict of random numbers under a prefix, written as export-pytorch-weights.py writes it,
 * is imported into a graph node; the compiled network then gives PyTorch's output, h_n and c_n:
 * to 1e-9 on the float64 reference executor and to float32 precision (1e-5 relative to the
 * largest value) on ONNX Runtime. The values have 12 significant bits, so b_ih + b_hh is exact in
 * float32 and 1e-9 checks the mapping itself; with ordinary float32 values the folded bias rounds
 * once, which is measured separately.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { runOnce } from '../../../engine/executors/index.ts';
import { OrtExecutor } from '../../../engine/executors/onnx/ort.ts';
import { tensorsFrom64 } from '../../../engine/executors/tensors.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import { importTorchWeights, parseTorchStateDictText } from '../../../engine/model/pytorch.ts';
import { mulberry32 } from '../../helpers/gradcheck.ts';
import { graph, maxAbsDiff, relativeToScale } from '../../helpers/graphs.ts';
import { type TorchKind, type TorchParams, torchForward, torchStateFrom } from '../../helpers/torch-reference.ts';
import { type DictCase, arbitrary, dyadic, mirrored, torchDict } from './torch-dicts.ts';

const T = 5;
const B = 2;
const F = 3;
const H = 4;
const REFERENCE_TOLERANCE = 1e-9;
const ORT_TOLERANCE = 1e-5;

const BLOCK: Readonly<Record<TorchKind, string>> = { RNN: 'elman', LSTM: 'lstm', GRU: 'gru' };

const CASES: readonly DictCase[] = (['RNN', 'LSTM', 'GRU'] as const).flatMap((kind) =>
  [1, 2].flatMap((numLayers) =>
    [false, true].flatMap((bidirectional) => [true, false].map((bias) => ({ kind, inputSize: F, hiddenSize: H, numLayers, bidirectional, bias }))),
  ),
);

const nameOf = (c: DictCase) =>
  `nn.${c.kind}(${F}, ${H}${c.numLayers > 1 ? `, num_layers=${c.numLayers}` : ''}${c.bias ? '' : ', bias=False'}${c.bidirectional ? ', bidirectional=True' : ''})`;
const parts = (c: DictCase) => (c.bidirectional ? 2 : 1) * c.numLayers;

/** x → r → o, with output port `port` of r going to the output block. */
function docFor(c: DictCase, port: 'out' | 'h' | 'c', more: Record<string, unknown> = {}): GraphDocument {
  const cell = { units: H, layers: c.numLayers, ...more };
  const r: readonly [string, Record<string, unknown>] = c.bidirectional ? ['bidirectional', { cell: { type: BLOCK[c.kind], ...cell }, merge: 'concat' }] : [BLOCK[c.kind], cell];
  return graph({ x: ['input', { size: F }], r, o: ['output', { loss: 'meanSquaredError' }] }, ['x -> r', `r.${port} -> o`]);
}

/** The dict's JSON as text and read back, as the CLI reads it. */
function parsed(json: unknown) {
  const read = parseTorchStateDictText(JSON.stringify(json));
  if (!read.ok) assert.fail(read.errors.join('\n'));
  return read.dict;
}

/** x [T, B, F], float32-exact. */
const inputOf = (rng: () => number): Tensor64 => tensor([T, B, F], Array.from({ length: T * B * F }, () => dyadic(rng) * 2));

/** Imports `params`' dict into node r of `doc` and runs it on x: our feeds, and the forward graph's prediction. */
function importAndFeed(doc: GraphDocument, json: unknown, x: Tensor64, prefix?: string) {
  const result = importTorchWeights(doc, 'r', parsed(json), prefix === undefined ? {} : { prefix });
  if (!result.ok) assert.fail(result.errors.join('\n'));
  const compiled = compileGraph(doc, { steps: T, batch: B });
  const feeds: Record<string, Tensor64> = { x };
  for (const w of compiled.weights) {
    const values = result.weights.get(w.param);
    assert.ok(values, `${w.param} imported`);
    assert.equal(values.length, w.shape.reduce((a, b) => a * b, 1), `${w.param} size`);
    feeds[w.param] = tensor(w.shape, values);
  }
  for (const i of compiled.inputs) if (!feeds[i.name]) feeds[i.name] = tensor(i.shape);
  return { compiled, feeds, result };
}

/** What PyTorch's port `port` is, in our layout's order: output [T, B, D·H] as it is; h_n / c_n [D·L, B, H] compared after moving ours there. */
function theirs(c: DictCase, params: TorchParams, x: Tensor64, port: 'out' | 'h' | 'c'): Float64Array {
  const torch = torchForward(c, params, x.data, T, B);
  return port === 'out' ? torch.output : port === 'h' ? torch.hN : torch.cN!;
}
const oursAs = (c: DictCase, port: 'out' | 'h' | 'c', data: ArrayLike<number>) => (port === 'out' ? data : torchStateFrom(data, B, parts(c), H));

describe('PyTorch state dicts imported into elman, lstm, gru and bidirectional blocks match torch.nn (its documented equations, float64)', () => {
  let ort: OrtExecutor;
  before(async () => {
    ort = await OrtExecutor.create({ threads: 1 });
  });
  after(async () => {
    await ort.dispose();
  });

  for (const [index, c] of CASES.entries()) {
    const ports = c.kind === 'LSTM' ? (['out', 'h', 'c'] as const) : (['out', 'h'] as const);
    it(`${nameOf(c)} → ${c.bidirectional ? `bidirectional ${BLOCK[c.kind]}` : BLOCK[c.kind]}: output, h_n${c.kind === 'LSTM' ? ', c_n' : ''}`, async (t) => {
      const rng = mulberry32(1000 + index);
      // Every other case under a nested prefix given without its final dot; the rest found on their own.
      const prefix = index % 2 === 0 ? 'encoder.rnn.' : 'rnn.';
      const { json, params } = torchDict(c, rng, { prefix });
      const x = inputOf(rng);
      const report: string[] = [];
      for (const port of ports) {
        const { compiled, feeds, result } = importAndFeed(docFor(c, port), json, x, index % 2 === 0 ? 'encoder.rnn' : undefined);
        assert.equal(result.module.prefix, prefix);
        assert.equal(result.notes.some((n) => /bias=False/.test(n)), !c.bias, 'a note says the biases are zero');
        const expected = theirs(c, params, x, port);
        const reference = runReference(compiled.forward, feeds, ['out:o'])['out:o'];
        const onnx = (await runOnce(ort, compiled.forward, tensorsFrom64(compiled.forward, feeds), { outputs: ['out:o'], name: `pytorch-import:${index}:${port}` }))['out:o'];
        const e = { reference: maxAbsDiff(oursAs(c, port, reference.data), expected), onnxruntime: relativeToScale(oursAs(c, port, onnx.data), expected) };
        report.push(`${port}: reference ${e.reference.toExponential(2)}, onnxruntime ${e.onnxruntime.toExponential(2)}`);
        assert.ok(e.reference <= REFERENCE_TOLERANCE, `${port}: max |ours − torch| = ${e.reference.toExponential(2)} on the reference executor`);
        assert.ok(e.onnxruntime <= ORT_TOLERANCE, `${port}: relative error ${e.onnxruntime.toExponential(2)} on ONNX Runtime`);
      }
      t.diagnostic(report.join('; '));
    });
  }

  it('ordinary float32 values: b_ih + b_hh folded into one float32 bias rounds once (measured), GRU biases stay exact', (t) => {
    const report: string[] = [];
    for (const kind of ['RNN', 'LSTM', 'GRU'] as const) {
      const c: DictCase = { kind, inputSize: F, hiddenSize: H, numLayers: 2, bidirectional: true, bias: true };
      const rng = mulberry32(77);
      const { json, params } = torchDict(c, rng, { draw: arbitrary });
      const x = inputOf(rng);
      const { compiled, feeds } = importAndFeed(docFor(c, 'out'), json, x);
      const error = maxAbsDiff(runReference(compiled.forward, feeds, ['out:o'])['out:o'].data, theirs(c, params, x, 'out'));
      report.push(`${kind} ${error.toExponential(2)}`);
      // One rounding of a bias of size ~1 is ≤ 2⁻²⁴ ≈ 6e-8; through a few steps it stays of that order.
      assert.ok(error < (kind === 'GRU' ? REFERENCE_TOLERANCE : 1e-6), `${kind}: ${error.toExponential(2)}`);
    }
    t.diagnostic(`max |ours − torch| on the reference executor: ${report.join(', ')}`);
  });

  it('nn.RNN(nonlinearity="relu") into an elman block with activation relu', (t) => {
    const c: DictCase = { kind: 'RNN', inputSize: F, hiddenSize: H, numLayers: 1, bidirectional: false, bias: true };
    const rng = mulberry32(5);
    const { json, params } = torchDict(c, rng, { record: { nonlinearity: 'relu' } });
    const x = inputOf(rng);
    const { compiled, feeds, result } = importAndFeed(docFor(c, 'out', { activation: 'relu' }), json, x);
    assert.deepEqual(result.notes, [], 'the nonlinearity is recorded, so nothing is assumed');
    // h_t = relu(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), from PyTorch's documentation.
    const expected = new Float64Array(T * B * H);
    for (let b = 0; b < B; b++) {
      let h = new Float64Array(H);
      for (let s = 0; s < T; s++) {
        h = Float64Array.from({ length: H }, (_, j) => {
          let v = params.bias_ih_l0[j] + params.bias_hh_l0[j];
          for (let i = 0; i < F; i++) v += params.weight_ih_l0[j * F + i] * x.data[(s * B + b) * F + i];
          for (let k = 0; k < H; k++) v += params.weight_hh_l0[j * H + k] * h[k];
          return Math.max(0, v);
        });
        expected.set(h, (s * B + b) * H);
      }
    }
    assert.ok(expected.some((v) => v === 0) && expected.some((v) => v > 0), 'relu clips some units and passes others');
    const error = maxAbsDiff(runReference(compiled.forward, feeds, ['out:o'])['out:o'].data, expected);
    t.diagnostic(`max |ours − torch| ${error.toExponential(2)}`);
    assert.ok(error <= REFERENCE_TOLERANCE, error.toExponential(2));
  });

  it('notes: an nn.RNN whose nonlinearity the file does not record, dropout between layers', () => {
    const rnn: DictCase = { kind: 'RNN', inputSize: F, hiddenSize: H, numLayers: 1, bidirectional: false, bias: true };
    const bare = importAndFeed(docFor(rnn, 'out'), torchDict(rnn, mulberry32(1)).json, inputOf(mulberry32(2))).result;
    assert.deepEqual(bare.notes, [
      "the file does not record the nn.RNN's nonlinearity (a bare state_dict() does not hold it): node 'r' uses 'tanh', which must be what the module was built with",
    ]);
    const lstm: DictCase = { kind: 'LSTM', inputSize: F, hiddenSize: H, numLayers: 2, bidirectional: false, bias: true };
    const dropped = importAndFeed(docFor(lstm, 'out'), torchDict(lstm, mulberry32(1), { record: { dropout: 0.25 } }).json, inputOf(mulberry32(2))).result;
    assert.deepEqual(dropped.notes, [
      "the module has dropout=0.25 between its layers, which PyTorch applies in training only; RNN Studio has none, so outputs match PyTorch's in eval() mode",
    ]);
  });

  it('the checks can fail: directions swapped, GRU gates unpermuted or b_hh dropped each change the output', () => {
    const c: DictCase = { kind: 'GRU', inputSize: F, hiddenSize: H, numLayers: 2, bidirectional: true, bias: true };
    const rng = mulberry32(9);
    const { json, params } = torchDict(c, rng);
    const x = inputOf(rng);
    const { compiled, feeds } = importAndFeed(docFor(c, 'out'), json, x);
    const ours = runReference(compiled.forward, feeds, ['out:o'])['out:o'].data;
    const run = (p: TorchParams) => torchForward(c, p, x.data, T, B).output;
    assert.ok(maxAbsDiff(ours, run(params)) <= REFERENCE_TOLERANCE, 'as imported');
    const swapRz = (w: Float64Array) => {
      const n = w.length / 3;
      return Float64Array.from(w, (_, i) => (i < n ? w[i + n] : i < 2 * n ? w[i - n] : w[i]));
    };
    assert.ok(maxAbsDiff(ours, run(mirrored(params))) > 1e-3, 'with the directions swapped');
    assert.ok(maxAbsDiff(ours, run(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, swapRz(v)])))) > 1e-3, 'with r and z swapped');
    const noHh = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, k.startsWith('bias_hh') ? new Float64Array(v.length) : v]));
    assert.ok(maxAbsDiff(ours, run(noHh)) > 1e-3, 'without b_hh');
  });
});
