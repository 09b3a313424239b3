/**
 * LSTM, Keras layout (gates i, f, c, o along the columns of kernel [in, 4H] and
 * recurrentKernel [H, 4H]):
 *   [i, f, g, o] = split(x·W + h_{t−1}·U + b, 4)
 *   c_t = σ(f)·c_{t−1} + σ(i)·tanh(g),   h_t = σ(o)·tanh(c_t)
 */
import { z } from 'zod';
import { Activation } from './math.ts';
import { RETURN_SEQUENCES, T, units } from './ports.ts';
import { cellShape, defineCell, stackedBlock, type RecurrentCell, stackingParams, stackingHelp } from './recurrent.ts';
import { defineBlock } from './types.ts';

/** The LSTM's params; the peephole LSTM adds its own to these. */
export const lstmShape = {
  units: units(32),
  activation: Activation.default('tanh'),
  recurrentActivation: Activation.default('sigmoid'),
  returnSequences: z.boolean().default(true),
  unitForgetBias: z.boolean().default(true),
  ...stackingParams(),
};
const Params = z.strictObject(lstmShape);
type Params = z.infer<typeof Params>;

export const lstmParamHelp = {
  units: T.units,
  activation: T.activation,
  recurrentActivation: T.recurrentActivation,
  returnSequences: T.returnSequences,
  unitForgetBias: T.unitForgetBias,
  ...stackingHelp(),
};

/** The LSTM cell's params inside a bidirectional block. */
export const LstmCellParams = z.strictObject({ type: z.literal('lstm'), ...cellShape(lstmShape) });

const cell: RecurrentCell<Omit<Params, 'returnSequences'>> = {
  type: 'lstm',
  states: ['h', 'c'],
  weights: (p, input) => [
    { name: 'kernel', shape: [input, 4 * p.units], init: p.kernelInitializer, units: p.units },
    { name: 'recurrentKernel', shape: [p.units, 4 * p.units], init: p.recurrentInitializer, units: p.units, gain: p.recurrentGain },
    { name: 'bias', shape: [4 * p.units], init: p.unitForgetBias ? 'forgetBias' : 'zeros', units: p.units },
  ],
  step(p, { m, x, weight, previous }) {
    const [W, U, b] = [weight('kernel'), weight('recurrentKernel'), weight('bias')];
    const [hPrev, cPrev] = [previous('h'), previous('c')];
    const [zi, zf, zg, zo] = m.split(m.add(m.add(m.matmul(x, W), m.matmul(hPrev, U)), b), ['i', 'f', 'c', 'o']);
    const gate = (z: typeof zi, symbol: string, label: string) => m.name(m.act(p.recurrentActivation, z), symbol, label);
    const [i, f, o] = [gate(zi, 'i', 'input gate i'), gate(zf, 'f', 'forget gate f'), gate(zo, 'o', 'output gate o')];
    const c = m.name(m.add(m.mul(f, cPrev), m.mul(i, m.name(m.act(p.activation, zg), 'c̃', 'candidate c̃'))), 'c', 'cell state c');
    const h = m.name(m.mul(o, m.act(p.activation, c)), 'h', 'hidden state h');
    return { h, c };
  },
};
export const lstmCell = defineCell(cell);

export const lstm = defineBlock({
  type: 'lstm',
  role: 'recurrent',
  sequenceSwitch: RETURN_SEQUENCES,
  sizeParam: 'units',
  category: 'recurrent',
  label: { en: 'LSTM', zh: 'LSTM 长短期记忆' },
  help: {
    en: 'Long short-term memory: input, forget and output gates control a cell state c that carries information across many steps.',
    zh: '长短期记忆网络：输入门、遗忘门和输出门控制细胞状态 c，使信息能跨越很多时间步。',
  },
  params: Params,
  paramHelp: lstmParamHelp,
  ...stackedBlock(cell),
});
