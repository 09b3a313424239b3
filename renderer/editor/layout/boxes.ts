/**
 * Node boxes on the canvas, in graph coordinates: how big each block is drawn, where its ports
 * sit, and the geometry that keeps boxes apart (overlap tests, making room, finding free space).
 */
import { getBlock } from '../../../engine/blocks/registry.ts';
import type { GraphDocument, GraphNode } from '../../../engine/graph/schema.ts';
import { paramSummary } from '../block-catalog.ts';

export type XY = { x: number; y: number };

/** A port's handle centre, relative to the node's top-left corner. */
export interface PortPlace {
  readonly name: string;
  readonly side: 'in' | 'out';
  readonly x: number;
  readonly y: number;
}

export interface NodeSize {
  readonly width: number;
  readonly height: number;
  readonly ports: readonly PortPlace[];
}

/** Sizes by node id; a node not listed gets `estimateSize`. */
export type Sizes = ReadonlyMap<string, NodeSize>;

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Space kept between two blocks, so edges and port labels stay readable. */
export const GAP = 40;

// What the block node's CSS draws (styles.css `.block-node`): used only before the browser has
// measured a node, e.g. for a block that is about to be added.
const MIN_WIDTH = 180;
const MAX_WIDTH = 300;
const HEADER = 30;
const PORT_ROW = 21;
const SUMMARY = 30;

/** A block's size before the browser has drawn it, from its ports and the length of its labels. */
export function estimateSize(node: Pick<GraphNode, 'type' | 'label' | 'params'>): NodeSize {
  const block = getBlock(node.type);
  const inputs = block?.inputs ?? [];
  const outputs = block?.outputs ?? [];
  const widest = (labels: readonly string[]) => Math.max(0, ...labels.map((l) => l.length * 6.5 + 24));
  const title = (node.label ?? block?.label.en ?? node.type).length * 7.5 + node.type.length * 6.5 + 28;
  const ports = widest(inputs.map((p) => p.label.en)) + widest(outputs.map((p) => p.label.en)) + 10;
  const width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.ceil(Math.max(title, ports))));
  const rows = Math.max(inputs.length, outputs.length);
  const height = HEADER + rows * PORT_ROW + (rows > 0 ? 6 : 0) + (block && paramSummary(block, node.params).length > 0 ? SUMMARY : 0);
  const rowCentre = (i: number) => HEADER + 2 + i * PORT_ROW + PORT_ROW / 2;
  return {
    width,
    height,
    ports: [
      ...inputs.map((p, i): PortPlace => ({ name: p.name, side: 'in', x: 0, y: rowCentre(i) })),
      ...outputs.map((p, i): PortPlace => ({ name: p.name, side: 'out', x: width, y: rowCentre(i) })),
    ],
  };
}

export const sizeOf = (sizes: Sizes, node: GraphNode): NodeSize => sizes.get(node.id) ?? estimateSize(node);

export function boxOf(sizes: Sizes, node: GraphNode, at: XY = node.position): Box {
  const s = sizeOf(sizes, node);
  return { x: at.x, y: at.y, width: s.width, height: s.height };
}

/** Whether two boxes overlap, or come closer than `gap` to each other. */
export const overlaps = (a: Box, b: Box, gap = 0): boolean =>
  a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;

export function bounds(boxes: readonly Box[]): Box {
  if (boxes.length === 0) throw new Error('bounds: no boxes');
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return { x, y, width: Math.max(...boxes.map((b) => b.x + b.width)) - x, height: Math.max(...boxes.map((b) => b.y + b.height)) - y };
}

/**
 * Moves the `others` out of `region` (plus `gap`): every box whose centre is right of the region's
 * centre moves right by one distance, every other box left by another, so the others keep their
 * arrangement and never close in on each other. Always left–right: that is the way data flows,
 * so an opened cell or a tidied group stays between the blocks that feed it and those it feeds.
 * Returns the new positions of the boxes that moved.
 */
export function makeRoom(region: Box, others: ReadonlyMap<string, Box>, gap = GAP): Record<string, XY> {
  const r = { x: region.x - gap, y: region.y - gap, width: region.width + 2 * gap, height: region.height + 2 * gap };
  const cx = region.x + region.width / 2;
  const onRight = (b: Box) => b.x + b.width / 2 >= cx;
  let [right, left] = [0, 0];
  for (const b of others.values()) {
    if (!overlaps(r, b)) continue;
    if (onRight(b)) right = Math.max(right, r.x + r.width - b.x);
    else left = Math.max(left, b.x + b.width - r.x);
  }
  const out: Record<string, XY> = {};
  for (const [id, b] of others) {
    const shift = onRight(b) ? right : -left;
    if (shift !== 0) out[id] = { x: Math.round(b.x + shift), y: b.y };
  }
  return out;
}

/**
 * The free place nearest to `wanted` for a box of `size`, at least `gap` from every box in
 * `occupied`: `wanted` itself if free, else a place beside or below one of the occupied boxes,
 * else below them all.
 */
export function freeSpot(wanted: XY, size: { width: number; height: number }, occupied: readonly Box[], gap = GAP): XY {
  const free = (p: XY) => !occupied.some((b) => overlaps({ ...p, ...size }, b, gap));
  const at = { x: Math.round(wanted.x), y: Math.round(wanted.y) };
  if (free(at)) return at;
  const candidates: XY[] = [];
  for (const b of occupied) {
    candidates.push(
      { x: b.x + b.width + gap, y: at.y },
      { x: b.x - gap - size.width, y: at.y },
      { x: at.x, y: b.y + b.height + gap },
      { x: at.x, y: b.y - gap - size.height },
    );
  }
  const distance = (p: XY) => Math.hypot(p.x - at.x, p.y - at.y);
  const best = candidates
    .filter(free)
    .sort((a, b) => distance(a) - distance(b))
    .at(0);
  if (best) return { x: Math.round(best.x), y: Math.round(best.y) };
  return { x: at.x, y: Math.round(Math.max(...occupied.map((b) => b.y + b.height)) + gap) };
}

type Dimensions = Readonly<Record<string, { readonly width: number; readonly height: number }>>;

/**
 * Room for blocks that grew taller where they stand (error callouts appeared under them): the
 * blocks a grown block now reaches, and every block from there down, move down together so the
 * grown one ends `gap` above them. Blocks beside or above it stay. `before` and `after` are the
 * drawn sizes before and after; returns the new positions of the blocks that move.
 */
export function roomForGrowth(doc: GraphDocument, before: Dimensions, after: Dimensions, gap = GAP): Record<string, XY> {
  const moved: Record<string, XY> = {};
  const at = (n: GraphNode) => moved[n.id] ?? n.position;
  const box = (n: GraphNode): Box => {
    const size = after[n.id] ?? before[n.id] ?? estimateSize(n);
    return { ...at(n), width: size.width, height: size.height };
  };
  for (const grown of doc.nodes) {
    const [was, now] = [before[grown.id], after[grown.id]];
    if (!was || !now || now.height <= was.height) continue;
    const g = box(grown);
    const oldBottom = g.y + was.height;
    const below = doc.nodes.filter((n) => n !== grown && at(n).y >= oldBottom);
    const reached = below.filter((n) => overlaps(g, box(n), gap / 2));
    if (reached.length === 0) continue;
    const shift = g.y + g.height + gap - Math.min(...reached.map((n) => at(n).y));
    for (const n of below) moved[n.id] = { x: at(n).x, y: Math.round(at(n).y + shift) };
  }
  return moved;
}
