/**
 * The primitives a user wires a cell from by hand. An Elman cell, for example:
 *   x → linear ─┐
 *               add → tanh → h        and   h → delay → linear(no bias) → add
 * Any cycle must pass through a delay (z⁻¹); one without is an algebraic loop.
 */
import { z } from 'zod';
import type { IrOp } from '../ir/types.ts';
import { rawTimeConstant } from './ctrnn.ts';
import { endStep } from './layers.ts';
import { CellMath } from './math.ts';
import { T, affine, anyPort, connected, dense, inputType, seqPort, units } from './ports.ts';
import { type AnyBlock, BlockIssue, type InferContext, defineBlock, type PortType, type Text } from './types.ts';


const DelayParams = z.strictObject({
  size: z.int().min(0).max(4096).default(0),
  direction: z.enum(['forward', 'backward']).default('forward'),
});

export const delay = defineBlock({
  type: 'delay',
  role: 'delay',
  sizeParam: 'size',
  category: 'primitive',
  label: { en: 'Delay z⁻¹', zh: '延迟 z⁻¹' },
  help: {
    en: 'Outputs its input from the previous time step (zeros at the first step), or, running backward, from the next one. The only way to close a loop: it is what makes a network recurrent.',
    zh: '输出上一时间步的输入（第一步输出零），反向运行时则输出下一时间步的输入。闭合回路的唯一方式，正是它让网络具有循环结构。',
  },
  params: DelayParams,
  paramHelp: {
    size: { en: 'Features carried; 0 = take it from the input.', zh: '传递的特征数；0 表示取自输入。' },
    direction: {
      en: 'forward (z⁻¹): the input of the previous step, zeros at the first step. backward (z⁺¹): the input of the next step, zeros at the last step; a loop through it runs from the end of the sequence to its start, like the backward half of a bidirectional block. A loop cannot mix the two.',
      zh: 'forward（z⁻¹）：上一时间步的输入，第一步为零。backward（z⁺¹）：下一时间步的输入，最后一步为零；经过它的回路从序列末尾向开头运行，就像双向模块的反向部分。同一个回路不能混用两种方向。',
    },
  },
  inputs: [seqPort('in', T.in)],
  outputs: [{ name: 'out', label: T.out }],
  // The validator resolves a delay's size (its input closes a cycle, so it is known only later).
  infer: (p, cx) => {
    const x = cx.inputs.in;
    const size = x?.size ?? p.size;
    if (!size) throw new BlockIssue('shape-unknown', "cannot tell how many features this delay carries: set its 'size'", 'in');
    if (x && p.size && x.size !== p.size) throw new BlockIssue('size-mismatch', `size is ${p.size} but the input has ${x.size} features`, 'in');
    return { out: dense('sequence', size) };
  },
  weights: () => [],
  runs: (p) => [p.direction],
  lower: (p, cx) => {
    const size = cx.types.in?.size;
    if (!size) throw new BlockIssue('shape-unknown', 'delay size unknown', 'in');
    return { out: cx.cell.delay(`${cx.nodeId}.out`, [cx.cell.batch, size], null, p.direction) };
  },
});

const LinearParams = z.strictObject({ units: units(16), useBias: z.boolean().default(true) });

export const linear = defineBlock({
  type: 'linear',
  role: 'primitive',
  sizeParam: 'units',
  category: 'primitive',
  label: { en: 'Linear (matmul)', zh: '线性变换（矩阵乘法）' },
  help: { en: 'x·W (+ b) with a learned weight matrix W.', zh: '用可学习的权重矩阵 W 计算 x·W（+ b）。' },
  params: LinearParams,
  paramHelp: {
    units: { en: 'Number of outputs (columns of W).', zh: '输出个数（W 的列数）。' },
    useBias: { en: 'Add a learned bias b.', zh: '加上可学习的偏置 b。' },
  },
  inputs: [anyPort('in', T.in)],
  outputs: [{ name: 'out', label: T.out }],
  infer: affine.infer,
  weights: affine.weights,
  lower: (p, cx) => ({ out: affine.lower(p, cx) }),
});

const twoInputs = [anyPort('a', { en: 'a', zh: 'a' }), anyPort('b', { en: 'b', zh: 'b' })];
const joinKind = (a: PortType, b: PortType) => (a.kind === 'sequence' || b.kind === 'sequence' ? 'sequence' : 'vector');

function elementwise2<const T extends string>(type: T, label: Text, help: Text, op: IrOp) {
  return defineBlock({
    type,
    role: 'primitive',
    category: 'primitive',
    label,
    help,
    params: z.strictObject({}),
    paramHelp: {},
    inputs: twoInputs,
    outputs: [{ name: 'out', label: T.out }],
    infer: (_p, cx: InferContext) => {
      const [a, b] = [inputType(cx, 'a'), inputType(cx, 'b')];
      if (a.size !== b.size) throw new BlockIssue('size-mismatch', `a has ${a.size} features but b has ${b.size}; they must be equal`, 'b');
      return { out: dense(joinKind(a, b), a.size) };
    },
    weights: () => [],
    lower: (_p, cx) => ({ out: cx.cell.op(op, [connected(cx, 'a'), connected(cx, 'b')]) }),
  });
}

export const add = elementwise2('add', { en: 'Add', zh: '相加' }, { en: 'a + b, elementwise.', zh: '逐元素相加 a + b。' }, { type: 'add' });
export const multiply = elementwise2(
  'multiply',
  { en: 'Multiply', zh: '相乘' },
  { en: 'a ⊙ b, elementwise (how gates act).', zh: '逐元素相乘 a ⊙ b（门就是这样起作用的）。' },
  { type: 'mul' },
);

export const concat = defineBlock({
  type: 'concat',
  role: 'primitive',
  category: 'primitive',
  label: { en: 'Concatenate', zh: '拼接' },
  help: { en: 'Joins the features of a and b: [a, b].', zh: '把 a 与 b 的特征拼接起来：[a, b]。' },
  params: z.strictObject({}),
  paramHelp: {},
  inputs: twoInputs,
  outputs: [{ name: 'out', label: T.out }],
  infer: (_p, cx) => {
    const [a, b] = [inputType(cx, 'a'), inputType(cx, 'b')];
    return { out: dense(joinKind(a, b), a.size + b.size) };
  },
  weights: () => [],
  lower: (_p, cx) => {
    const [a, b] = [connected(cx, 'a'), connected(cx, 'b')];
    return { out: new CellMath(cx.cell).concat([a, b]) };
  },
});

/** Ports of an elementwise primitive: one input of any kind, one output of the same kind and size. */
const ELEMENTWISE = {
  inputs: [anyPort('in', T.in)],
  outputs: [{ name: 'out', label: T.out }],
  infer: (_p: unknown, cx: Parameters<AnyBlock['infer']>[1]) => ({ out: dense(inputType(cx, 'in').kind, inputType(cx, 'in').size) }),
} as const;

function unary<const T extends 'tanh' | 'sigmoid' | 'relu'>(type: T, label: Text, help: Text) {
  return defineBlock({
    type,
    role: 'primitive',
    category: 'primitive',
    label,
    help,
    params: z.strictObject({}),
    paramHelp: {},
    ...ELEMENTWISE,
    weights: () => [],
    lower: (_p, cx) => ({ out: cx.cell.op({ type }, [connected(cx, 'in')]) }),
  });
}

export const tanh = unary('tanh', { en: 'tanh', zh: 'tanh' }, { en: 'Hyperbolic tangent, output in (−1, 1).', zh: '双曲正切，输出在 (−1, 1) 之间。' });
export const sigmoid = unary('sigmoid', { en: 'sigmoid σ', zh: 'sigmoid σ' }, { en: 'Logistic function, output in (0, 1); used for gates.', zh: '逻辑函数，输出在 (0, 1) 之间；用于门。' });
export const relu = unary('relu', { en: 'ReLU', zh: 'ReLU' }, { en: 'max(0, x).', zh: 'max(0, x)。' });

export const oneMinus = defineBlock({
  type: 'oneMinus',
  role: 'primitive',
  category: 'primitive',
  label: { en: 'One minus (1 − x)', zh: '1 减（1 − x）' },
  help: {
    en: '1 − x, elementwise. Turns a gate g in (0, 1) into its complement, as a GRU mixes z·h₋₁ + (1 − z)·h̃.',
    zh: '逐元素计算 1 − x。把取值在 (0, 1) 之间的门 g 变成它的补，例如 GRU 中的 z·h₋₁ + (1 − z)·h̃。',
  },
  params: z.strictObject({}),
  paramHelp: {},
  ...ELEMENTWISE,
  weights: () => [],
  lower: (_p, cx) => ({ out: new CellMath(cx.cell).oneMinus(connected(cx, 'in')) }),
});

export const scale = defineBlock({
  type: 'scale',
  role: 'primitive',
  category: 'primitive',
  label: { en: 'Scale (learned γ)', zh: '缩放（可学习 γ）' },
  help: {
    en: 'x ⊙ γ, elementwise, with a learned vector γ holding one factor per feature (it starts at ones). How a peephole connection p ⊙ c is wired.',
    zh: '逐元素计算 x ⊙ γ，其中 γ 是可学习的向量，每个特征一个系数（初始为全 1）。窥视孔连接 p ⊙ c 就是这样连出来的。',
  },
  params: z.strictObject({}),
  paramHelp: {},
  ...ELEMENTWISE,
  weights: (_p, cx) => [{ name: 'gamma', shape: [inputType(cx, 'in').size], init: 'ones' }],
  lower: (_p, cx) => ({ out: new CellMath(cx.cell).mul(cx.weight('gamma'), connected(cx, 'in')) }),
});

const ConstantScaleParams = z.strictObject({ factor: z.number().min(-1e6).max(1e6).default(1) });

export const constantScale = defineBlock({
  type: 'constantScale',
  role: 'primitive',
  category: 'primitive',
  label: { en: 'Constant scale (α·x)', zh: '常数缩放（α·x）' },
  help: {
    en: 'α·x, elementwise, with a fixed factor α that is not learned: 0.5 averages a sum of two, a value in (0, 1) on a loop through a delay makes a decaying memory.',
    zh: '逐元素计算 α·x，系数 α 固定、不参与学习：0.5 可把两项之和变成平均值；把 (0, 1) 之间的值放在经过延迟的回路上，就得到逐步衰减的记忆。',
  },
  params: ConstantScaleParams,
  paramHelp: { factor: { en: 'The factor α every element is multiplied by.', zh: '每个元素所乘的系数 α。' } },
  ...ELEMENTWISE,
  weights: () => [],
  lower: (p, cx) => {
    const m = new CellMath(cx.cell);
    return { out: m.mul(m.constant(p.factor), connected(cx, 'in')) };
  },
});

export const firstStep = endStep(
  'first',
  'primitive',
  { en: 'First step', zh: '取第一步' },
  {
    en: 'Keeps only the value at the first time step: where a loop through a backward delay ends, as last step is for a forward one.',
    zh: '只保留第一个时间步的值：经过反向延迟的回路在这里结束，正如正向回路在最后一步结束。',
  },
);

const RateScaleParams = z
  .strictObject({
    dt: z.number().gt(0).max(1000).default(1),
    tauInit: z.number().gt(0).max(1e6).default(5),
    complement: z.boolean().default(false),
  })
  .refine((p) => p.tauInit > p.dt, { path: ['tauInit'], message: 'must be greater than dt: τ = dt + softplus(ρ) never falls to dt, so it cannot start there' });

export const rateScale = defineBlock({
  type: 'rateScale',
  role: 'primitive',
  category: 'primitive',
  label: { en: 'Learned rate (α ⊙ x)', zh: '可学习速率（α ⊙ x）' },
  help: {
    en: 'α ⊙ x, or (1 − α) ⊙ x, elementwise, with one learned rate α = dt / τ per feature in (0, 1], where the time constant τ = dt + softplus(ρ) and ρ is the learned weight. Two of them sharing a rate mix an old state and a new target, (1 − α) ⊙ h₋₁ + α ⊙ f(…), as a CTRNN unit does.',
    zh: '逐元素计算 α ⊙ x 或 (1 − α) ⊙ x，每个特征有一个可学习的速率 α = dt / τ，取值在 (0, 1] 之间；其中时间常数 τ = dt + softplus(ρ)，ρ 是可学习的权重。两个速率相同的此类模块可以把旧状态和新目标混合成 (1 − α) ⊙ h₋₁ + α ⊙ f(…)，CTRNN 的单元就是这样做的。',
  },
  params: RateScaleParams,
  paramHelp: {
    dt: { en: 'Time step Δt (> 0); τ is kept at least Δt, so α never exceeds 1.', zh: '时间步长 Δt（> 0）；τ 始终不小于 Δt，因此 α 不会超过 1。' },
    tauInit: {
      en: 'Initial time constant τ of every feature; must be greater than dt (ρ starts at softplus⁻¹(tauInit − dt)).',
      zh: '每个特征时间常数 τ 的初始值，必须大于 dt（ρ 的初值为 softplus⁻¹(tauInit − dt)）。',
    },
    complement: { en: 'Multiply by 1 − α instead of α: the share of the old state that is kept.', zh: '乘以 1 − α 而不是 α：即旧状态被保留的比例。' },
  },
  inputs: [anyPort('in', T.in)],
  outputs: [{ name: 'out', label: T.out }],
  infer: (_p, cx) => ({ out: dense(inputType(cx, 'in').kind, inputType(cx, 'in').size) }),
  weights: (p, cx) => [{ name: 'rho', shape: [inputType(cx, 'in').size], init: 'constant', value: rawTimeConstant(p.tauInit, p.dt) }],
  lower: (p, cx) => {
    const m = new CellMath(cx.cell);
    // As the CTRNN block computes it: α = Δt·exp(−log τ) (the IR has no division).
    const dt = m.constant(p.dt);
    const alpha = m.mul(dt, m.exp(m.neg(m.log(m.add(dt, m.softplus(cx.weight('rho')))))));
    return { out: m.mul(p.complement ? m.oneMinus(alpha) : alpha, connected(cx, 'in')) };
  },
});
