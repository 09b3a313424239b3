/**
 * Stacked and bidirectional recurrent blocks against TF.js Layers (a port of Keras), beyond the
 * one-layer checks of test/engine/blocks/keras-parity.test.ts:
 *
 * - `layers: 2` of elman, lstm and gru (resetAfter: false) = two tf.layers.simpleRNN / lstm / gru
 *   in a tf.sequential, the lower one returning sequences;
 * - a bidirectional block = tf.layers.bidirectional around the same layer, with merge modes
 *   concat, sum, mul and ave (our concat, sum, multiply, average), returning sequences or not;
 * - a bidirectional block with `layers: 2` = two tf.layers.bidirectional, the lower one
 *   concatenating and returning sequences.
 *
 * Our weights go to the TF.js model with one setWeights call, in our file order (layer by layer,
 * forward before backward), as docs/model-format.md tells users to do; the outputs agree to
 * float32 precision (1e-5) on the float64 reference executor and on ONNX Runtime. TF.js 4 has
 * only the resetAfter: false GRU (it throws on resetAfter: true; keras-parity.test.ts checks
 * that), so our default GRU is not among these.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { runOnce } from '../../../engine/executors/index.ts';
import { OrtExecutor } from '../../../engine/executors/onnx/ort.ts';
import { tensorsFrom64 } from '../../../engine/executors/tensors.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import { mulberry32, randomTensor } from '../../helpers/gradcheck.ts';
import { compile, graph, maxAbsDiff } from '../../helpers/graphs.ts';

const UNITS = 4;
const FEATURES = 3;
const STEPS = 6;
const BATCH = 2;
const TOLERANCE = 1e-5;

interface Cell {
  /** Our cell params, with `type`. */
  readonly ours: Record<string, unknown>;
  /** The matching TF.js layer. */
  readonly layer: (returnSequences: boolean, inputShape?: number[]) => tf.layers.Layer;
}

const shape = (inputShape?: number[]) => (inputShape ? { inputShape } : {});
const CELLS: Readonly<Record<string, Cell>> = {
  simpleRNN: { ours: { type: 'elman' }, layer: (returnSequences, s) => tf.layers.simpleRNN({ units: UNITS, returnSequences, ...shape(s) }) },
  lstm: { ours: { type: 'lstm' }, layer: (returnSequences, s) => tf.layers.lstm({ units: UNITS, recurrentActivation: 'sigmoid', returnSequences, ...shape(s) }) },
  gru: { ours: { type: 'gru', resetAfter: false }, layer: (returnSequences, s) => tf.layers.gru({ units: UNITS, recurrentActivation: 'sigmoid', returnSequences, ...shape(s) }) },
};

/** TF.js merge mode → ours. */
const MERGES = { concat: 'concat', sum: 'sum', mul: 'multiply', ave: 'average' } as const;
type TfMerge = keyof typeof MERGES;

interface Case {
  readonly name: string;
  /** Our block (type and params) between input x and output o. */
  readonly block: readonly [string, Record<string, unknown>];
  /** The TF.js layers, first one with the input shape. */
  readonly layers: () => tf.layers.Layer[];
  /** Features of the output. */
  readonly size: number;
  readonly returnSequences: boolean;
}

const INPUT = [STEPS, FEATURES];
const bidirectional = (cell: Cell, mergeMode: TfMerge, returnSequences: boolean, inputShape?: number[]) =>
  tf.layers.bidirectional({ layer: cell.layer(returnSequences) as tf.RNN, mergeMode, ...shape(inputShape) });

const CASES: readonly Case[] = Object.entries(CELLS).flatMap(([name, cell]) => {
  const { type, ...params } = cell.ours;
  const plain = (returnSequences: boolean): Case => ({
    name: `${type}${Object.keys(params).length > 0 ? ` ${JSON.stringify(params)}` : ''} with layers: 2, returnSequences ${returnSequences} = tf.layers.${name} × 2 in a tf.sequential`,
    block: [String(type), { units: UNITS, layers: 2, returnSequences, ...params }],
    layers: () => [cell.layer(true, INPUT), cell.layer(returnSequences)],
    size: UNITS,
    returnSequences,
  });
  const wrapped = (merge: TfMerge, returnSequences: boolean, layers: 1 | 2): Case => ({
    name: `bidirectional ${type}${layers === 2 ? ' with layers: 2' : ''}, merge ${MERGES[merge]}, returnSequences ${returnSequences} = ${layers === 2 ? `tf.layers.bidirectional(concat) then tf.layers.bidirectional(${merge})` : `tf.layers.bidirectional(tf.layers.${name}, mergeMode '${merge}')`}`,
    block: ['bidirectional', { cell: { ...cell.ours, units: UNITS, layers }, merge: MERGES[merge], returnSequences }],
    layers: () => (layers === 1 ? [bidirectional(cell, merge, returnSequences, INPUT)] : [bidirectional(cell, 'concat', true, INPUT), bidirectional(cell, merge, returnSequences)]),
    size: merge === 'concat' ? 2 * UNITS : UNITS,
    returnSequences,
  });
  return [
    plain(true),
    plain(false),
    ...(['concat', 'sum', 'mul', 'ave'] as const).map((merge) => wrapped(merge, true, 1)),
    wrapped('concat', false, 1),
    wrapped('ave', false, 1),
    wrapped('concat', true, 2),
    wrapped('mul', true, 2),
  ];
});

const float32 = (t: Tensor64): Tensor64 => tensor(t.shape, t.data.map(Math.fround));

describe('stacked and bidirectional blocks match TF.js Layers', () => {
  let ort: OrtExecutor;
  before(async () => {
    tf.enableProdMode();
    await tf.setBackend('cpu');
    ort = await OrtExecutor.create({ threads: 1 });
  });
  after(async () => {
    await ort.dispose();
  });

  for (const [index, c] of CASES.entries()) {
    it(c.name, async (t) => {
      const doc = graph({ x: ['input', { size: FEATURES }], r: c.block, o: ['output', { loss: 'meanSquaredError' }] }, ['x -> r', 'r -> o']);
      const compiled = compile(doc, STEPS, BATCH);
      const rng = mulberry32(500 + index);
      const feeds: Record<string, Tensor64> = {};
      for (const w of compiled.weights) feeds[w.param] = float32(randomTensor(w.shape, rng, 0.5));
      feeds.x = float32(randomTensor([STEPS, BATCH, FEATURES], rng, 1));
      for (const i of compiled.inputs) feeds[i.name] ??= tensor(i.shape);

      const expected = tf.tidy(() => {
        const model = tf.sequential({ layers: c.layers() });
        // One call, every weight in our file order: throws if any shape or the count differs.
        model.setWeights(compiled.weights.map((w) => tf.tensor(Float32Array.from(feeds[w.param].data), [...w.shape], 'float32')));
        const x = tf.transpose(tf.tensor(Float32Array.from(feeds.x.data), [STEPS, BATCH, FEATURES]), [1, 0, 2]);
        const y = model.predict(x) as tf.Tensor;
        return (c.returnSequences ? tf.transpose(y, [1, 0, 2]) : y).dataSync() as Float32Array;
      });
      const reference = runReference(compiled.forward, feeds, ['out:o'])['out:o'];
      assert.deepEqual(reference.shape, c.returnSequences ? [STEPS, BATCH, c.size] : [BATCH, c.size]);
      const onnx = (await runOnce(ort, compiled.forward, tensorsFrom64(compiled.forward, feeds), { outputs: ['out:o'], name: `tfjs-parity:${index}` }))['out:o'];
      const errors = { reference: maxAbsDiff(reference.data, expected), onnxruntime: maxAbsDiff(onnx.data, expected) };
      t.diagnostic(`max |ours − tfjs|: reference ${errors.reference.toExponential(2)}, onnxruntime ${errors.onnxruntime.toExponential(2)}`);
      assert.ok(errors.reference < TOLERANCE && errors.onnxruntime < TOLERANCE, JSON.stringify(errors));
    });
  }

  it('the weight order matters: forward and backward swapped in setWeights gives other outputs', () => {
    const doc = graph({ x: ['input', { size: FEATURES }], r: ['bidirectional', { cell: { type: 'lstm', units: UNITS } }], o: ['output'] }, ['x -> r', 'r -> o']);
    const compiled = compile(doc, STEPS, BATCH);
    const rng = mulberry32(3);
    const feeds: Record<string, Tensor64> = Object.fromEntries(compiled.weights.map((w) => [w.param, float32(randomTensor(w.shape, rng, 0.5))]));
    feeds.x = float32(randomTensor([STEPS, BATCH, FEATURES], rng, 1));
    for (const i of compiled.inputs) feeds[i.name] ??= tensor(i.shape);
    const ours = runReference(compiled.forward, feeds, ['out:o'])['out:o'].data;
    const swapped = [...compiled.weights.slice(3), ...compiled.weights.slice(0, 3)];
    const theirs = tf.tidy(() => {
      const model = tf.sequential({ layers: [bidirectional(CELLS.lstm, 'concat', true, INPUT)] });
      model.setWeights(swapped.map((w) => tf.tensor(Float32Array.from(feeds[w.param].data), [...w.shape], 'float32')));
      const x = tf.transpose(tf.tensor(Float32Array.from(feeds.x.data), [STEPS, BATCH, FEATURES]), [1, 0, 2]);
      return tf.transpose(model.predict(x) as tf.Tensor, [1, 0, 2]).dataSync() as Float32Array;
    });
    assert.ok(maxAbsDiff(ours, theirs) > 1e-3);
  });
});
