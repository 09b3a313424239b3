/**
 * The recent files list, kept in `userData/recent-files.json`: newest first, at most ten, no
 * duplicates, files that no longer exist dropped when the list is read. A damaged file is not an
 * error the user has to deal with: it is reported in the log, read as an empty list, and replaced
 * on the next save. Operations run one after another so two saves never interleave their writes.
 */
import { access, mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import { saveFileAtomicAsync } from '../../engine/model/atomic.ts';
import type { RecentFile } from '../common/api.ts';

export const MAX_RECENT_FILES = 10;

const RecentFilesJson = z.object({
  version: z.literal(1),
  files: z.array(z.string().min(1)),
});

export interface RecentFilesOptions {
  /** Where the list is kept. */
  readonly file: string;
  readonly platform?: NodeJS.Platform;
  /** Whether a file is still there (default: the file system). */
  readonly exists?: (path: string) => Promise<boolean>;
  /** Reads the list's file; null when there is none yet (default: the file system). */
  readonly readText?: (path: string) => Promise<string | null>;
  /** Called for each file added (app.addRecentDocument, the OS's own recent list). */
  readonly onAdded?: (path: string) => void;
  /** Called with the new list whenever it changes (to rebuild the Open Recent menu). */
  readonly onChanged?: (files: readonly RecentFile[]) => void;
  readonly log?: (message: string) => void;
}

const fileExists = (path: string) => access(path).then(() => true, () => false);

async function readIfThere(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return null;
    throw e;
  }
}

export class RecentFiles {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly platform: NodeJS.Platform;

  constructor(private readonly options: RecentFilesOptions) {
    this.platform = options.platform ?? process.platform;
  }

  /** The list, newest first, without files that are gone. */
  list(): Promise<RecentFile[]> {
    return this.serial(async () => {
      const stored = await this.read();
      const exists = this.options.exists ?? fileExists;
      const present = (await Promise.all(stored.map(async (path) => ((await exists(path)) ? path : null)))).filter((p): p is string => p !== null);
      if (present.length !== stored.length) await this.write(present);
      return present.map(toRecentFile);
    });
  }

  /** Puts `path` first (moving it up if it was there already). */
  add(path: string): Promise<RecentFile[]> {
    return this.serial(async () => {
      const absolute = resolve(path);
      const stored = await this.read();
      const next = [absolute, ...stored.filter((p) => !this.same(p, absolute))].slice(0, MAX_RECENT_FILES);
      await this.write(next);
      this.options.onAdded?.(absolute);
      return next.map(toRecentFile);
    });
  }

  /** Takes `path` off the list (the app could not open it). */
  remove(path: string): Promise<void> {
    return this.serial(async () => {
      const absolute = resolve(path);
      const stored = await this.read();
      const next = stored.filter((p) => !this.same(p, absolute));
      if (next.length !== stored.length) await this.write(next);
    });
  }

  clear(): Promise<void> {
    return this.serial(() => this.write([]));
  }

  /** Whether `path` is on the list (the user opened or saved it before). */
  includes(path: string): Promise<boolean> {
    return this.serial(async () => {
      const absolute = resolve(path);
      return (await this.read()).some((p) => this.same(p, absolute));
    });
  }

  private same(a: string, b: string): boolean {
    // Windows and macOS file systems ignore case by default.
    return this.platform === 'win32' || this.platform === 'darwin' ? a.toLowerCase() === b.toLowerCase() : a === b;
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(): Promise<string[]> {
    let text: string | null;
    try {
      text = await (this.options.readText ?? readIfThere)(this.options.file);
    } catch (e) {
      this.options.log?.(`could not read the recent files list ${this.options.file}: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
    if (text === null) return [];
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      this.options.log?.(`the recent files list ${this.options.file} is not JSON (${e instanceof Error ? e.message : String(e)}); starting a new one`);
      return [];
    }
    const parsed = RecentFilesJson.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.options.log?.(`the recent files list ${this.options.file} is not in the expected form (at ${issue.path.join('.') || 'the top'}: ${issue.message}); starting a new one`);
      return [];
    }
    const unique: string[] = [];
    for (const path of parsed.data.files.map((p) => resolve(p))) if (!unique.some((p) => this.same(p, path))) unique.push(path);
    return unique.slice(0, MAX_RECENT_FILES);
  }

  private async write(files: string[]): Promise<void> {
    try {
      await mkdir(dirname(this.options.file), { recursive: true });
      await saveFileAtomicAsync(this.options.file, `${JSON.stringify({ version: 1, files }, null, 2)}\n`);
    } catch (e) {
      // The list is a convenience: failing to keep it must not fail the save or open it came with.
      this.options.log?.(`could not save the recent files list: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.options.onChanged?.(files.map(toRecentFile));
  }
}

const toRecentFile = (path: string): RecentFile => ({ path, name: basename(path) });
