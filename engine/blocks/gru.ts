/**
 * GRU, Keras layout (gates z, r, h along the columns of kernel [in, 3H], recurrentKernel [H, 3H]).
 *   z = σ(x·W_z + h·U_z + b_z)            update gate (更新门)
 *   r = σ(x·W_r + h·U_r + b_r)            reset gate (重置门)
 *   resetAfter false:  ĥ = tanh(x·W_h + (r·h)·U_h + b_h)
 *   resetAfter true:   ĥ = tanh(x·W_h + b_h + r·(h·U_h + b'_h))   (PyTorch's form; bias [2, 3H])
 *   h_t = z·h_{t−1} + (1 − z)·ĥ
 */
import { z } from 'zod';
import { Activation } from './math.ts';
import { RETURN_SEQUENCES, T, units } from './ports.ts';
import { cellShape, defineCell, stackedBlock, type RecurrentCell, stackingParams, stackingHelp } from './recurrent.ts';
import type { StepContext } from './step.ts';
import { defineBlock } from './types.ts';

const shape = {
  units: units(32),
  activation: Activation.default('tanh'),
  recurrentActivation: Activation.default('sigmoid'),
  resetAfter: z.boolean().default(true),
  returnSequences: z.boolean().default(true),
  ...stackingParams(),
};
const Params = z.strictObject(shape);
type Params = z.infer<typeof Params>;

/** The GRU cell's params inside a bidirectional block. */
export const GruCellParams = z.strictObject({ type: z.literal('gru'), ...cellShape(shape) });

type CellParams = Omit<Params, 'returnSequences'>;

const cell: RecurrentCell<CellParams> = {
  type: 'gru',
  states: ['h'],
  weights: (p, input) => [
    { name: 'kernel', shape: [input, 3 * p.units], init: p.kernelInitializer, units: p.units },
    { name: 'recurrentKernel', shape: [p.units, 3 * p.units], init: p.recurrentInitializer, units: p.units, gain: p.recurrentGain },
    { name: 'bias', shape: p.resetAfter ? [2, 3 * p.units] : [3 * p.units], init: 'zeros' },
  ],
  step<V>(p: CellParams, { m, x, weight, previous }: StepContext<V>) {
    const [W, U, b] = [weight('kernel'), weight('recurrentKernel'), weight('bias')];
    const hPrev = previous('h');
    const gates = ['z', 'r', 'h'];
    const update = (v: V) => m.name(m.act(p.recurrentActivation, v), 'z', 'update gate z');
    const reset = (v: V) => m.name(m.act(p.recurrentActivation, v), 'r', 'reset gate r');
    const candidate = (v: V) => m.name(m.act(p.activation, v), 'h̃', 'candidate h̃');
    let z: V, hCandidate: V;
    if (p.resetAfter) {
      const [xz, xr, xh] = m.split(m.add(m.matmul(x, W), m.row(b, 0)), gates);
      const [hz, hr, hh] = m.split(m.add(m.matmul(hPrev, U), m.row(b, 1)), gates);
      z = update(m.add(xz, hz));
      const r = reset(m.add(xr, hr));
      hCandidate = candidate(m.add(xh, m.mul(r, hh)));
    } else {
      const [xz, xr, xh] = m.split(m.add(m.matmul(x, W), b), gates);
      const [Uz, Ur, Uh] = m.split(U, gates);
      z = update(m.add(xz, m.matmul(hPrev, Uz)));
      const r = reset(m.add(xr, m.matmul(hPrev, Ur)));
      hCandidate = candidate(m.add(xh, m.matmul(m.mul(r, hPrev), Uh)));
    }
    return { h: m.name(m.add(m.mul(z, hPrev), m.mul(m.oneMinus(z), hCandidate)), 'h', 'hidden state h') };
  },
};
export const gruCell = defineCell(cell);

export const gru = defineBlock({
  type: 'gru',
  role: 'recurrent',
  sequenceSwitch: RETURN_SEQUENCES,
  sizeParam: 'units',
  category: 'recurrent',
  label: { en: 'GRU', zh: 'GRU 门控循环单元' },
  help: {
    en: 'Gated recurrent unit: an update gate mixes the old state with a candidate, a reset gate decides how much of the old state the candidate sees.',
    zh: '门控循环单元：更新门在旧状态与候选状态之间取舍，重置门决定候选状态能看到多少旧状态。',
  },
  params: Params,
  paramHelp: {
    units: T.units,
    activation: T.activation,
    recurrentActivation: T.recurrentActivation,
    resetAfter: {
      en: 'Apply the reset gate after the recurrent matrix product (PyTorch and Keras 2 default; two bias vectors).',
      zh: '在循环矩阵乘法之后再应用重置门（PyTorch 与 Keras 2 的默认做法；有两组偏置）。',
    },
    returnSequences: T.returnSequences,
    ...stackingHelp(),
  },
  ...stackedBlock(cell),
});
