/**
 * Saving an export on the desktop: the bytes go to the native save dialog as they are, with the
 * ONNX file type, and each answer (saved, cancelled, refused, thrown) becomes an outcome.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { DesktopApi } from '../../../electron/common/api.ts';
import { saveModelBytes } from '../../../renderer/training/save-model.ts';

type BytesDialog = DesktopApi['saveBytesDialog'];

const globals = globalThis as { window?: unknown };
afterEach(() => delete globals.window);

/** A desktop whose only function is the bytes dialog; the rest is never reached. */
function desktopWith(saveBytesDialog: BytesDialog): void {
  globals.window = { rnnStudio: { saveBytesDialog } };
}

describe('saveModelBytes on the desktop', () => {
  it('hands the bytes, the name and the ONNX file type to the dialog, and reports where they went', async () => {
    const asked: Parameters<BytesDialog>[] = [];
    desktopWith(async (...args) => {
      asked.push(args);
      return { ok: true, value: { path: '/home/ada/sine.onnx' } };
    });
    const bytes = Uint8Array.from([8, 0, 0xff, 0x80]);
    assert.deepEqual(await saveModelBytes(bytes, 'sine.onnx'), { kind: 'saved', path: '/home/ada/sine.onnx' });
    assert.equal(asked.length, 1);
    assert.equal(asked[0][0], bytes, 'the same bytes, not a copy as text');
    assert.deepEqual(asked[0].slice(1), ['sine.onnx', 'onnx']);
  });

  it('a cancelled dialog, a refusal and a thrown error are outcomes, never throws', async () => {
    desktopWith(async () => ({ ok: true, value: null }));
    assert.deepEqual(await saveModelBytes(new Uint8Array(1), 'a.onnx'), { kind: 'cancelled' });
    desktopWith(async () => ({ ok: false, error: { code: 'io', message: 'disk full' } }));
    assert.deepEqual(await saveModelBytes(new Uint8Array(1), 'a.onnx'), { kind: 'failed', message: 'disk full' });
    desktopWith(() => Promise.reject(new Error('the window closed')));
    assert.deepEqual(await saveModelBytes(new Uint8Array(1), 'a.onnx'), { kind: 'failed', message: 'the window closed' });
  });
});
