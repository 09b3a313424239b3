/**
 * The registry: one entry per executor id, what can run here and why not, and the choice 'auto'
 * makes. ONNX Runtime is a dependency and must load on every machine the tests run on.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EXECUTORS, chooseExecutor, executorStatuses, type Registry } from '../../../engine/executors/index.ts';
import { EXECUTOR_CHOICES, EXECUTOR_DESCRIPTIONS, EXECUTOR_IDS } from '../../../engine/protocol/executors.ts';

describe('executor registry', () => {
  it('has exactly one entry and one description per id, and the choices are auto then the ids', () => {
    assert.deepEqual(Object.keys(EXECUTORS).sort(), [...EXECUTOR_IDS].sort());
    assert.deepEqual(Object.keys(EXECUTOR_DESCRIPTIONS).sort(), [...EXECUTOR_IDS].sort());
    assert.deepEqual(EXECUTOR_CHOICES, ['auto', ...EXECUTOR_IDS]);
  });

  it('says every executor can run here, in order of preference', async () => {
    assert.deepEqual(await executorStatuses(), [
      { id: 'onnxruntime', available: true, reason: null },
      { id: 'reference', available: true, reason: null },
    ]);
  });

  it("'auto' takes the most preferred available executor, with no reason to give", async () => {
    const { executor, reason } = await chooseExecutor('auto', { threads: 1 });
    assert.equal(executor.describe().name, 'onnxruntime-cpu');
    assert.equal(reason, null);
    await executor.dispose();
  });

  describe('on a machine where the native binding does not load', () => {
    const broken: Registry = { ...EXECUTORS, onnxruntime: { ...EXECUTORS.onnxruntime, availability: async () => ({ ok: false, reason: 'libonnxruntime.so: cannot open shared object file' }) } };

    it('lists it as unavailable, with the reason', async () => {
      assert.deepEqual(await executorStatuses(broken), [
        { id: 'onnxruntime', available: false, reason: 'libonnxruntime.so: cannot open shared object file' },
        { id: 'reference', available: true, reason: null },
      ]);
    });

    it("'auto' falls back to the reference interpreter and says why", async () => {
      const { executor, reason } = await chooseExecutor('auto', { registry: broken });
      assert.equal(executor.describe().name, 'reference-float64');
      assert.equal(reason, 'ONNX Runtime (CPU) could not be loaded (libonnxruntime.so: cannot open shared object file); using Reference interpreter (float64)');
    });

    it('asking for it by name fails with the reason', async () => {
      await assert.rejects(chooseExecutor('onnxruntime', { registry: broken }), /^Error: ONNX Runtime \(CPU\) is not available: libonnxruntime\.so/);
    });
  });

  it('a slower executor asked for by name says so', async () => {
    const { executor, reason } = await chooseExecutor('reference');
    assert.equal(executor.describe().name, 'reference-float64');
    assert.equal(reason, 'Reference interpreter (float64) was requested');
  });
});
