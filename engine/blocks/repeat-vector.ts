/**
 * One-to-many: a vector per example becomes a sequence that holds it at every step, so a
 * recurrent block can unfold it over time (a caption from one image vector, a decoder that reads
 * the encoder's summary at every step). Keras's RepeatVector.
 *   out_t = x   for t = 0 … T − 1
 */
import { z } from 'zod';
import { T, connected, inputType } from './ports.ts';
import { defineBlock } from './types.ts';

const Params = z.strictObject({
  /** 0: as many steps as the graph runs (the dataset's T). */
  steps: z.int().min(0).max(100_000).default(0),
});

export const repeatVector = defineBlock({
  type: 'repeatVector',
  role: 'layer',
  category: 'layer',
  label: { en: 'Repeat vector', zh: '向量重复' },
  help: {
    en: 'Repeats one vector per example at every time step: turns a vector into a sequence (one-to-many), e.g. an encoder\'s final state read by a decoder at each step.',
    zh: '把每个样本的一个向量在每个时间步重复一次：把向量变成序列（一对多），例如让解码器在每一步都读取编码器的最终状态。',
  },
  params: Params,
  paramHelp: {
    steps: {
      en: 'How many steps the sequence has: 0 = as many as the graph runs (the dataset\'s T). Another number must equal T; it documents the length and is checked when the graph is compiled.',
      zh: '序列的步数：0 表示与网络运行的步数相同（数据集的 T）。填写其他数值时必须等于 T；它用于注明长度，编译时会检查。',
    },
  },
  inputs: [{ name: 'in', label: { en: 'vector', zh: '向量' }, accepts: ['vector'], tokens: 'either' }],
  outputs: [{ name: 'out', label: T.out }],
  infer: (_p, cx) => {
    const x = inputType(cx, 'in');
    return { out: { kind: 'sequence', size: x.size, tokens: x.tokens } };
  },
  weights: () => [],
  lower: (p, cx) => ({ out: cx.cell.repeat(connected(cx, 'in'), p.steps) }),
});
