/**
 * Arranging blocks: "Tidy up" lays out the whole graph or the chosen blocks, and new blocks
 * (opened from a block, pasted, added) are laid out and given room. Each function returns the new
 * positions of the nodes it moves, for `DocumentState.arrangeNodes`; the document is not changed.
 */
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { type Box, boxOf, bounds, freeSpot, makeRoom, type Sizes, type XY } from './boxes.ts';
import { type ElkLike, layeredPositions } from './layered.ts';

export interface ArrangeOptions {
  /** Sizes the browser drew; nodes not listed are estimated. */
  readonly sizes: Sizes;
  readonly elk: ElkLike;
}

export interface PlaceOptions extends ArrangeOptions {
  /** Lay the new blocks out among themselves (default); false keeps their arrangement. */
  readonly arrange?: boolean;
  /**
   * 'push' (default): the new blocks stay where they are and their neighbours move aside;
   * 'free': the new blocks move, together, to the nearest free space.
   */
  readonly room?: 'push' | 'free';
}

const changedOnly = (doc: GraphDocument, positions: Record<string, XY>): Record<string, XY> =>
  Object.fromEntries(
    Object.entries(positions).filter(([id, p]) => {
      const n = doc.nodes.find((x) => x.id === id);
      return n !== undefined && (n.position.x !== p.x || n.position.y !== p.y);
    }),
  );

const moved = (positions: Record<string, XY>, dx: number, dy: number): Record<string, XY> =>
  Object.fromEntries(Object.entries(positions).map(([id, p]) => [id, { x: Math.round(p.x + dx), y: Math.round(p.y + dy) }]));

function groupBox(doc: GraphDocument, sizes: Sizes, positions: Record<string, XY>): Box {
  return bounds(doc.nodes.filter((n) => positions[n.id]).map((n) => boxOf(sizes, n, positions[n.id])));
}

function othersOf(doc: GraphDocument, group: ReadonlySet<string>, sizes: Sizes): Map<string, Box> {
  return new Map(doc.nodes.filter((n) => !group.has(n.id)).map((n) => [n.id, boxOf(sizes, n)]));
}

/**
 * Tidy up: lays out the chosen blocks (two or more) and moves the rest out of their way, or, with
 * fewer chosen, the whole graph. The result starts where the blocks it lays out started (their
 * top-left corner), so the view does not jump.
 */
export async function tidyUp(doc: GraphDocument, chosen: readonly string[], { sizes, elk }: ArrangeOptions): Promise<Record<string, XY>> {
  const known = new Set(doc.nodes.map((n) => n.id));
  const picked = chosen.filter((id) => known.has(id));
  const ids = picked.length >= 2 ? new Set(picked) : known;
  if (ids.size === 0) return {};
  const before = bounds(doc.nodes.filter((n) => ids.has(n.id)).map((n) => boxOf(sizes, n)));
  const placed = moved(await layeredPositions(doc, ids, sizes, elk), before.x, before.y);
  if (ids.size === known.size) return changedOnly(doc, placed);
  const room = makeRoom(groupBox(doc, sizes, placed), othersOf(doc, ids, sizes));
  return changedOnly(doc, { ...room, ...placed });
}

/**
 * Places blocks just added to `doc` (`newIds`): lays them out among themselves, centred where they
 * were put, and makes room for them (see `PlaceOptions`), so that no block overlaps another.
 * Ids not in `doc` are ignored.
 */
export async function placeNewBlocks(doc: GraphDocument, newIds: readonly string[], options: PlaceOptions): Promise<Record<string, XY>> {
  const { sizes, elk, arrange = true, room = 'push' } = options;
  const group = new Set(newIds.filter((id) => doc.nodes.some((n) => n.id === id)));
  if (group.size === 0) return {};
  const current = Object.fromEntries(doc.nodes.filter((n) => group.has(n.id)).map((n) => [n.id, n.position]));
  const was = groupBox(doc, sizes, current);
  let placed: Record<string, XY> = current;
  if (arrange && group.size > 1) {
    const laid = await layeredPositions(doc, group, sizes, elk);
    const size = groupBox(doc, sizes, laid);
    placed = moved(laid, was.x + was.width / 2 - size.width / 2, was.y + was.height / 2 - size.height / 2);
  }
  const others = othersOf(doc, group, sizes);
  if (room === 'push') return changedOnly(doc, { ...makeRoom(groupBox(doc, sizes, placed), others), ...placed });
  const box = groupBox(doc, sizes, placed);
  const spot = freeSpot(box, box, [...others.values()]);
  return changedOnly(doc, moved(placed, spot.x - box.x, spot.y - box.y));
}
