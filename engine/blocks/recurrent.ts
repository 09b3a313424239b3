/**
 * What the Elman, Jordan, LSTM and GRU blocks share: one sequence input, a hidden size, and an
 * output that is either the whole sequence of h or its last step.
 */
import type { CellRef } from '../compiler/cell.ts';
import { dense, inputType, seqPort, T } from './ports.ts';
import type { InferContext, LowerContext, PortType } from './types.ts';

export const recurrentInputs = [seqPort('in', T.in)];
export const recurrentOutputs = [{ name: 'out', label: T.out }];

export function recurrentInfer(p: { units: number; returnSequences: boolean }, cx: InferContext): Record<string, PortType> {
  inputType(cx, 'in');
  return { out: dense(p.returnSequences ? 'sequence' : 'vector', p.units) };
}

export const inputSize = (cx: InferContext): number => inputType(cx, 'in').size;

/** The block's sequence input, required by the validator before lowering. */
export function sequenceIn(cx: LowerContext): CellRef {
  const x = cx.inputs.in;
  if (x === undefined) throw new Error(`block '${cx.nodeId}': input 'in' is not connected`);
  return x;
}

export const finish = (cx: LowerContext, h: CellRef, returnSequences: boolean): Record<string, CellRef> => ({
  out: returnSequences ? h : cx.cell.lastStep(h),
});
