/**
 * Compiling and generating a dataset in pieces: the progress each yields goes from 0 up and never
 * back, often enough to stop within a slice (a compile ends at 1). That the pieces compile the
 * same IR as before is what fingerprints.test.ts checks. The Node driver stops the work once its
 * signal aborts, with nothing run after it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileWork } from '../../../engine/compiler/compile.ts';
import { loadDatasetWork } from '../../../engine/datasets/index.ts';
import { datasetFiles } from '../../../engine/files/dataset-files.ts';
import type { Work } from '../../../engine/ir/work.ts';
import { streamTypes } from '../../../engine/trainer/batches.ts';
import { drive } from '../../../engine/trainer/drive.ts';
import { loadTemplate, TEMPLATES_DIR } from '../../helpers/templates.ts';

/** Every value `work` yields, and its result. */
function collect<T>(work: Work<T>): { yields: number[]; result: T } {
  const yields: number[] = [];
  let r = work.next();
  while (!r.done) {
    yields.push(r.value);
    r = work.next();
  }
  return { yields, result: r.value };
}

function assertMonotone(yields: readonly number[]): void {
  assert.ok(yields.every((y) => y >= 0 && y <= 1), 'every fraction within [0, 1]');
  for (let i = 1; i < yields.length; i++) assert.ok(yields[i] >= yields[i - 1], `fraction ${i}: ${yields[i - 1]} then ${yields[i]}`);
}

describe('work in pieces', () => {
  for (const file of ['adding-lstm.rnn.json', 'reverse-attention.rnn.json']) {
    it(`${file}: compileWork yields at every step it unrolls and as it differentiates and checks, rising to 1`, () => {
      const { graph, dataset } = loadTemplate(file);
      const { yields, result } = collect(compileWork(graph, { steps: dataset.steps, batch: 4, streams: streamTypes(dataset), stateGradients: true }));
      assertMonotone(yields);
      assert.equal(yields.at(-1), 1);
      assert.ok(yields.length >= dataset.steps, `${yields.length} yields for ${dataset.steps} steps`);
      // Yields come at least once per NODES_PER_YIELD nodes of the train IR it checks.
      assert.ok(yields.length > result.train.nodes.length / 1024, `${yields.length} yields for ${result.train.nodes.length} nodes`);
    });
  }

  it('loadDatasetWork yields every 64 examples, its progress rising, and then gives the dataset', () => {
    const { yields, result } = collect(loadDatasetWork({ type: 'adding', params: { length: 20, samples: 3000, seed: 7 } }, datasetFiles(TEMPLATES_DIR)));
    assertMonotone(yields);
    assert.equal(yields.length, Math.ceil(3000 / 64));
    assert.ok(result.ok && result.value.size === 3000);
  });

  it('drive stops the work when its signal aborts between slices, and reports progress meanwhile', async () => {
    const { graph, dataset } = loadTemplate('adding-lstm.rnn.json');
    const controller = new AbortController();
    const seen: number[] = [];
    const compiling = drive(compileWork(graph, { steps: 2000, batch: 1, streams: streamTypes(dataset) }), {
      signal: controller.signal,
      sliceMs: 1,
      onProgress: (f) => {
        seen.push(f);
        if (seen.length === 3) controller.abort(new Error('stopped by the test'));
      },
    });
    await assert.rejects(compiling, /stopped by the test/);
    assert.equal(seen.length, 3, 'no slice ran after the abort');
    assert.ok(seen[2] < 1);
  });
});
