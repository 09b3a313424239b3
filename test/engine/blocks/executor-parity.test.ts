/**
 * ONNX Runtime (float32) against the float64 reference, block by block: for every case of the
 * block table, the loss, the predictions and every weight gradient of the train IR agree to
 * max|ort − ref| / max(1, max|ref|) < 1e-4 per tensor.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runOnce } from '../../../engine/executors/index.ts';
import { OrtExecutor } from '../../../engine/executors/onnx/ort.ts';
import { tensorsFrom64 } from '../../../engine/executors/tensors.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { BLOCK_CASES, blocksWithoutCase, compileCase } from '../../helpers/block-cases.ts';
import { relativeToScale } from '../../helpers/graphs.ts';

const TOLERANCE = 1e-4;

describe('ONNX Runtime matches the reference on every block', () => {
  let ort: OrtExecutor;
  before(async () => {
    ort = await OrtExecutor.create({ threads: 1 });
  });
  after(async () => {
    await ort.dispose();
  });

  it('every block in the registry has a case', () => {
    assert.deepEqual(blocksWithoutCase(), []);
  });

  for (const c of BLOCK_CASES) {
    it(c.name, async (t) => {
      const { compiled, feeds } = compileCase(c);
      const graph = compiled.train;
      const expected = runReference(graph, feeds);
      const got = await runOnce(ort, graph, tensorsFrom64(graph, feeds), { name: c.name });
      const names = Object.keys(graph.outputs);
      assert.ok(names.includes('loss') && names.some((n) => n.startsWith('grad:')), `outputs: ${names.join(', ')}`);
      let worst = 0;
      for (const name of names) {
        assert.deepEqual(got[name].shape, [...expected[name].shape], `${name}: shape`);
        const error = relativeToScale(got[name].data, expected[name].data);
        worst = Math.max(worst, error);
        assert.ok(error < TOLERANCE, `${name}: relative error ${error.toExponential(2)}`);
      }
      t.diagnostic(`worst relative error ${worst.toExponential(2)}`);
    });
  }
});
