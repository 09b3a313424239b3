/**
 * The CTRNN's time constants: τ = Δt + softplus(ρ) stays positive (and ≥ Δt) for any raw weight ρ,
 * so the step fraction α = Δt/τ stays in (0, 1]; ρ starts where τ = tauInit; with τ = Δt the
 * block takes exactly an Elman step; and tauInit ≤ dt is refused with a message on the param.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ctrnn, rawTimeConstant, timeConstant } from '../../../engine/blocks/ctrnn.ts';
import { validateGraph } from '../../../engine/compiler/compile.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import { initWeights } from '../../../engine/model/init.ts';
import { mulberry32, randomTensor } from '../../helpers/gradcheck.ts';
import { compile, graph, maxAbsDiff } from '../../helpers/graphs.ts';

const FEATURES = 3;
const UNITS = 5;
const STEPS = 6;
const BATCH = 2;

const around = (type: string, params: Record<string, unknown>) =>
  graph({ x: ['input', { size: FEATURES }], rnn: [type, { units: UNITS, ...params }], o: ['output', { loss: 'meanSquaredError' }] }, ['x -> rnn', 'rnn -> o']);

/** Raw weights from −∞-like to +∞-like, including where e^ρ overflows and where softplus(ρ) underflows to 0. */
const RAW = [-Number.MAX_VALUE, -1e300, -1e4, -800, -745, -40, -1, 0, 1, 40, 710, 1e4, 1e300, Number.MAX_VALUE];

describe('ctrnn: time constants', () => {
  it('τ = dt + softplus(ρ) is finite and ≥ dt > 0 for every finite ρ, so 0 < α = dt/τ ≤ 1', () => {
    for (const dt of [1e-3, 0.1, 1, 7.5, 1000])
      for (const rho of RAW) {
        const tau = timeConstant(rho, dt);
        const alpha = dt / tau;
        assert.ok(Number.isFinite(tau) && tau >= dt && tau > 0, `dt ${dt}, ρ ${rho}: τ = ${tau}`);
        assert.ok(alpha > 0 && alpha <= 1, `dt ${dt}, ρ ${rho}: α = ${alpha}`);
      }
  });

  it('rawTimeConstant inverts timeConstant (τ within 1e-12 relative) from just above dt to 1e6, and refuses τ ≤ dt', () => {
    for (const dt of [0.01, 1, 20])
      for (const tau of [dt * (1 + 1e-9), dt + 1e-3, dt + 0.5, 2 * dt, dt + 29.9, dt + 30.1, dt + 500, 1e6]) {
        const back = timeConstant(rawTimeConstant(tau, dt), dt);
        assert.ok(Math.abs(back - tau) <= 1e-12 * tau, `dt ${dt}, τ ${tau}: got back ${back}`);
      }
    assert.throws(() => rawTimeConstant(1, 1), /must be greater than dt/);
    assert.throws(() => rawTimeConstant(0.5, 1), /must be greater than dt/);
  });

  it('tauRaw starts at softplus⁻¹(tauInit − dt), so τ starts at tauInit (within float32 rounding, 1e-6 relative)', () => {
    for (const [dt, tauInit] of [[1, 5], [0.5, 0.6], [0.1, 100], [2, 3]]) {
      const compiled = compile(around('ctrnn', { dt, tauInit }), 2, 1);
      const raw = initWeights(compiled.weights, 1).get('rnn.tauRaw')!;
      assert.equal(raw.length, UNITS);
      for (const rho of raw) assert.ok(Math.abs(timeConstant(rho, dt) - tauInit) <= 1e-6 * tauInit, `dt ${dt}, tauInit ${tauInit}: τ starts at ${timeConstant(rho, dt)}`);
    }
  });

  it('in the compiled graph, each unit moves the fraction α = dt/τ of the way per step, 0 < α ≤ 1 + 1e-15, for ρ from −1e4 to 1e4', (t) => {
    // W = 0, U = 0, b = β: the target f(β) is constant, and from h₋₁ = 0 the first step gives h₀ = α·f(β).
    const dt = 0.3;
    const rho = [-1e4, -30, 0, 30, 1e4];
    const compiled = compile(around('ctrnn', { dt, tauInit: 1 }), STEPS, 1);
    const feeds: Record<string, Tensor64> = {
      'rnn.kernel': tensor([FEATURES, UNITS]),
      'rnn.recurrentKernel': tensor([UNITS, UNITS]),
      'rnn.bias': tensor([UNITS], [0.5, 0.5, 0.5, 0.5, 0.5]),
      'rnn.tauRaw': tensor([UNITS], rho),
      x: randomTensor([STEPS, 1, FEATURES], mulberry32(1)),
      y: tensor([STEPS, 1, UNITS]),
    };
    const h = runReference(compiled.forward, feeds, ['out:o'])['out:o'];
    const alpha = Array.from({ length: UNITS }, (_, j) => h.data[j] / Math.tanh(0.5));
    t.diagnostic(`α measured: ${alpha.map((a) => a.toExponential(6)).join(', ')}`);
    alpha.forEach((a, j) => {
      assert.ok(a > 0 && a <= 1 + 1e-15, `unit ${j}: α = ${a}`);
      const expected = dt / timeConstant(rho[j], dt);
      assert.ok(Math.abs(a - expected) <= 1e-12 * expected, `unit ${j}: α = ${a}, dt/τ = ${expected}`);
    });
    // And later steps follow h_t = (1 − α)·h_{t−1} + α·f(β): h_t = (1 − (1 − α)^(t+1))·f(β).
    for (let s = 0; s < STEPS; s++)
      alpha.forEach((a, j) => {
        const expected = (1 - (1 - a) ** (s + 1)) * Math.tanh(0.5);
        assert.ok(Math.abs(h.data[s * UNITS + j] - expected) < 1e-12, `t ${s}, unit ${j}`);
      });
  });

  it('with τ = dt (ρ = −1000: softplus(ρ) = 0) a step is an Elman step: outputs and kernel gradients within 1e-12', (t) => {
    for (const [dt, activation] of [[1, 'tanh'], [0.25, 'sigmoid'], [3, 'relu']] as const) {
      const ours = compile(around('ctrnn', { dt, tauInit: dt + 1, activation }), STEPS, BATCH);
      const elman = compile(around('elman', { activation }), STEPS, BATCH);
      const rng = mulberry32(5);
      const feeds: Record<string, Tensor64> = {};
      for (const w of elman.weights) feeds[w.param] = randomTensor(w.shape, rng, 0.7);
      feeds['rnn.tauRaw'] = tensor([UNITS], new Array(UNITS).fill(-1000));
      feeds.x = randomTensor([STEPS, BATCH, FEATURES], rng);
      feeds.y = randomTensor([STEPS, BATCH, UNITS], rng);
      const a = runReference(ours.train, feeds);
      const b = runReference(elman.train, feeds);
      const errors = ['out:o', 'loss', 'grad:rnn.kernel', 'grad:rnn.recurrentKernel', 'grad:rnn.bias'].map((k) => maxAbsDiff(a[k].data, b[k].data));
      t.diagnostic(`dt ${dt}, ${activation}: max |ctrnn − elman| ${Math.max(...errors).toExponential(2)}`);
      assert.ok(Math.max(...errors) < 1e-12, `dt ${dt}, ${activation}: ${errors.map((e) => e.toExponential(2)).join(', ')}`);

      // A τ above dt is not an Elman step (so the comparison above can fail).
      feeds['rnn.tauRaw'] = tensor([UNITS], new Array(UNITS).fill(0));
      assert.ok(maxAbsDiff(runReference(ours.forward, feeds, ['out:o'])['out:o'].data, b['out:o'].data) > 1e-3);
    }
  });

  it('refuses tauInit ≤ dt, and dt ≤ 0, on the param', () => {
    const messages = (params: Record<string, unknown>) => validateGraph(around('ctrnn', params)).map((d) => `${d.nodeId}: ${d.message}`);
    assert.deepEqual(messages({ dt: 2, tauInit: 2 }), ["rnn: param tauInit: must be greater than dt: τ = dt + softplus(ρ) never falls to dt, so it cannot start there"]);
    assert.match(messages({ dt: 10 }).join('\n'), /param tauInit: must be greater than dt/);
    assert.match(messages({ dt: 0 }).join('\n'), /param dt: /);
    assert.deepEqual(messages({ dt: 0.5, tauInit: 0.75 }), []);
    assert.equal(ctrnn.params.safeParse({}).success, true, 'the defaults are valid');
  });
});
