/** Where a new block goes: under the pointer when dropped, in free space when added by a click. */
import type { GraphDocument } from '../../engine/graph/schema.ts';
import { boxOf, estimateSize, freeSpot, type Sizes, type XY } from './layout/boxes.ts';

/** A new node is placed with the pointer over its title bar, not at its corner. */
export const GRAB_OFFSET = { x: 80, y: 18 };

/**
 * The free place nearest to `centre` (the middle of the view) for a new block of `type`, clear of
 * every block as drawn (`sizes`), so that blocks added one after another lie side by side.
 */
export function freePosition(doc: GraphDocument, type: string, centre: XY, sizes: Sizes): XY {
  const size = estimateSize({ type, params: {} });
  const occupied = doc.nodes.map((n) => boxOf(sizes, n));
  return freeSpot({ x: centre.x - size.width / 2, y: centre.y - size.height / 2 }, size, occupied);
}

/** How far pasted blocks sit from where they were copied, again for each paste that would land on the last one. */
export const PASTE_OFFSET = { x: 40, y: 40 };

/**
 * Where pasted blocks go: their copied layout kept, moved by PASTE_OFFSET until no pasted block
 * sits on one already in `doc`. The one place that decides it, so a layout engine can take over.
 */
export function pastePositions(doc: GraphDocument, nodes: readonly { position: { x: number; y: number } }[]): { x: number; y: number }[] {
  const on = (p: { x: number; y: number }) => doc.nodes.some((n) => Math.abs(n.position.x - p.x) < 8 && Math.abs(n.position.y - p.y) < 8);
  let shift = { ...PASTE_OFFSET };
  const moved = () => nodes.map((n) => ({ x: Math.round(n.position.x + shift.x), y: Math.round(n.position.y + shift.y) }));
  for (let i = 0; i < 50 && moved().some(on); i++) shift = { x: shift.x + PASTE_OFFSET.x, y: shift.y + PASTE_OFFSET.y };
  return moved();
}
