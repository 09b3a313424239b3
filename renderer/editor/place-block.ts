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
