/**
 * The browser's recent files: workspace file names, newest first, kept in localStorage. (Inside
 * Electron, main keeps the list and the menu reads it from `window.rnnStudio.recentFiles()`.)
 */
import { z } from 'zod';

export const RECENT_LIMIT = 10;
export const RECENT_STORAGE_KEY = 'rnn-studio.recent-files';

/** What the list needs of localStorage (a Map-backed fake in tests). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

const StoredRecent = z.array(z.string().min(1).max(255));

/** `name` moved to the front; no duplicates; at most `limit` names. */
export function rememberRecent(list: readonly string[], name: string, limit = RECENT_LIMIT): string[] {
  return [name, ...list.filter((n) => n !== name)].slice(0, limit);
}

export function forgetRecent(list: readonly string[], name: string): string[] {
  return list.filter((n) => n !== name);
}

/**
 * The stored list; anything unreadable (another version's format, a hand-edited value, storage
 * that throws in a private window) counts as an empty list rather than breaking the menu.
 */
export function readRecent(storage: KeyValueStorage | undefined): string[] {
  let raw: string | null;
  try {
    raw = storage?.getItem(RECENT_STORAGE_KEY) ?? null;
  } catch {
    return [];
  }
  if (raw === null) return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return [];
  }
  const parsed = StoredRecent.safeParse(json);
  if (!parsed.success) return [];
  return parsed.data.reduceRight<string[]>((list, name) => rememberRecent(list, name), []);
}

export function writeRecent(storage: KeyValueStorage | undefined, list: readonly string[]): void {
  try {
    storage?.setItem(RECENT_STORAGE_KEY, JSON.stringify(list.slice(0, RECENT_LIMIT)));
  } catch {
    // Storage full or disabled: the list lives on in memory for this session.
  }
}
