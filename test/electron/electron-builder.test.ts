import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileMatcher } from 'app-builder-lib/out/fileMatcher.js';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import type { Configuration } from 'electron-builder';
import { z } from 'zod';
import { RUNTIME_FILES } from '../../electron/main/paths.ts';

const root = join(import.meta.dirname, '..', '..');
const raw: unknown = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8'));
const pkg = z
  .object({ main: z.string(), dependencies: z.record(z.string(), z.string()), devDependencies: z.record(z.string(), z.string()) })
  .parse(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));

const Target = z.object({ target: z.string(), arch: z.array(z.string()).optional() });
const PlatformConfig = z.object({ target: z.array(Target), category: z.string().optional(), files: z.array(z.string()).optional() });
const config = z
  .object({
    appId: z.string(),
    productName: z.string(),
    directories: z.object({ output: z.string() }),
    files: z.array(z.string()),
    extraResources: z.array(z.object({ from: z.string(), to: z.string() })),
    asarUnpack: z.array(z.string()),
    asar: z.object({ smartUnpack: z.boolean() }),
    beforePack: z.string(),
    afterPack: z.string(),
    electronFuses: z.record(z.string(), z.boolean()),
    artifactName: z.string(),
    win: PlatformConfig,
    mac: PlatformConfig,
    linux: PlatformConfig,
  })
  .parse(raw);

/** Whether electron-builder's own matcher takes `file` (relative to the project) with these patterns. */
function matches(patterns: readonly string[], file: string): boolean {
  const filter = new FileMatcher(root, root, (p) => p, [...patterns]).createFilter();
  // Only "is it a folder" is read from the stats; these are files.
  return filter(join(root, file), statSync(join(root, 'package.json')));
}

/** What electron-builder applies to node_modules: everything, minus the exclusions in `files`. */
function packsNodeModule(file: string, platform: 'win' | 'mac' | 'linux'): boolean {
  const exclusions = [...config.files, ...(config[platform].files ?? [])].filter((p) => p.startsWith('!'));
  return matches(['**/*', ...exclusions], file);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

const targetsOf = (platform: 'win' | 'mac' | 'linux') => config[platform].target.map((t) => t.target);

describe('electron-builder.json', () => {
  it('is valid for electron-builder', async () => {
    await validateConfiguration(raw as Configuration, new DebugLogger(false));
  });

  it('names the app, and writes packages outside dist/ (which it packs)', () => {
    assert.equal(config.appId, 'org.rnnstudio.app');
    assert.equal(config.productName, 'RNN Studio');
    assert.ok(!config.directories.output.startsWith('dist'), config.directories.output);
    assert.match(config.artifactName, /\$\{version\}/);
    assert.match(config.artifactName, /\$\{arch\}/);
    assert.doesNotMatch(config.artifactName, /\$\{productName\}/, 'no space in file names');
  });

  it('builds an installer per OS: NSIS; DMG and zip; AppImage and deb', () => {
    assert.deepEqual(targetsOf('win'), ['nsis']);
    assert.deepEqual(targetsOf('mac').sort(), ['dmg', 'zip']);
    assert.equal(config.mac.category, 'public.app-category.developer-tools');
    assert.deepEqual(targetsOf('linux').sort(), ['AppImage', 'deb']);
    assert.equal(config.linux.category, 'Development');
  });

  it('packs every file main loads at run time, and no source maps or sources', () => {
    assert.equal(pkg.main, RUNTIME_FILES.main);
    for (const file of Object.values(RUNTIME_FILES)) assert.ok(matches(config.files, file), file);
    assert.ok(matches(config.files, 'dist/renderer/assets/index-abc123.js'));
    assert.ok(matches(config.files, 'package.json'));
    for (const file of ['dist/electron/main.cjs.map', 'dist/renderer/assets/index-abc123.js.map', 'electron/main/main.ts', 'engine/host/main.ts', 'renderer/App.tsx', 'test/electron/menu.test.ts']) {
      assert.ok(!matches(config.files, file), file);
    }
  });

  it('ships the templates beside app.asar, where the engine host is told to find them', () => {
    assert.deepEqual(config.extraResources.map(({ from, to }) => ({ from, to })), [{ from: 'templates', to: 'templates' }]);
  });

  it('unpacks every native file of onnxruntime-node from app.asar', () => {
    const native = filesUnder(join(root, 'node_modules', 'onnxruntime-node', 'bin'))
      .map((f) => relative(root, f).split(sep).join('/'))
      .filter((f) => /\.(node|so(\.\d+)*|dylib|dll)$/.test(f));
    assert.ok(native.some((f) => f.endsWith('.node')), 'onnxruntime-node ships .node files');
    for (const file of native) assert.ok(matches(config.asarUnpack, file), file);
    assert.ok(!matches(config.asarUnpack, 'node_modules/onnxruntime-node/dist/index.js'), 'only the native part is unpacked');
    // Smart unpacking would take the whole module of any native file, its JavaScript included, out of the archive.
    assert.equal(config.asar.smartUnpack, false);
  });

  it('records the hashes of the unpacked files before packing, into a file app.asar carries, and checks them after', async () => {
    for (const [name, file] of [['beforePack', config.beforePack], ['afterPack', config.afterPack]] as const) {
      assert.ok(existsSync(join(root, file)), file);
      const hooks: unknown = await import(pathToFileURL(join(root, file)).href);
      // electron-builder takes the export named after the hook.
      assert.equal(typeof (hooks as Record<string, unknown>)[name], 'function', name);
    }
    assert.ok(matches(config.files, RUNTIME_FILES.nativeHashes));
    assert.ok(!matches(config.asarUnpack, RUNTIME_FILES.nativeHashes), 'the record is inside app.asar, under its integrity check');
  });

  it('flips the fuses: app code only from an integrity-checked asar, and no extra file:// privileges', () => {
    assert.equal(config.electronFuses.enableEmbeddedAsarIntegrityValidation, true);
    assert.equal(config.electronFuses.onlyLoadAppFromAsar, true);
    assert.equal(config.electronFuses.grantFileProtocolExtraPrivileges, false);
    assert.equal(config.electronFuses.runAsNode, false);
  });

  it('packs onnxruntime-node’s binaries for the OS being built only, and leaves out tools the app never loads', () => {
    const binding = (os: string, arch: string) => `node_modules/onnxruntime-node/bin/napi-v6/${os}/${arch}/onnxruntime_binding.node`;
    assert.ok(packsNodeModule(binding('linux', 'x64'), 'linux'));
    assert.ok(!packsNodeModule(binding('darwin', 'arm64'), 'linux'));
    assert.ok(!packsNodeModule(binding('win32', 'x64'), 'linux'));
    assert.ok(packsNodeModule(binding('win32', 'x64'), 'win'));
    assert.ok(!packsNodeModule(binding('linux', 'x64'), 'win'));
    assert.ok(packsNodeModule(binding('darwin', 'arm64'), 'mac'));
    assert.ok(packsNodeModule('node_modules/onnxruntime-node/dist/index.js', 'linux'));
    assert.ok(packsNodeModule('node_modules/onnxruntime-common/dist/cjs/index.js', 'linux'));
    assert.ok(!packsNodeModule('node_modules/tsx/dist/cli.mjs', 'linux'));
    assert.ok(!packsNodeModule('node_modules/@esbuild/linux-x64/bin/esbuild', 'linux'));
  });

  it('packs the runtime dependencies the bundles leave out, and not the renderer’s libraries', () => {
    assert.ok('onnxruntime-node' in pkg.dependencies);
    for (const lib of ['react', 'react-dom', '@xyflow/react', 'zustand', 'immer', 'i18next', 'react-i18next', 'uplot', 'electron', 'esbuild', 'vite']) {
      assert.ok(!(lib in pkg.dependencies), `${lib} is a devDependency`);
    }
  });
});
