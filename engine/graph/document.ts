/**
 * Reading and writing graph documents: JSON text → migrate → schema, with errors that name the
 * file, the JSON path and, where there is one, the node.
 */
import type { z } from 'zod';
import { firstJsonError } from './json-error.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, GraphDocument } from './schema.ts';

export interface DocumentError {
  /** JSON path such as `nodes[2].position.x`; '' for the whole document. */
  readonly path: string;
  readonly message: string;
}

export type ParseResult = { ok: true; graph: GraphDocument } | { ok: false; errors: DocumentError[] };

/**
 * Upgrades a document one version at a time: MIGRATIONS[n] turns version n into n + 1.
 * Version 1 is the first format, so the table starts empty; a new version adds its step here,
 * tested on real files of the old version.
 */
export const MIGRATIONS: Readonly<Record<number, (doc: Record<string, unknown>) => Record<string, unknown>>> = {};

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function issueMessage(doc: unknown, issue: z.core.$ZodIssue): DocumentError {
  const path = formatPath(issue.path);
  let where = path;
  // Name the node or edge, so the message can be found in the file and on the canvas.
  const [section, index] = issue.path;
  if ((section === 'nodes' || section === 'edges') && typeof index === 'number' && isRecord(doc)) {
    const list = doc[section];
    const item = Array.isArray(list) ? list[index] : undefined;
    if (isRecord(item) && typeof item.id === 'string') where = `${path} (${section === 'nodes' ? 'node' : 'edge'} '${item.id}')`;
  }
  return { path, message: `${where || 'document'}: ${issue.message}` };
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * A node may leave out its position (a file written by hand or by a script): it is placed at
 * (0, 0), and the editor lays out the blocks it finds stacked on one spot when the document opens.
 */
function withPlaceholderPositions(doc: Record<string, unknown>): Record<string, unknown> {
  const nodes = doc.nodes;
  if (!Array.isArray(nodes) || !nodes.some((n) => isRecord(n) && n.position === undefined)) return doc;
  return { ...doc, nodes: nodes.map((n: unknown) => (isRecord(n) && n.position === undefined ? { ...n, position: { x: 0, y: 0 } } : n)) };
}

/** Parses a graph document from already-decoded JSON. */
export function parseGraph(json: unknown): ParseResult {
  if (!isRecord(json)) return { ok: false, errors: [{ path: '', message: 'a graph document is a JSON object' }] };
  if (json.format !== GRAPH_FORMAT)
    return { ok: false, errors: [{ path: 'format', message: `format: expected "${GRAPH_FORMAT}", got ${JSON.stringify(json.format ?? null)}` }] };
  let doc: Record<string, unknown> = json;
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return { ok: false, errors: [{ path: 'version', message: `version: expected a positive integer, got ${JSON.stringify(version ?? null)}` }] };
  if (version > GRAPH_VERSION)
    return { ok: false, errors: [{ path: 'version', message: `version: this file is version ${version}, written by a newer RNN Studio; this one reads up to version ${GRAPH_VERSION}` }] };
  for (let v = version; v < GRAPH_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) return { ok: false, errors: [{ path: 'version', message: `version: no migration from version ${v}` }] };
    doc = { ...step(doc), version: v + 1 };
  }
  const parsed = GraphDocument.safeParse(withPlaceholderPositions(doc));
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => issueMessage(doc, i)) };
  return { ok: true, graph: parsed.data };
}

/** Parses graph JSON text; a syntax error names the line and column. */
export function parseGraphText(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [{ path: '', message: `not valid JSON: ${describeJsonError(text, e)}` }] };
  }
  return parseGraph(json);
}

/**
 * Where JSON text goes wrong, as "what at line L, column C". The engine's JSON.parse message does
 * not always carry a position, so the text is read again by firstJsonError, which has one for
 * every error and no limit on nesting.
 */
export function describeJsonError(text: string, e: unknown): string {
  const first = firstJsonError(text);
  if (!first) return e instanceof Error ? e.message : String(e);
  const before = text.slice(0, first.offset).split('\n');
  const found = text.slice(first.offset, first.offset + Math.max(first.length, 1));
  const what = first.offset >= text.length ? 'unexpected end of text' : `${first.problem} at ${JSON.stringify(found.length > 40 ? `${found.slice(0, 40)}…` : found)}`;
  return `${what} at line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** The canonical text of a document: two-space JSON in schema key order, ending in a newline. */
export function serializeGraph(graph: GraphDocument): string {
  const parsed = GraphDocument.parse(graph);
  return `${JSON.stringify(parsed, null, 2)}\n`;
}
