/**
 * The folder that keeps the app's document backups: `<workspace>/.rnn-studio/backups` for the
 * engine host (browser clients), `userData/backups` for Electron. Files are named by backup id
 * only, written atomically (a kill mid-write leaves the previous backup whole), checked before
 * they are written, bounded in size, and reached only through the path policy, so a link at the
 * folder or a file never leads a read or a write outside the folder it belongs to.
 */
import { lstat, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { BACKUP_ID, backupFileName, backupIdOf, MAX_BACKUP_BYTES, parseBackupText } from '../graph/backup.ts';
import { removeInterruptedSaves, saveFileAtomicAsync } from '../model/atomic.ts';
import { PathPolicy, PathRefused } from './path-policy.ts';

export type BackupFailure = 'not-found' | 'too-large' | 'bad-message' | 'io';

/** A request the folder cannot serve, with the protocol's error code for it. */
export class BackupRefused extends Error {
  constructor(
    readonly code: BackupFailure,
    message: string,
  ) {
    super(message);
    this.name = 'BackupRefused';
  }
}

/** One backup in the folder: what the restore offer shows, or why the file cannot be restored. */
export type BackupSummary =
  | { readonly id: string; readonly state: 'ok'; readonly name: string; readonly path: string | null; readonly savedAt: number; readonly bytes: number }
  | { readonly id: string; readonly state: 'damaged'; readonly problem: string; readonly savedAt: number; readonly bytes: number };

export interface BackupFolder {
  readonly folder: string;
  /** Newest first; damaged files are listed with their problem so the user can discard them. */
  list(): Promise<BackupSummary[]>;
  read(id: string): Promise<{ text: string }>;
  /** Replaces the backup `id` with `text`, which must be a whole backup of that id. */
  write(id: string, text: string): Promise<void>;
  /** Removes the backup `id`; one that is not there is already removed. */
  remove(id: string): Promise<void>;
}

export interface BackupFolderOptions {
  /** The folder the policy allows: the workspace (the backups folder lies inside it), or the backups folder itself. */
  readonly root: string;
  readonly maxBytes?: number;
}

const errnoOf = (e: unknown): string | undefined => (e instanceof Error && 'code' in e ? String(e.code) : undefined);
const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes % 2 ** 20 === 0 ? 0 : 1)} MiB`;

/**
 * Makes `dir` and the folders between `root` and it one at a time, refusing any that is a link or
 * a file: `mkdir -p` would follow a link there and create folders wherever it points.
 */
async function ensureFolder(root: string, dir: string): Promise<void> {
  await mkdir(root, { recursive: true });
  let at = root;
  for (const part of relative(root, dir).split(sep).filter((p) => p !== '')) {
    at = join(at, part);
    const info = await lstat(at).catch(() => null);
    if (info === null) await mkdir(at).catch((e: unknown) => (errnoOf(e) === 'EEXIST' ? undefined : Promise.reject(e)));
    else if (!info.isDirectory()) throw new PathRefused(`${at} is not a folder (a symbolic link or a file); backups are not written through it`);
  }
}

export function createBackupFolder(folder: string, options: BackupFolderOptions): BackupFolder {
  const dir = resolve(folder);
  const root = resolve(options.root);
  const maxBytes = options.maxBytes ?? MAX_BACKUP_BYTES;
  const policy = new PathPolicy([root], 'the backups folder');

  const pathOf = (id: string): string => {
    if (!BACKUP_ID.test(id)) throw new BackupRefused('bad-message', `backup id ${JSON.stringify(id)} is refused: it must be 8 to 64 letters, digits or dashes`);
    return join(dir, backupFileName(id));
  };
  /** The file with links resolved, inside the folder; 'not-found' when there is none. */
  const existing = async (id: string): Promise<string> => {
    const path = pathOf(id);
    try {
      return await policy.existing(path);
    } catch (e) {
      if (e instanceof PathRefused) throw new BackupRefused('io', e.message);
      if (errnoOf(e) === 'ENOENT') throw new BackupRefused('not-found', `there is no backup ${id} (it was restored or discarded already)`);
      throw new BackupRefused('io', `cannot read the backup ${id}: ${reasonOf(e)}`);
    }
  };
  const readChecked = async (real: string, id: string): Promise<{ text: string; bytes: number; modified: number }> => {
    const info = await stat(real);
    if (!info.isFile()) throw new BackupRefused('io', `the backup ${id} is not a file`);
    if (info.size > maxBytes) throw new BackupRefused('too-large', `the backup ${id} is ${info.size} bytes, more than the ${mib(maxBytes)} a backup may hold`);
    return { text: await readFile(real, 'utf8'), bytes: info.size, modified: info.mtimeMs };
  };

  return {
    folder: dir,

    async list() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (e) {
        if (errnoOf(e) === 'ENOENT') return [];
        throw new BackupRefused('io', `cannot list the backups in ${dir}: ${reasonOf(e)}`);
      }
      // Temporary files of a write killed half-way: the backup they were replacing is whole.
      if (names.some((n) => n.endsWith('.tmp'))) await removeInterruptedSaves(dir);
      const found: BackupSummary[] = [];
      for (const name of names) {
        const id = backupIdOf(name);
        if (id === null) continue;
        try {
          const { text, bytes, modified } = await readChecked(await existing(id), id);
          const parsed = parseBackupText(text);
          found.push(
            parsed.ok
              ? { id, state: 'ok', name: parsed.backup.document.name, path: parsed.backup.path, savedAt: parsed.backup.savedAt, bytes }
              : { id, state: 'damaged', problem: parsed.problem, savedAt: Math.round(modified), bytes },
          );
        } catch (e) {
          // Gone since readdir: nothing to offer. Anything else is offered as damaged, to be discarded.
          if (e instanceof BackupRefused && e.code === 'not-found') continue;
          found.push({ id, state: 'damaged', problem: reasonOf(e), savedAt: 0, bytes: 0 });
        }
      }
      return found.sort((a, b) => b.savedAt - a.savedAt || a.id.localeCompare(b.id));
    },

    async read(id) {
      const real = await existing(id);
      try {
        return { text: (await readChecked(real, id)).text };
      } catch (e) {
        if (e instanceof BackupRefused) throw e;
        throw new BackupRefused('io', `cannot read the backup ${id}: ${reasonOf(e)}`);
      }
    },

    async write(id, text) {
      const path = pathOf(id);
      // A UTF-16 unit is at least one UTF-8 byte: the length alone refuses most oversized texts without counting.
      if (text.length > maxBytes || Buffer.byteLength(text, 'utf8') > maxBytes) {
        throw new BackupRefused('too-large', `the backup ${id} is not written: it would be larger than ${mib(maxBytes)}, the most a backup may hold`);
      }
      const parsed = parseBackupText(text);
      if (!parsed.ok) throw new BackupRefused('bad-message', `the backup ${id} is not written: ${parsed.problem}`);
      if (parsed.backup.id !== id) throw new BackupRefused('bad-message', `the backup ${id} is not written: its text is the backup ${parsed.backup.id}`);
      try {
        await ensureFolder(root, dir);
        const target = await policy.writable(path);
        await saveFileAtomicAsync(target, text);
      } catch (e) {
        throw new BackupRefused('io', reasonOf(e));
      }
    },

    async remove(id) {
      const path = pathOf(id);
      let target: string;
      try {
        target = await policy.writable(path);
      } catch {
        return; // no folder, or one that leads out: there is no backup of ours to remove
      }
      try {
        // `target` is the name itself (never a link's destination) in the real folder.
        await rm(target, { force: true });
      } catch (e) {
        throw new BackupRefused('io', `cannot remove the backup ${id}: ${reasonOf(e)}`);
      }
    },
  };
}
