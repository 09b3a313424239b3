/**
 * Optimizers against an independent float64 implementation of the update rules as Keras states
 * them (keras.optimizers.SGD, RMSprop, Adam), over five steps with fixed gradients; and global-norm
 * clipping.
 *
 * The engine keeps weights and optimizer slots in float32, so after five steps it may differ from
 * the float64 reference by a few float32 roundings: the tolerance is 8 float32 ulps of the
 * reference's scale.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Optimizer } from '../../../engine/graph/schema.ts';
import { clipByGlobalNorm, createOptimizer, globalNorm } from '../../../engine/trainer/optimizers.ts';

const FLOAT32_TOLERANCE = 8 * 2 ** -24;
const STEPS = 5;

/** Starting weights of two tensors (float32-exact), so per-weight optimizer state is exercised. */
const START: Readonly<Record<string, readonly number[]>> = {
  kernel: [0.5, -1.25, 2, 0, -0.0625, 3.5],
  bias: [0.125, -0.75],
};

/** Gradient of each weight at step t (1-based): fixed, float32-exact, changing sign and size. */
function gradient(name: string, t: number): number[] {
  return START[name].map((_, i) => Math.fround(Math.sin(1.7 * t + 0.9 * i + name.length) * (1 + 0.5 * i)));
}

/** One weight tensor's update state in float64: w plus whatever slots the rule keeps. */
interface State64 {
  w: number[];
  a: number[];
  b: number[];
}

/**
 * The update rules, in float64, as written in the Keras documentation and source:
 *   SGD:              w ← w − lr·g
 *   SGD(momentum):    v ← μ·v − lr·g;  w ← w + v
 *   SGD(nesterov):    v ← μ·v − lr·g;  w ← w + μ·v − lr·g
 *   RMSprop:          s ← ρ·s + (1−ρ)·g²;  w ← w − lr·g / (√s + ε)     (tf.keras 2; see below)
 *   Adam:             m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
 *                     α = lr·√(1−β2ᵗ)/(1−β1ᵗ);  w ← w − α·m / (√v + ε)
 */
function referenceStep(o: Optimizer, s: State64, g: readonly number[], t: number, rmspropEpsilonInside = false): void {
  const { w, a, b } = s;
  for (let i = 0; i < w.length; i++) {
    switch (o.type) {
      case 'sgd':
        w[i] = w[i] - o.learningRate * g[i];
        break;
      case 'momentum':
        a[i] = o.momentum * a[i] - o.learningRate * g[i];
        w[i] = o.nesterov ? w[i] + o.momentum * a[i] - o.learningRate * g[i] : w[i] + a[i];
        break;
      case 'rmsprop': {
        a[i] = o.rho * a[i] + (1 - o.rho) * g[i] * g[i];
        const denominator = rmspropEpsilonInside ? Math.sqrt(a[i] + o.epsilon) : Math.sqrt(a[i]) + o.epsilon;
        w[i] = w[i] - (o.learningRate * g[i]) / denominator;
        break;
      }
      case 'adam': {
        a[i] = o.beta1 * a[i] + (1 - o.beta1) * g[i];
        b[i] = o.beta2 * b[i] + (1 - o.beta2) * g[i] * g[i];
        const alpha = (o.learningRate * Math.sqrt(1 - o.beta2 ** t)) / (1 - o.beta1 ** t);
        w[i] = w[i] - (alpha * a[i]) / (Math.sqrt(b[i]) + o.epsilon);
        break;
      }
    }
  }
}

function runReference(o: Optimizer, rmspropEpsilonInside = false): Map<string, number[]> {
  const states = new Map(Object.entries(START).map(([name, w]) => [name, { w: [...w], a: w.map(() => 0), b: w.map(() => 0) }]));
  for (let t = 1; t <= STEPS; t++) for (const [name, s] of states) referenceStep(o, s, gradient(name, t), t, rmspropEpsilonInside);
  return new Map([...states].map(([name, s]) => [name, s.w]));
}

function runEngine(o: Optimizer): Map<string, Float32Array> {
  const weights = new Map(Object.entries(START).map(([name, w]) => [name, Float32Array.from(w)]));
  const optimizer = createOptimizer(o);
  for (let t = 1; t <= STEPS; t++) {
    const grads = new Map(Object.keys(START).map((name) => [name, Float32Array.from(gradient(name, t))]));
    const before = new Map([...grads].map(([name, g]) => [name, Float32Array.from(g)]));
    optimizer.step(weights, grads);
    assert.deepEqual(grads, before, 'the optimizer must not change the gradients');
  }
  return weights;
}

/** max |engine − reference| / max(1, max |reference|) over every weight. */
function worstError(engine: ReadonlyMap<string, Float32Array>, reference: ReadonlyMap<string, readonly number[]>): number {
  let worst = 0;
  for (const [name, ref] of reference) {
    const got = engine.get(name)!;
    const scale = Math.max(1, ...ref.map(Math.abs));
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]) / scale);
  }
  return worst;
}

/** How far the weights moved from START, so a test cannot pass with an optimizer that does nothing. */
function distanceMoved(reference: ReadonlyMap<string, readonly number[]>): number {
  let sum = 0;
  for (const [name, ref] of reference) ref.forEach((v, i) => (sum += (v - START[name][i]) ** 2));
  return Math.sqrt(sum);
}

const CASES: readonly { name: string; optimizer: Optimizer }[] = [
  { name: 'sgd', optimizer: { type: 'sgd', learningRate: 0.1 } },
  { name: 'momentum', optimizer: { type: 'momentum', learningRate: 0.05, momentum: 0.9 } },
  { name: 'momentum, nesterov: false', optimizer: { type: 'momentum', learningRate: 0.05, momentum: 0.9, nesterov: false } },
  { name: 'momentum, nesterov', optimizer: { type: 'momentum', learningRate: 0.05, momentum: 0.9, nesterov: true } },
  { name: 'rmsprop (Keras defaults but lr)', optimizer: { type: 'rmsprop', learningRate: 0.01, rho: 0.9, epsilon: 1e-7 } },
  { name: 'rmsprop, ε = 0.1', optimizer: { type: 'rmsprop', learningRate: 0.01, rho: 0.8, epsilon: 0.1 } },
  { name: 'adam (Keras defaults but lr)', optimizer: { type: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
  { name: 'adam, β1 = 0.5, β2 = 0.9, ε = 0.01', optimizer: { type: 'adam', learningRate: 0.1, beta1: 0.5, beta2: 0.9, epsilon: 0.01 } },
];

describe('optimizers: five steps against a float64 implementation of the Keras rules', () => {
  for (const { name, optimizer } of CASES) {
    test(name, () => {
      const reference = runReference(optimizer);
      assert.ok(distanceMoved(reference) > 0.01, `the reference barely moved (${distanceMoved(reference)})`);
      const error = worstError(runEngine(optimizer), reference);
      assert.ok(error <= FLOAT32_TOLERANCE, `error ${error.toExponential(2)} > ${FLOAT32_TOLERANCE.toExponential(2)}`);
    });
  }

  test('momentum differs from nesterov momentum (the flag is read)', () => {
    const plain = runEngine({ type: 'momentum', learningRate: 0.05, momentum: 0.9 });
    const nesterov = runEngine({ type: 'momentum', learningRate: 0.05, momentum: 0.9, nesterov: true });
    assert.ok(worstError(plain, runReference({ type: 'momentum', learningRate: 0.05, momentum: 0.9, nesterov: true })) > 1e-3);
    assert.notDeepEqual(plain, nesterov);
  });

  // Keras 3's RMSprop divides by √(s + ε) while tf.keras 2 (and the engine) divide by √s + ε. At
  // the default ε = 1e-7 the two agree to float32 for gradients of ordinary size; with a large ε
  // they do not, and the engine follows tf.keras 2.
  test('rmsprop: √(s + ε) (Keras 3) agrees with the engine to float32 only at a small ε', () => {
    const small: Optimizer = { type: 'rmsprop', learningRate: 0.01, rho: 0.9, epsilon: 1e-7 };
    assert.ok(worstError(runEngine(small), runReference(small, true)) <= FLOAT32_TOLERANCE);
    const large: Optimizer = { type: 'rmsprop', learningRate: 0.01, rho: 0.8, epsilon: 0.1 };
    assert.ok(worstError(runEngine(large), runReference(large, true)) > 1e-3);
  });

  test('adam: the first step moves each weight by about lr against its gradient, with ε added to √v, not √v̂', () => {
    // After one step m = (1−β1)·g and v = (1−β2)·g², so the update is lr·g / (|g| + ε/√(1−β2)):
    // Keras's ε is the paper's ε̂ (added to √v), which a tiny gradient shows.
    const lr = 0.25;
    const epsilon = 1e-7;
    const g = [3, -0.5, 1e-4];
    const weights = new Map([['w', Float32Array.of(1, 1, 1)]]);
    createOptimizer({ type: 'adam', learningRate: lr, beta1: 0.9, beta2: 0.999, epsilon }).step(weights, new Map([['w', Float32Array.from(g)]]));
    const expected = g.map((x) => 1 - (lr * x) / (Math.abs(x) + epsilon / Math.sqrt(1 - 0.999)));
    weights.get('w')!.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= FLOAT32_TOLERANCE, `w[${i}] = ${v}, expected ${expected[i]}`));
    assert.ok(Math.abs(weights.get('w')![2] - (1 - lr)) > 1e-3, 'a tiny gradient moves its weight by visibly less than lr');
  });

  test('a weight without a gradient is an error naming the weight', () => {
    const optimizer = createOptimizer({ type: 'sgd', learningRate: 0.1 });
    assert.throws(() => optimizer.step(new Map([['rnn.kernel', new Float32Array(2)]]), new Map()), /no gradient for weight 'rnn\.kernel'/);
  });
});

describe('global-norm clipping', () => {
  const grads = (): Map<string, Float32Array> =>
    new Map([
      ['a', Float32Array.of(3, -4, 0.5)],
      ['b', Float32Array.of(-1.5, 2, 0, 7.25)],
    ]);
  const norm64 = (g: ReadonlyMap<string, Float32Array>): number => Math.hypot(...[...g.values()].flatMap((x) => [...x]));

  test('globalNorm is the L2 norm of all gradients together', () => {
    const g = grads();
    assert.equal(globalNorm(g), norm64(g));
    assert.equal(globalNorm(new Map()), 0);
    assert.equal(globalNorm(new Map([['z', new Float32Array(5)]])), 0);
  });

  test('above maxNorm: every gradient is scaled by one factor, and the norm becomes maxNorm', () => {
    const g = grads();
    const before = grads();
    const norm = globalNorm(g);
    const maxNorm = 2.5;
    assert.equal(clipByGlobalNorm(g, norm, maxNorm), true);
    assert.ok(Math.abs(norm64(g) - maxNorm) <= maxNorm * FLOAT32_TOLERANCE, `norm after clipping ${norm64(g)}`);
    for (const [name, x] of g) x.forEach((v, i) => assert.ok(Math.abs(v - (before.get(name)![i] * maxNorm) / norm) <= FLOAT32_TOLERANCE));
  });

  test('at or below maxNorm: nothing changes', () => {
    for (const maxNorm of [100, globalNorm(grads())]) {
      const g = grads();
      assert.equal(clipByGlobalNorm(g, globalNorm(g), maxNorm), false);
      assert.deepEqual(g, grads());
    }
  });

  test('a non-finite norm is not "clipped" (the trainer stops on it instead)', () => {
    const g = grads();
    assert.equal(clipByGlobalNorm(g, Number.NaN, 1), false);
    assert.deepEqual(g, grads());
  });
});
