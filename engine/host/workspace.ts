/**
 * The workspace folder a browser client reads and writes through the host (it has no file system
 * of its own). Only plain file names directly inside the folder, with the app's extensions:
 * nothing reaches a parent folder, a subfolder or a hidden file, and the path policy keeps
 * symbolic links from leading out (reads) or being written through (writes).
 */
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PathPolicy, PathRefused } from '../files/path-policy.ts';
import { saveFileAtomicAsync } from '../model/atomic.ts';
import type { FileEntry } from '../protocol/messages.ts';
import { messageOf, RequestError } from './errors.ts';
import { HIDDEN_CHARACTER } from '../graph/hidden-characters.ts';

export const WORKSPACE_EXTENSIONS = ['.rnn.json', '.rnn-model.json', '.json'] as const;

/** Larger files are refused rather than sent whole over the connection, for reading and writing alike. */
export const MAX_WORKSPACE_FILE_BYTES = 64 * 1024 * 1024;
const LIMIT_SHOWN = `${MAX_WORKSPACE_FILE_BYTES / (1024 * 1024)} MiB`;

/** Device names Windows reserves whatever the extension (`con.rnn.json` opens the console there). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³]) *(\.|$)/i;

/** Why `name` is not an acceptable workspace file name, or null when it is. */
export function fileNameProblem(name: string): string | null {
  if (name.length === 0) return 'the name is empty';
  if (/[/\\]/.test(name)) return 'it contains a path separator; only a plain file name inside the workspace is allowed';
  if (name === '.' || name === '..' || name.includes('..')) return "it contains '..'";
  if (name.startsWith('.')) return 'it starts with a dot (hidden files are not used)';
  if (HIDDEN_CHARACTER.test(name)) return 'it contains a control character (bidirectional text controls such as U+202E hide what a name really ends in)';
  if (/[<>:"|?*]/.test(name)) return 'it contains a character that file names cannot hold on every system (< > : " | ? *)';
  if (WINDOWS_RESERVED.test(name)) return 'CON, PRN, AUX, NUL, COM1–9 and LPT1–9 are reserved on Windows, whatever the extension';
  if (/[ .]$/.test(name)) return 'it ends in a space or a dot';
  if (!WORKSPACE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext))) return `it does not end in ${WORKSPACE_EXTENSIONS.join(', ')}`;
  return null;
}

export interface Workspace {
  list(): Promise<{ workspace: string; files: FileEntry[] }>;
  read(name: string): Promise<{ text: string; documentPath: string }>;
  write(name: string, text: string, overwrite: boolean): Promise<{ documentPath: string }>;
}

const errnoOf = (e: unknown): string | undefined => (e instanceof Error && 'code' in e ? String(e.code) : undefined);

/** `folder` null: a host without a workspace (Electron, which uses native dialogs); every call is 'not-found'. */
export function createWorkspace(folder: string | null): Workspace {
  const root = folder === null ? null : resolve(folder);
  const policy = new PathPolicy(root === null ? [] : [root]);
  const refusedAsIo = (e: unknown): never => {
    if (e instanceof PathRefused) throw new RequestError('io', e.message);
    throw e;
  };
  const rootOrFail = (): string => {
    if (root === null) throw new RequestError('not-found', 'this engine host has no workspace folder: files are opened and saved through the app');
    return root;
  };
  const pathOf = (name: string): string => {
    const dir = rootOrFail();
    const problem = fileNameProblem(name);
    if (problem !== null) throw new RequestError('bad-message', `file name ${JSON.stringify(name)} is refused: ${problem}`);
    return join(dir, name);
  };

  return {
    async list() {
      const dir = rootOrFail();
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (e) {
        throw new RequestError(errnoOf(e) === 'ENOENT' ? 'not-found' : 'io', `cannot list the workspace ${dir}: ${messageOf(e)}`);
      }
      const files: FileEntry[] = [];
      for (const name of names) {
        if (fileNameProblem(name) !== null) continue;
        // A file removed between readdir and stat is simply no longer there; a link out is not offered.
        const real = await policy.existing(join(dir, name)).catch(() => null);
        const info = real === null ? null : await stat(real).catch(() => null);
        if (info?.isFile()) files.push({ name, size: info.size, modified: info.mtimeMs });
      }
      files.sort((a, b) => b.modified - a.modified || a.name.localeCompare(b.name));
      return { workspace: dir, files };
    },

    async read(name) {
      const path = pathOf(name);
      try {
        const real = await policy.existing(path);
        const info = await stat(real);
        if (!info.isFile()) throw new RequestError('io', `${name} is not a file`);
        if (info.size > MAX_WORKSPACE_FILE_BYTES) throw new RequestError('io', `${name} is ${info.size} bytes, more than the ${LIMIT_SHOWN} the app opens`);
        return { text: await readFile(real, 'utf8'), documentPath: path };
      } catch (e) {
        if (e instanceof RequestError) throw e;
        if (e instanceof PathRefused) throw new RequestError('io', e.message);
        if (errnoOf(e) === 'ENOENT') throw new RequestError('not-found', `${name}: no such file in the workspace ${rootOrFail()}`);
        throw new RequestError('io', `cannot read ${name}: ${messageOf(e)}`);
      }
    },

    async write(name, text, overwrite) {
      const path = pathOf(name);
      // A UTF-16 unit is at least one UTF-8 byte: the length alone refuses most oversized texts without counting.
      if (text.length > MAX_WORKSPACE_FILE_BYTES || Buffer.byteLength(text, 'utf8') > MAX_WORKSPACE_FILE_BYTES) {
        throw new RequestError('io', `${name} is not saved: it would be larger than ${LIMIT_SHOWN}, the most a workspace file may hold (the same limit files.read has)`);
      }
      const target = await policy.writable(path).catch(refusedAsIo);
      if (!overwrite) {
        const exists = await lstat(target).then(
          () => true,
          (e: unknown) => errnoOf(e) !== 'ENOENT',
        );
        if (exists) throw new RequestError('busy', `${name} already exists in the workspace; save with overwrite to replace it`);
      }
      try {
        await saveFileAtomicAsync(target, text);
      } catch (e) {
        throw new RequestError('io', messageOf(e));
      }
      return { documentPath: path };
    },
  };
}
