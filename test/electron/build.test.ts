import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { compileFunction } from 'node:vm';
import { DESKTOP_API_FUNCTIONS, ENGINE_PORT_MESSAGE } from '../../electron/common/api.ts';
import { ENGINE_PORT, MENU_COMMAND, OPEN_FILE } from '../../electron/common/channels.ts';
import { buildElectronBundles, isNodeBuiltin, repoRoot, requiredModules } from './helpers/bundles.ts';

// The engine host bundle is built in its own test, so a problem in the engine fails that test only.
let outDir = '';
before(() => {
  outDir = buildElectronBundles(['main', 'preload']).outDir;
});
after(() => rmSync(outDir, { recursive: true, force: true }));

const read = (name: string, dir = outDir) => readFileSync(join(dir, name), 'utf8');

function checkBundle(dir: string, name: string): void {
  assert.ok(existsSync(join(dir, name)), name);
  assert.ok(existsSync(join(dir, `${name}.map`)), `${name}.map`);
  assert.doesNotMatch(read(name, dir), /^\s*(import|export)\s/m, `${name} is CommonJS`);
}

describe('scripts/build-electron.mjs', () => {
  it('produces the main and preload CommonJS bundles, with source maps beside them', () => {
    for (const name of ['main.cjs', 'preload.cjs']) checkBundle(outDir, name);
  });

  it('the preload requires only electron (a sandboxed preload can load nothing else)', () => {
    assert.deepEqual(requiredModules(read('preload.cjs')), ['electron']);
  });

  it('main requires only electron and Node built-ins: no onnxruntime, it never computes', () => {
    const modules = requiredModules(read('main.cjs'));
    assert.ok(modules.includes('electron'));
    for (const id of modules) assert.ok(id === 'electron' || isNodeBuiltin(id), id);
  });

  it('bundles the engine host, leaving only onnxruntime-node (a native add-on) outside, loaded with require', () => {
    assert.ok(existsSync(join(repoRoot, 'engine', 'host', 'main.ts')), 'the engine host entry exists');
    const hostDir = buildElectronBundles(['engine-host']).outDir;
    let code: string;
    try {
      checkBundle(hostDir, 'engine-host.cjs');
      code = read('engine-host.cjs', hostDir);
    } finally {
      rmSync(hostDir, { recursive: true, force: true });
    }
    assert.ok(requiredModules(code).includes('onnxruntime-node'));
    for (const id of requiredModules(code)) assert.ok(id === 'onnxruntime-node' || isNodeBuiltin(id), id);
    assert.doesNotMatch(code, /require\(["']electron["']\)/, 'the host does not use electron');
    assert.doesNotMatch(code, /\bimport\(["']onnxruntime-node["']\)/, 'no import(): the CommonJS loader finds it in app.asar.unpacked');
  });

  it('builds only the bundles asked for, and refuses unknown names', () => {
    const partial = buildElectronBundles(['preload']).outDir;
    try {
      assert.ok(existsSync(join(partial, 'preload.cjs')));
      assert.ok(!existsSync(join(partial, 'main.cjs')));
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
    assert.throws(() => buildElectronBundles(['renderer']), /no bundle named renderer/);
  });

  it('the bundled preload exposes exactly the API as window.rnnStudio and forwards engine ports to the page', () => {
    const exposed: { key: string; api: Record<string, unknown> }[] = [];
    const listeners = new Map<string, ((event: unknown, ...args: unknown[]) => void)[]>();
    const posted: { message: unknown; origin: string; transfer: unknown }[] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.push({ key, api }) },
      ipcRenderer: {
        invoke: () => Promise.resolve(null),
        send: () => undefined,
        on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
          listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
        },
        removeListener: () => undefined,
      },
    };
    const fakeWindow = { postMessage: (message: unknown, origin: string, transfer: unknown) => posted.push({ message, origin, transfer }) };
    const requireOnlyElectron = (id: string) => {
      if (id === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${id}`);
    };
    const module = { exports: {} };
    compileFunction(read('preload.cjs'), ['require', 'module', 'exports', 'window'])(requireOnlyElectron, module, module.exports, fakeWindow);

    assert.equal(exposed.length, 1);
    assert.equal(exposed[0].key, 'rnnStudio');
    assert.deepEqual(Object.keys(exposed[0].api).sort(), ['platform', ...DESKTOP_API_FUNCTIONS].sort());
    assert.deepEqual([...listeners.keys()], [ENGINE_PORT], 'only the engine port is listened to before the page subscribes');

    const ports = [{ port: 'the engine' }];
    for (const listener of listeners.get(ENGINE_PORT) ?? []) listener({ ports, sender: 'ipc' });
    assert.deepEqual(posted, [{ message: ENGINE_PORT_MESSAGE, origin: 'app://studio', transfer: ports }], 'only to the app’s own page');

    const commands: unknown[] = [];
    (exposed[0].api.onMenuCommand as (l: (c: unknown) => void) => () => void)((c) => commands.push(c));
    for (const listener of listeners.get(MENU_COMMAND) ?? []) listener({ sender: 'ipc' }, 'file.save');
    assert.deepEqual(commands, ['file.save']);

    const paths: unknown[] = [];
    (exposed[0].api.onOpenFile as (l: (p: unknown) => void) => () => void)((p) => paths.push(p));
    for (const listener of listeners.get(OPEN_FILE) ?? []) {
      listener({ sender: 'ipc' }, { path: '/etc/passwd' });
      listener({ sender: 'ipc' }, '/home/ada/a.rnn.json');
    }
    assert.deepEqual(paths, ['/home/ada/a.rnn.json']);
  });
});
