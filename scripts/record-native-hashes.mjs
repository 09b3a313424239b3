// Records the SHA-256 of every file electron-builder leaves outside app.asar (its `asarUnpack`:
// onnxruntime-node's native binaries, which Electron cannot load from inside an archive) in
// dist/electron/native-hashes.json. That file is packed inside app.asar, so asar integrity covers
// the record, and main compares the unpacked files with it before it starts the engine host
// (electron/main/native-files.ts).
// electron-builder runs `beforePack` below before it copies the app's files, so the record is
// packed with them, and `afterPack` once app.asar.unpacked is written, to fail the build if what
// ships outside the archive is not exactly what was recorded (before macOS signing rewrites the
// binaries). By hand: node scripts/record-native-hashes.mjs [--project <dir>]
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder electron-builder.json's asarUnpack names, relative to the project. */
const UNPACKED = 'node_modules/onnxruntime-node/bin';
/** RUNTIME_FILES.nativeHashes in electron/main/paths.ts. */
const RECORD = 'dist/electron/native-hashes.json';

function sha256(file) {
  return new Promise((resolveHash, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolveHash(hash.digest('hex')))
      .on('error', reject);
  });
}

/** Every regular file under `dir`, as paths relative to `projectDir` with '/' between folders. */
async function filesUnder(projectDir, dir) {
  const entries = await readdir(dir === '' ? projectDir : join(projectDir, dir), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) return filesUnder(projectDir, path);
      if (entry.isFile()) return [path];
      throw new Error(`${path} is neither a file nor a folder; the app would ship it unchecked`);
    }),
  );
  return nested.flat();
}

export async function recordNativeHashes(projectDir) {
  const files = (await filesUnder(projectDir, UNPACKED)).sort();
  const hashes = Object.fromEntries(await Promise.all(files.map(async (file) => [file, await sha256(join(projectDir, file))])));
  const record = join(projectDir, RECORD);
  await mkdir(dirname(record), { recursive: true });
  await writeFile(record, `${JSON.stringify({ format: 'rnn-studio-native-hashes', version: 1, files: hashes }, null, 2)}\n`);
  return { record, count: files.length };
}

/** Throws unless the files under `unpackedDir` are exactly those recorded in the project, with the same hashes. */
export async function verifyUnpacked(projectDir, unpackedDir) {
  const { files: recorded } = JSON.parse(await readFile(join(projectDir, RECORD), 'utf8'));
  const shipped = await filesUnder(unpackedDir, '');
  const wrong = [];
  for (const file of shipped) {
    if (!Object.hasOwn(recorded, file)) wrong.push(`${file} is not recorded`);
    else if ((await sha256(join(unpackedDir, file))) !== recorded[file]) wrong.push(`${file} differs from the recorded file`);
  }
  if (wrong.length > 0) throw new Error(`${unpackedDir} is not what ${RECORD} records, and RNN Studio would refuse to start its engine:\n  ${wrong.join('\n  ')}`);
  return { count: shipped.length };
}

/** electron-builder's hooks. */
export async function beforePack(context) {
  await recordNativeHashes(context.packager.projectDir);
}

export async function afterPack(context) {
  await verifyUnpacked(context.packager.projectDir, join(context.packager.getResourcesDir(context.appOutDir), 'app.asar.unpacked'));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--project');
  const projectDir = resolve(i === -1 ? join(dirname(fileURLToPath(import.meta.url)), '..') : process.argv[i + 1]);
  const { record, count } = await recordNativeHashes(projectDir);
  console.log(`record-native-hashes: ${count} files → ${record}`);
}
