/**
 * The blocked Householder QR with its products on ONNX Runtime: the same matrix as the plain
 * JavaScript routine (an independent, unblocked implementation) to float64 rounding, for tall,
 * wide and square shapes whose sides are not multiples of the block or of the leaf; orthonormal;
 * and, through initWeightsAsync, the weights initWeights gives, stopped mid-way by the signal.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { WeightInfo } from '../../../engine/compiler/compile.ts';
import { Random } from '../../../engine/datasets/random.ts';
import { type MatrixProducts, onnxMatrixProducts } from '../../../engine/executors/onnx/products.ts';
import { BLOCKED_QR_FROM, initWeights, initWeightsAsync, type InitProgress } from '../../../engine/model/init.ts';
import { orthonormalityError, plainOrthogonal } from '../../helpers/orthogonality.ts';
import { orthogonalMatrixBlocked } from '../../../engine/model/orthogonal-blocked.ts';



const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

const noPause = async () => {};

describe('the blocked QR on ONNX Runtime', () => {
  // Two blocks and a remainder (200 = 128 + 72), leaves of 8 with a short last one (197, 131),
  // tall and wide, one row, one column.
  const shapes: [number, number][] = [[200, 333], [333, 200], [197, 197], [131, 140], [1, 40], [40, 1], [9, 9]];
  let products: MatrixProducts;
  const fast: Float64Array[] = [];
  before(async () => {
    const made = await onnxMatrixProducts();
    if (typeof made === 'string') throw new Error(made);
    products = made;
    for (const [rows, cols] of shapes) fast.push(await orthogonalMatrixBlocked(rows, cols, new Random(17), products, noPause));
  });

  it('gives the plain-JavaScript QR’s matrix to 1e-10, for the same seed', () => {
    shapes.forEach(([rows, cols], i) => {
      const diff = maxDiff(fast[i], plainOrthogonal(rows, cols, 17));
      assert.ok(diff < 1e-10, `[${rows}, ${cols}]: max difference ${diff.toExponential(2)}`);
    });
  });

  it('has orthonormal rows or columns: max |QᵀQ − I| < 1e-12', () => {
    shapes.forEach(([rows, cols], i) => {
      const error = orthonormalityError(fast[i], rows, cols);
      assert.ok(error < 1e-12, `[${rows}, ${cols}]: max |QᵀQ − I| = ${error.toExponential(2)}`);
    });
  });

  it('reports a share of its work that grows to 1', async () => {
    const shares: number[] = [];
    await orthogonalMatrixBlocked(150, 400, new Random(2), products, async (share) => {
      shares.push(share);
    });
    assert.ok(shares.every((s, i) => s >= 0 && s <= 1 && (i === 0 || s >= shares[i - 1])), 'shares grow within [0, 1]');
    assert.ok(shares.at(-1)! > 0.9, `last share ${shares.at(-1)}`);
  });
});

describe('initWeightsAsync with the blocked QR', () => {
  const side = BLOCKED_QR_FROM + 37;
  const weights: WeightInfo[] = [
    { param: 'n.k', node: 'n', name: 'k', shape: [5, 4 * side], init: 'glorotUniform' },
    { param: 'n.u', node: 'n', name: 'u', shape: [side, 4 * side], init: 'orthogonal' },
    { param: 'n.b', node: 'n', name: 'b', shape: [4 * side], init: 'uniform' },
  ];

  it('gives the weights initWeights gives, to float32 rounding, and the same draws after the matrix', async () => {
    const sync = initWeights(weights, 8);
    const sliced = await initWeightsAsync(weights, 8);
    for (const w of weights) assert.ok(maxDiff(sliced.get(w.param)!, sync.get(w.param)!) < 1e-6, w.param);
    assert.deepEqual(sliced.get('n.b'), sync.get('n.b'), 'the generator is where initWeights leaves it');
  });

  it('keeps the plain-JavaScript QR, with initWeights’s numbers exactly, when told to use no products', async () => {
    assert.deepEqual(await initWeightsAsync(weights, 8, { products: null }), initWeights(weights, 8));
  });

  it('stops between products once the signal aborts, with its reason, and reports nothing after', async () => {
    const controller = new AbortController();
    const size = side * 4 * side;
    const seen: InitProgress[] = [];
    const run = initWeightsAsync(weights, 8, {
      sliceMs: 0,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        // Well into the QR: past the Gaussian draw, before the matrix is done.
        if (p.done > 5 * 4 * side + size / 3 && !controller.signal.aborted) controller.abort(new Error('stopped by the user'));
      },
    });
    await assert.rejects(run, /stopped by the user/);
    const at = seen.findIndex((p) => p.done > 5 * 4 * side + size / 3);
    assert.ok(at >= 0 && seen[at].done < 5 * 4 * side + size, `aborted mid-matrix at ${seen[at]?.done}`);
    assert.equal(seen.length, at + 1, 'no slice ran after the abort');
  });
});
