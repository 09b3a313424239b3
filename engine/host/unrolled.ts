/**
 * The compiled train step summarised for drawing: which block did how much work at which time
 * step, in the forward and the backward pass, and which cells read values from which.
 */
import { compileGraph } from '../compiler/compile.ts';
import type { StreamTypes } from '../compiler/validate.ts';
import type { GraphDocument } from '../graph/schema.ts';
import type { IrNode } from '../ir/types.ts';
import type { UnrolledView } from '../protocol/messages.ts';

interface CellKey {
  readonly block: string;
  readonly t: number | null;
}

/**
 * The cell a node is drawn in. Inputs and weights are fed once for the whole sequence, although
 * the builder records the step at which each was first declared, so they sit outside time.
 */
function cellOf(node: IrNode): CellKey {
  const leaf = node.op.type === 'input' || node.op.type === 'param';
  return { block: node.origin.block, t: leaf ? null : node.origin.t };
}

const keyOf = (c: CellKey): string => `${c.block}\u0000${c.t ?? ''}`;

/** Orders cells by block (graph order), then time (outside time first). */
function compareCells(blockIndex: ReadonlyMap<string, number>) {
  return (a: CellKey, b: CellKey): number =>
    (blockIndex.get(a.block) ?? Infinity) - (blockIndex.get(b.block) ?? Infinity) || (a.t ?? -1) - (b.t ?? -1);
}

/**
 * Compiles `graph` for `steps` steps at batch size 1 and summarises its train-step IR (its forward
 * IR when it has no loss). Throws CompileError (with the diagnostics) when the graph has errors.
 */
export function unrolledView(graph: GraphDocument, steps: number, streams: StreamTypes): UnrolledView {
  const compiled = compileGraph(graph, { steps, batch: 1, streams });
  const nodes = compiled.train.nodes;
  const blocks: UnrolledView['blocks'] = graph.nodes.map((n) => ({ id: n.id, type: n.type, label: n.label ?? n.type }));
  // Work that belongs to no block (the sum of several losses) is shown as a block with an empty id.
  if (nodes.some((n) => n.origin.block === '')) blocks.push({ id: '', type: 'graph', label: '' });
  const blockIndex = new Map(blocks.map((b, i) => [b.id, i]));

  const cells = new Map<string, UnrolledView['cells'][number]>();
  for (const node of nodes) {
    const at = cellOf(node);
    const key = keyOf(at);
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { block: at.block, t: at.t, forward: 0, backward: 0 }));
    cell[node.phase]++;
  }

  const links = new Map<string, UnrolledView['links'][number]>();
  for (const node of nodes) {
    if (node.phase !== 'forward') continue;
    const to = cellOf(node);
    for (const input of node.inputs) {
      const from = cellOf(nodes[input]);
      if (keyOf(from) === keyOf(to)) continue;
      // Only a delay moves a value between two different steps: z⁻¹ from t − 1, or, in the
      // backward half of a bidirectional block, z⁺¹ from t + 1.
      const kind = from.t !== null && to.t !== null && from.t !== to.t ? 'recurrent' : 'data';
      const key = `${keyOf(from)}\u0001${keyOf(to)}`;
      if (!links.has(key)) links.set(key, { from, to, kind });
    }
  }

  const order = compareCells(blockIndex);
  const count = (phase: IrNode['phase']) => nodes.filter((n) => n.phase === phase).length;
  return {
    steps,
    blocks,
    cells: [...cells.values()].sort(order),
    links: [...links.values()].sort((a, b) => order(a.from, b.from) || order(a.to, b.to)),
    totals: {
      forward: count('forward'),
      backward: count('backward'),
      parameters: compiled.weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0),
    },
  };
}

