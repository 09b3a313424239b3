/**
 * The float64 reference interpreter: runs any IR graph with plain loops in double precision.
 * It is the oracle the tests check everything else against (finite differences, ONNX Runtime).
 */
import { forwardOf } from '../ir/ops.ts';
import { type Tensor64, tensor } from '../ir/tensor64.ts';
import { type IrGraph, fmtShape, shapeEq } from '../ir/types.ts';

export type Feeds64 = Readonly<Record<string, Tensor64>>;

/**
 * Evaluates `outputs` (default: all of the graph's outputs). `feeds` holds every input and param by
 * name. Throws naming the missing or mis-shaped feed.
 */
export function runReference(g: IrGraph, feeds: Feeds64, outputs: readonly string[] = Object.keys(g.outputs)): Record<string, Tensor64> {
  const values: (Tensor64 | undefined)[] = new Array(g.nodes.length);
  for (const n of g.nodes) {
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
      const id = g.outputs[name];
      if (id === undefined) throw new Error(`the graph has no output '${name}'`);
      return [name, values[id] ?? tensor([])];
    }),
  );
}
