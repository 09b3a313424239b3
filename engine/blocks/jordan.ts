/**
 * Jordan network: the *output* of the previous step is fed back, through a context s.
 *   s_t = α·s_{t−1} + y_{t−1}                      (α = contextDecay; α = 0: s_t = y_{t−1})
 *   h_t = f(x_t·W + s_t·U + b),   y_t = g(h_t·V + c)
 * With feedback 'preActivation' the value fed back is h_t·V + c, y before its activation g.
 * The defaults (feedback 'output', contextDecay 0) lower to exactly the cell they always did.
 *
 * Teacher forcing (training only): the context is fed the previous *target* instead of y_{t−1},
 *   s_t = α·s_{t−1} + ŷ_{t−1}   (ŷ: the target of the output block downstream, one-hot for class ids)
 * so no gradient flows back through the context. Evaluation, prediction and sampling feed back
 * the network's own output as without it.
 */
import { z } from 'zod';
import type { CellRef } from '../cell/cell.ts';
import { Activation, CellMath } from './math.ts';
import { RETURN_SEQUENCES, T, units } from './ports.ts';
import { finish, initializerHelp, initializerParams, inputSize, recurrentInputs, recurrentOutputs, sequenceIn } from './recurrent.ts';
import type { OpenPlan, StepContext, StepResult } from './step.ts';
import { BlockIssue, defineBlock } from './types.ts';
import { dense, inputType } from './ports.ts';

const Params = z.strictObject({
  units: units(32),
  outputUnits: units(8),
  activation: Activation.default('tanh'),
  outputActivation: Activation.default('tanh'),
  returnSequences: z.boolean().default(true),
  feedback: z.enum(['output', 'preActivation']).default('output'),
  contextDecay: z.number().min(0).lt(1).default(0),
  teacherForcing: z.boolean().default(false),
  ...initializerParams('glorotUniform'),
});

type Params = z.infer<typeof Params>;

/** The state the context delay carries: named after y when it is just y_{t−1}. */
const contextName = (p: Params): string => (p.feedback === 'output' && p.contextDecay === 0 ? 'y' : 'context');

/** One step; `feed` is what reaches the context in place of the value this step feeds back. */
function jordanStep<Value>(p: Params, { m, x, weight, previous }: StepContext<Value>, feed: (own: Value) => Value = (own) => own): StepResult<Value> {
  const [W, U, b, V, c] = ['kernel', 'recurrentKernel', 'bias', 'outputKernel', 'outputBias'].map(weight);
  const s = previous(contextName(p));
  const h = m.name(m.act(p.activation, m.add(m.add(m.matmul(x, W), m.matmul(s, U)), b)), 'h', 'hidden state h');
  const preActivation = m.add(m.matmul(h, V), c);
  const y = m.name(m.act(p.outputActivation, preActivation), 'y', 'output y');
  const fed = feed(p.feedback === 'output' ? y : preActivation);
  return { out: y, next: { [contextName(p)]: p.contextDecay === 0 ? fed : m.add(m.mul(m.constant(p.contextDecay), s), fed) } };
}

export const jordan = defineBlock({
  type: 'jordan',
  role: 'recurrent',
  sequenceSwitch: RETURN_SEQUENCES,
  sizeParam: 'outputUnits',
  category: 'recurrent',
  label: { en: 'Jordan RNN', zh: 'Jordan 循环网络' },
  help: {
    en: 'Recurrent layer that feeds back its previous output y (not its hidden state) into the hidden layer.',
    zh: '把上一时间步的输出 y（而不是隐状态）送回隐藏层的循环层。',
  },
  params: Params,
  paramHelp: {
    units: T.units,
    outputUnits: { en: 'Size of the output y that is fed back.', zh: '被送回的输出 y 的维度。' },
    activation: T.activation,
    outputActivation: { en: 'Activation of the output y.', zh: '输出 y 的激活函数。' },
    returnSequences: T.returnSequences,
    feedback: {
      en: 'What is fed back: output = y after its output activation; preActivation = h·V + c, before it (the block still outputs y).',
      zh: '送回的内容：output 为经过输出激活函数之后的 y；preActivation 为激活之前的 h·V + c（模块的输出仍是 y）。',
    },
    contextDecay: {
      en: 'Self-loop α of the context units s that carry the fed-back output into the hidden layer: s_t = α·s_{t−1} + y_{t−1}, so older outputs fade by a factor α per step. 0 feeds back only the last output.',
      zh: '上下文单元 s 的自连接系数 α（s 把送回的输出带入隐藏层）：s_t = α·s_{t−1} + y_{t−1}，较早的输出每步按因子 α 衰减。0 表示只送回上一步的输出。',
    },
    teacherForcing: {
      en: 'While training, feed back the previous target (from the output block’s target stream, one-hot for classes) instead of the block’s own previous output; when evaluating or predicting it feeds back its own output. Needs feedback output, outputUnits equal to the target’s size, and a target at every step.',
      zh: '训练时送回上一步的目标值（来自输出模块的目标数据流，类别目标取独热编码），而不是本模块自己上一步的输出；评估或预测时仍送回自己的输出。要求 feedback 为 output、outputUnits 等于目标的维度，并且每个时间步都有目标。',
    },
    ...initializerHelp('glorotUniform'),
  },
  inputs: recurrentInputs,
  outputs: recurrentOutputs,
  infer: (p, cx) => {
    inputType(cx, 'in');
    if (p.teacherForcing && p.feedback !== 'output')
      throw new BlockIssue('param-invalid', "teacher forcing feeds back targets, which are outputs y after their activation: set feedback to 'output'");
    return { out: dense(p.returnSequences ? 'sequence' : 'vector', p.outputUnits) };
  },
  weights: (p, cx) => [
    { name: 'kernel', shape: [inputSize(cx), p.units], init: p.kernelInitializer },
    { name: 'recurrentKernel', shape: [p.outputUnits, p.units], init: p.recurrentInitializer, gain: p.recurrentGain },
    { name: 'bias', shape: [p.units], init: 'zeros' },
    { name: 'outputKernel', shape: [p.units, p.outputUnits], init: 'glorotUniform' },
    { name: 'outputBias', shape: [p.outputUnits], init: 'zeros' },
  ],
  runs: () => ['forward'],
  lower: (p, cx) => {
    // Teacher forcing: while training, the context is fed the previous target instead of the block's own value.
    const feed = (own: CellRef) =>
      p.teacherForcing
        ? cx.cell.byMode(
            () => cx.cell.target(p.outputUnits),
            () => own,
          )
        : own;
    const delays = new Map<string, CellRef>();
    const previous = (name: string): CellRef => {
      const d = cx.cell.delay(`${cx.nodeId}.${name}`, [cx.cell.batch, p.outputUnits]);
      delays.set(name, d);
      return d;
    };
    const { out, next } = jordanStep(p, { m: new CellMath(cx.cell), x: sequenceIn(cx), weight: cx.weight, previous }, feed);
    for (const [name, d] of delays) cx.cell.connectDelay(d, next[name]);
    return finish(cx, out, p.returnSequences);
  },
  opens: (p): OpenPlan =>
    p.teacherForcing
      ? { ok: false, refused: 'with teacherForcing it feeds back targets while training, and no primitive block reads them: turn teacherForcing off first' }
      : { ok: true, step: (s) => jordanStep(p, s), layers: 1, dropout: 0, returnSequences: p.returnSequences },
});
