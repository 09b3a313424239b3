/**
 * Continuous-time RNN (CTRNN), one Euler step of τ·dh/dt = −h + f(x·W + h·U + b) per time step:
 *   h_t = (1 − α) ⊙ h_{t−1} + α ⊙ f(x_t·W + h_{t−1}·U + b),   α = Δt / τ   (per unit)
 * Each unit learns its own time constant τ [H]. The weight is the unconstrained ρ = `tauRaw`, and
 *   τ = Δt + softplus(ρ)
 * so τ ≥ Δt > 0 for every ρ, hence 0 < α ≤ 1: a step never overshoots the target f(…), and the
 * state is a convex mix of the old state and the target. α = 1 (τ = Δt, ρ → −∞) is an Elman step;
 * a large τ makes a slow, leaky unit that keeps its state over many steps.
 */
import { z } from 'zod';
import { RETURN_SEQUENCES, T, units } from './ports.ts';
import { cellShape, defineCell, stackedBlock, type RecurrentCell, stackingParams, stackingHelp } from './recurrent.ts';
import { defineBlock } from './types.ts';

const shape = {
  units: units(32),
  activation: z.enum(['tanh', 'sigmoid', 'relu']).default('tanh'),
  dt: z.number().gt(0).max(1000).default(1),
  tauInit: z.number().gt(0).max(1e6).default(5),
  returnSequences: z.boolean().default(true),
  ...stackingParams(),
};
const tauAboveDt: [(p: { tauInit: number; dt: number }) => boolean, { path: string[]; message: string }] = [
  (p) => p.tauInit > p.dt,
  { path: ['tauInit'], message: 'must be greater than dt: τ = dt + softplus(ρ) never falls to dt, so it cannot start there' },
];
const Params = z.strictObject(shape).refine(...tauAboveDt);
type Params = z.infer<typeof Params>;

/** The CTRNN cell's params inside a bidirectional block. */
export const CtrnnCellParams = z.strictObject({ type: z.literal('ctrnn'), ...cellShape(shape) }).refine(...tauAboveDt);

/** τ = Δt + softplus(ρ): the time constant a raw weight ρ stands for (≥ Δt > 0 for every ρ, +∞ only for ρ = +∞). */
export function timeConstant(raw: number, dt: number): number {
  return dt + Math.max(raw, 0) + Math.log1p(Math.exp(-Math.abs(raw)));
}

/** The raw weight ρ with timeConstant(ρ, Δt) = τ, for τ > Δt: ρ = softplus⁻¹(τ − Δt) = log(e^(τ−Δt) − 1), computed without overflow. */
export function rawTimeConstant(tau: number, dt: number): number {
  const y = tau - dt;
  if (!(y > 0)) throw new RangeError(`the time constant τ = ${tau} must be greater than dt = ${dt}`);
  return y > 30 ? y + Math.log(-Math.expm1(-y)) : Math.log(Math.expm1(y));
}

const cell: RecurrentCell<Omit<Params, 'returnSequences'>> = {
  type: 'ctrnn',
  states: ['h'],
  weights: (p, input) => [
    { name: 'kernel', shape: [input, p.units], init: p.kernelInitializer },
    { name: 'recurrentKernel', shape: [p.units, p.units], init: p.recurrentInitializer, gain: p.recurrentGain },
    { name: 'bias', shape: [p.units], init: 'zeros' },
    { name: 'tauRaw', shape: [p.units], init: 'constant', value: rawTimeConstant(p.tauInit, p.dt) },
  ],
  step(p, { m, x, weight, previous }) {
    const [W, U, b, rho] = ['kernel', 'recurrentKernel', 'bias', 'tauRaw'].map(weight);
    // Once per sequence: α = Δt/τ, τ = Δt + softplus(ρ).
    const alpha = m.rate(rho, { dt: p.dt, tauInit: p.tauInit });
    const hPrev = previous('h');
    const target = m.name(m.act(p.activation, m.add(m.add(m.matmul(x, W), m.matmul(hPrev, U)), b)), 'f(…)', 'target f(…)');
    return { h: m.name(m.add(m.mul(m.oneMinus(alpha), hPrev), m.mul(alpha, target)), 'h', 'hidden state h') };
  },
};
export const ctrnnCell = defineCell(cell);

export const ctrnn = defineBlock({
  type: 'ctrnn',
  role: 'recurrent',
  sequenceSwitch: RETURN_SEQUENCES,
  sizeParam: 'units',
  category: 'recurrent',
  label: { en: 'CTRNN (continuous time)', zh: 'CTRNN 连续时间循环网络' },
  help: {
    en: 'Continuous-time RNN: each unit is a leaky integrator with its own learned time constant τ. Every step moves h a fraction α = dt/τ of the way towards f(x·W + h·U + b); τ ≥ dt keeps α ≤ 1.',
    zh: '连续时间循环网络：每个单元都是带泄漏的积分器，拥有自己可学习的时间常数 τ。每一步 h 向 f(x·W + h·U + b) 移动 α = dt/τ 的比例；τ 不小于 dt，保证 α ≤ 1。',
  },
  params: Params,
  paramHelp: {
    units: T.units,
    activation: { en: 'Activation f of the target state the units move towards.', zh: '单元趋近的目标状态所用的激活函数 f。' },
    dt: {
      en: 'Time step Δt of the Euler discretisation (> 0). τ is kept at least Δt (τ = Δt + softplus(ρ)), so α = Δt/τ never exceeds 1.',
      zh: '欧拉离散化的时间步长 Δt（> 0）。τ 始终不小于 Δt（τ = Δt + softplus(ρ)），因此 α = Δt/τ 不会超过 1。',
    },
    tauInit: {
      en: 'Initial time constant τ of every unit; must be greater than dt. The raw weight ρ starts at softplus⁻¹(tauInit − dt), so α starts at dt/tauInit.',
      zh: '每个单元时间常数 τ 的初始值，必须大于 dt。原始权重 ρ 的初值为 softplus⁻¹(tauInit − dt)，于是 α 的初值为 dt/tauInit。',
    },
    returnSequences: T.returnSequences,
    ...stackingHelp(),
  },
  ...stackedBlock(cell),
});
