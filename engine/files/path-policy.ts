/**
 * The one rule for every file the engine touches on behalf of a client (a page, a graph file): it
 * must lie inside one of the allowed folders (the workspace, the templates, folders the user
 * chose in a native dialog) once every symbolic link on the way is resolved. Links that lead out
 * are refused, writes never go through a link, and dataset files are named relative to the graph
 * file. The CLI acts on the user's own paths and allows only the graph file's folder for
 * dataset files, so a downloaded graph cannot read ~/.ssh.
 */
import { realpathSync } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep, win32 } from 'node:path';

/** A path the policy does not allow; the message names the path as the client gave it. */
export class PathRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathRefused';
  }
}

const caseInsensitive = process.platform === 'win32' || process.platform === 'darwin';

/** Whether `path` is `root` or below it; both absolute and free of links. */
function isWithin(root: string, path: string): boolean {
  const [r, p] = caseInsensitive ? [root.toLowerCase(), path.toLowerCase()] : [root, path];
  const rel = relative(r, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

const errnoOf = (e: unknown): string | undefined => (e instanceof Error && 'code' in e ? String(e.code) : undefined);

/** The folder as it is on disk (a link to it resolved); as given when it does not exist yet. */
function realFolder(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return folder;
  }
}

export class PathPolicy {
  /** Each allowed folder as given (resolved) and as it is on disk: paths are checked as written against either, and with links resolved against the real one. */
  private readonly allowed: { given: string; real: string }[] = [];

  /** `what` names the allowed folders to the user in refusals ("the graph file's folder"). */
  constructor(
    roots: readonly string[],
    private readonly what: string = "the graph file's folder",
  ) {
    this.allow(roots);
  }

  /** Adds folders the user chose (a folder already allowed is not added twice). */
  allow(folders: readonly string[]): void {
    for (const folder of folders) {
      const given = resolve(folder);
      if (!this.allowed.some((a) => a.given === given)) this.allowed.push({ given, real: realFolder(given) });
    }
  }

  /** Whether `path` lies inside an allowed folder as written, before any link is resolved. */
  contains(path: string): boolean {
    const p = resolve(path);
    return this.allowed.some((a) => isWithin(a.given, p) || isWithin(a.real, p));
  }

  private containsReal(real: string): boolean {
    return this.allowed.some((a) => isWithin(a.real, real));
  }

  /** Whether `real` (inside an allowed folder) is a hidden file or lies in a hidden folder below it (`.ssh/id_rsa` when the workspace is home). */
  private isHidden(real: string): boolean {
    const root = this.allowed.find((a) => isWithin(a.real, real));
    return root !== undefined && relative(root.real, real).split(sep).some((part) => part.startsWith('.'));
  }

  /**
   * The existing file or folder at `path` with every link resolved. Throws PathRefused when it
   * leads outside the allowed folders, and the file system's error (ENOENT, …) when it is not there.
   */
  async existing(path: string): Promise<string> {
    const real = await realpath(path);
    if (!this.containsReal(real)) throw new PathRefused(`${path} leads outside the workspace (a symbolic link to somewhere else); it is not opened`);
    return real;
  }

  /**
   * Where a write to `path` goes: its folder with links resolved and inside the allowed folders,
   * and the name itself not a link (a write would replace or go through it). Throws PathRefused.
   */
  async writable(path: string): Promise<string> {
    let folder: string;
    try {
      folder = await realpath(dirname(path));
    } catch (e) {
      throw new PathRefused(`${path} cannot be written: its folder cannot be found (${errnoOf(e) ?? String(e)})`);
    }
    if (!this.containsReal(folder)) throw new PathRefused(`${path} leads outside the workspace; it is not written`);
    const target = join(folder, basename(path));
    const info = await lstat(target).catch(() => null);
    if (info?.isSymbolicLink()) throw new PathRefused(`${path} is a symbolic link; files are never written through links`);
    return target;
  }

  /**
   * A dataset's `file` param, named relative to the graph file's folder `baseDir`, as a path with
   * every link resolved. Absolute paths and '..' leading out are refused without touching the
   * disk; a file that is missing and one that a link leads out to get the same message, so the
   * answer does not tell whether a file outside exists. Throws PathRefused.
   */
  datasetFile(baseDir: string, file: string): { shown: string; real: string } {
    if (isAbsolute(file) || win32.isAbsolute(file)) {
      throw new PathRefused(`"${file}" is an absolute path; dataset files are named relative to the graph file's folder`);
    }
    const shown = resolve(baseDir, file);
    if (!this.contains(shown)) {
      const why = this.contains(baseDir) ? "'..' may not lead out of them" : `the graph file's folder ${baseDir} is not one of them`;
      throw new PathRefused(`"${file}" is outside the folders dataset files are read from (${this.what}); ${why}`);
    }
    const notFound = new PathRefused(`file not found: "${shown}" (links that lead out of ${this.what} are not followed)`);
    let real: string;
    try {
      real = realpathSync(shown);
    } catch {
      throw notFound;
    }
    if (!this.containsReal(real)) throw notFound;
    if (this.isHidden(real)) throw new PathRefused(`"${file}" is a hidden file or lies in a hidden folder; dataset files are not read from those`);
    return { shown, real };
  }
}
