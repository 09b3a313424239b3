/**
 * Graph fragments: the selected blocks, the edges between them and their params, as the JSON text
 * that copy puts on the system clipboard and paste reads back, in this document or another one
 * (another window, another app instance). Versioned like the graph document, and parsed with a
 * schema on the way in: the clipboard is outside data and may hold anything.
 */
import { z } from 'zod';
import { getBlock } from '../../engine/blocks/registry.ts';
import { type GraphDocument, GraphEdge, type GraphNode, GraphNode as GraphNodeSchema } from '../../engine/graph/schema.ts';
import type { Selection } from '../store/document-store.ts';

export const FRAGMENT_FORMAT = 'rnn-studio.fragment';
export const FRAGMENT_VERSION = 1;

export const GraphFragment = z
  .strictObject({
    format: z.literal(FRAGMENT_FORMAT),
    version: z.literal(FRAGMENT_VERSION),
    nodes: z.array(GraphNodeSchema).min(1, 'a fragment holds at least one block'),
    edges: z.array(GraphEdge),
  })
  .superRefine((f, ctx) => {
    const ids = new Set<string>();
    f.nodes.forEach((n, i) => {
      if (ids.has(n.id)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: `duplicate block id '${n.id}'` });
      ids.add(n.id);
      if (!getBlock(n.type)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'type'], message: `'${n.type}' is not a block type this version knows` });
    });
    const edgeIds = new Set<string>();
    f.edges.forEach((e, i) => {
      if (edgeIds.has(e.id)) ctx.addIssue({ code: 'custom', path: ['edges', i, 'id'], message: `duplicate edge id '${e.id}'` });
      edgeIds.add(e.id);
      for (const end of ['source', 'target'] as const)
        if (!ids.has(e[end])) ctx.addIssue({ code: 'custom', path: ['edges', i, end], message: `edge '${e.id}' ends at '${e[end]}', which is not a block of the fragment` });
    });
  });
export type GraphFragment = z.infer<typeof GraphFragment>;

/** The selected blocks and the edges with both ends among them (selected or not); null when no block is selected. */
export function copyFragment(doc: GraphDocument, selection: Selection): GraphFragment | null {
  const chosen = new Set(selection.nodes);
  const nodes = doc.nodes.filter((n) => chosen.has(n.id));
  if (nodes.length === 0) return null;
  const edges = doc.edges.filter((e) => chosen.has(e.source) && chosen.has(e.target));
  return structuredClone({ format: FRAGMENT_FORMAT, version: FRAGMENT_VERSION, nodes, edges });
}

export const fragmentText = (f: GraphFragment): string => JSON.stringify(f, null, 2);

export type ParsedFragment = { readonly ok: true; readonly fragment: GraphFragment } | { readonly ok: false; readonly reason: string };

/** The fragment in `text`, or why it is not one (naming where, for a fragment that is broken). */
export function parseFragment(text: string): ParsedFragment {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the clipboard holds text that is not graph JSON' };
  }
  const isObject = typeof json === 'object' && json !== null && !Array.isArray(json);
  if (!isObject || (json as { format?: unknown }).format !== FRAGMENT_FORMAT) {
    const graph = isObject && (json as { format?: unknown }).format === 'rnn-studio.graph';
    return { ok: false, reason: graph ? 'the clipboard holds a whole graph, not copied blocks: open it with File ▸ Open or Import' : 'the clipboard holds JSON that is not copied blocks' };
  }
  const version = (json as { version?: unknown }).version;
  if (version !== FRAGMENT_VERSION) return { ok: false, reason: `the copied blocks are version ${String(version)} of the format; this version reads ${FRAGMENT_VERSION}` };
  const parsed = GraphFragment.safeParse(json);
  if (parsed.success) return { ok: true, fragment: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'the fragment';
  return { ok: false, reason: `the copied blocks are damaged at ${where}: ${issue.message}` };
}

/** `wanted` if free and a valid id, else the first of `<base>2`, `<base>3`, … that is (the trailing number of `wanted` dropped). */
function freshId(wanted: string, taken: Set<string>): string {
  let id = wanted;
  if (taken.has(id)) {
    const base = wanted.replace(/_?\d+$/, '').slice(0, 58) || 'block';
    for (let n = 2; taken.has((id = `${base}${n}`)); n++);
  }
  taken.add(id);
  return id;
}

/** `label` if no block in `labels` has it, else `label 2`, `label 3`, … */
function freshLabel(label: string, labels: Set<string>): string {
  let text = label;
  if (labels.has(text)) {
    const base = label.replace(/ \d+$/, '');
    for (let n = 2; labels.has((text = `${base} ${n}`)); n++);
  }
  labels.add(text);
  return text;
}

export interface PastedElements {
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
}

/**
 * The fragment's blocks and edges as they join `doc`: ids kept where free and otherwise renamed
 * (edges follow), labels made unique, positions given by `place`.
 */
export function pasteElements(doc: GraphDocument, fragment: GraphFragment, place: (doc: GraphDocument, nodes: readonly GraphNode[]) => { x: number; y: number }[]): PastedElements {
  const nodeIds = new Set(doc.nodes.map((n) => n.id));
  const edgeIds = new Set(doc.edges.map((e) => e.id));
  const labels = new Set(doc.nodes.flatMap((n) => (n.label ? [n.label] : [])));
  const rename = new Map<string, string>();
  const at = place(doc, fragment.nodes);
  const nodes = fragment.nodes.map((n, k): GraphNode => {
    const id = freshId(n.id, nodeIds);
    rename.set(n.id, id);
    const node: GraphNode = { id, type: n.type, params: structuredClone(n.params), position: at[k] };
    if (n.label !== undefined) node.label = freshLabel(n.label, labels);
    return node;
  });
  const edges = fragment.edges.map((e): GraphEdge => ({ ...e, id: freshId(e.id, edgeIds), source: rename.get(e.source)!, target: rename.get(e.target)! }));
  return { nodes, edges };
}
