/**
 * Our Elman, LSTM and GRU against TF.js Layers (a port of Keras): loaded with the same kernel,
 * recurrentKernel and bias, the hidden state at every step agrees to 1e-5 on both executors.
 *
 * TF.js 4.22's GRU supports only resetAfter: false (its GRUCell throws on resetAfter: true), so
 * our default resetAfter: true form is checked here against the Keras 2 equations written out
 * in TF.js ops instead of against a layer.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { Compiled } from '../../../engine/compiler/compile.ts';
import { runOnce } from '../../../engine/executors/index.ts';
import { OrtExecutor } from '../../../engine/executors/onnx/ort.ts';
import { tensorsFrom64 } from '../../../engine/executors/tensors.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import { mulberry32, randomTensor } from '../../helpers/gradcheck.ts';
import { compile, graph, maxAbsDiff } from '../../helpers/graphs.ts';

const UNITS = 6;
const FEATURES = 3;
const STEPS = 7;
const BATCH = 2;
const TOLERANCE = 1e-5;

/** x [B, T, F] and the weights [kernel, recurrentKernel, bias] → the hidden states [B, T, H]. */
type KerasRnn = (x: tf.Tensor3D, weights: tf.Tensor[]) => tf.Tensor;

const viaLayer =
  (make: () => tf.layers.Layer): KerasRnn =>
  (x, weights) => {
    const layer = make();
    layer.apply(x); // builds the layer (calling build() directly makes apply() build it twice)
    layer.setWeights(weights);
    return layer.apply(x) as tf.Tensor;
  };

/** Keras 2 GRU with reset_after (bias [2, 3H]: input and recurrent), from its equations. */
const gruResetAfter: KerasRnn = (x, [kernel, recurrentKernel, bias]) => {
  const [inputBias, recurrentBias] = tf.unstack(bias);
  let h: tf.Tensor = tf.zeros([x.shape[0], UNITS]);
  const states: tf.Tensor[] = [];
  for (const xt of tf.unstack(x, 1)) {
    const [xz, xr, xh] = tf.split(tf.add(tf.matMul(xt, kernel), inputBias), 3, 1);
    const [hz, hr, hh] = tf.split(tf.add(tf.matMul(h, recurrentKernel), recurrentBias), 3, 1);
    const z = tf.sigmoid(tf.add(xz, hz));
    const r = tf.sigmoid(tf.add(xr, hr));
    const candidate = tf.tanh(tf.add(xh, tf.mul(r, hh)));
    h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate));
    states.push(h);
  }
  return tf.stack(states, 1);
};

const CASES: readonly { name: string; block: readonly [string, Record<string, unknown>]; keras: KerasRnn }[] = [
  {
    name: 'elman = tf.layers.simpleRNN',
    block: ['elman', { units: UNITS }],
    keras: viaLayer(() => tf.layers.simpleRNN({ units: UNITS, returnSequences: true })),
  },
  {
    name: 'lstm = tf.layers.lstm',
    block: ['lstm', { units: UNITS }],
    keras: viaLayer(() => tf.layers.lstm({ units: UNITS, recurrentActivation: 'sigmoid', returnSequences: true })),
  },
  {
    name: 'gru (resetAfter: false) = tf.layers.gru',
    block: ['gru', { units: UNITS, resetAfter: false }],
    keras: viaLayer(() => tf.layers.gru({ units: UNITS, recurrentActivation: 'sigmoid', returnSequences: true })),
  },
  { name: 'gru (resetAfter: true) = the Keras 2 reset_after equations in TF.js ops', block: ['gru', { units: UNITS, resetAfter: true }], keras: gruResetAfter },
];

const float32 = (t: Tensor64): Tensor64 => tensor(t.shape, t.data.map(Math.fround));

/** input → rnn → output: the prediction 'out:o' is the rnn's hidden state at every step, [T, B, H]. */
function ours(block: readonly [string, Record<string, unknown>]): { compiled: Compiled; feeds: Record<string, Tensor64> } {
  const doc = graph({ x: ['input', { size: FEATURES }], rnn: [block[0], { ...block[1], returnSequences: true }], o: ['output', { loss: 'meanSquaredError' }] }, ['x -> rnn', 'rnn -> o']);
  const compiled = compile(doc, STEPS, BATCH);
  const rng = mulberry32(7);
  const feeds: Record<string, Tensor64> = {};
  for (const w of compiled.weights) feeds[w.param] = float32(randomTensor(w.shape, rng, 0.5));
  feeds.x = float32(randomTensor([STEPS, BATCH, FEATURES], rng, 1));
  feeds.y = tensor([STEPS, BATCH, UNITS]);
  return { compiled, feeds };
}

/** The TF.js hidden states for our feeds, time-major [T, B, H] like ours. */
function theirs(keras: KerasRnn, feeds: Record<string, Tensor64>): Float32Array {
  return tf.tidy(() => {
    // TF.js takes Float32Array, not Float64Array; the feeds are float32-exact, so nothing is lost.
    const toTf = (t: Tensor64) => tf.tensor(Float32Array.from(t.data), [...t.shape], 'float32');
    const x = tf.transpose(toTf(feeds.x), [1, 0, 2]) as tf.Tensor3D;
    const weights = ['kernel', 'recurrentKernel', 'bias'].map((name) => toTf(feeds[`rnn.${name}`]));
    return tf.transpose(keras(x, weights), [1, 0, 2]).dataSync() as Float32Array;
  });
}

describe('recurrent blocks match TF.js Layers', () => {
  let ort: OrtExecutor;
  before(async () => {
    tf.enableProdMode(); // no "install tfjs-node" hint
    await tf.setBackend('cpu');
    ort = await OrtExecutor.create({ threads: 1 });
  });
  after(async () => {
    await ort.dispose();
  });

  it('TF.js GRU refuses resetAfter: true (so that form is checked against its equations)', () => {
    // resetAfter is declared on the cell's args, not the layer's, but the layer passes it on.
    const args = { units: UNITS, resetAfter: true };
    assert.throws(() => tf.layers.gru(args), /does not support reset_after/);
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const { compiled, feeds } = ours(c.block);
      const expected = theirs(c.keras, feeds);
      const reference = runReference(compiled.forward, feeds, ['out:o'])['out:o'];
      assert.deepEqual(reference.shape, [STEPS, BATCH, UNITS]);
      const onnx = (await runOnce(ort, compiled.forward, tensorsFrom64(compiled.forward, feeds), { outputs: ['out:o'], name: c.name }))['out:o'];
      const errors = { reference: maxAbsDiff(reference.data, expected), onnxruntime: maxAbsDiff(onnx.data, expected) };
      const report = Object.entries(errors).map(([executor, e]) => `${executor} ${e.toExponential(2)}`).join(', ');
      assert.ok(errors.reference < TOLERANCE && errors.onnxruntime < TOLERANCE, `max |ours − tfjs|: ${report}`);
    });
  }
});
