/**
 * Graph text in and out of the app: every route that opens a graph (open, recent, import,
 * template) reads it through `readGraphText`, and every save or export writes the canonical text.
 */
import { parseGraphText, serializeGraph, type DocumentError } from '../../engine/graph/document.ts';
import type { GraphDocument } from '../../engine/graph/schema.ts';

export type ReadGraph = { ok: true; doc: GraphDocument } | { ok: false; errors: DocumentError[] };

export function readGraphText(text: string): ReadGraph {
  const parsed = parseGraphText(text);
  return parsed.ok ? { ok: true, doc: parsed.graph } : { ok: false, errors: parsed.errors };
}

/** The `format` model files carry (engine/model/file.ts, which the renderer cannot import). */
const MODEL_FORMAT = 'rnn-studio.model';

/** Whether `text` is a model file (a graph with its trained weights) rather than a graph document. */
export function isModelText(text: string): boolean {
  // The format comes first in every file the engine writes; a hand-made file is parsed to be sure.
  if (!/^\s*\{/.test(text) || !text.includes(MODEL_FORMAT)) return false;
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'object' && json !== null && 'format' in json && json.format === MODEL_FORMAT;
  } catch {
    return false;
  }
}

export type WrittenGraph = { ok: true; text: string } | { ok: false; message: string };

/**
 * The canonical text (`serializeGraph`), so a saved graph reopens identical. It re-checks the
 * document against the schema; a failure there is a bug somewhere upstream, reported rather than
 * thrown so the document stays in the editor.
 */
export function writeGraphText(doc: GraphDocument): WrittenGraph {
  try {
    return { ok: true, text: serializeGraph(doc) };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/** One problem as the error dialog shows it: where (the JSON path, maybe a node) and what. */
export interface ShownError {
  /** `nodes[2].position.x (node 'rnn')`; '' when the problem is the whole document. */
  readonly where: string;
  readonly what: string;
}

export const SHOWN_ERRORS_LIMIT = 30;

/**
 * Splits each parser message into its place and its problem (the parser writes
 * "`<path>[ (node 'id')]: <problem>`"), so the dialog can set the path apart; keeps the first
 * `limit` and says how many more there are.
 */
export function showDocumentErrors(errors: readonly DocumentError[], limit = SHOWN_ERRORS_LIMIT): { shown: ShownError[]; more: number } {
  const shown = errors.slice(0, limit).map((e): ShownError => {
    if (e.path !== '' && e.message.startsWith(e.path)) {
      const colon = e.message.indexOf(': ', e.path.length);
      if (colon >= 0) return { where: e.message.slice(0, colon), what: e.message.slice(colon + 2) };
    }
    if (e.path !== '') return { where: e.path, what: e.message };
    return { where: '', what: e.message };
  });
  return { shown, more: Math.max(0, errors.length - limit) };
}
