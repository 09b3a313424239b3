/**
 * Where primitive blocks came from: opening a block as primitives records, in the document's `ui`
 * (editor state the engine ignores, saved with the file and undone with the rest), the block as it
 * was, its edges, and the primitives and wires it became. While those primitives and wires are as
 * they were drawn (moving them is not a change), they can collapse back into the block, with its
 * id, params and label, so weights stored under its id (a model file's) belong to it again.
 */
import { z } from 'zod';
import { type GraphDocument, GraphEdge, GraphNode, Position } from '../../engine/graph/schema.ts';
import { sameValue } from './same-value.ts';

const UI_KEY = 'openedBlocks';

const Part = GraphNode.omit({ position: true });
type Part = z.infer<typeof Part>;

export const OpenedBlock = z.strictObject({
  /** The block before it was opened. */
  block: GraphNode,
  /** Its edges before it was opened. */
  edges: z.array(GraphEdge),
  /** What it became: the primitives (without positions) and every edge touching them. */
  parts: z.array(Part),
  wires: z.array(GraphEdge),
  /** The middle of the primitives as drawn, so the block comes back where they were moved to. */
  centre: Position,
});
export type OpenedBlock = z.infer<typeof OpenedBlock>;

/** The records in `doc.ui`, by the id of the block each one opened; a damaged record is left out. */
export function openedBlocks(doc: GraphDocument): Map<string, OpenedBlock> {
  const raw = doc.ui?.[UI_KEY];
  const out = new Map<string, OpenedBlock>();
  if (typeof raw !== 'object' || raw === null) return out;
  for (const [id, value] of Object.entries(raw)) {
    const parsed = OpenedBlock.safeParse(value);
    if (parsed.success) out.set(id, parsed.data);
  }
  return out;
}

const centreOf = (nodes: readonly { position: { x: number; y: number } }[]) => ({
  x: nodes.reduce((s, n) => s + n.position.x, 0) / nodes.length,
  y: nodes.reduce((s, n) => s + n.position.y, 0) / nodes.length,
});

const partOf = (n: GraphNode): Part => (n.label === undefined ? { id: n.id, type: n.type, params: n.params } : { id: n.id, type: n.type, params: n.params, label: n.label });

/** `ui` with `records` in place of the old ones; undefined when nothing is left in it. */
function uiWith(ui: GraphDocument['ui'], records: Map<string, OpenedBlock>): GraphDocument['ui'] {
  const { [UI_KEY]: _old, ...rest } = ui ?? {};
  const next = records.size > 0 ? { ...rest, [UI_KEY]: Object.fromEntries(records) } : rest;
  return Object.keys(next).length > 0 ? next : undefined;
}

/** The `ui` of `opened` (which is `before` with block `blockId` opened into `partIds`) with the opening recorded. */
export function recordOpening(before: GraphDocument, blockId: string, opened: GraphDocument, partIds: readonly string[]): GraphDocument['ui'] {
  const block = before.nodes.find((n) => n.id === blockId);
  if (!block) throw new Error(`recordOpening: no block '${blockId}'`);
  const ids = new Set(partIds);
  const parts = opened.nodes.filter((n) => ids.has(n.id));
  const record: OpenedBlock = {
    block,
    edges: before.edges.filter((e) => e.source === blockId || e.target === blockId),
    parts: parts.map(partOf),
    wires: opened.edges.filter((e) => ids.has(e.source) || ids.has(e.target)),
    centre: centreOf(parts),
  };
  const records = openedBlocks(opened);
  records.set(blockId, structuredClone(record));
  return uiWith(opened.ui, records);
}

/** The id of the block `nodeId` was opened from, while the record of it is kept; null otherwise. */
export function openedFrom(doc: GraphDocument, nodeId: string): string | null {
  for (const [id, record] of openedBlocks(doc)) if (record.parts.some((p) => p.id === nodeId)) return id;
  return null;
}

/** The `ui` without records none of whose primitives are left in `doc` (after a deletion). */
export function withoutGoneOpenings(doc: GraphDocument): GraphDocument['ui'] {
  const records = openedBlocks(doc);
  if (records.size === 0) return doc.ui;
  const ids = new Set(doc.nodes.map((n) => n.id));
  let dropped = false;
  for (const [id, record] of records)
    if (!record.parts.some((p) => ids.has(p.id))) {
      records.delete(id);
      dropped = true;
    }
  return dropped ? uiWith(doc.ui, records) : doc.ui;
}

/** Why the primitives of `record` can no longer become the block, or null when they still can. */
function editedSince(doc: GraphDocument, blockId: string, record: OpenedBlock): string | null {
  for (const part of record.parts) {
    const now = doc.nodes.find((n) => n.id === part.id);
    if (!now) return `its primitive '${part.id}' was deleted`;
    if (now.type !== part.type) return `its primitive '${part.id}' is now a '${now.type}' block`;
    if (!sameValue(now.params, part.params)) return `the parameters of its primitive '${part.id}' were changed`;
    if (now.label !== part.label) return `its primitive '${part.id}' was renamed`;
  }
  const ids = new Set(record.parts.map((p) => p.id));
  const wires = new Map(record.wires.map((w) => [w.id, w]));
  const touching = doc.edges.filter((e) => ids.has(e.source) || ids.has(e.target));
  for (const e of touching) {
    const was = wires.get(e.id);
    if (!was || !sameValue(was, e)) return `edge '${e.id}' (${e.source}.${e.sourcePort} → ${e.target}.${e.targetPort}) was connected to its primitives`;
  }
  if (touching.length < wires.size) {
    const gone = record.wires.find((w) => !touching.some((e) => e.id === w.id))!;
    return `edge '${gone.id}' (${gone.source}.${gone.sourcePort} → ${gone.target}.${gone.targetPort}) was removed`;
  }
  const holder = doc.nodes.find((n) => n.id === blockId);
  if (holder) return `another block took its id '${blockId}'`;
  return null;
}

export type Collapse = { readonly ok: true; readonly doc: GraphDocument } | { readonly ok: false; readonly reason: string };

/**
 * `doc` with the primitives that block `blockId` was opened into replaced by the block again: in
 * the first primitive's place, moved as far as the primitives were, with its edges back under
 * their ids. Refused, with the reason, when there is no record or the primitives were edited since.
 */
export function collapseOpening(doc: GraphDocument, blockId: string): Collapse {
  const records = openedBlocks(doc);
  const record = records.get(blockId);
  if (!record) return { ok: false, reason: `no block '${blockId}' was opened into primitives here` };
  const edited = editedSince(doc, blockId, record);
  if (edited) return { ok: false, reason: `${edited} after '${blockId}' was opened` };
  const ids = new Set(record.parts.map((p) => p.id));
  const parts = doc.nodes.filter((n) => ids.has(n.id));
  const now = centreOf(parts);
  const block: GraphNode = { ...structuredClone(record.block), position: { x: record.block.position.x + now.x - record.centre.x, y: record.block.position.y + now.y - record.centre.y } };
  const at = doc.nodes.findIndex((n) => ids.has(n.id));
  const nodes = [...doc.nodes.slice(0, at), block, ...doc.nodes.slice(at).filter((n) => !ids.has(n.id))];
  // The block's own edges kept their ids through the opening (edges out, and the first edge in), so
  // putting each back where that id stands now keeps the document's edge order.
  const own = new Map(record.edges.map((e) => [e.id, e]));
  const wires = new Set(record.wires.map((w) => w.id));
  const edges = doc.edges.flatMap((e) => (own.has(e.id) ? [structuredClone(own.get(e.id)!)] : wires.has(e.id) ? [] : [e]));
  for (const e of record.edges) if (!edges.some((x) => x.id === e.id)) edges.push(structuredClone(e));
  records.delete(blockId);
  const ui = uiWith(doc.ui, records);
  const { ui: _ui, ...rest } = doc;
  return { ok: true, doc: { ...rest, nodes, edges, ...(ui ? { ui } : {}) } };
}
