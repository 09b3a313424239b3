/**
 * Jordan network: the *output* of the previous step is fed back.
 *   h_t = f(x_t·W + y_{t−1}·U + b),   y_t = g(h_t·V + c)
 */
import { z } from 'zod';
import { Activation, CellMath } from './math.ts';
import { T, units } from './ports.ts';
import { finish, inputSize, recurrentInputs, recurrentOutputs, sequenceIn } from './recurrent.ts';
import { defineBlock } from './types.ts';
import { dense, inputType } from './ports.ts';

const Params = z.strictObject({
  units: units(32),
  outputUnits: units(8),
  activation: Activation.default('tanh'),
  outputActivation: Activation.default('tanh'),
  returnSequences: z.boolean().default(true),
});

export const jordan = defineBlock<z.infer<typeof Params>>({
  type: 'jordan',
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
  },
  inputs: recurrentInputs,
  outputs: recurrentOutputs,
  infer: (p, cx) => {
    inputType(cx, 'in');
    return { out: dense(p.returnSequences ? 'sequence' : 'vector', p.outputUnits) };
  },
  weights: (p, cx) => [
    { name: 'kernel', shape: [inputSize(cx), p.units], init: 'glorotUniform' },
    { name: 'recurrentKernel', shape: [p.outputUnits, p.units], init: 'glorotUniform' },
    { name: 'bias', shape: [p.units], init: 'zeros' },
    { name: 'outputKernel', shape: [p.units, p.outputUnits], init: 'glorotUniform' },
    { name: 'outputBias', shape: [p.outputUnits], init: 'zeros' },
  ],
  lower: (p, cx) => {
    const m = new CellMath(cx.cell);
    const [W, U, b, V, c] = ['kernel', 'recurrentKernel', 'bias', 'outputKernel', 'outputBias'].map(cx.weight);
    const yPrev = cx.cell.delay(`${cx.nodeId}.y`, [cx.cell.batch, p.outputUnits]);
    const h = m.act(p.activation, m.add(m.add(m.matmul(sequenceIn(cx), W), m.matmul(yPrev, U)), b));
    const y = m.act(p.outputActivation, m.add(m.matmul(h, V), c));
    cx.cell.connectDelay(yPrev, y);
    return finish(cx, y, p.returnSequences);
  },
});
