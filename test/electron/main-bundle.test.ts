import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileFunction } from 'node:vm';
import { ENGINE_PORT, HOST_STATUS, INVOKE_CHANNELS, MENU_COMMAND, OPEN_GRAPH_DIALOG, SAVE_BEFORE_CLOSE, SEND_CHANNELS, SET_DOCUMENT_STATE } from '../../electron/common/channels.ts';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/security.ts';
import { buildElectronBundles } from './helpers/bundles.ts';
import { fakeElectron, fakeEvent, type FakeElectronOptions } from './helpers/fake-electron.ts';
import { settle } from './helpers/fakes.ts';

let outDir = '';
let scratch = '';
/** Apps started by a test, quit afterwards so no restart timer outlives it. */
const running: { emit(event: string): boolean }[] = [];
afterEach(() => {
  for (const app of running.splice(0)) app.emit('will-quit');
});
before(() => {
  outDir = buildElectronBundles(['main']).outDir;
  scratch = mkdtempSync(join(tmpdir(), 'rnn-main-bundle-'));
});
after(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs dist/electron/main.cjs against a fake Electron, in an app folder that has a built engine host. */
async function startMain(options: Partial<FakeElectronOptions> = {}) {
  const appPath = mkdtempSync(join(scratch, 'app-'));
  mkdirSync(join(appPath, 'dist', 'electron'), { recursive: true });
  writeFileSync(join(appPath, 'dist', 'electron', 'engine-host.cjs'), '');
  const fake = fakeElectron({ appPath, userData: join(appPath, 'user-data'), documents: join(appPath, 'Documents'), ...options });
  const realRequire = createRequire(import.meta.url);
  const requireWithFakeElectron = (id: string): unknown => (id === 'electron' ? fake.electron : realRequire(id));
  const file = join(outDir, 'main.cjs');
  const module = { exports: {} };
  const warn = console.warn;
  const logs: string[] = [];
  console.warn = (...args: unknown[]) => logs.push(args.join(' '));
  try {
    compileFunction(readFileSync(file, 'utf8'), ['require', 'module', 'exports', '__filename', '__dirname'])(requireWithFakeElectron, module, module.exports, file, outDir);
    await settle();
  } finally {
    console.warn = warn;
  }
  running.push(fake.app);
  return { ...fake, appPath, logs };
}

describe('dist/electron/main.cjs with a fake Electron', () => {
  it('a second instance hands over and quits', async () => {
    const main = await startMain({ lock: false });
    assert.equal(main.record.quits, 1);
    assert.equal(main.record.windows.length, 0);
    assert.equal(main.record.forks.length, 0);
  });

  it('opens one secure window on the built page, with the CSP, permissions, menu and every IPC handler in place', async () => {
    const { record, appPath } = await startMain();
    assert.equal(record.windows.length, 1);
    const win = record.windows[0];
    const prefs = win.options.webPreferences as Record<string, unknown>;
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.preload, join(appPath, 'dist', 'electron', 'preload.cjs'));
    assert.equal(win.loaded, join(appPath, 'dist', 'renderer', 'index.html'));
    assert.equal(win.title, 'Untitled — RNN Studio');
    assert.ok(win.webContents.windowOpenHandler, 'window.open is handled');
    assert.deepEqual(win.webContents.windowOpenHandler?.({ url: 'https://example.com' }), { action: 'deny' });
    assert.deepEqual([...record.handles.keys()].sort(), [...INVOKE_CHANNELS].sort());
    assert.deepEqual([...record.listeners.keys()].sort(), [...SEND_CHANNELS].sort());
    assert.ok(record.menus.length >= 1);
    assert.ok(record.permissionRequestHandler && record.permissionCheckHandler);
    const answers: { responseHeaders?: Record<string, string[]> }[] = [];
    (record.headersListener as (d: unknown, cb: (r: { responseHeaders?: Record<string, string[]> }) => void) => void)({ url: 'file:///x', responseHeaders: {} }, (r) => answers.push(r));
    assert.deepEqual(answers[0].responseHeaders?.['Content-Security-Policy'], [CONTENT_SECURITY_POLICY]);
  });

  it('starts the engine host as a utility process and hands each loaded page a port', async () => {
    const { record, appPath } = await startMain();
    assert.equal(record.forks.length, 1);
    const fork = record.forks[0];
    assert.equal(fork.modulePath, join(appPath, 'dist', 'electron', 'engine-host.cjs'));
    assert.deepEqual(fork.args, ['--workspace', join(appPath, 'Documents'), '--templates', join(appPath, 'templates')]);
    assert.equal(fork.options.serviceName, 'RNN Studio engine');

    const contents = record.windows[0].webContents;
    contents.emit('did-finish-load');
    fork.child.pid = 777;
    fork.child.emit('spawn');
    assert.deepEqual(contents.sent.filter((m) => m.channel === HOST_STATUS).at(-1)?.args, [{ state: 'ready', pid: 777, message: null }]);
    assert.equal(fork.child.posted.length, 1);
    assert.deepEqual(fork.child.posted[0].message, { type: 'connect' });
    const [port1] = fork.child.posted[0].transfer as { channel: number; end: number }[];
    const delivered = contents.posted.filter((m) => m.channel === ENGINE_PORT);
    assert.equal(delivered.length, 1);
    const [port2] = delivered[0].transfer as { channel: number; end: number }[];
    assert.equal(port1.channel, port2.channel, 'the two ends of one channel');
    assert.deepEqual([port1.end, port2.end], [1, 2]);

    // The host dies: the page hears it.
    fork.child.emit('exit', 9);
    const states = contents.sent.filter((m) => m.channel === HOST_STATUS).map((m) => (m.args[0] as { state: string }).state);
    assert.deepEqual(states.slice(-2), ['crashed', 'restarting']);
  });

  it('asks before closing a window with unsaved changes, and Save goes to the page', async () => {
    const { record } = await startMain({ messageBoxResponse: 0 });
    const win = record.windows[0];
    const appUrl = pathToFileURL(join(record.windows[0].loaded ?? '')).href;
    const setState = record.listeners.get(SET_DOCUMENT_STATE);
    assert.ok(setState);
    setState({ sender: win.webContents, senderFrame: { url: appUrl, parent: null } }, { title: 'adding', path: null, dirty: true });
    assert.equal(win.title, '● adding — RNN Studio');
    win.close();
    await settle();
    assert.equal(win.closed, false);
    assert.equal(record.messageBoxes.length, 1);
    assert.ok(win.webContents.sent.some((m) => m.channel === SAVE_BEFORE_CLOSE));
  });

  it('a second launch with a file focuses the window and has the page open it', async () => {
    const main = await startMain();
    const win = main.record.windows[0];
    const appUrl = pathToFileURL(win.loaded ?? '').href;
    main.record.listeners.get(SET_DOCUMENT_STATE)?.({ sender: win.webContents, senderFrame: { url: appUrl, parent: null } }, { title: '', path: null, dirty: false });
    const file = join(main.appPath, 'shared.rnn.json');
    writeFileSync(file, '{"shared":true}');
    main.app.emit('second-instance', fakeEvent(), ['/usr/bin/electron', '.', 'shared.rnn.json'], main.appPath, {});
    assert.deepEqual(win.webContents.sent.filter((m) => m.channel === MENU_COMMAND).map((m) => m.args[0]), ['file.open']);
    const open = main.record.handles.get(OPEN_GRAPH_DIALOG);
    assert.ok(open);
    const reply = await open({ sender: win.webContents, senderFrame: { url: appUrl, parent: null } });
    assert.deepEqual(reply, { ok: true, value: { path: file, text: '{"shared":true}' } });
    assert.equal(main.record.windows.length, 1, 'no second window');
  });
});
