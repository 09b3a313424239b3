/** The IR as JSON for the app's unrolled view: nodes with op, inputs, shape, block and step. */
import type { IrGraph } from './types.ts';

export interface IrJson {
  readonly nodes: readonly { id: number; op: IrGraph['nodes'][number]['op']; inputs: readonly number[]; shape: readonly number[]; dtype: string; block: string; t: number | null; phase: string }[];
  readonly outputs: Readonly<Record<string, number>>;
}

export function irToJson(g: IrGraph): IrJson {
  return {
    nodes: g.nodes.map((n) => ({ id: n.id, op: n.op, inputs: n.inputs, shape: n.shape, dtype: n.dtype, block: n.origin.block, t: n.origin.t, phase: n.phase })),
    outputs: g.outputs,
  };
}
