/**
 * predict(): inputs as people write them (batch-major), answers checked against values worked
 * out by hand from the weights, on both executors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReferenceExecutor, chooseExecutor, type Executor } from '../../../engine/executors/index.ts';
import { InputError, predict } from '../../../engine/inference/predict.ts';
import { graph } from '../../helpers/graphs.ts';

const { executor: ort } = await chooseExecutor('auto');
const executors: [string, Executor][] = [
  ['reference', new ReferenceExecutor()],
  ['onnxruntime', ort],
];

const close = (a: readonly number[], b: readonly number[]) => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6, `element ${i}: ${v} vs ${b[i]}`));
};

describe('predict', () => {
  for (const [name, executor] of executors) {
    it(`a vector input: y = x·W + b for each example (${name})`, async () => {
      const doc = graph({ x: ['input', { size: 2, sequence: false }], d: ['dense', { units: 1 }], o: ['output'] }, ['x -> d', 'd -> o']);
      const weights = new Map([
        ['d.kernel', Float32Array.of(2, -3)],
        ['d.bias', Float32Array.of(0.5)],
      ]);
      const r = await predict(doc, weights, { x: [[1, 1], [0.25, -2], [0, 0]] }, executor);
      assert.deepEqual(r.outputs.o.shape, [3, 1]);
      close(r.outputs.o.data, [2 - 3 + 0.5, 0.5 + 6 + 0.5, 0.5]);
    });

    it(`a sequence through a delay comes back batch-major and shifted by one step (${name})`, async () => {
      const doc = graph({ x: ['input', { size: 2 }], z: ['delay'], o: ['output'] }, ['x -> z', 'z -> o']);
      const examples = [
        [[1, 2], [3, 4], [5, 6]],
        [[-1, -2], [-3, -4], [-5, -6]],
      ];
      const r = await predict(doc, new Map(), { x: examples }, executor);
      assert.deepEqual(r.outputs.o.shape, [2, 3, 2]);
      close(r.outputs.o.data, [0, 0, 1, 2, 3, 4, 0, 0, -1, -2, -3, -4]);
      assert.equal(r.steps, 3);
    });

    it(`token ids pick rows of the embedding (${name})`, async () => {
      const doc = graph({ x: ['input', { kind: 'tokens', size: 3 }], e: ['embedding', { dim: 2 }], o: ['output'] }, ['x -> e', 'e -> o']);
      const weights = new Map([['e.embeddings', Float32Array.of(10, 11, 20, 21, 30, 31)]]);
      const r = await predict(doc, weights, { x: [[2, 0], [1, 1]] }, executor);
      assert.deepEqual(r.outputs.o.shape, [2, 2, 2]);
      close(r.outputs.o.data, [30, 31, 10, 11, 20, 21, 20, 21]);
    });
  }

  const doc = graph({ x: ['input', { size: 2 }], z: ['delay'], o: ['output'] }, ['x -> z', 'z -> o']);
  const bad: [string, unknown, RegExp][] = [
    ['not an object', [1, 2], /expected a JSON object/],
    ['an unknown input', { x: [[[1, 2]]], y: [] }, /input 'y' is not an input node of this graph \(inputs: 'x'\)/],
    ['a missing input', {}, /input 'x' is missing/],
    ['an empty batch', { x: [] }, /the batch is empty/],
    ['an example that is not a list of steps', { x: [7] }, /example 0 should be a list of time steps/],
    ['examples of different lengths', { x: [[[1, 2]], [[1, 2], [3, 4]]] }, /example 1 has 2 steps, example 0 has 1/],
    ['a wrong feature count', { x: [[[1, 2], [3]]] }, /input 'x' example 0 step 1: has 1 feature, expected 2/],
    ['a value that is not a number', { x: [[[1, 'two']]] }, /example 0 step 0 feature 1: "two" is not a finite number/],
  ];
  for (const [what, input, message] of bad)
    it(`rejects ${what}, naming where`, async () => {
      await assert.rejects(predict(doc, new Map(), input, new ReferenceExecutor()), (e: unknown) => e instanceof InputError && message.test(e.message));
    });

  it('feeds each input block its own data, keyed by node id, also when two read the same stream', async () => {
    const two = graph({ a: ['input'], b: ['input'], c: ['concat'], o: ['output'] }, ['a -> c.a', 'b -> c.b', 'c -> o']);
    for (const [name, executor] of executors) {
      const r = await predict(two, new Map(), { a: [[[1], [2]]], b: [[[10], [20]]] }, executor);
      assert.deepEqual(r.outputs.o.shape, [1, 2, 2], name);
      close(r.outputs.o.data, [1, 10, 2, 20]);
    }
  });

  const outOfRange: [string, unknown, RegExp][] = [
    ['a value that overflows float32', { x: [[[1, 2]], [[3, 1e39]]] }, /input 'x' example 1 step 0 feature 1: 1e\+39 is outside float32's range/],
    ['an infinite value', { x: [[[1, 2], [-Infinity, 0]]] }, /input 'x' example 0 step 1 feature 0: -Infinity is not a finite number/],
    ['NaN', { x: [[[Number.NaN, 2]]] }, /input 'x' example 0 step 0 feature 0: NaN is not a finite number/],
  ];
  for (const [what, input, message] of outOfRange)
    it(`rejects ${what}, naming the example, step and feature`, async () => {
      await assert.rejects(predict(doc, new Map(), input, new ReferenceExecutor()), (e: unknown) => e instanceof InputError && message.test(e.message));
    });

  it('rejects a token id outside the vocabulary', async () => {
    const tokens = graph({ x: ['input', { kind: 'tokens', size: 3 }], e: ['embedding', { dim: 2 }], o: ['output'] }, ['x -> e', 'e -> o']);
    const weights = new Map([['e.embeddings', new Float32Array(6)]]);
    await assert.rejects(predict(tokens, weights, { x: [[0, 3]] }, new ReferenceExecutor()), /example 0 step 1: expected a token id in \[0, 3\), got 3/);
  });
});
