import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { compileFunction } from 'node:vm';
import {
  ENGINE_PORT,
  HOST_STATUS,
  MENU_COMMAND,
  OPEN_FILE,
  OPEN_GRAPH_DIALOG,
  OPEN_GRAPH_PATH,
  SAVE_BEFORE_CLOSE,
  SET_DOCUMENT_STATE,
} from '../../electron/common/channels.ts';
import { INVOKE_CHANNELS, SEND_CHANNELS } from '../../electron/common/ipc.ts';
import { PROTOCOL_VERSION } from '../../engine/protocol/messages.ts';
import { DOCUMENTATION_LINKS } from '../../electron/main/external-links.ts';
import { RUNTIME_FILES } from '../../electron/main/paths.ts';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/security.ts';
import { buildElectronBundles } from './helpers/bundles.ts';
import { fakeElectron, fakeEvent, type FakeElectronOptions } from './helpers/fake-electron.ts';
import { settle } from './helpers/fakes.ts';

type FakeApp = ReturnType<typeof fakeElectron>['app'];
type Started = Awaited<ReturnType<typeof startMain>>;

/** What a page's message to main looks like when it comes from the app's own page in `win`. */
function fromPage(win: Started['record']['windows'][number]) {
  return { sender: win.webContents, senderFrame: { url: win.loaded ?? '', parent: null } };
}

/** The page tells main its document state, as it does once it is up: main then delivers what waited. */
function pageSpeaks(main: Started, win: Started['record']['windows'][number]): void {
  main.record.listeners.get(SET_DOCUMENT_STATE)?.(fromPage(win), { title: '', path: null, dirty: false });
}

const openFilesSent = (win: Started['record']['windows'][number]) => win.webContents.sent.filter((m) => m.channel === OPEN_FILE).map((m) => m.args);

let outDir = '';
let scratch = '';
/** The record of the fake Electron the latest startMain made, for hooks that run before it returns. */
let latestRecord: ReturnType<typeof fakeElectron>['record'] | null = null;
const fakeRecord = () => {
  assert.ok(latestRecord);
  return latestRecord;
};
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

/**
 * Runs dist/electron/main.cjs against a fake Electron, in an app folder that has a built engine
 * host. `prepare` runs first (to put files in the app folder); `beforeReady` runs once main has
 * loaded, before the app is ready.
 */
async function startMain(
  options: Partial<FakeElectronOptions> = {},
  hooks: { prepare?: (appPath: string) => void; beforeReady?: (app: FakeApp) => void } = {},
) {
  const appPath = mkdtempSync(join(scratch, 'app-'));
  mkdirSync(join(appPath, 'dist', 'electron'), { recursive: true });
  writeFileSync(join(appPath, 'dist', 'electron', 'engine-host.cjs'), '');
  hooks.prepare?.(appPath);
  const fake = fakeElectron({ appPath, userData: join(appPath, 'user-data'), documents: join(appPath, 'Documents'), ...options });
  latestRecord = fake.record;
  const realRequire = createRequire(import.meta.url);
  const requireWithFakeElectron = (id: string): unknown => (id === 'electron' ? fake.electron : realRequire(id));
  const file = join(outDir, 'main.cjs');
  const module = { exports: {} };
  const warn = console.warn;
  const logs: string[] = [];
  console.warn = (...args: unknown[]) => logs.push(args.join(' '));
  try {
    compileFunction(readFileSync(file, 'utf8'), ['require', 'module', 'exports', '__filename', '__dirname'])(requireWithFakeElectron, module, module.exports, file, outDir);
    // app.whenReady() resolves on a later microtask, so this runs while main waits for it.
    hooks.beforeReady?.(fake.app);
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
    assert.equal(win.loaded, 'app://studio/index.html');
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

  it('serves the page from app://studio, a privileged scheme registered before the app is ready', async () => {
    let registeredBeforeReady: unknown[] = [];
    const main = await startMain(
      {},
      {
        prepare: (appPath) => {
          mkdirSync(join(appPath, 'dist', 'renderer'), { recursive: true });
          writeFileSync(join(appPath, 'dist', 'renderer', 'index.html'), '<!doctype html>');
          writeFileSync(join(appPath, 'dist', 'secret.txt'), 'secret');
        },
        beforeReady: () => {
          registeredBeforeReady = [...fakeRecord().privilegedSchemes];
        },
      },
    );
    assert.deepEqual(registeredBeforeReady.map((s) => (s as { scheme: string }).scheme), ['app']);
    assert.equal(main.record.privilegedSchemes[0].privileges?.standard, true);
    assert.equal(main.record.privilegedSchemes[0].privileges?.secure, true);
    const serve = main.record.protocolHandlers.get('app');
    assert.ok(serve, 'app:// is handled');
    const page = await serve({ url: 'app://studio/index.html', method: 'GET' });
    assert.equal(page.status, 200);
    assert.equal(await page.text(), '<!doctype html>');
    assert.equal(page.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    const escape = await serve({ url: 'app://studio/..%2fsecret.txt', method: 'GET' });
    assert.notEqual(escape.status, 200);
    assert.equal(main.record.windows[0].loaded, 'app://studio/index.html');
  });

  it('opens the documentation in the browser, asks first for any other link, and never opens other schemes', async () => {
    const declined = await startMain({ messageBoxResponse: 1 });
    const contents = declined.record.windows[0].webContents;
    contents.windowOpenHandler?.({ url: DOCUMENTATION_LINKS[0] });
    contents.windowOpenHandler?.({ url: 'https://allowed@evil.com/' });
    contents.windowOpenHandler?.({ url: 'file:///etc/passwd' });
    await settle();
    assert.deepEqual(declined.record.openedExternally, [DOCUMENTATION_LINKS[0]]);
    assert.equal(declined.record.messageBoxes.length, 1);
    assert.match(JSON.stringify(declined.record.messageBoxes[0]), /https:\/\/allowed@evil\.com\//);
    const accepted = await startMain({ messageBoxResponse: 0 });
    accepted.record.windows[0].webContents.windowOpenHandler?.({ url: 'https://example.com/x' });
    await settle();
    assert.deepEqual(accepted.record.openedExternally, ['https://example.com/x']);
  });

  it('packaged: starts the engine only when the unpacked ONNX Runtime files match the hashes recorded in the asar', async () => {
    const binding = `node_modules/onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}/onnxruntime_binding.node`;
    const packaged = (bytes: string) => (appPath: string) => {
      mkdirSync(join(`${appPath}.unpacked`, dirname(binding)), { recursive: true });
      writeFileSync(join(`${appPath}.unpacked`, binding), bytes);
      const files = { [binding]: createHash('sha256').update('the binding').digest('hex') };
      writeFileSync(join(appPath, RUNTIME_FILES.nativeHashes), JSON.stringify({ format: 'rnn-studio-native-hashes', version: 1, files }));
    };
    // Electron's process.resourcesPath, which main reads for the templates of a packaged app.
    Object.defineProperty(process, 'resourcesPath', { value: scratch, configurable: true });
    try {
      const intact = await startMain({ isPackaged: true }, { prepare: packaged('the binding') });
      await waitFor(() => (intact.record.forks.length > 0 ? true : undefined));
      assert.deepEqual(intact.record.errorBoxes, []);
      const changed = await startMain({ isPackaged: true }, { prepare: packaged('the bindinG') });
      await waitFor(() => (changed.record.errorBoxes.length > 0 ? true : undefined));
      assert.equal(changed.record.forks.length, 0, 'no engine host');
      assert.ok(changed.record.errorBoxes[0].content.includes(binding), changed.record.errorBoxes[0].content);
      assert.equal(changed.record.quits, 1);
    } finally {
      Reflect.deleteProperty(process, 'resourcesPath');
    }
  });

  it('starts the engine host as a utility process and hands each loaded page a port', async () => {
    const { record, appPath } = await startMain();
    assert.equal(record.forks.length, 1);
    const fork = record.forks[0];
    assert.equal(fork.modulePath, join(appPath, 'dist', 'electron', 'engine-host.cjs'));
    assert.deepEqual(
      fork.args,
      ['--templates', join(appPath, 'templates'), '--checkpoints', join(appPath, 'user-data', 'checkpoints')],
      'no folder of the user is open to the engine before they choose one; checkpoints go to userData',
    );
    assert.equal(fork.options.serviceName, 'RNN Studio engine');

    const contents = record.windows[0].webContents;
    contents.emit('did-finish-load');
    fork.child.pid = 777;
    fork.child.emit('spawn');
    assert.deepEqual(contents.sent.filter((m) => m.channel === HOST_STATUS).at(-1)?.args, [{ type: 'host.status', state: 'ready', pid: 777, protocol: PROTOCOL_VERSION, message: null }]);
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

  it("the engine may read the folder of a file handed to the app: the running host is told, a restarted one starts with it", async () => {
    const main = await startMain();
    const win = main.record.windows[0];
    pageSpeaks(main, win);
    const first = main.record.forks[0];
    first.child.emit('spawn');
    const folder = join(main.appPath, 'project');
    mkdirSync(folder);
    main.app.emit('open-file', fakeEvent(), join(folder, 'diary.rnn.json'));
    assert.deepEqual(
      first.child.posted.map((p) => p.message).filter((m) => (m as { type: string }).type === 'folders.chosen'),
      [{ type: 'folders.chosen', folders: [folder] }],
    );
    first.child.emit('exit', 9);
    await new Promise((r) => setTimeout(r, 700));
    const second = main.record.forks[1];
    assert.ok(second, 'the host was restarted');
    assert.deepEqual(second.args, ['--folder', folder, '--templates', join(main.appPath, 'templates'), '--checkpoints', join(main.appPath, 'user-data', 'checkpoints')]);
  });

  it('asks before closing a window with unsaved changes, and Save goes to the page', async () => {
    const { record } = await startMain({ messageBoxResponse: 0 });
    const win = record.windows[0];
    const appUrl = record.windows[0].loaded ?? '';
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

  it('a second launch with a file sends the page the file to open, which it may then read', async () => {
    const main = await startMain();
    const win = main.record.windows[0];
    pageSpeaks(main, win);
    const file = join(main.appPath, 'shared.rnn.json');
    writeFileSync(file, '{"shared":true}');
    main.app.emit('second-instance', fakeEvent(), ['/usr/bin/electron', '.', 'shared.rnn.json'], main.appPath, {});
    assert.deepEqual(openFilesSent(win), [[file]]);
    assert.deepEqual(win.webContents.sent.filter((m) => m.channel === MENU_COMMAND), [], 'no menu command stands in for it');
    const read = main.record.handles.get(OPEN_GRAPH_PATH);
    assert.ok(read);
    assert.deepEqual(await read(fromPage(win), file), { ok: true, value: { path: file, text: '{"shared":true}' } });
    // The open dialog is left to the user (no file waits there for the page's next Open or Import).
    const dialog = main.record.handles.get(OPEN_GRAPH_DIALOG);
    assert.ok(dialog);
    assert.deepEqual(await dialog(fromPage(win)), { ok: true, value: null });
    assert.equal(main.record.windows.length, 1, 'no second window');
  });

  it('a file may be read by path only once it has been handed to the app', async () => {
    const main = await startMain();
    const win = main.record.windows[0];
    pageSpeaks(main, win);
    const file = join(main.appPath, 'elsewhere.rnn.json');
    writeFileSync(file, '{}');
    const read = main.record.handles.get(OPEN_GRAPH_PATH);
    assert.ok(read);
    const refused = (await read(fromPage(win), file)) as { ok: boolean; error?: { code: string } };
    assert.equal(refused.error?.code, 'forbidden');
    main.app.emit('open-file', fakeEvent(), file);
    assert.deepEqual(await read(fromPage(win), file), { ok: true, value: { path: file, text: '{}' } });
  });

  it('macOS open-file: a file handed over before the app is ready waits for the page, then is sent once', async () => {
    const early = fakeEvent();
    const main = await startMain({}, { beforeReady: (app) => app.emit('open-file', early, '/Users/ada/early.rnn.json') });
    assert.equal(early.prevented, true, 'the OS is told the app takes the file');
    assert.equal(main.record.windows.length, 1);
    const win = main.record.windows[0];
    assert.deepEqual(openFilesSent(win), [], 'the page is not listening yet');
    pageSpeaks(main, win);
    assert.deepEqual(openFilesSent(win), [['/Users/ada/early.rnn.json']]);
    pageSpeaks(main, win);
    const later = fakeEvent();
    main.app.emit('open-file', later, '/Users/ada/later.rnn.json');
    assert.equal(later.prevented, true);
    assert.deepEqual(openFilesSent(win), [['/Users/ada/early.rnn.json'], ['/Users/ada/later.rnn.json']]);
  });

  it('Open Recent in the native menu sends the page the file to open', async () => {
    let recentFile = '';
    const main = await startMain({}, {
      prepare: (appPath) => {
        recentFile = join(appPath, 'Documents', 'recent.rnn.json');
        mkdirSync(join(appPath, 'Documents'), { recursive: true });
        writeFileSync(recentFile, '{"recent":true}');
        mkdirSync(join(appPath, 'user-data'), { recursive: true });
        writeFileSync(join(appPath, 'user-data', 'recent-files.json'), JSON.stringify({ version: 1, files: [recentFile] }));
      },
    });
    const win = main.record.windows[0];
    const recentItem = await waitFor(() => menuItems(main.record.menus.at(-1)).find((item) => item.id === 'file.recent.0'));
    assert.equal(recentItem.toolTip, recentFile);
    recentItem.click?.();
    assert.deepEqual(openFilesSent(win), [], 'held until the page is up');
    pageSpeaks(main, win);
    assert.deepEqual(openFilesSent(win), [[recentFile]]);
    assert.deepEqual(win.webContents.sent.filter((m) => m.channel === MENU_COMMAND), []);
    const read = main.record.handles.get(OPEN_GRAPH_PATH);
    assert.ok(read);
    assert.deepEqual(await read(fromPage(win), recentFile), { ok: true, value: { path: recentFile, text: '{"recent":true}' } });
  });
});

interface MenuItemLike {
  readonly id?: string;
  readonly toolTip?: string;
  readonly click?: () => void;
  readonly submenu?: readonly MenuItemLike[];
}

/** Every item of a menu the fake Menu.buildFromTemplate made, depth first. */
function menuItems(menu: unknown): MenuItemLike[] {
  const template = (menu as { template?: readonly MenuItemLike[] } | undefined)?.template ?? [];
  const flatten = (items: readonly MenuItemLike[]): MenuItemLike[] => items.flatMap((item) => [item, ...flatten(item.submenu ?? [])]);
  return flatten(template);
}

/** Polls until `find` returns something (the recent list is read from disk in the background). */
async function waitFor<T>(find: () => T | undefined, timeoutMs = 2000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) assert.fail('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
