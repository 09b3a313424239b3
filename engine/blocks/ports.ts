/** Small helpers shared by block definitions. */
import { z } from 'zod';
import { BlockIssue, type InferContext, type InputPort, type PortKind, type PortType, type Text } from './types.ts';

export const units = (fallback: number) => z.int().min(1).max(4096).default(fallback);

/** The type on input `port`, which the validator guarantees is connected and known. */
export function inputType(cx: InferContext, port: string): PortType {
  const t = cx.inputs[port];
  if (!t) throw new BlockIssue('shape-unknown', `input '${port}' is not connected`, port);
  return t;
}

export const seqPort = (name: string, label: Text, tokens: InputPort['tokens'] = 'never'): InputPort => ({ name, label, accepts: ['sequence'], tokens });
export const anyPort = (name: string, label: Text, tokens: InputPort['tokens'] = 'never'): InputPort => ({ name, label, accepts: ['sequence', 'vector'], tokens });

export const dense = (kind: PortKind, size: number): PortType => ({ kind, size, tokens: false });

export const T = {
  in: { en: 'input', zh: '输入' },
  out: { en: 'output', zh: '输出' },
  units: { en: 'Number of units (size of the hidden state h).', zh: '单元数（隐状态 h 的维度）。' },
  returnSequences: {
    en: 'Output h at every time step (many-to-many); off: only the last step (many-to-one).',
    zh: '在每个时间步输出 h（多对多）；关闭时只输出最后一步（多对一）。',
  },
  activation: { en: 'Activation of the candidate / hidden state.', zh: '候选状态／隐状态的激活函数。' },
  recurrentActivation: { en: 'Activation of the gates (sigmoid as in PyTorch and Keras).', zh: '门的激活函数（与 PyTorch、Keras 一样默认 sigmoid）。' },
} satisfies Record<string, Text>;
