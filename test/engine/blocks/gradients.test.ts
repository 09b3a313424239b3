/**
 * Every block's gradients, checked against finite differences: each case of the block table is
 * compiled to its train IR (loss + 'grad:<weight>' by reverse-mode AD through the unrolled
 * steps), and every analytic weight gradient must match central differences of the loss on the
 * float64 reference to a normwise relative error below 1e-6.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_CASES, blocksWithoutCase, compileCase } from '../../helpers/block-cases.ts';
import { gradCheck } from '../../helpers/gradcheck.ts';

const TOLERANCE = 1e-6;

describe('block gradients (finite differences, float64 reference)', () => {
  it('every block in the registry has a case', () => {
    assert.deepEqual(blocksWithoutCase(), []);
  });

  for (const c of BLOCK_CASES) {
    it(c.name, (t) => {
      const { compiled, feeds } = compileCase(c);
      assert.deepEqual(compiled.analysis.diagnostics, [], 'the case graph is valid and every block in it is used');
      const { worst, perParam } = gradCheck(compiled.train, feeds);
      t.diagnostic(`worst relative error ${worst.toExponential(2)}`);
      assert.ok(Object.keys(perParam).length > 0, 'the case has weights to check');
      assert.ok(worst < TOLERANCE, `worst relative error ${worst.toExponential(2)}: ${JSON.stringify(perParam)}`);
    });
  }
});
