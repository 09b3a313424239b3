/**
 * Peephole LSTM (Gers & Schmidhuber; Keras's PeepholeLSTMCell): the gates also look at the cell
 * state, through elementwise peephole weights p_i, p_f, p_o [H]. Keras layout for the rest
 * (gates i, f, c, o along the columns of kernel [in, 4H] and recurrentKernel [H, 4H]):
 *   [z_i, z_f, z_c, z_o] = split(x·W + h_{t−1}·U + b, 4)
 *   i = σ(z_i + p_i ⊙ c_{t−1}),   f = σ(z_f + p_f ⊙ c_{t−1})
 *   c_t = f ⊙ c_{t−1} + i ⊙ tanh(z_c)
 *   o = σ(z_o + p_o ⊙ c_t)                    (the output gate sees the new cell state)
 *   h_t = o ⊙ tanh(c_t)
 */
import { z } from 'zod';
import { lstmParamHelp, lstmShape } from './lstm.ts';
import { RETURN_SEQUENCES } from './ports.ts';
import { cellShape, defineCell, stackedBlock, type RecurrentCell } from './recurrent.ts';
import { defineBlock } from './types.ts';

const shape = {
  ...lstmShape,
  peepholeInitializer: z.enum(['glorotUniform', 'zeros']).default('glorotUniform'),
};
const Params = z.strictObject(shape);
type Params = z.infer<typeof Params>;

/** The peephole LSTM cell's params inside a bidirectional block. */
export const PeepholeLstmCellParams = z.strictObject({ type: z.literal('peepholeLstm'), ...cellShape(shape) });

/** The peephole weights, in the order Keras's PeepholeLSTMCell adds them after kernel, recurrent_kernel and bias. */
export const PEEPHOLES = ['peepholeInput', 'peepholeForget', 'peepholeOutput'] as const;

const cell: RecurrentCell<Omit<Params, 'returnSequences'>> = {
  type: 'peepholeLstm',
  states: ['h', 'c'],
  weights: (p, input) => [
    { name: 'kernel', shape: [input, 4 * p.units], init: p.kernelInitializer, units: p.units },
    { name: 'recurrentKernel', shape: [p.units, 4 * p.units], init: p.recurrentInitializer, units: p.units, gain: p.recurrentGain },
    { name: 'bias', shape: [4 * p.units], init: p.unitForgetBias ? 'forgetBias' : 'zeros', units: p.units },
    ...PEEPHOLES.map((name) => ({ name, shape: [p.units], init: p.peepholeInitializer })),
  ],
  step(p, { m, x, weight, previous }) {
    const [W, U, b] = [weight('kernel'), weight('recurrentKernel'), weight('bias')];
    const [pi, pf, po] = PEEPHOLES.map((name, k) => m.name(weight(name), `p_${'ifo'[k]}`, `peephole p_${'ifo'[k]}`));
    const [hPrev, cPrev] = [previous('h'), previous('c')];
    const [zi, zf, zc, zo] = m.split(m.add(m.add(m.matmul(x, W), m.matmul(hPrev, U)), b), ['i', 'f', 'c', 'o']);
    const gate = (z: typeof zi, symbol: string, label: string) => m.name(m.act(p.recurrentActivation, z), symbol, label);
    const i = gate(m.add(zi, m.mul(pi, cPrev)), 'i', 'input gate i');
    const f = gate(m.add(zf, m.mul(pf, cPrev)), 'f', 'forget gate f');
    const c = m.name(m.add(m.mul(f, cPrev), m.mul(i, m.name(m.act(p.activation, zc), 'c̃', 'candidate c̃'))), 'c', 'cell state c');
    const o = gate(m.add(zo, m.mul(po, c)), 'o', 'output gate o');
    return { h: m.name(m.mul(o, m.act(p.activation, c)), 'h', 'hidden state h'), c };
  },
};
export const peepholeLstmCell = defineCell(cell);

export const peepholeLstm = defineBlock({
  type: 'peepholeLstm',
  role: 'recurrent',
  sequenceSwitch: RETURN_SEQUENCES,
  sizeParam: 'units',
  category: 'recurrent',
  label: { en: 'Peephole LSTM', zh: '窥视孔 LSTM' },
  help: {
    en: 'LSTM whose gates also see the cell state c through peephole connections: the input and forget gates look at c_{t−1}, the output gate at the new c_t. Helps with precise timing.',
    zh: '门也能看到细胞状态 c 的 LSTM（窥视孔连接）：输入门和遗忘门看 c_{t−1}，输出门看更新后的 c_t。有助于学习精确的时间间隔。',
  },
  params: Params,
  paramHelp: {
    ...lstmParamHelp,
    peepholeInitializer: {
      en: 'How the peephole weights p_i, p_f, p_o start: glorotUniform (uniform in ±√(3/H), what Keras draws them from by default) or zeros (the block starts as a plain LSTM).',
      zh: '窥视孔权重 p_i、p_f、p_o 的初始化方式：glorotUniform（在 ±√(3/H) 内均匀分布，即 Keras 的默认做法）或 zeros（模块一开始与普通 LSTM 相同）。',
    },
  },
  ...stackedBlock(cell),
});
