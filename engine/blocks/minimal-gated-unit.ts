/**
 * Minimal gated unit (one gate, Keras layout: gates f, h along the columns of kernel [in, 2H] and
 * recurrentKernel [H, 2H]):
 *   f = σ(x·W_f + h_{t−1}·U_f + b_f)            forget gate
 *   ĥ = tanh(x·W_h + (f ⊙ h_{t−1})·U_h + b_h)   candidate
 *   h_t = (1 − f) ⊙ h_{t−1} + f ⊙ ĥ
 */
import { z } from 'zod';
import { Activation } from './math.ts';
import { RETURN_SEQUENCES, T, units } from './ports.ts';
import { defineCell, stackedBlock, type RecurrentCell, stackingParams, stackingHelp } from './recurrent.ts';
import type { StepContext } from './step.ts';
import { defineBlock } from './types.ts';

const Params = z.strictObject({
  units: units(32),
  activation: Activation.default('tanh'),
  recurrentActivation: Activation.default('sigmoid'),
  returnSequences: z.boolean().default(true),
  ...stackingParams(),
});
type CellParams = Omit<z.infer<typeof Params>, 'returnSequences'>;

const cell: RecurrentCell<CellParams> = {
  type: 'minimalGatedUnit',
  states: ['h'],
  weights: (p, input) => [
    { name: 'kernel', shape: [input, 2 * p.units], init: p.kernelInitializer, units: p.units },
    { name: 'recurrentKernel', shape: [p.units, 2 * p.units], init: p.recurrentInitializer, units: p.units, gain: p.recurrentGain },
    { name: 'bias', shape: [2 * p.units], init: 'zeros' },
  ],
  step<V>(p: CellParams, { m, x, weight, previous }: StepContext<V>) {
    const gates = ['f', 'h'];
    const hPrev = previous('h');
    const [xf, xh] = m.split(m.add(m.matmul(x, weight('kernel')), weight('bias')), gates);
    const [Uf, Uh] = m.split(weight('recurrentKernel'), gates);
    const f = m.name(m.act(p.recurrentActivation, m.add(xf, m.matmul(hPrev, Uf))), 'f', 'forget gate f');
    const candidate = m.name(m.act(p.activation, m.add(xh, m.matmul(m.mul(f, hPrev), Uh))), 'h̃', 'candidate h̃');
    return { h: m.name(m.add(m.mul(m.oneMinus(f), hPrev), m.mul(f, candidate)), 'h', 'hidden state h') };
  },
};
export const minimalGatedUnitCell = defineCell(cell);

export const minimalGatedUnit = defineBlock({
  type: 'minimalGatedUnit',
  role: 'recurrent',
  sequenceSwitch: RETURN_SEQUENCES,
  sizeParam: 'units',
  category: 'recurrent',
  label: { en: 'Minimal gated unit', zh: '最小门控单元 MGU' },
  help: {
    en: 'A GRU with one gate: the forget gate f both resets the state the candidate sees and mixes the old state with the candidate.',
    zh: '只有一个门的 GRU：遗忘门 f 既决定候选状态能看到多少旧状态，又在旧状态与候选状态之间取舍。',
  },
  params: Params,
  paramHelp: { units: T.units, activation: T.activation, recurrentActivation: T.recurrentActivation, returnSequences: T.returnSequences, ...stackingHelp() },
  ...stackedBlock(cell),
});
