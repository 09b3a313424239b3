import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkNativeFiles, describeNativeProblems, type NativeFileProblem } from '../../electron/main/native-files.ts';
import { RUNTIME_FILES } from '../../electron/main/paths.ts';
import { mainStrings } from '../../electron/main/strings.ts';
import { repoRoot } from './helpers/bundles.ts';

const BIN = 'node_modules/onnxruntime-node/bin/napi-v6';
const shipped: Record<string, string> = {
  [`${BIN}/linux/x64/onnxruntime_binding.node`]: 'linux x64 binding',
  [`${BIN}/linux/x64/libonnxruntime.so.1`]: 'linux x64 runtime',
  [`${BIN}/linux/arm64/onnxruntime_binding.node`]: 'linux arm64 binding',
  [`${BIN}/win32/x64/onnxruntime_binding.node`]: 'win32 x64 binding',
  [`${BIN}/win32/x64/onnxruntime.dll`]: 'win32 x64 runtime',
};

let scratch = '';
let project = '';
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'rnn-native-files-'));
  project = join(scratch, 'project');
  for (const [file, text] of Object.entries(shipped)) {
    mkdirSync(dirname(join(project, file)), { recursive: true });
    writeFileSync(join(project, file), text);
  }
  const run = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'record-native-hashes.mjs'), '--project', project], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

let apps = 0;
/** An installed app: app.asar (a folder here) with the recorded hashes, and app.asar.unpacked with the files of one OS. */
function installed(os: string): string {
  const appPath = join(scratch, `install-${apps++}`, 'resources', 'app.asar');
  mkdirSync(dirname(join(appPath, RUNTIME_FILES.nativeHashes)), { recursive: true });
  cpSync(join(project, RUNTIME_FILES.nativeHashes), join(appPath, RUNTIME_FILES.nativeHashes));
  for (const file of Object.keys(shipped).filter((f) => f.includes(`/${os}/`))) {
    mkdirSync(dirname(join(`${appPath}.unpacked`, file)), { recursive: true });
    cpSync(join(project, file), join(`${appPath}.unpacked`, file));
  }
  return appPath;
}

const check = (appPath: string, over: { platform?: NodeJS.Platform; arch?: string; isPackaged?: boolean } = {}) =>
  checkNativeFiles({ appPath, isPackaged: over.isPackaged ?? true, platform: over.platform ?? 'linux', arch: over.arch ?? 'x64' });

const kinds = (problems: readonly NativeFileProblem[]) => problems.map((p) => `${p.kind} ${p.file}`).sort();

describe('the hashes of the unpacked ONNX Runtime files', () => {
  it('are recorded at packaging time for every file the asar leaves out', () => {
    const manifest: unknown = JSON.parse(readFileSync(join(project, RUNTIME_FILES.nativeHashes), 'utf8'));
    const files = (manifest as { files: Record<string, string> }).files;
    assert.deepEqual(Object.keys(files).sort(), Object.keys(shipped).sort());
    for (const hash of Object.values(files)) assert.match(hash, /^[0-9a-f]{64}$/);
  });

  it('match on an untouched install, of Linux or Windows', async () => {
    assert.deepEqual(await check(installed('linux')), []);
    assert.deepEqual(await check(installed('linux'), { arch: 'arm64' }), []);
    assert.deepEqual(await check(installed('win32'), { platform: 'win32' }), []);
  });

  it('find a changed, a replaced or a missing file of this platform', async () => {
    const changed = installed('linux');
    writeFileSync(join(`${changed}.unpacked`, BIN, 'linux/x64/libonnxruntime.so.1'), 'linux x64 runtimE');
    assert.deepEqual(kinds(await check(changed)), [`changed ${BIN}/linux/x64/libonnxruntime.so.1`]);
    const missing = installed('linux');
    rmSync(join(`${missing}.unpacked`, BIN, 'linux/x64/onnxruntime_binding.node'));
    assert.deepEqual(kinds(await check(missing)), [`missing ${BIN}/linux/x64/onnxruntime_binding.node`]);
  });

  it('find a file planted beside them (a DLL the loader would pick up), and a link', async () => {
    const planted = installed('win32');
    writeFileSync(join(`${planted}.unpacked`, BIN, 'win32/x64/version.dll'), 'not ours');
    writeFileSync(join(`${planted}.unpacked`, 'evil.node'), 'not ours');
    assert.deepEqual(kinds(await check(planted, { platform: 'win32' })), ['unexpected evil.node', `unexpected ${BIN}/win32/x64/version.dll`]);
    const linked = installed('linux');
    const target = join(`${linked}.unpacked`, BIN, 'linux/x64/libonnxruntime.so.1');
    rmSync(target);
    symlinkSync(join(project, BIN, 'linux/x64/libonnxruntime.so.1'), target);
    assert.deepEqual(kinds(await check(linked)), [`not-a-file ${BIN}/linux/x64/libonnxruntime.so.1`]);
  });

  it('refuse to start when the record is missing or not a record', async () => {
    const none = installed('linux');
    rmSync(join(none, RUNTIME_FILES.nativeHashes));
    assert.deepEqual((await check(none)).map((p) => p.kind), ['no-record']);
    const bad = installed('linux');
    writeFileSync(join(bad, RUNTIME_FILES.nativeHashes), '{"files":{"a":"not a hash"}}');
    assert.deepEqual((await check(bad)).map((p) => p.kind), ['no-record']);
  });

  it('are not checked in development or on macOS, where signing rewrites the binaries after packaging', async () => {
    const changed = installed('linux');
    writeFileSync(join(`${changed}.unpacked`, BIN, 'linux/x64/libonnxruntime.so.1'), 'changed');
    assert.deepEqual(await check(changed, { isPackaged: false }), []);
    assert.deepEqual(await check(changed, { platform: 'darwin', arch: 'arm64' }), []);
  });

  it('are checked against what electron-builder wrote outside app.asar when packaging ends', async () => {
    const hooks = (await import(pathToFileURL(join(repoRoot, 'scripts', 'record-native-hashes.mjs')).href)) as { afterPack: (context: unknown) => Promise<void> };
    const packed = (appPath: string) => ({ appOutDir: dirname(appPath), packager: { projectDir: project, getResourcesDir: (appOutDir: string) => appOutDir } });
    await hooks.afterPack(packed(installed('linux')));
    const planted = installed('win32');
    writeFileSync(join(`${planted}.unpacked`, 'node_modules', 'onnxruntime-node', 'package.json'), '{}');
    await assert.rejects(hooks.afterPack(packed(planted)), /node_modules\/onnxruntime-node\/package\.json is not recorded/);
    const changed = installed('linux');
    writeFileSync(join(`${changed}.unpacked`, BIN, 'linux/arm64/onnxruntime_binding.node'), 'changed');
    await assert.rejects(hooks.afterPack(packed(changed)), /linux\/arm64\/onnxruntime_binding\.node differs/);
  });

  it('are described by path in the user’s language', () => {
    const problems: NativeFileProblem[] = [{ kind: 'changed', file: `${BIN}/linux/x64/libonnxruntime.so.1` }, { kind: 'unexpected', file: 'evil.node' }];
    for (const strings of [mainStrings.en, mainStrings.zh]) {
      const text = describeNativeProblems(problems, strings);
      assert.ok(text.title.length > 0);
      assert.ok(text.message.includes(`${BIN}/linux/x64/libonnxruntime.so.1`));
      assert.ok(text.message.includes('evil.node'));
    }
  });
});
