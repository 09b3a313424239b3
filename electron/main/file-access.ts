/**
 * Reading and writing the user's files for the renderer. Nothing here throws: each call answers
 * a Result whose error says which file and what went wrong. Writes are atomic (the engine's
 * saveFileAtomicAsync), so a failed save leaves the old file as it was.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { saveFileAtomicAsync } from '../../engine/model/atomic.ts';
import { FILE_EXTENSIONS, type OpenedFile, type Result, type SaveFilter } from '../common/ipc.ts';

/** Graph documents are a few hundred kilobytes at most; anything this big is not one. */
export const MAX_OPEN_BYTES = 32 * 1024 * 1024;


const errnoOf = (e: unknown): string | undefined => (e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined);
const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const fail = (code: string, message: string) => ({ ok: false as const, error: { code, message } });

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Reads a text file as UTF-8 (a byte order mark is dropped); refuses folders, huge files and bytes that are not UTF-8. */
export async function readTextFile(path: string, maxBytes: number = MAX_OPEN_BYTES): Promise<Result<OpenedFile>> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return fail('io', `${path} is a folder, not a file`);
    size = info.size;
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return fail('not-found', `${path} does not exist (it may have been moved or deleted)`);
    return fail('io', `could not read ${path}: ${reasonOf(e)}`);
  }
  if (size > maxBytes) return fail('too-large', `${path} is ${megabytes(size)}; files over ${megabytes(maxBytes)} are not opened`);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    return fail('io', `could not read ${path}: ${reasonOf(e)}`);
  }
  if (bytes.length > maxBytes) return fail('too-large', `${path} is ${megabytes(bytes.length)}; files over ${megabytes(maxBytes)} are not opened`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return fail('bad-encoding', `${path} is not UTF-8 text`);
  }
  return { ok: true, value: { path, text } };
}

/** Replaces the file at `path` with `content` (text, or the bytes of a binary file) atomically. */
export async function writeTextFile(path: string, content: string | Uint8Array): Promise<Result<{ path: string }>> {
  try {
    await saveFileAtomicAsync(path, content);
    return { ok: true, value: { path } };
  } catch (e) {
    return fail('io', reasonOf(e));
  }
}

/**
 * A file name to offer in a save dialog: the suggested name without any folder part or characters
 * that file systems refuse, ending in the kind's extension (`my graph` → `my graph.rnn.json`).
 */
export function suggestedFileName(suggested: string, filter: SaveFilter, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = basename(suggested.replace(/\\/g, '/')).replace(/[<>:"|?*\u0000-\u001f]/g, '').trim().slice(0, 200);
  const ending = `.${FILE_EXTENSIONS[filter]}`;
  let stem = cleaned === '' || cleaned === '.' || cleaned === '..' ? fallback : cleaned;
  for (const known of Object.values(FILE_EXTENSIONS)) {
    if (stem.toLowerCase().endsWith(`.${known}`)) {
      stem = stem.slice(0, -(known.length + 1));
      break;
    }
  }
  return `${stem || fallback}${ending}`;
}
