/**
 * The files a dataset reads, from disk. The generators in engine/datasets are pure (they run in
 * the renderer too), so the Node callers (CLI, host, inference, tests) hand them this reader.
 * Every file goes through the path policy: relative to the graph file, never outside the allowed
 * folders.
 */
import { readFileSync, statSync } from 'node:fs';
import { DatasetError, type DatasetContext } from '../datasets/types.ts';
import { PathPolicy, PathRefused } from './path-policy.ts';

/** Larger files are refused rather than read whole into memory. */
export const MAX_TEXT_BYTES = 64 * 1024 * 1024;

/**
 * A reader that resolves the file names in a dataset's params against baseDir (the graph file's
 * folder) and reads only files inside `policy`'s folders; by default the graph file's folder
 * alone (the CLI and model files on the user's own disk).
 */
export function datasetFiles(baseDir: string, policy: PathPolicy = new PathPolicy([baseDir])): DatasetContext {
  return {
    readText(file) {
      let found: { shown: string; real: string };
      try {
        found = policy.datasetFile(baseDir, file);
      } catch (e) {
        if (e instanceof PathRefused) throw new DatasetError('file', e.message);
        throw e;
      }
      return { path: found.shown, text: readUtf8(found.shown, found.real) };
    },
  };
}

/** Reads the file at `real` (links resolved) as UTF-8 text; throws DatasetError('file', …) naming `path`, the name the user gave. */
function readUtf8(path: string, real: string): string {
  let size: number;
  try {
    const stat = statSync(real);
    if (!stat.isFile()) throw new DatasetError('file', `"${path}" is not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    throw new DatasetError('file', code === 'ENOENT' ? `file not found: "${path}"` : `cannot read "${path}" (${code || String(error)})`);
  }
  if (size > MAX_TEXT_BYTES) throw new DatasetError('file', `"${path}" is ${size} bytes, more than the limit of ${MAX_TEXT_BYTES}`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(real));
  } catch (error) {
    if (error instanceof TypeError) throw new DatasetError('file', `"${path}" is not valid UTF-8 text`);
    throw new DatasetError('file', `cannot read "${path}" (${String(error)})`);
  }
}
