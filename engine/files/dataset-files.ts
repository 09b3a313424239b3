/**
 * The files a dataset reads, from disk. The generators in engine/datasets are pure (they run in
 * the renderer too), so the Node callers (CLI, host, inference, tests) hand them this reader.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DatasetError, type DatasetContext } from '../datasets/types.ts';

/** Larger files are refused rather than read whole into memory. */
export const MAX_TEXT_BYTES = 64 * 1024 * 1024;

/** A reader that resolves the file names in a dataset's params against baseDir (the graph file's folder). */
export function datasetFiles(baseDir: string): DatasetContext {
  return {
    readText(file) {
      const path = resolve(baseDir, file);
      return { path, text: readUtf8(path) };
    },
  };
}

/** Reads the file as UTF-8 text; throws DatasetError('file', …) naming the resolved path. */
function readUtf8(path: string): string {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new DatasetError('file', `"${path}" is not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    throw new DatasetError('file', code === 'ENOENT' ? `file not found: "${path}"` : `cannot read "${path}" (${code || String(error)})`);
  }
  if (size > MAX_TEXT_BYTES) throw new DatasetError('file', `"${path}" is ${size} bytes, more than the limit of ${MAX_TEXT_BYTES}`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch (error) {
    if (error instanceof TypeError) throw new DatasetError('file', `"${path}" is not valid UTF-8 text`);
    throw new DatasetError('file', `cannot read "${path}" (${String(error)})`);
  }
}
