/**
 * The orthogonal initialiser's Householder QR: Q has orthonormal rows or columns to float64
 * precision for square, tall and wide shapes, is the same for the same seed, works on a vector of
 * a million elements, and in its sliced form gives the same numbers, reports progress and stops
 * when asked.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WeightInfo } from '../../../engine/compiler/compile.ts';
import { initWeights, initWeightsAsync, type InitProgress } from '../../../engine/model/init.ts';
import { orthonormalityError, plainOrthogonal } from '../../helpers/orthogonality.ts';



const info = (shape: number[]): WeightInfo => ({ param: 'n.u', node: 'n', name: 'u', shape, init: 'orthogonal' });

describe('orthogonal matrices by Householder QR', () => {
  it('orthonormal to 1e-12 in float64: square, tall, wide, and a matrix with more than one panel', () => {
    for (const [rows, cols] of [[64, 64], [96, 32], [32, 128], [1, 7], [7, 1], [33, 200]]) {
      const error = orthonormalityError(plainOrthogonal(rows, cols, 3), rows, cols);
      assert.ok(error < 1e-12, `[${rows}, ${cols}]: max |QᵀQ − I| = ${error.toExponential(2)}`);
    }
  });

  it('deterministic by seed: the same seed gives the same matrix, another seed another one', () => {
    assert.deepEqual(plainOrthogonal(40, 120, 11), plainOrthogonal(40, 120, 11));
    const other = plainOrthogonal(40, 120, 12);
    const same = plainOrthogonal(40, 120, 11);
    assert.ok(other.some((v, i) => Math.abs(v - same[i]) > 1e-3));
  });

  it('a weight of 1,000,000 elements, one row or one column, becomes a unit vector', () => {
    for (const shape of [[1, 1_000_000], [1_000_000, 1]]) {
      const q = initWeights([info(shape)], 1).get('n.u')!;
      let sum = 0;
      for (const v of q) sum += v * v;
      assert.ok(Math.abs(Math.sqrt(sum) - 1) < 1e-5, `[${shape.join(', ')}]: norm ${Math.sqrt(sum)}`);
    }
  });
});

describe('initialisation in slices', () => {
  const weights = [info([48, 192]), { ...info([5, 192]), param: 'n.k', name: 'k', init: 'glorotUniform' as const }];

  it('gives the numbers initWeights gives, and reports progress up to every parameter', async () => {
    const progress: InitProgress[] = [];
    const sliced = await initWeightsAsync(weights, 9, { sliceMs: 0, onProgress: (p) => progress.push(p) });
    assert.deepEqual(sliced, initWeights(weights, 9));
    assert.ok(progress.length > 10, `${progress.length} progress reports`);
    assert.deepEqual(progress.at(-1), { done: 48 * 192 + 5 * 192, total: 48 * 192 + 5 * 192 });
    assert.ok(progress.every((p, i) => i === 0 || p.done >= progress[i - 1].done), 'progress only grows');
  });

  it('stops at the first slice after the signal aborts, with its reason', async () => {
    const controller = new AbortController();
    let reports = 0;
    const run = initWeightsAsync(weights, 9, {
      sliceMs: 0,
      signal: controller.signal,
      onProgress: () => {
        reports++;
        if (reports === 3) controller.abort(new Error('stop here'));
      },
    });
    await assert.rejects(run, /stop here/);
    assert.equal(reports, 3, 'no slice ran after the abort');
  });
});
