/** Small helpers shared by block definitions. */
import { z } from 'zod';
import type { CellRef } from '../cell/cell.ts';
import { CellMath } from './math.ts';
import { BlockIssue, type InferContext, type InputPort, type LowerContext, type PortKind, type PortType, type Text, type WeightSpec } from './types.ts';

export const units = (fallback: number) => z.int().min(1).max(4096).default(fallback);

/** The type on input `port`, which the validator guarantees is connected and known. */
export function inputType(cx: InferContext, port: string): PortType {
  const t = cx.inputs[port];
  if (!t) throw new BlockIssue('shape-unknown', `input '${port}' is not connected`, port);
  return t;
}

/** The cell value on input `port`; the validator guarantees it is connected before lowering. */
export function connected(cx: LowerContext, port: string): CellRef {
  const x = cx.inputs[port];
  if (x === undefined) throw new Error(`block '${cx.nodeId}': input '${port}' is not connected`);
  return x;
}

/** x·W (+ b): the weights and math shared by the dense and linear blocks. */
export const affine = {
  infer: (p: { units: number }, cx: InferContext): Record<string, PortType> => ({ out: dense(inputType(cx, 'in').kind, p.units) }),
  weights: (p: { units: number; useBias: boolean }, cx: InferContext): WeightSpec[] => [
    { name: 'kernel', shape: [inputType(cx, 'in').size, p.units], init: 'glorotUniform' },
    ...(p.useBias ? [{ name: 'bias', shape: [p.units], init: 'zeros' as const }] : []),
  ],
  lower: (p: { useBias: boolean }, cx: LowerContext): CellRef => {
    const m = new CellMath(cx.cell);
    const y = m.matmul(connected(cx, 'in'), cx.weight('kernel'));
    return p.useBias ? m.add(y, cx.weight('bias')) : y;
  },
};

export const seqPort = (name: string, label: Text, tokens: InputPort['tokens'] = 'never'): InputPort => ({ name, label, accepts: ['sequence'], tokens });
export const anyPort = (name: string, label: Text, tokens: InputPort['tokens'] = 'never'): InputPort => ({ name, label, accepts: ['sequence', 'vector'], tokens });

export const dense = (kind: PortKind, size: number): PortType => ({ kind, size, tokens: false });

/** A recurrent block's switch: returnSequences true makes 'out' a sequence; its other outputs are final states. */
export const RETURN_SEQUENCES = { param: 'returnSequences', port: 'out' } as const;

export const T = {
  in: { en: 'input', zh: '输入' },
  out: { en: 'output', zh: '输出' },
  units: { en: 'Number of units (size of the hidden state h).', zh: '单元数（隐状态 h 的维度）。' },
  returnSequences: {
    en: 'Output h at every time step (many-to-many); off: only the last step (many-to-one).',
    zh: '在每个时间步输出 h（多对多）；关闭时只输出最后一步（多对一）。',
  },
  activation: { en: 'Activation of the candidate / hidden state.', zh: '候选状态／隐状态的激活函数。' },
  unitForgetBias: { en: 'Start the forget gate bias at 1 so the cell remembers by default.', zh: '遗忘门偏置初始化为 1，使细胞默认保留记忆。' },
  recurrentActivation: { en: 'Activation of the gates (sigmoid as in PyTorch and Keras).', zh: '门的激活函数（与 PyTorch、Keras 一样默认 sigmoid）。' },
} satisfies Record<string, Text>;
