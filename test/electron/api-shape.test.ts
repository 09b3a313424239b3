import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP_API_FUNCTIONS, ENGINE_PORT_MESSAGE } from '../../electron/common/api.ts';
import { EVENT_CHANNELS, INVOKE_CHANNELS, IPC, SEND_CHANNELS } from '../../electron/common/ipc.ts';
import { createDesktopApi, type IpcListener, type PreloadIpc } from '../../electron/preload/desktop-api.ts';
import * as rendererApi from '../../renderer/platform/desktop-api.ts';

/** An ipcRenderer stand-in that records what the API does with it. */
function recordingIpc() {
  const calls: { kind: 'invoke' | 'send' | 'on' | 'removeListener'; channel: string; args: unknown[] }[] = [];
  const ipc: PreloadIpc = {
    invoke: (channel, ...args) => {
      calls.push({ kind: 'invoke', channel, args });
      return Promise.resolve({ ok: true, value: null });
    },
    send: (channel, ...args) => {
      calls.push({ kind: 'send', channel, args });
    },
    on: (channel: string, listener: IpcListener) => {
      calls.push({ kind: 'on', channel, args: [listener] });
      return ipc;
    },
    removeListener: (channel: string, listener: IpcListener) => {
      calls.push({ kind: 'removeListener', channel, args: [listener] });
      return ipc;
    },
  };
  return { ipc, calls };
}

describe('the desktop API shape', () => {
  it('the preload exposes exactly the DesktopApi functions, plus platform', () => {
    const api = createDesktopApi(recordingIpc().ipc);
    assert.deepEqual(Object.keys(api).sort(), ['platform', ...DESKTOP_API_FUNCTIONS].sort());
    assert.equal(api.platform, 'electron');
    for (const name of DESKTOP_API_FUNCTIONS) assert.equal(typeof api[name], 'function', name);
  });

  it('is what the renderer reads, not a copy of it', () => {
    assert.equal(rendererApi.ENGINE_PORT_MESSAGE, ENGINE_PORT_MESSAGE);
  });

  it('has one function per message of the IPC table, each of the kind the table says', () => {
    assert.deepEqual([...DESKTOP_API_FUNCTIONS].sort(), Object.keys(IPC).sort());
    for (const [name, message] of Object.entries(IPC)) assert.equal(message.kind === 'event', name.startsWith('on'), name);
  });

  it('has one distinct channel per message', () => {
    const all = [...INVOKE_CHANNELS, ...SEND_CHANNELS, ...EVENT_CHANNELS];
    assert.equal(new Set(all).size, all.length);
    for (const channel of all) assert.match(channel, /^rnn-studio:[a-z-]+$/);
    // One per function of the API, plus the engine port.
    assert.equal(all.length, DESKTOP_API_FUNCTIONS.length + 1);
  });

  it('each API function uses its own channel', async () => {
    const { ipc, calls } = recordingIpc();
    const api = createDesktopApi(ipc);
    const used = new Map<string, string>();
    const exercise: Record<(typeof DESKTOP_API_FUNCTIONS)[number], () => unknown> = {
      openGraphDialog: () => api.openGraphDialog(),
      openGraphPath: () => api.openGraphPath('/a.rnn.json'),
      saveGraph: () => api.saveGraph(null, '{}', 'a'),
      saveTextDialog: () => api.saveTextDialog('{}', 'a', 'json'),
      saveBytesDialog: () => api.saveBytesDialog(new Uint8Array([1]), 'a', 'onnx'),
      recentFiles: () => api.recentFiles(),
      listBackups: () => api.listBackups(),
      readBackup: () => api.readBackup('backup-1'),
      writeBackup: () => api.writeBackup('backup-1', '{}'),
      removeBackup: () => api.removeBackup('backup-1'),
      setDocumentState: () => api.setDocumentState({ title: 'a', path: null, dirty: false }),
      onHostStatus: () => api.onHostStatus(() => undefined),
      onMenuCommand: () => api.onMenuCommand(() => undefined),
      onOpenFile: () => api.onOpenFile(() => undefined),
      onSaveBeforeClose: () => api.onSaveBeforeClose(() => undefined),
      closeWindow: () => api.closeWindow(),
      forgetRecentFile: () => api.forgetRecentFile('/a.rnn.json'),
    };
    for (const [name, run] of Object.entries(exercise)) {
      const before = calls.length;
      await run();
      assert.equal(calls.length, before + 1, `${name} makes exactly one IPC call`);
      const channel = calls[before].channel;
      assert.ok(!used.has(channel), `${name} shares ${channel} with ${used.get(channel)}`);
      used.set(channel, name);
    }
    const expected = new Set<string>([...INVOKE_CHANNELS, ...SEND_CHANNELS, ...EVENT_CHANNELS]);
    for (const channel of used.keys()) assert.ok(expected.has(channel), channel);
  });
});
