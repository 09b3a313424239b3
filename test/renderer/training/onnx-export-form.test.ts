import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64ToBytes, checkOnnxForm, initialOnnxForm, ONNX_BATCH, ONNX_STEPS, type OnnxChoices } from '../../../renderer/training/onnx-export-form.ts';

const anyLength: OnnxChoices = { sequences: true, anyLength: { possible: true } };
const fixedOnly: OnnxChoices = { sequences: true, anyLength: { possible: false, reason: "'enc' reads its sequence backward in time" } };
const noSequence: OnnxChoices = { sequences: false, anyLength: { possible: false, reason: 'the graph reads no sequence' } };

describe('the ONNX export form', () => {
  it('starts at any length where the model allows it, at a fixed length otherwise', () => {
    assert.equal(initialOnnxForm(anyLength).length, 'any');
    assert.equal(initialOnnxForm(fixedOnly).length, 'fixed');
    assert.deepEqual(checkOnnxForm(initialOnnxForm(anyLength), anyLength), { ok: true, request: { steps: 'any', batch: 1 } });
    assert.deepEqual(checkOnnxForm(initialOnnxForm(fixedOnly), fixedOnly), { ok: true, request: { steps: 20, batch: 1 } });
  });

  it('a fixed length sends its steps; any length ignores the steps field, even a bad one', () => {
    assert.deepEqual(checkOnnxForm({ length: 'fixed', steps: ' 48 ', batch: '8' }, anyLength), { ok: true, request: { steps: 48, batch: 8 } });
    assert.deepEqual(checkOnnxForm({ length: 'any', steps: 'x', batch: '2' }, anyLength), { ok: true, request: { steps: 'any', batch: 2 } });
  });

  it('never asks for any length where the host said it is impossible', () => {
    assert.deepEqual(checkOnnxForm({ length: 'any', steps: '5', batch: '1' }, fixedOnly), { ok: true, request: { steps: 5, batch: 1 } });
  });

  it('a model without sequences is exported with steps 1, whatever the steps field says', () => {
    assert.deepEqual(checkOnnxForm({ length: 'fixed', steps: '', batch: '3' }, noSequence), { ok: true, request: { steps: 1, batch: 3 } });
    assert.deepEqual(checkOnnxForm({ length: 'fixed', steps: '', batch: '0' }, noSequence), { ok: false, field: 'batch', ...ONNX_BATCH });
  });

  it('names the field out of range, steps first', () => {
    for (const steps of ['0', '-3', '2.5', '', 'ten', String(ONNX_STEPS.max + 1)])
      assert.deepEqual(checkOnnxForm({ length: 'fixed', steps, batch: '0' }, anyLength), { ok: false, field: 'steps', ...ONNX_STEPS }, `steps '${steps}'`);
    for (const batch of ['0', '1.5', '', String(ONNX_BATCH.max + 1)])
      assert.deepEqual(checkOnnxForm({ length: 'fixed', steps: '10', batch }, anyLength), { ok: false, field: 'batch', ...ONNX_BATCH }, `batch '${batch}'`);
    assert.ok(checkOnnxForm({ length: 'fixed', steps: String(ONNX_STEPS.max), batch: String(ONNX_BATCH.max) }, anyLength).ok, 'the ends of the ranges are allowed');
  });

  it('decodes base64 to the same bytes Node encodes', () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff);
    assert.deepEqual(base64ToBytes(Buffer.from(bytes).toString('base64')), bytes);
    assert.deepEqual(base64ToBytes(''), new Uint8Array(0));
  });
});
