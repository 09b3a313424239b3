/**
 * The weights of the peephole LSTM, the CTRNN and the Jordan block with its options go through a
 * model file unchanged, under the names and in the order docs/model-format.md gives (Keras's
 * set_weights order for the peephole LSTM), and fit the graph they were written from.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkWeightsAgainst, readModelText, weightsToMap, writeModel } from '../../../engine/model/file.ts';
import { initWeights } from '../../../engine/model/init.ts';
import { compile, graph } from '../../helpers/graphs.ts';

const doc = graph(
  {
    x: ['input', { size: 3 }],
    peep: ['peepholeLstm', { units: 4 }],
    leaky: ['ctrnn', { units: 5, dt: 0.5, tauInit: 3 }],
    ctx: ['jordan', { units: 4, outputUnits: 2, feedback: 'preActivation', contextDecay: 0.5 }],
    o: ['output', { loss: 'meanSquaredError' }],
  },
  ['x -> peep', 'peep -> leaky', 'leaky -> ctx', 'ctx -> o'],
);

describe('model files with the new recurrent blocks', () => {
  for (const encoding of ['json', 'base64'] as const) {
    it(`${encoding}: names, order, shapes and every value survive a write and a read`, () => {
      const compiled = compile(doc, 3, 1);
      const weights = initWeights(compiled.weights, 4);
      const read = readModelText(writeModel({ graph: doc, weights, weightInfo: compiled.weights, encoding }));
      assert.ok(read.ok, read.ok ? '' : read.errors.map((e) => e.message).join('\n'));
      const stored = read.model.weights;
      assert.deepEqual(Object.keys(stored.peep), ['kernel', 'recurrentKernel', 'bias', 'peepholeInput', 'peepholeForget', 'peepholeOutput']);
      assert.deepEqual(Object.keys(stored.leaky), ['kernel', 'recurrentKernel', 'bias', 'tauRaw']);
      assert.deepEqual(Object.keys(stored.ctx), ['kernel', 'recurrentKernel', 'bias', 'outputKernel', 'outputBias']);
      assert.deepEqual(stored.peep.peepholeOutput.shape, [4]);
      assert.deepEqual(stored.peep.kernel.shape, [3, 16]);
      assert.deepEqual(stored.leaky.tauRaw.shape, [5]);
      const map = weightsToMap(read.model);
      assert.deepEqual(checkWeightsAgainst(compiled.weights, map), []);
      for (const [param, values] of weights) assert.deepEqual(map.get(param), values, param);
    });
  }
});
