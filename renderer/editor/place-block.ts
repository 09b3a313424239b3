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
