/**
 * The promises docs/model-format.md makes about the weights in a model file, checked on weights
 * that went through writeModel and readModel:
 *
 * - TF.js Layers (a port of Keras) accepts them with setWeights as they are, in node order, and
 *   then computes what our engine computes;
 * - rearranged into PyTorch's layout as the page describes (transpose, GRU gates r, z, n), they
 *   give our outputs through PyTorch's own equations for nn.RNN, nn.LSTM and nn.GRU (written out
 *   here in float64 from PyTorch's documentation, as PyTorch itself cannot run in these tests).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../../../engine/graph/schema.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import { readModelText, weightsToMap, writeModel } from '../../../engine/model/file.ts';
import { mulberry32 } from '../../helpers/gradcheck.ts';

const T = 5;
const B = 2;
const F = 3;


function chain(blocks: readonly (readonly [id: string, type: string, params: Record<string, unknown>])[]): GraphDocument {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: 'interop',
    nodes: blocks.map(([id, type, params], i) => ({ id, type, params, position: { x: 200 * i, y: 0 } })),
    edges: blocks.slice(1).map(([id], i) => ({ id: `e${i}`, source: blocks[i][0], sourcePort: 'out', target: id, targetPort: 'in' })),
  };
}

/**
 * Random weights for `doc` written to a model file and read back; plus an input x [T, B, F] and
 * our reference executor's prediction of output block 'o'.
 */
function throughModelFile(doc: GraphDocument, seed: number) {
  const compiled = compileGraph(doc, { steps: T, batch: B });
  const rng = mulberry32(seed);
  const values = new Map(compiled.weights.map((w) => [w.param, Float32Array.from({ length: w.shape.reduce((a, b) => a * b, 1) }, () => rng() - 0.5)]));
  const read = readModelText(writeModel({ graph: doc, weights: values, weightInfo: compiled.weights, encoding: 'base64' }));
  if (!read.ok) assert.fail(read.errors.map((e) => e.message).join('\n'));
  const model = read.model;
  const weights = weightsToMap(model);
  const x = tensor([T, B, F], Float32Array.from({ length: T * B * F }, () => rng() * 2 - 1));
  const feeds: Record<string, Tensor64> = { x };
  for (const w of compiled.weights) feeds[w.param] = tensor(w.shape, weights.get(w.param));
  const yShape = compiled.inputs.find((i) => i.name === 'y')!.shape;
  feeds.y = tensor(yShape);
  const ours = runReference(compiled.forward, feeds, ['out:o'])['out:o'];
  return { model, weights, x, ours };
}

describe('model file weights load into TF.js with setWeights', () => {
  before(async () => {
    tf.enableProdMode();
    await tf.setBackend('cpu');
  });

  it('lstm → gru (resetAfter: false) → elman → dense, in node order', () => {
    const doc = chain([
      ['x', 'input', { size: F }],
      ['lstm', 'lstm', { units: 4 }],
      ['gru', 'gru', { units: 3, resetAfter: false }],
      ['rnn', 'elman', { units: 2, returnSequences: false }],
      ['d', 'dense', { units: 2 }],
      ['o', 'output', {}],
    ]);
    const { model, x, ours } = throughModelFile(doc, 11);
    const keras = tf.sequential({
      layers: [
        tf.layers.lstm({ units: 4, recurrentActivation: 'sigmoid', returnSequences: true, inputShape: [T, F] }),
        tf.layers.gru({ units: 3, recurrentActivation: 'sigmoid', returnSequences: true }),
        tf.layers.simpleRNN({ units: 2, returnSequences: false }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    // What the docs tell users to do: every weight in file order (node by node, kernel,
    // recurrentKernel, bias), as tf.tensor(values, shape).
    const values = weightsToMap(model);
    const tensors = Object.entries(model.weights).flatMap(([node, byName]) => Object.entries(byName).map(([name, w]) => tf.tensor(values.get(`${node}.${name}`)!, w.shape)));
    keras.setWeights(tensors); // throws if any shape differs from what Keras expects
    const input = tf.transpose(tf.tensor(Float32Array.from(x.data), [T, B, F]), [1, 0, 2]);
    const theirs = (keras.predict(input) as tf.Tensor).dataSync();
    assert.deepEqual(ours.shape, [B, 2]);
    const worst = Math.max(...Array.from(theirs, (v, i) => Math.abs(v - ours.data[i])));
    assert.ok(worst < 1e-5, `max |ours − tfjs| = ${worst}`);
  });
});

// ── PyTorch ──────────────────────────────────────────────────────────────────────────────────

/** Gate order: PyTorch's gate block k is Keras's gate block ORDER[k]. LSTM i,f,g,o = i,f,c,o; GRU r,z,n from z,r,h. */
const TORCH_ORDER = { elman: [0], lstm: [0, 1, 2, 3], gru: [1, 0, 2] } as const;

/** A Keras kernel [rows, G·H] → PyTorch weight [G·H, rows]: transposed, gate blocks reordered. */
function torchWeight(kernel: Float32Array, rows: number, order: readonly number[]): Float64Array {
  const cols = kernel.length / rows;
  const h = cols / order.length;
  const out = new Float64Array(kernel.length);
  for (let k = 0; k < order.length; k++)
    for (let j = 0; j < h; j++) for (let r = 0; r < rows; r++) out[(k * h + j) * rows + r] = kernel[r * cols + order[k] * h + j];
  return out;
}

/** A Keras bias vector [G·H] (or row `row` of a [2, G·H] bias) → PyTorch order. */
function torchBias(bias: Float32Array, width: number, order: readonly number[], row = 0): Float64Array {
  const h = width / order.length;
  return Float64Array.from({ length: width }, (_, i) => bias[row * width + order[Math.floor(i / h)] * h + (i % h)]);
}

/** W [rows, cols] · v [cols] + b */
function affine(w: Float64Array, v: ArrayLike<number>, b: Float64Array): Float64Array {
  const cols = v.length;
  return b.map((bias, r) => {
    let sum = bias;
    for (let c = 0; c < cols; c++) sum += w[r * cols + c] * v[c];
    return sum;
  });
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

interface TorchRnn {
  readonly weight_ih_l0: Float64Array;
  readonly weight_hh_l0: Float64Array;
  readonly bias_ih_l0: Float64Array;
  readonly bias_hh_l0: Float64Array;
}

/**
 * One step of nn.RNN, nn.LSTM or nn.GRU for one example, as PyTorch documents them:
 *   RNN:  h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
 *   LSTM: i, f, g, o = chunks of W_ih x + b_ih + W_hh h + b_hh;  c' = σ(f) c + σ(i) tanh(g);  h' = σ(o) tanh(c')
 *   GRU:  r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz),
 *         n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),  h' = (1 − z) ⊙ n + z ⊙ h
 */
function torchStep(kind: keyof typeof TORCH_ORDER, p: TorchRnn, x: ArrayLike<number>, h: Float64Array, c: Float64Array): { h: Float64Array; c: Float64Array } {
  const H = h.length;
  const gi = affine(p.weight_ih_l0, x, p.bias_ih_l0);
  const gh = affine(p.weight_hh_l0, h, p.bias_hh_l0);
  switch (kind) {
    case 'elman':
      return { h: gi.map((v, j) => Math.tanh(v + gh[j])), c };
    case 'lstm': {
      const g = gi.map((v, j) => v + gh[j]);
      const cNext = c.map((cj, j) => sigmoid(g[H + j]) * cj + sigmoid(g[j]) * Math.tanh(g[2 * H + j]));
      return { h: cNext.map((cj, j) => sigmoid(g[3 * H + j]) * Math.tanh(cj)), c: cNext };
    }
    case 'gru':
      return {
        h: h.map((hj, j) => {
          const r = sigmoid(gi[j] + gh[j]);
          const z = sigmoid(gi[H + j] + gh[H + j]);
          const n = Math.tanh(gi[2 * H + j] + r * gh[2 * H + j]);
          return (1 - z) * n + z * hj;
        }),
        c,
      };
  }
}

describe('model file weights, rearranged as documented, run PyTorch\'s equations', () => {
  const CASES = [
    { kind: 'elman', params: { units: 4 } },
    { kind: 'lstm', params: { units: 4 } },
    { kind: 'gru', params: { units: 4, resetAfter: true } },
  ] as const;

  for (const c of CASES) {
    it(`${c.kind}: weight_ih_l0 = kernelᵀ and weight_hh_l0 = recurrentKernelᵀ, gates ${c.kind === 'gru' ? 'r, z, n = Keras z, r, h permuted' : 'in Keras order'}`, () => {
      const H = c.params.units;
      const doc = chain([
        ['x', 'input', { size: F }],
        ['rnn', c.kind, c.params],
        ['o', 'output', {}],
      ]);
      const { model, weights, x, ours } = throughModelFile(doc, 5);
      assert.deepEqual(ours.shape, [T, B, H]);
      const order = TORCH_ORDER[c.kind];
      const G = order.length;
      const bias = weights.get('rnn.bias')!;
      const torch: TorchRnn = {
        weight_ih_l0: torchWeight(weights.get('rnn.kernel')!, F, order),
        weight_hh_l0: torchWeight(weights.get('rnn.recurrentKernel')!, H, order),
        // A GRU with resetAfter stores [2, 3H]: row 0 is b_ih, row 1 is b_hh. The others have one
        // bias; PyTorch adds b_ih and b_hh, so all of it goes to b_ih.
        bias_ih_l0: torchBias(bias, G * H, order, 0),
        bias_hh_l0: model.weights.rnn.bias.shape.length === 2 ? torchBias(bias, G * H, order, 1) : new Float64Array(G * H),
      };
      let worst = 0;
      for (let b = 0; b < B; b++) {
        let state: { h: Float64Array; c: Float64Array } = { h: new Float64Array(H), c: new Float64Array(H) };
        for (let t = 0; t < T; t++) {
          const xt = x.data.subarray((t * B + b) * F, (t * B + b + 1) * F);
          state = torchStep(c.kind, torch, xt, state.h, state.c);
          for (let j = 0; j < H; j++) worst = Math.max(worst, Math.abs(state.h[j] - ours.data[(t * B + b) * H + j]));
        }
      }
      assert.ok(worst < 1e-9, `max |ours − PyTorch equations| = ${worst}`);
    });
  }

  it('the GRU permutation is not the identity (a check that would pass unpermuted proves nothing)', () => {
    const doc = chain([
      ['x', 'input', { size: F }],
      ['rnn', 'gru', { units: 4, resetAfter: true }],
      ['o', 'output', {}],
    ]);
    const { weights, x, ours } = throughModelFile(doc, 5);
    const bias = weights.get('rnn.bias')!;
    const identity = [0, 1, 2];
    const torch: TorchRnn = {
      weight_ih_l0: torchWeight(weights.get('rnn.kernel')!, F, identity),
      weight_hh_l0: torchWeight(weights.get('rnn.recurrentKernel')!, 4, identity),
      bias_ih_l0: torchBias(bias, 12, identity, 0),
      bias_hh_l0: torchBias(bias, 12, identity, 1),
    };
    const h = torchStep('gru', torch, x.data.subarray(0, F), new Float64Array(4), new Float64Array(4)).h;
    assert.ok(Math.max(...h.map((v, j) => Math.abs(v - ours.data[j]))) > 1e-3);
  });
});
