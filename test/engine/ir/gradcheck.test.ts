/**
 * The gradient checker itself (test/helpers/gradcheck.ts): it must pass a right gradient, catch a
 * wrong one, and refuse graphs it cannot check. A checker that always passes would make every
 * gradient test in the project vacuous.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IrBuilder } from '../../../engine/ir/builder.ts';
import { tensor } from '../../../engine/ir/tensor64.ts';
import type { IrGraph } from '../../../engine/ir/types.ts';
import { gradCheck, mulberry32, randomTensor } from '../../helpers/gradcheck.ts';

/** loss = Σ x² ⊙ w with a hand-written 'grad:x' = `factor`·x⊙w (right when factor = 2). */
function squareGraph(factor: number): IrGraph {
  const b = new IrBuilder();
  const x = b.param('x', [2, 3]);
  const w = b.input('w', [2, 3]);
  const loss = b.emit({ type: 'reduceSum', axes: [0, 1], keepDims: false }, [b.emit({ type: 'mul' }, [b.emit({ type: 'mul' }, [x, x]), w])]);
  const grad = b.emit({ type: 'mul' }, [b.emit({ type: 'mul' }, [x, w]), b.emit({ type: 'const', value: factor }, [])]);
  const other = b.param('other', [4]);
  return b.finish({ loss, 'grad:x': grad, 'grad:other': b.emit({ type: 'zeros', shape: [4] }, []), 'out:other': other });
}

const rng = mulberry32(1);
const feeds = { x: randomTensor([2, 3], rng), w: randomTensor([2, 3], rng), other: randomTensor([4], rng) };

describe('gradCheck', () => {
  it('passes a right gradient, and an exact zero for a param the loss ignores', () => {
    const { worst, perParam } = gradCheck(squareGraph(2), feeds);
    assert.ok(perParam.x < 1e-8, `x: ${perParam.x}`);
    assert.equal(perParam.other, 0);
    assert.equal(worst, perParam.x);
  });

  it('catches a gradient off by a factor', () => {
    assert.ok(Math.abs(gradCheck(squareGraph(1), feeds).perParam.x - 0.5) < 1e-6);
    assert.ok(gradCheck(squareGraph(2.001), feeds).perParam.x > 1e-4);
  });

  it('checks only the params it is given', () => {
    assert.deepEqual(Object.keys(gradCheck(squareGraph(2), feeds, ['x']).perParam), ['x']);
  });

  it('refuses a graph without a scalar loss, a missing gradient or a missing feed', () => {
    const b = new IrBuilder();
    const x = b.param('x', [2]);
    const notScalar = b.finish({ loss: x, 'grad:x': x });
    assert.throws(() => gradCheck(notScalar, { x: tensor([2]) }), /loss must be a scalar/);
    assert.throws(() => gradCheck({ ...notScalar, outputs: {} }, { x: tensor([2]) }, ['x']), /no 'loss' output/);
    assert.throws(() => gradCheck(squareGraph(2), feeds, ['w']), /no output 'grad:w'/);
    const { other: _other, ...withoutOther } = feeds;
    assert.throws(() => gradCheck(squareGraph(2), withoutOther, ['other']), /missing param 'other'|no feed for param 'other'/);
  });
});

describe('mulberry32 and randomTensor', () => {
  it('repeat for a seed and differ between seeds', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, mulberry32(seed));
    assert.deepEqual(draw(3), draw(3));
    assert.notDeepEqual(draw(3), draw(4));
    assert.ok(draw(5).every((v) => v >= 0 && v < 1));
  });

  it('fills a tensor of the shape within [−scale, scale)', () => {
    const t = randomTensor([3, 4], mulberry32(9), 0.1);
    assert.deepEqual(t.shape, [3, 4]);
    assert.equal(t.data.length, 12);
    assert.ok(t.data.every((v) => Math.abs(v) <= 0.1));
    assert.ok(new Set(t.data).size === 12);
  });
});
