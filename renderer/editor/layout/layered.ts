/**
 * Layered layout of blocks with ELK (Eclipse Layout Kernel, elkjs): data flows left to right,
 * each block's ports stay where the block draws them (inputs on the left, outputs on the right,
 * in their order), and blocks keep the order they have in the document where ELK has a choice.
 * ELK itself is handed in, so the browser runs it in a Web Worker and tests run it in-process.
 */
import type { ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api.js';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { GAP, sizeOf, type Sizes, type XY } from './boxes.ts';

/** What the layout needs of ELK: `new ELK()` from elkjs, in a worker or in-process. */
export interface ElkLike {
  layout(graph: ElkNode): Promise<ElkNode>;
}

const GRAPH_OPTIONS: Readonly<Record<string, string>> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.spacing.nodeNode': String(GAP),
  'elk.layered.spacing.nodeNodeBetweenLayers': String(GAP * 1.75),
  'elk.spacing.componentComponent': String(GAP * 1.5),
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.padding': '[top=0,left=0,bottom=0,right=0]',
};

const portId = (node: string, side: 'in' | 'out', port: string) => `${node}/${side}/${port}`;

/** The ELK graph of the nodes `ids` of `doc` and the edges between them. */
export function elkGraph(doc: GraphDocument, ids: ReadonlySet<string>, sizes: Sizes): ElkNode {
  const nodes = doc.nodes.filter((n) => ids.has(n.id));
  const ports = new Set<string>();
  const children = nodes.map((n): ElkNode => {
    const size = sizeOf(sizes, n);
    const elkPorts = size.ports.map((p): ElkPort => {
      const id = portId(n.id, p.side, p.name);
      ports.add(id);
      return { id, x: p.x, y: p.y, width: 0, height: 0, layoutOptions: { 'elk.port.side': p.side === 'in' ? 'WEST' : 'EAST' } };
    });
    return { id: n.id, width: size.width, height: size.height, ports: elkPorts, layoutOptions: { 'elk.portConstraints': 'FIXED_POS' } };
  });
  const edges = doc.edges
    .filter((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target)
    .map((e): ElkExtendedEdge => {
      const from = portId(e.source, 'out', e.sourcePort);
      const to = portId(e.target, 'in', e.targetPort);
      return { id: e.id, sources: [ports.has(from) ? from : e.source], targets: [ports.has(to) ? to : e.target] };
    });
  return { id: 'root', layoutOptions: { ...GRAPH_OPTIONS }, children, edges };
}

/**
 * Positions of the nodes `ids` laid out by themselves (edges to other nodes are ignored), with
 * the top-left of the whole at (0, 0). Throws if ELK fails (its message says why).
 */
export async function layeredPositions(doc: GraphDocument, ids: ReadonlySet<string>, sizes: Sizes, elk: ElkLike): Promise<Record<string, XY>> {
  const result = await elk.layout(elkGraph(doc, ids, sizes));
  const out: Record<string, XY> = {};
  for (const child of result.children ?? []) out[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
  const missing = [...ids].filter((id) => !out[id]);
  if (missing.length > 0) throw new Error(`the layout left out ${missing.map((id) => `'${id}'`).join(', ')}`);
  const minX = Math.min(...Object.values(out).map((p) => p.x));
  const minY = Math.min(...Object.values(out).map((p) => p.y));
  for (const id of Object.keys(out)) out[id] = { x: Math.round(out[id].x - minX), y: Math.round(out[id].y - minY) };
  return out;
}
