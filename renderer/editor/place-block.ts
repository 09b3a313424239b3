/** Where a new block goes: under the pointer, or in the middle of the view, never exactly on another. */
import type { GraphDocument } from '../../engine/graph/schema.ts';

/** A new node is placed with the pointer over its title bar, not at its corner. */
export const GRAB_OFFSET = { x: 80, y: 18 };
const STEP = 28;

export function freePosition(doc: GraphDocument, wanted: { x: number; y: number }): { x: number; y: number } {
  let at = { x: Math.round(wanted.x), y: Math.round(wanted.y) };
  const near = (p: { x: number; y: number }) => doc.nodes.some((n) => Math.abs(n.position.x - p.x) < 8 && Math.abs(n.position.y - p.y) < 8);
  for (let i = 0; i < 50 && near(at); i++) at = { x: at.x + STEP, y: at.y + STEP };
  return at;
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
