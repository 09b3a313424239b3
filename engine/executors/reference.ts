/**
 * The float64 reference interpreter: runs any IR graph with plain loops in double precision.
 * It is the oracle the tests check everything else against (finite differences, ONNX Runtime).
 */
import { forwardOf } from '../ir/ops.ts';
import type { Tensor64 } from '../ir/tensor64.ts';
import { type IrGraph, fmtShape, shapeEq } from '../ir/types.ts';

export type Feeds64 = Readonly<Record<string, Tensor64>>;

/**
 * Evaluates `outputs` (default: all of the graph's outputs). `feeds` holds every input and param by
 * name. Throws naming the missing or mis-shaped feed.
 */
export function runReference(g: IrGraph, feeds: Feeds64, outputs: readonly string[] = Object.keys(g.outputs)): Record<string, Tensor64> {
  const values: (Tensor64 | undefined)[] = new Array(g.nodes.length);
  // Only what the requested outputs need: the same feeds suffice here as for ONNX Runtime.
  const live = new Array<boolean>(g.nodes.length).fill(false);
  for (const name of outputs) {
    const id = g.outputs[name];
    if (id === undefined) throw new Error(`the graph has no output '${name}'`);
    live[id] = true;
  }
  for (let i = g.nodes.length - 1; i >= 0; i--) if (live[i]) for (const x of g.nodes[i].inputs) live[x] = true;
  for (const n of g.nodes) {
    if (!live[n.id]) continue;
    if (n.op.type === 'input' || n.op.type === 'param') {
      const fed = feeds[n.op.name];
      if (!fed) throw new Error(`missing ${n.op.type} '${n.op.name}' (${fmtShape(n.shape)})`);
      if (!shapeEq(fed.shape, n.shape)) throw new Error(`${n.op.type} '${n.op.name}' should be ${fmtShape(n.shape)}, got ${fmtShape(fed.shape)}`);
      values[n.id] = fed;
      continue;
    }
    values[n.id] = forwardOf(n.op, n.inputs.map((x) => values[x]!));
  }
  return Object.fromEntries(
    outputs.map((name) => {
      const value = values[g.outputs[name]];
      if (!value) throw new Error(`internal: output '${name}' was not computed`);
      return [name, value];
    }),
  );
}
