/**
 * Text keys for comparing documents by what the engine reads from them, cheap enough to compute
 * on every pointer move of a drag: each node's key is kept while the node object lives (Immer
 * keeps unchanged nodes as the same objects), so a drag re-keys only the node it moves.
 */
import type { GraphDocument, GraphNode } from '../../engine/graph/schema.ts';

const nodeKeys = new WeakMap<GraphNode, string>();
const jsonKeys = new WeakMap<object, string>();
const structureKeys = new WeakMap<GraphDocument, string>();

/** A node without its position, as text. */
function nodeKey(node: GraphNode): string {
  let key = nodeKeys.get(node);
  if (key === undefined) {
    const { position: _position, ...rest } = node;
    key = JSON.stringify(rest);
    nodeKeys.set(node, key);
  }
  return key;
}

/** `value` as JSON, remembered for as long as the object lives. */
function jsonOf(value: object | undefined): string {
  if (value === undefined) return '';
  let key = jsonKeys.get(value);
  if (key === undefined) {
    key = JSON.stringify(value);
    jsonKeys.set(value, key);
  }
  return key;
}

/**
 * Blocks, params, labels, connections, dataset and training settings: what the engine's
 * analysis reads. Positions, the name, the description and editor state are left out, so moving
 * a block or typing the graph's name keeps the key.
 */
export function structureKey(doc: GraphDocument): string {
  let key = structureKeys.get(doc);
  if (key === undefined) {
    key = `[${doc.nodes.map(nodeKey).join(',')}]\n${jsonOf(doc.edges)}\n${jsonOf(doc.dataset)}\n${jsonOf(doc.training)}`;
    structureKeys.set(doc, key);
  }
  return key;
}

/** For selectors that need the document only when its structure changes. */
export const sameStructure = (a: GraphDocument, b: GraphDocument): boolean => a === b || structureKey(a) === structureKey(b);

/** What validation depends on: the document without positions and editor state, and its path (dataset files resolve against it). */
export function validationKey(doc: GraphDocument, path: string | null): string {
  const { ui: _ui, nodes: _nodes, edges: _edges, dataset: _dataset, training: _training, ...rest } = doc;
  return `${JSON.stringify([path, rest])}\n${structureKey(doc)}`;
}
