/**
 * Dropout in the compiler: the train IR multiplies by 'mask:<node>' inputs, the forward IR has no
 * dropout at all; rate 0 compiles to exactly the network without the block; the trainer's masks
 * keep E[y] = x; and a fixed mask passes finite differences (the block table's cases do that for
 * every weight; here for the input of the mask itself too).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { Random } from '../../../engine/datasets/random.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { tensor } from '../../../engine/ir/tensor64.ts';
import { dropoutMask } from '../../../engine/trainer/step-runner.ts';
import { feedsFor } from '../../helpers/block-cases.ts';
import { gradCheck } from '../../helpers/gradcheck.ts';
import { graph } from '../../helpers/graphs.ts';

const x = ['input', { size: 3 }] as const;
const withDropout = (rate: number) =>
  graph({ x, w: ['linear', { units: 4 }], d: ['dropout', { rate }], v: ['linear', { units: 2 }], o: ['output', {}] }, ['x -> w', 'w -> d', 'd -> v', 'v -> o']);
const without = graph({ x, w: ['linear', { units: 4 }], v: ['linear', { units: 2 }], o: ['output', {}] }, ['x -> w', 'w -> v', 'v -> o']);
const inputsOf = (g: { nodes: readonly { op: { type: string; name?: string } }[] }) => g.nodes.flatMap((n) => (n.op.type === 'input' ? [n.op.name!] : [])).sort();

describe('dropout block: compiled', () => {
  test('the train IR reads a time-major mask per element and step; the forward IR reads none and is the network without dropout', () => {
    const c = compileGraph(withDropout(0.25), { steps: 5, batch: 2 });
    assert.deepEqual(c.masks, [{ name: 'mask:d', shape: [5, 2, 4], dtype: 'float32', rate: 0.25 }]);
    assert.deepEqual(inputsOf(c.train), ['mask:d', 'x', 'y']);
    assert.deepEqual(inputsOf(c.forward), ['x', 'y']);
    const plain = compileGraph(without, { steps: 5, batch: 2 });
    assert.deepEqual(c.forward.nodes.map((n) => n.op), plain.forward.nodes.map((n) => n.op));
  });

  test('recurrent dropout: one mask per layer above the first; none with layers 1 or rate 0', () => {
    const masks = (params: Record<string, unknown>) =>
      compileGraph(graph({ x, r: ['lstm', { units: 3, ...params }], o: ['output', {}] }, ['x -> r', 'r -> o']), { steps: 2, batch: 1 }).masks.map((m) => [m.name, m.shape]);
    assert.deepEqual(masks({ layers: 3, dropout: 0.2 }), [
      ['mask:r.l1', [2, 1, 3]],
      ['mask:r.l2', [2, 1, 3]],
    ]);
    assert.deepEqual(masks({ layers: 1, dropout: 0.2 }), []);
    assert.deepEqual(masks({ layers: 3, dropout: 0 }), []);
    const bi = compileGraph(graph({ x, r: ['bidirectional', { cell: { type: 'gru', units: 2, layers: 2, dropout: 0.5 } }], o: ['output', {}] }, ['x -> r', 'r -> o']), { steps: 2, batch: 1 });
    assert.deepEqual(bi.masks.map((m) => [m.name, m.shape]), [['mask:r.l1', [2, 1, 4]]], 'both directions of layer 0, concatenated');
  });

  test('a rate outside [0, 1) is refused by the schema', () => {
    for (const rate of [-0.1, 1, 1.5]) assert.throws(() => compileGraph(withDropout(rate), { steps: 2, batch: 1 }), /param-invalid at node 'd': param rate/, `rate ${rate}`);
  });

  test('rate 0: the train step is bit-identical to the network without dropout', () => {
    const c = compileGraph(withDropout(0), { steps: 4, batch: 3 });
    const plain = compileGraph(without, { steps: 4, batch: 3 });
    assert.deepEqual(c.masks, []);
    const feeds = feedsFor(plain, 11);
    const a = runReference(c.train, feeds);
    const b = runReference(plain.train, feeds);
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
    for (const k of Object.keys(b)) assert.deepEqual(a[k].data, b[k].data, k);
  });

  test('y = x ⊙ mask exactly, and finite differences agree with the gradient through a fixed mask', () => {
    const c = compileGraph(withDropout(0.5), { steps: 3, batch: 2 });
    const feeds = feedsFor(c, 5);
    const mask = feeds['mask:d'];
    assert.ok(mask.data.some((v) => v === 0) && mask.data.some((v) => v === 2), 'the fixed mask drops some elements and keeps others');
    const { worst } = gradCheck(c.train, feeds);
    assert.ok(worst < 1e-6, `worst relative error ${worst}`);
    // A mask of ones is what evaluation does; the fed mask is not.
    const out = runReference(c.train, feeds, ['out:o'])['out:o'];
    const allOnes = { ...feeds, 'mask:d': tensor(mask.shape, new Array(mask.data.length).fill(1)) };
    const unmasked = runReference(c.train, allOnes, ['out:o'])['out:o'];
    const forward = runReference(c.forward, feeds, ['out:o'])['out:o'];
    assert.deepEqual(unmasked.data, forward.data, 'a mask of ones is the forward pass');
    assert.notDeepEqual(out.data, forward.data, 'the mask changes the training output');
  });

  test('over many masks the mean of y is x (statistical bound), and the dropped fraction is the rate', () => {
    const rate = 0.3;
    const steps = 4;
    const batch = 500;
    const doc = graph({ x: ['input', { size: 3 }], d: ['dropout', { rate }], o: ['output', {}] }, ['x -> d', 'd -> o']);
    const c = compileGraph(doc, { steps, batch });
    const xs = [0.8, -0.5, 0.3];
    const xFeed = tensor([steps, batch, 3], Array.from({ length: steps * batch * 3 }, (_, i) => xs[i % 3]));
    const rng = new Random(123);
    const draws = 2;
    const sum = [0, 0, 0];
    let dropped = 0;
    let total = 0;
    for (let r = 0; r < draws; r++) {
      const m = dropoutMask([steps, batch, 3], rate, rng);
      dropped += m.data.filter((v) => v === 0).length;
      total += m.data.length;
      const y = runReference(c.train, { x: xFeed, y: tensor([steps, batch, 3]), 'mask:d': tensor(m.shape, m.data) }, ['out:o'])['out:o'];
      y.data.forEach((v, i) => {
        sum[i % 3] += v;
        if (v !== 0) assert.ok(Math.abs(v - xs[i % 3] / (1 - rate)) < 1e-6, 'a kept element is scaled by 1 / (1 − rate)');
      });
    }
    const n = draws * steps * batch;
    for (let k = 0; k < 3; k++) {
      const mean = sum[k] / n;
      // y = x·m / (1 − p): standard deviation |x|·√(p / (1 − p)) per sample.
      const se = (Math.abs(xs[k]) * Math.sqrt(rate / (1 - rate))) / Math.sqrt(n);
      assert.ok(Math.abs(mean - xs[k]) < 5 * se, `feature ${k}: mean ${mean} vs x ${xs[k]} (5σ = ${5 * se})`);
    }
    const seDrop = Math.sqrt((rate * (1 - rate)) / total);
    assert.ok(Math.abs(dropped / total - rate) < 5 * seDrop, `dropped ${dropped / total}`);
  });

  test('masks: 0 or 1 / (1 − rate), drawn in order from the generator, so the same seed gives the same mask', () => {
    const a = dropoutMask([3, 2, 4], 0.4, new Random(9)).data;
    assert.deepEqual(a, dropoutMask([3, 2, 4], 0.4, new Random(9)).data);
    assert.notDeepEqual(a, dropoutMask([3, 2, 4], 0.4, new Random(10)).data);
    assert.ok(a.every((v) => v === 0 || v === Math.fround(1 / 0.6)));
    assert.throws(() => dropoutMask([2], 0.5, undefined, 'mask:d'), /random source for dropout 'mask:d'/);
  });
});
