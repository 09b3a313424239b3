/** Feed-forward layers applied at every step of a sequence, or once to a vector. */
import { z } from 'zod';
import { Activation, CellMath } from './math.ts';
import { T, affine, anyPort, connected, dense, inputType, seqPort, units } from './ports.ts';
import type { OpenPlan, StepContext } from './step.ts';
import { defineBlock, type LowerContext, type Text } from './types.ts';

const input = (cx: LowerContext) => connected(cx, 'in');

const DenseParams = z.strictObject({
  units: units(16),
  activation: Activation.default('linear'),
  useBias: z.boolean().default(true),
});

type DenseParams = z.infer<typeof DenseParams>;

/** y = f(x·W + b) */
function denseStep<V>(p: DenseParams, { m, x, weight }: Pick<StepContext<V>, 'm' | 'x' | 'weight'>): V {
  const xW = m.matmul(x, weight('kernel'));
  return m.act(p.activation, p.useBias ? m.add(xW, weight('bias')) : xW);
}

export const denseBlock = defineBlock({
  type: 'dense',
  role: 'layer',
  sizeParam: 'units',
  category: 'layer',
  label: { en: 'Dense', zh: '全连接层' },
  help: {
    en: 'Fully connected layer y = f(x·W + b); on a sequence it is applied at every time step with the same weights.',
    zh: '全连接层 y = f(x·W + b)；作用于序列时，每个时间步共用同一组权重。',
  },
  params: DenseParams,
  paramHelp: {
    units: { en: 'Number of outputs.', zh: '输出的个数。' },
    activation: { en: 'Activation applied to x·W + b.', zh: '作用在 x·W + b 上的激活函数。' },
    useBias: { en: 'Add a learned bias b.', zh: '加上可学习的偏置 b。' },
  },
  inputs: [anyPort('in', T.in)],
  outputs: [{ name: 'out', label: T.out }],
  infer: affine.infer,
  weights: affine.weights,
  lower: (p, cx) => ({ out: denseStep(p, { m: new CellMath(cx.cell), x: input(cx), weight: cx.weight }) }),
  opens: (p): OpenPlan => ({ ok: true, step: (s) => ({ out: denseStep(p, s), next: {} }), layers: 1, dropout: 0, returnSequences: true }),
});

const ActivationParams = z.strictObject({ fn: Activation.default('tanh') });

export const activation = defineBlock({
  type: 'activation',
  role: 'layer',
  category: 'layer',
  label: { en: 'Activation', zh: '激活函数' },
  help: { en: 'Applies a nonlinearity elementwise.', zh: '逐元素地施加非线性函数。' },
  params: ActivationParams,
  paramHelp: { fn: { en: 'tanh, sigmoid, relu or linear (identity).', zh: 'tanh、sigmoid、relu 或 linear（恒等）。' } },
  inputs: [anyPort('in', T.in)],
  outputs: [{ name: 'out', label: T.out }],
  infer: (_p, cx) => ({ out: dense(inputType(cx, 'in').kind, inputType(cx, 'in').size) }),
  weights: () => [],
  lower: (p, cx) => ({ out: new CellMath(cx.cell).act(p.fn, input(cx)) }),
});

/** A block that keeps one end of a sequence: the last step (forward loops) or the first (backward ones). */
export function endStep<const E extends 'first' | 'last'>(end: E, category: 'layer' | 'primitive', label: Text, help: Text) {
  return defineBlock({
    type: `${end}Step` as const,
    role: category,
    category,
    sequenceSwitch: { remove: true, noun: `the ${end}-step block` },
    label,
    help,
    params: z.strictObject({}),
    paramHelp: {},
    inputs: [seqPort('in', T.in)],
    outputs: [{ name: 'out', label: T.out }],
    infer: (_p, cx) => ({ out: dense('vector', inputType(cx, 'in').size) }),
    weights: () => [],
    lower: (_p, cx) => ({ out: end === 'last' ? cx.cell.lastStep(connected(cx, 'in')) : cx.cell.firstStep(connected(cx, 'in')) }),
  });
}

export const lastStep = endStep(
  'last',
  'layer',
  { en: 'Last step', zh: '取最后一步' },
  {
    en: 'Keeps only the value at the last time step: turns a sequence into one vector (many-to-one).',
    zh: '只保留最后一个时间步的值：把序列变成一个向量（多对一）。',
  },
);
