/** Elman network (Keras SimpleRNN): h_t = f(x_t·W + h_{t−1}·U + b). */
import { z } from 'zod';
import { Activation, CellMath } from './math.ts';
import { T, units } from './ports.ts';
import { finish, initializerHelp, initializerParams, inputSize, recurrentInfer, recurrentInputs, recurrentOutputs, sequenceIn } from './recurrent.ts';
import { defineBlock } from './types.ts';

const Params = z.strictObject({
  units: units(32),
  activation: Activation.default('tanh'),
  returnSequences: z.boolean().default(true),
  ...initializerParams(),
});

export const elman = defineBlock<z.infer<typeof Params>>({
  type: 'elman',
  category: 'recurrent',
  label: { en: 'Elman RNN', zh: 'Elman 循环网络' },
  help: {
    en: 'Simple recurrent layer: the hidden state of the previous step is fed back with the current input.',
    zh: '简单循环层：上一时间步的隐状态与当前输入一起送回网络。',
  },
  params: Params,
  paramHelp: { units: T.units, activation: T.activation, returnSequences: T.returnSequences, ...initializerHelp() },
  inputs: recurrentInputs,
  outputs: recurrentOutputs,
  infer: recurrentInfer,
  weights: (p, cx) => [
    { name: 'kernel', shape: [inputSize(cx), p.units], init: p.kernelInitializer },
    { name: 'recurrentKernel', shape: [p.units, p.units], init: p.recurrentInitializer, gain: p.recurrentGain },
    { name: 'bias', shape: [p.units], init: 'zeros' },
  ],
  lower: (p, cx) => {
    const m = new CellMath(cx.cell);
    const [W, U, b] = [cx.weight('kernel'), cx.weight('recurrentKernel'), cx.weight('bias')];
    const hPrev = cx.cell.delay(`${cx.nodeId}.h`, [cx.cell.batch, p.units]);
    const h = m.act(p.activation, m.add(m.add(m.matmul(sequenceIn(cx), W), m.matmul(hPrev, U)), b));
    cx.cell.connectDelay(hPrev, h);
    return finish(cx, h, p.returnSequences);
  },
});
