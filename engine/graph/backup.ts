/**
 * The backup of an open document (hot exit): the document as it is in the editor, saved or not,
 * with the path it was opened from and when it was backed up. The app writes one on every change
 * (throttled) and removes it once the document is saved, discarded or closed unchanged; after a
 * reload, crash or kill it offers to restore the backups it finds. The engine host (browser) and
 * Electron main keep them; both check what they are given with `parseBackupText`, and the app
 * reads them back with it, so a damaged or partial file is reported, never loaded.
 */
import { z } from 'zod';
import { describeJsonError, parseGraph } from './document.ts';
import type { GraphDocument } from './schema.ts';

export const BACKUP_FORMAT = 'rnn-studio-backup';
export const BACKUP_VERSION = 1;

/** Ids are made by the app (a random UUID per window); nothing else reaches a file name. */
export const BACKUP_ID = /^[A-Za-z0-9-]{8,64}$/;
export const BackupId = z.string().regex(BACKUP_ID, 'a backup id is 8 to 64 letters, digits or dashes');

/** The largest backup kept; a graph document is far smaller, this stops a client filling a disk. */
export const MAX_BACKUP_BYTES = 16 * 2 ** 20;

/** A backup's file name in the folder that holds them. */
export const backupFileName = (id: string): string => `${id}.backup.json`;
/** The id of a backup's file name, or null for any other file. */
export function backupIdOf(fileName: string): string | null {
  const match = /^(.+)\.backup\.json$/.exec(fileName);
  return match !== null && BACKUP_ID.test(match[1]) ? match[1] : null;
}

const BackupJson = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  id: BackupId,
  /** Milliseconds since 1970 (Date.now()) when the app wrote it. */
  savedAt: z.number().int().min(0),
  /** Where the document was opened from or last saved to; null for one never saved. */
  path: z.string().min(1).max(4096).nullable(),
  document: z.unknown(),
});

export interface Backup {
  readonly id: string;
  readonly savedAt: number;
  readonly path: string | null;
  readonly document: GraphDocument;
}

export type BackupParse = { ok: true; backup: Backup } | { ok: false; problem: string };

/** The text of a backup: one line of JSON (backups are read by the app, not by people). */
export function serializeBackup(backup: Backup): string {
  return JSON.stringify({ format: BACKUP_FORMAT, version: BACKUP_VERSION, id: backup.id, savedAt: backup.savedAt, path: backup.path, document: backup.document });
}

/** Reads a backup's text; the problem names what is wrong and where (a cut-off file, a field, a node). */
export function parseBackupText(text: string): BackupParse {
  if (text.trim() === '') return { ok: false, problem: 'the file is empty' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `not valid JSON (cut off or damaged): ${describeJsonError(text, e)}` };
  }
  const parsed = BackupJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `not a backup of this version: ${issue.path.map(String).join('.') || 'the file'}: ${issue.message}` };
  }
  const graph = parseGraph(parsed.data.document);
  if (!graph.ok) return { ok: false, problem: `the document in it does not parse: ${graph.errors[0]?.message ?? 'unknown problem'}` };
  const { id, savedAt, path } = parsed.data;
  return { ok: true, backup: { id, savedAt, path, document: graph.graph } };
}
