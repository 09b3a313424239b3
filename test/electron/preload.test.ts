import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MenuCommand } from '../../electron/common/api.ts';
import {
  CLOSE_WINDOW,
  HOST_STATUS,
  MENU_COMMAND,
  OPEN_FILE,
  OPEN_GRAPH_DIALOG,
  OPEN_GRAPH_PATH,
  RECENT_FILES,
  SAVE_BEFORE_CLOSE,
  SAVE_GRAPH,
  SAVE_TEXT_DIALOG,
  SET_DOCUMENT_STATE,
} from '../../electron/common/channels.ts';
import { createDesktopApi, type IpcListener, type PreloadIpc } from '../../electron/preload/desktop-api.ts';

/** A fake ipcRenderer: answers invokes with `reply`, keeps listeners, and can emit like main does. */
class FakeIpcRenderer implements PreloadIpc {
  readonly invoked: { channel: string; args: unknown[] }[] = [];
  readonly sent: { channel: string; args: unknown[] }[] = [];
  readonly listeners = new Map<string, Set<IpcListener>>();
  reply: (channel: string) => Promise<unknown> = () => Promise.resolve({ ok: true, value: null });
  /** Stands in for IpcRendererEvent: it must never reach the page. */
  readonly event = { sender: this, ports: [], secret: 'ipc-event' };

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return this.reply(channel);
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  on(channel: string, listener: IpcListener): this {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)?.add(listener);
    return this;
  }
  removeListener(channel: string, listener: IpcListener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  emit(channel: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(channel) ?? []) listener(this.event, ...args);
  }
  count(channel: string): number {
    return this.listeners.get(channel)?.size ?? 0;
  }
}

describe('preload API', () => {
  it('forwards exactly the declared arguments to its channel', async () => {
    const ipc = new FakeIpcRenderer();
    const api = createDesktopApi(ipc);
    await api.openGraphDialog();
    await api.openGraphPath('/docs/a.rnn.json');
    await api.saveGraph(null, '{"a":1}', 'my graph');
    await api.saveTextDialog('text', 'model', 'model');
    await api.recentFiles();
    assert.deepEqual(ipc.invoked, [
      { channel: OPEN_GRAPH_DIALOG, args: [] },
      { channel: OPEN_GRAPH_PATH, args: ['/docs/a.rnn.json'] },
      { channel: SAVE_GRAPH, args: [null, '{"a":1}', 'my graph'] },
      { channel: SAVE_TEXT_DIALOG, args: ['text', 'model', 'model'] },
      { channel: RECENT_FILES, args: [] },
    ]);
  });

  it('sends a copy of the document state with only its three fields', () => {
    const ipc = new FakeIpcRenderer();
    const api = createDesktopApi(ipc);
    const state = { title: 'g', path: '/a.rnn.json', dirty: true, extra: () => 'not sent' };
    api.setDocumentState(state);
    api.closeWindow();
    assert.deepEqual(ipc.sent, [
      { channel: SET_DOCUMENT_STATE, args: [{ title: 'g', path: '/a.rnn.json', dirty: true }] },
      { channel: CLOSE_WINDOW, args: [] },
    ]);
  });

  it('resolves main’s reply and turns a failed IPC into {ok:false}, never a rejection', async () => {
    const ipc = new FakeIpcRenderer();
    const api = createDesktopApi(ipc);
    ipc.reply = () => Promise.resolve({ ok: true, value: { path: '/x.rnn.json', text: '{}' } });
    assert.deepEqual(await api.openGraphPath('/x.rnn.json'), { ok: true, value: { path: '/x.rnn.json', text: '{}' } });
    ipc.reply = () => Promise.reject(new Error("No handler registered for 'rnn-studio:save-graph'"));
    const failed = await api.saveGraph('/x.rnn.json', '{}', 'x');
    assert.equal(failed.ok, false);
    assert.ok(!failed.ok && failed.error.code === 'ipc' && failed.error.message.includes('No handler registered'));
    assert.deepEqual(await api.recentFiles(), []);
    ipc.reply = () => Promise.resolve([{ path: '/a.rnn.json', name: 'a.rnn.json' }]);
    assert.deepEqual(await api.recentFiles(), [{ path: '/a.rnn.json', name: 'a.rnn.json' }]);
  });

  it('parses main’s replies: one not of the promised shape is a failure, not a value', async () => {
    const ipc = new FakeIpcRenderer();
    const api = createDesktopApi(ipc);
    ipc.reply = () => Promise.resolve({ ok: true, value: { path: '/x.rnn.json' } });
    const noText = await api.openGraphPath('/x.rnn.json');
    assert.ok(!noText.ok && noText.error.code === 'ipc' && noText.error.message.includes('not of the promised shape'), JSON.stringify(noText));
    ipc.reply = () => Promise.resolve('yes');
    assert.equal((await api.saveTextDialog('t', 'a', 'json')).ok, false);
    ipc.reply = () => Promise.resolve([{ path: '/a.rnn.json' }]);
    assert.deepEqual(await api.recentFiles(), []);
  });

  it('hands listeners the payload only, never the IPC event, and returns only an unsubscribe function', () => {
    const ipc = new FakeIpcRenderer();
    const api = createDesktopApi(ipc);
    const received: unknown[][] = [];
    const offMenu = api.onMenuCommand((...args: unknown[]) => received.push(['menu', ...args]));
    const offHost = api.onHostStatus((...args: unknown[]) => received.push(['host', ...args]));
    const offOpen = api.onOpenFile((...args: unknown[]) => received.push(['open', ...args]));
    const offSave = api.onSaveBeforeClose((...args: unknown[]) => received.push(['save', ...args]));
    for (const off of [offMenu, offHost, offOpen, offSave]) {
      assert.equal(typeof off, 'function');
      assert.notEqual(off, ipc);
      assert.equal(off.length, 0);
    }
    const status = { type: 'host.status', state: 'crashed', pid: null, protocol: 1, message: 'exit code 3' };
    ipc.emit(MENU_COMMAND, 'file.save');
    ipc.emit(HOST_STATUS, status);
    ipc.emit(OPEN_FILE, '/home/ada/adding.rnn.json');
    ipc.emit(SAVE_BEFORE_CLOSE);
    assert.deepEqual(received, [['menu', 'file.save'], ['host', status], ['open', '/home/ada/adding.rnn.json'], ['save']]);
    for (const args of received) for (const arg of args) assert.notEqual(arg, ipc.event);
    // The returned function is a closure, not a way back to ipcRenderer.
    assert.equal(offMenu(), undefined);
  });

  it('drops malformed messages instead of passing them on', () => {
    const ipc = new FakeIpcRenderer();
    const api = createDesktopApi(ipc);
    const commands: MenuCommand[] = [];
    const paths: string[] = [];
    api.onMenuCommand((c) => commands.push(c));
    api.onOpenFile((p) => paths.push(p));
    ipc.emit(MENU_COMMAND, 'file.format-disk');
    ipc.emit(MENU_COMMAND, { command: 'file.save' });
    for (const notAPath of [42, null, undefined, '', ['/a.rnn.json'], { path: '/a.rnn.json' }]) ipc.emit(OPEN_FILE, notAPath);
    ipc.emit(OPEN_FILE, 'C:\\graphs\\kept.rnn.json');
    assert.deepEqual(commands, []);
    assert.deepEqual(paths, ['C:\\graphs\\kept.rnn.json'], 'only path strings reach the page');
  });

  it('unsubscribing removes exactly that listener, once', () => {
    const ipc = new FakeIpcRenderer();
    const api = createDesktopApi(ipc);
    const a: string[] = [];
    const b: string[] = [];
    const offA = api.onMenuCommand((c) => a.push(c));
    api.onMenuCommand((c) => b.push(c));
    assert.equal(ipc.count(MENU_COMMAND), 2);
    offA();
    offA();
    assert.equal(ipc.count(MENU_COMMAND), 1);
    ipc.emit(MENU_COMMAND, 'edit.undo');
    assert.deepEqual(a, []);
    assert.deepEqual(b, ['edit.undo']);
  });
});
