/**
 * Dropout, inverted as PyTorch and Keras do it: while training, y = x ⊙ m / (1 − rate) with
 * m ~ Bernoulli(1 − rate) drawn afresh for every element, time step and training step; when
 * evaluating, predicting or sampling, y = x. The scaling keeps E[y] = x, so the weights need no
 * rescaling afterwards.
 *
 * The randomness stays outside the IR: a cell lowered for training multiplies by a data input
 * `mask:<node>` that the trainer fills from a generator seeded by the training seed; the forward
 * IR has no dropout at all.
 */
import { z } from 'zod';
import { T, anyPort, connected, dense, inputType } from './ports.ts';
import { defineBlock } from './types.ts';

/** A dropout rate: the probability that an element is zeroed, in [0, 1). */
export const dropoutRate = z.number().min(0).lt(1);

const Params = z.strictObject({ rate: dropoutRate.default(0.5) });

export const dropout = defineBlock({
  type: 'dropout',
  role: 'layer',
  category: 'layer',
  label: { en: 'Dropout', zh: 'Dropout（随机失活）' },
  help: {
    en: 'While training, zeroes each element with probability rate and scales the rest by 1 / (1 − rate), with a fresh random pattern at every step; when evaluating or predicting it passes its input through unchanged.',
    zh: '训练时以概率 rate 把每个元素置零，其余元素乘以 1 / (1 − rate)，每一步都重新随机；评估或预测时原样输出。',
  },
  params: Params,
  paramHelp: {
    rate: {
      en: 'Probability that an element is dropped during training, in [0, 1). 0 turns dropout off.',
      zh: '训练时每个元素被丢弃的概率，取值 [0, 1)。0 表示不做 dropout。',
    },
  },
  inputs: [anyPort('in', T.in)],
  outputs: [{ name: 'out', label: T.out }],
  infer: (_p, cx) => ({ out: dense(inputType(cx, 'in').kind, inputType(cx, 'in').size) }),
  weights: () => [],
  lower: (p, cx) => ({ out: cx.cell.dropout(connected(cx, 'in'), p.rate, cx.nodeId) }),
});
