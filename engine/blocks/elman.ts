/** Elman network (Keras SimpleRNN): h_t = f(x_t·W + h_{t−1}·U + b). */
import { z } from 'zod';
import { Activation } from './math.ts';
import { RETURN_SEQUENCES, T, units } from './ports.ts';
import { cellShape, defineCell, stackedBlock, type RecurrentCell, stackingParams, stackingHelp } from './recurrent.ts';
import { defineBlock } from './types.ts';

const shape = {
  units: units(32),
  activation: Activation.default('tanh'),
  returnSequences: z.boolean().default(true),
  ...stackingParams(),
};
const Params = z.strictObject(shape);
type Params = z.infer<typeof Params>;

/** The Elman cell's params inside a bidirectional block. */
export const ElmanCellParams = z.strictObject({ type: z.literal('elman'), ...cellShape(shape) });

const cell: RecurrentCell<Omit<Params, 'returnSequences'>> = {
  type: 'elman',
  states: ['h'],
  weights: (p, input) => [
    { name: 'kernel', shape: [input, p.units], init: p.kernelInitializer },
    { name: 'recurrentKernel', shape: [p.units, p.units], init: p.recurrentInitializer, gain: p.recurrentGain },
    { name: 'bias', shape: [p.units], init: 'zeros' },
  ],
  step(p, { m, x, weight, previous }) {
    const [W, U, b] = [weight('kernel'), weight('recurrentKernel'), weight('bias')];
    const hPrev = previous('h');
    return { h: m.name(m.act(p.activation, m.add(m.add(m.matmul(x, W), m.matmul(hPrev, U)), b)), 'h', 'hidden state h') };
  },
};
export const elmanCell = defineCell(cell);

export const elman = defineBlock({
  type: 'elman',
  role: 'recurrent',
  sequenceSwitch: RETURN_SEQUENCES,
  sizeParam: 'units',
  category: 'recurrent',
  label: { en: 'Elman RNN', zh: 'Elman 循环网络' },
  help: {
    en: 'Simple recurrent layer: the hidden state of the previous step is fed back with the current input.',
    zh: '简单循环层：上一时间步的隐状态与当前输入一起送回网络。',
  },
  params: Params,
  paramHelp: { units: T.units, activation: T.activation, returnSequences: T.returnSequences, ...stackingHelp() },
  ...stackedBlock(cell),
});
