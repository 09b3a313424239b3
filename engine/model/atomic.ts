/**
 * Saving a file so that a crash, a full disk or a killed process never leaves it half written:
 * the text goes to a temporary file in the same folder (same file system, so the rename is
 * atomic), is flushed to disk, and is then renamed over the target. Readers see the old file or
 * the new one, never a mixture. Used for graph documents and model files.
 *
 * The temporary file is named `.<name>.<pid>-<random>.tmp` next to the target; it is removed when
 * saving fails. Only a process killed in the middle of a save can leave one behind, and the
 * target is intact even then; removeInterruptedSaves clears those when the engine host starts.
 *
 * A symbolic link at the target is refused rather than followed: writing through it would change
 * a file somewhere else, possibly outside every folder the user meant to write to.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, lstatSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, lstat, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Windows refuses a rename while another process (an indexer, a virus scanner) has the target open: retry for about a second. */
const RENAME_RETRIES = process.platform === 'win32' ? 8 : 0;
const retryable = (e: unknown) => e instanceof Error && 'code' in e && ['EPERM', 'EACCES', 'EBUSY'].includes(String(e.code));
const delay = (attempt: number) => 15 * 2 ** attempt;

/** Where the text goes first: the same folder as the target, hidden, and unique to this save. */
function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/** `.<name>.<pid>-<12 hex digits>.tmp`, exactly as tempPathFor names them. */
const TEMP_NAME = /^\.(.+)\.(\d+)-[0-9a-f]{12}\.tmp$/;

/** The mode to give the new file (the old one's), or undefined for a new file; throws for a link. */
function modeOf(info: { mode: number; isSymbolicLink(): boolean } | null, path: string): number | undefined {
  if (info?.isSymbolicLink()) throw new Error(`${path} is a symbolic link; files are saved only where they are, never through a link (save to the file it points to instead)`);
  return info === null ? undefined : info.mode & 0o7777;
}

function failure(path: string, e: unknown): Error {
  const reason = e instanceof Error ? e.message : String(e);
  return new Error(`could not save ${path}: ${reason} (the file on disk was left as it was)`, { cause: e });
}

/**
 * Replaces the file at `path` with `text` (UTF-8, or bytes as they are) atomically; an existing file keeps its
 * permissions. Throws an Error naming `path` (the file system error as its cause) and leaves any
 * existing file unchanged; a symbolic link at `path` is refused.
 */
export function saveFileAtomic(path: string, text: string | Uint8Array): void {
  const mode = modeOf(lstatSync(path, { throwIfNoEntry: false }) ?? null, path);
  const temp = tempPathFor(path);
  let created = false;
  try {
    const fd = openSync(temp, 'wx', 0o666);
    created = true;
    try {
      writeFileSync(fd, text, 'utf8');
      if (mode !== undefined) chmodSync(temp, mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        renameSync(temp, path);
        break;
      } catch (e) {
        if (attempt >= RENAME_RETRIES || !retryable(e)) throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay(attempt));
      }
    }
  } catch (e) {
    if (created) rmSync(temp, { force: true });
    throw failure(path, e);
  }
  syncFolderSync(dirname(path));
}

/** saveFileAtomic without blocking the event loop (the engine host, Electron's main process); same guarantees. */
export async function saveFileAtomicAsync(path: string, text: string): Promise<void> {
  const mode = modeOf(await lstat(path).catch(() => null), path);
  const temp = tempPathFor(path);
  let created = false;
  try {
    const handle = await open(temp, 'wx', 0o666);
    created = true;
    try {
      await handle.writeFile(text, 'utf8');
      if (mode !== undefined) await chmod(temp, mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await rename(temp, path);
        break;
      } catch (e) {
        if (attempt >= RENAME_RETRIES || !retryable(e)) throw e;
        await new Promise((resolve) => setTimeout(resolve, delay(attempt)));
      }
    }
  } catch (e) {
    if (created) await rm(temp, { force: true }).catch(() => undefined);
    throw failure(path, e);
  }
  await syncFolder(dirname(path));
}

/** Whether the process `pid` is still running (a process of another user counts: it cannot be signalled but exists). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e instanceof Error && 'code' in e && e.code === 'EPERM';
  }
}

/**
 * Removes the temporary files that saves into `folder` left when their process was killed: only
 * regular files named exactly as tempPathFor names them, whose process is no longer running.
 * Resolves to how many were removed; a folder that cannot be listed has none.
 */
export async function removeInterruptedSaves(folder: string): Promise<number> {
  const names = await readdir(folder).catch(() => []);
  let removed = 0;
  for (const name of names) {
    const match = TEMP_NAME.exec(name);
    if (match === null || isRunning(Number(match[2]))) continue;
    const path = join(folder, name);
    const info = await lstat(path).catch(() => null);
    if (!info?.isFile()) continue;
    await rm(path).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

/** Makes the rename itself durable (POSIX); folders cannot be opened for syncing on Windows, which is fine. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: the data itself is already on disk.
  }
}

function syncFolderSync(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Best effort, as above.
  }
}
