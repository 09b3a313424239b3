/**
 * The files electron-builder leaves outside app.asar (onnxruntime-node's native binaries, which
 * the engine host loads) are not covered by asar integrity. Their SHA-256 hashes are recorded
 * when packaging (scripts/record-native-hashes.mjs) in a file inside app.asar, which is; main
 * compares before it starts the engine host, and refuses to start it on any difference.
 *
 * Not on macOS: code signing rewrites every Mach-O file after packaging, so no hash recorded
 * before it can match. There the app bundle's signature seals app.asar.unpacked instead.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RUNTIME_FILES } from './paths.ts';
import { fill, type MainStrings } from './strings.ts';

const NativeHashes = z.object({
  format: z.literal('rnn-studio-native-hashes'),
  version: z.literal(1),
  /** Path relative to the app folder, '/' between folders → SHA-256 in hex. */
  files: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
});

/** `file` is relative to the app folder (or, for 'no-record', the record itself). */
export type NativeFileProblem =
  | { readonly kind: 'changed' | 'missing' | 'unexpected' | 'not-a-file'; readonly file: string }
  | { readonly kind: 'no-record' | 'unreadable'; readonly file: string; readonly reason: string };

export interface NativeFilesCheck {
  readonly isPackaged: boolean;
  readonly platform: NodeJS.Platform;
  readonly arch: string;
  /** app.getAppPath(): …/resources/app.asar; the unpacked files are in app.asar.unpacked beside it. */
  readonly appPath: string;
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** Every entry under `root`, folders walked (links not followed), as paths relative to it with '/'. */
async function entriesUnder(root: string, dir = ''): Promise<{ path: string; isFile: boolean }[]> {
  let entries;
  try {
    entries = await readdir(join(root, dir), { withFileTypes: true });
  } catch (e) {
    if (dir === '' && (e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      return entry.isDirectory() ? entriesUnder(root, path) : [{ path, isFile: entry.isFile() }];
    }),
  );
  return nested.flat();
}

/** Whether a recorded file is one this platform loads: its folders name the platform, then the arch (…/linux/x64/…). */
const isForThisMachine = (file: string, platform: string, arch: string) => file.split('/').some((segment, i, all) => segment === platform && all[i + 1] === arch);

/**
 * Compares app.asar.unpacked with the hashes recorded inside app.asar: every file there must be
 * recorded with the same hash (a planted DLL is found too, since Windows would load it from that
 * folder), and every recorded file for this platform and arch must be there. Empty when all is well,
 * in development, and on macOS.
 */
export async function checkNativeFiles(check: NativeFilesCheck): Promise<readonly NativeFileProblem[]> {
  if (!check.isPackaged || check.platform === 'darwin') return [];
  let recorded: Readonly<Record<string, string>>;
  try {
    recorded = NativeHashes.parse(JSON.parse(await readFile(join(check.appPath, RUNTIME_FILES.nativeHashes), 'utf8'))).files;
  } catch (e) {
    return [{ kind: 'no-record', file: RUNTIME_FILES.nativeHashes, reason: e instanceof z.ZodError ? 'not a list of hashes' : e instanceof Error ? e.message : String(e) }];
  }
  const unpacked = `${check.appPath}.unpacked`;
  const entries = await entriesUnder(unpacked);
  const problems: NativeFileProblem[] = await Promise.all(
    entries.map(async ({ path, isFile }): Promise<NativeFileProblem | null> => {
      if (!Object.hasOwn(recorded, path)) return { kind: 'unexpected', file: path };
      if (!isFile) return { kind: 'not-a-file', file: path };
      try {
        return (await sha256(join(unpacked, path))) === recorded[path] ? null : { kind: 'changed', file: path };
      } catch (e) {
        return { kind: 'unreadable', file: path, reason: e instanceof Error ? e.message : String(e) };
      }
    }),
  ).then((found) => found.filter((p) => p !== null));
  const present = new Set(entries.map((e) => e.path));
  for (const file of Object.keys(recorded)) {
    if (isForThisMachine(file, check.platform, check.arch) && !present.has(file)) problems.push({ kind: 'missing', file });
  }
  return problems;
}

const LINES: Readonly<Record<NativeFileProblem['kind'], keyof MainStrings>> = {
  changed: 'nativeChanged',
  missing: 'nativeMissing',
  unexpected: 'nativeUnexpected',
  'not-a-file': 'nativeNotAFile',
  'no-record': 'nativeNoRecord',
  unreadable: 'nativeUnreadable',
};

/** The error box's title and text: one line per file, by its path. */
export function describeNativeProblems(problems: readonly NativeFileProblem[], strings: MainStrings): { title: string; message: string } {
  const lines = problems.map((p) => fill(strings[LINES[p.kind]], p.kind === 'no-record' || p.kind === 'unreadable' ? { file: p.file, reason: p.reason } : { file: p.file }));
  return { title: strings.nativeTitle, message: fill(strings.nativeMessage, { problems: lines.join('\n') }) };
}
