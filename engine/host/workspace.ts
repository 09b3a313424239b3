/**
 * The workspace folder a browser client reads and writes through the host (it has no file system
 * of its own). Only plain file names directly inside the folder, with the app's extensions:
 * nothing reaches a parent folder, a subfolder or a hidden file.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { saveFileAtomicAsync } from '../model/atomic.ts';
import type { FileEntry } from '../protocol/messages.ts';
import { messageOf, RequestError } from './errors.ts';

export const WORKSPACE_EXTENSIONS = ['.rnn.json', '.rnn-model.json', '.json'] as const;

/** Larger files are refused rather than sent whole over the connection. */
export const MAX_WORKSPACE_FILE_BYTES = 64 * 1024 * 1024;

/** Why `name` is not an acceptable workspace file name, or null when it is. */
export function fileNameProblem(name: string): string | null {
  if (name.length === 0) return 'the name is empty';
  if (/[/\\]/.test(name)) return 'it contains a path separator; only a plain file name inside the workspace is allowed';
  if (name === '.' || name === '..' || name.includes('..')) return "it contains '..'";
  if (name.startsWith('.')) return 'it starts with a dot (hidden files are not used)';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f<>:"|?*]/.test(name)) return 'it contains a character that file names cannot hold on every system (< > : " | ? * or a control character)';
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
        // A file removed between readdir and stat is simply no longer there.
        const info = await stat(join(dir, name)).catch(() => null);
        if (info?.isFile()) files.push({ name, size: info.size, modified: info.mtimeMs });
      }
      files.sort((a, b) => b.modified - a.modified || a.name.localeCompare(b.name));
      return { workspace: dir, files };
    },

    async read(name) {
      const path = pathOf(name);
      try {
        const info = await stat(path);
        if (!info.isFile()) throw new RequestError('io', `${name} is not a file`);
        if (info.size > MAX_WORKSPACE_FILE_BYTES) throw new RequestError('io', `${name} is ${info.size} bytes, more than the ${MAX_WORKSPACE_FILE_BYTES} the app opens`);
        return { text: await readFile(path, 'utf8'), documentPath: path };
      } catch (e) {
        if (e instanceof RequestError) throw e;
        if (errnoOf(e) === 'ENOENT') throw new RequestError('not-found', `${name}: no such file in the workspace ${rootOrFail()}`);
        throw new RequestError('io', `cannot read ${name}: ${messageOf(e)}`);
      }
    },

    async write(name, text, overwrite) {
      const path = pathOf(name);
      if (!overwrite) {
        const exists = await stat(path).then(
          () => true,
          (e: unknown) => errnoOf(e) !== 'ENOENT',
        );
        if (exists) throw new RequestError('busy', `${name} already exists in the workspace; save with overwrite to replace it`);
      }
      try {
        await saveFileAtomicAsync(path, text);
      } catch (e) {
        throw new RequestError('io', messageOf(e));
      }
      return { documentPath: path };
    },
  };
}
