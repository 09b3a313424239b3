/**
 * Bidirectional wrapper (双向循环网络): one copy of a recurrent cell reads the sequence forward,
 * another, with weights of its own, reads it backward, from t = T − 1 down to 0:
 *   →h_t = cell_fwd(x_t, →h_{t−1}),   ←h_t = cell_bwd(x_t, ←h_{t+1})
 * so at every t the block knows both what came before and what comes after (whether "Teddy" is
 * a president or a toy can depend on the words that follow it). The backward state at t is the
 * one that has read x_{T−1} … x_t, aligned to t as PyTorch (`bidirectional=True`) and Keras
 * (`Bidirectional`, which reverses the backward outputs back) do.
 *
 * Outputs, per example:
 *   returnSequences true:   →h_t and ←h_t at every t;   false: →h_{T−1} and ←h_0 (each
 *                           direction's final state, as Keras does)
 *   out = merge(→, ←):      concat [→ ; ←] (2·units) · sum → + ← · average (→ + ←)/2 ·
 *                           multiply → ⊙ ←; with merge 'none' there is no `out`, only the
 *                           ports `forward` and `backward`, which exist with every merge.
 *   h (and c):              the final states in PyTorch's h_n order (layer 0 forward, layer 0
 *                           backward, layer 1 forward, …), 2·layers·units features.
 * With `layers` > 1 in the cell, layer k ≥ 1 of each direction reads both directions of layer
 * k − 1 concatenated (as PyTorch's num_layers with bidirectional=True); the merge applies to the
 * top layer. Weights: the cell's own names with `forward_` or `backward_` in front, per layer as
 * recurrent.ts says (`forward_kernel`, `backward_recurrentKernel_l1`, …).
 */
import { z } from 'zod';
import type { CellRef } from '../cell/cell.ts';
import { ctrnnCell, CtrnnCellParams } from './ctrnn.ts';
import { elmanCell, ElmanCellParams } from './elman.ts';
import { gruCell, GruCellParams } from './gru.ts';
import { lstmCell, LstmCellParams } from './lstm.ts';
import { CellMath } from './math.ts';
import { peepholeLstmCell, PeepholeLstmCellParams } from './peephole-lstm.ts';
import { RETURN_SEQUENCES, dense } from './ports.ts';
import { type AnyCell, BOTH_WAYS, inputSize, lowerStack, openStack, stackInputs, stackOutputs, stackWeights, stateOutputs, stateTypes } from './recurrent.ts';
import type { LaneMerge } from './step.ts';
import { defineBlock, type PortType } from './types.ts';

/** The cell in each direction, as its own block takes its params (without returnSequences), told apart by `type`. */
const CellParams = z.discriminatedUnion('type', [ElmanCellParams, LstmCellParams, GruCellParams, PeepholeLstmCellParams, CtrnnCellParams]);
type CellParams = z.infer<typeof CellParams>;

const CELLS: Readonly<Record<CellParams['type'], AnyCell>> = {
  elman: elmanCell,
  lstm: lstmCell,
  gru: gruCell,
  peepholeLstm: peepholeLstmCell,
  ctrnn: ctrnnCell,
};

export const MergeMode = z.enum(['concat', 'sum', 'average', 'multiply', 'none']);
export type MergeMode = z.infer<typeof MergeMode>;

const Params = z.strictObject({
  cell: CellParams.prefault({ type: 'lstm' }),
  merge: MergeMode.default('concat'),
  returnSequences: z.boolean().default(true),
});
type Params = z.infer<typeof Params>;

const cellOf = (p: Params): { cell: AnyCell; params: CellParams & { units: number; layers: number } } => ({ cell: CELLS[p.cell.type], params: p.cell });

/** Features of the merged output. */
const mergedSize = (merge: Exclude<MergeMode, 'none'>, units: number): number => (merge === 'concat' ? 2 * units : units);

const LSTM_ONLY = { en: 'only with an lstm or peepholeLstm cell', zh: '仅当 cell 为 lstm 或 peepholeLstm 时' };

/** How the two directions are joined into `out` (null: there is no `out`). */
function laneMerge(merge: MergeMode): LaneMerge | null {
  switch (merge) {
    case 'concat':
      return (m, forward, backward) => m.concat([forward, backward]);
    case 'sum':
      return (m, forward, backward) => m.add(forward, backward);
    case 'average':
      return (m, forward, backward) => m.mul(m.add(forward, backward), m.constant(0.5));
    case 'multiply':
      return (m, forward, backward) => m.mul(forward, backward);
    case 'none':
      return null;
  }
}

export const bidirectional = defineBlock({
  type: 'bidirectional',
  role: 'recurrent',
  sequenceSwitch: RETURN_SEQUENCES,
  category: 'recurrent',
  label: { en: 'Bidirectional', zh: '双向循环网络' },
  help: {
    en: 'Runs a recurrent cell forward and a second one backward over the sequence, so the output at every step sees the words before and after it; merges the two directions (concatenate, sum, average, multiply, or two separate outputs). The backward state at t has read the sequence from its end down to t.',
    zh: '用一个循环单元正向、另一个循环单元反向读取序列，使每个时间步的输出既看到前文也看到后文；再把两个方向合并（拼接、相加、平均、相乘，或分成两个输出）。反向在 t 时刻的状态读过的是从序列末尾到 t 的部分。',
  },
  params: Params,
  paramHelp: {
    cell: {
      en: 'The recurrent block run in each direction (elman, lstm, gru, peepholeLstm or ctrnn) with its params as that block takes them — units, layers, activations, initialisers — except returnSequences, which is set on this block. Each direction has its own weights.',
      zh: '每个方向上运行的循环模块（elman、lstm、gru、peepholeLstm 或 ctrnn），参数与该模块本身相同（units、layers、激活函数、初始化方式等），但 returnSequences 设在本模块上。两个方向各有自己的权重。',
    },
    merge: {
      en: "How the two directions are joined into 'out': concat [forward; backward] (2 × units features), sum, average or multiply (units features), or none: no 'out', use the ports 'forward' and 'backward'.",
      zh: "两个方向如何合并为 'out'：concat 拼接 [正向; 反向]（2 × units 个特征），sum 相加、average 平均或 multiply 相乘（units 个特征），或 none：没有 'out'，使用 'forward' 与 'backward' 两个端口。",
    },
    returnSequences: {
      en: "Output both directions at every time step; off: each direction's final state, the forward one after the last step and the backward one after the first (it has then read the whole sequence).",
      zh: '在每个时间步输出两个方向的状态；关闭时输出各自的最终状态：正向取最后一步之后的，反向取第一步之后的（此时它已读完整个序列）。',
    },
  },
  inputs: stackInputs(['h', 'c']),
  outputs: [
    ...stackOutputs(['h', 'c'], { c: LSTM_ONLY }).map((port) =>
      port.name === 'out' ? { ...port, only: { en: "not with merge 'none'", zh: "merge 为 'none' 时没有" } } : port,
    ),
    { name: 'forward', label: { en: 'forward', zh: '正向' } },
    { name: 'backward', label: { en: 'backward', zh: '反向' } },
  ],
  infer: (p, cx) => {
    const { cell, params } = cellOf(p);
    inputSize(cx);
    const kind = p.returnSequences ? 'sequence' : 'vector';
    const out: Record<string, PortType> = {};
    if (p.merge !== 'none') out.out = dense(kind, mergedSize(p.merge, params.units));
    Object.assign(out, stateTypes(cell, params, cx, 2));
    out.forward = dense(kind, params.units);
    out.backward = dense(kind, params.units);
    return out;
  },
  weights: (p, cx) => {
    const { cell, params } = cellOf(p);
    return stackWeights(cell, params, inputSize(cx), BOTH_WAYS);
  },
  runs: () => ['forward', 'backward'],
  lower: (p, cx) => {
    const { cell, params } = cellOf(p);
    const stack = lowerStack(cell, params, cx, BOTH_WAYS);
    const [lastForward, lastBackward] = stack.finals.h.slice(-2);
    const [forward, backward] = p.returnSequences ? stack.top : [lastForward, lastBackward];
    const out: Record<string, CellRef> = { ...stateOutputs(cell, stack, cx), forward, backward };
    const merge = laneMerge(p.merge);
    if (merge) out.out = merge(new CellMath(cx.cell), forward, backward);
    return out;
  },
  opens: (p) => {
    const { cell, params } = cellOf(p);
    return openStack(cell, params, p.returnSequences, { merge: laneMerge(p.merge) });
  },
});
