/**
 * Optimizers, with Keras's update rules (and its defaults in the graph schema), applied in place.
 *   sgd:      w −= lr·g
 *   momentum: v = μ·v − lr·g;  w += v            (nesterov: w += μ·v − lr·g)
 *   rmsprop:  s = ρ·s + (1−ρ)·g²;  w −= lr·g / (√s + ε)
 *   adam:     m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;
 *             w −= lr·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ε)
 */
import type { Optimizer } from '../graph/schema.ts';

export interface OptimizerState {
  step(weights: Map<string, Float32Array>, grads: ReadonlyMap<string, Float32Array>): void;
  /** The learning rate the next steps use: the optimizer's own until a schedule sets another. */
  learningRate: number;
  /** Copies of what the optimizer carries from step to step, to go on from later (createOptimizer's `from`). */
  saved(): SavedOptimizer;
}

/** An optimizer's steps taken and its per-weight slots (velocity, moments), by weight name. */
export interface SavedOptimizer {
  readonly t: number;
  readonly slots: ReadonlyMap<string, readonly Float32Array[]>;
}

/** An optimizer for `o`; with `from`, it goes on from a saved one's steps and slots. */
export function createOptimizer(o: Optimizer, from?: SavedOptimizer): OptimizerState {
  const slots = new Map<string, Float32Array[]>([...(from?.slots ?? [])].map(([name, s]) => [name, s.map((a) => Float32Array.from(a))]));
  const slot = (name: string, n: number, count: number): Float32Array[] => {
    let s = slots.get(name);
    if (!s) slots.set(name, (s = Array.from({ length: count }, () => new Float32Array(n))));
    return s;
  };
  let t = from?.t ?? 0;
  let lr = o.learningRate;
  return {
    saved: () => ({ t, slots: new Map([...slots].map(([name, s]) => [name, s.map((a) => Float32Array.from(a))])) }),
    get learningRate() {
      return lr;
    },
    set learningRate(rate: number) {
      lr = rate;
    },
    step(weights, grads) {
      t++;
      for (const [name, w] of weights) {
        const g = grads.get(name);
        if (!g) throw new Error(`no gradient for weight '${name}'`);
        switch (o.type) {
          case 'sgd':
            for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
            break;
          case 'momentum': {
            const [v] = slot(name, w.length, 1);
            const mu = o.momentum;
            for (let i = 0; i < w.length; i++) {
              v[i] = mu * v[i] - lr * g[i];
              w[i] += o.nesterov ? mu * v[i] - lr * g[i] : v[i];
            }
            break;
          }
          case 'rmsprop': {
            const [s] = slot(name, w.length, 1);
            for (let i = 0; i < w.length; i++) {
              s[i] = o.rho * s[i] + (1 - o.rho) * g[i] * g[i];
              w[i] -= (lr * g[i]) / (Math.sqrt(s[i]) + o.epsilon);
            }
            break;
          }
          case 'adam': {
            const [m, v] = slot(name, w.length, 2);
            const rate = (lr * Math.sqrt(1 - o.beta2 ** t)) / (1 - o.beta1 ** t);
            for (let i = 0; i < w.length; i++) {
              m[i] = o.beta1 * m[i] + (1 - o.beta1) * g[i];
              v[i] = o.beta2 * v[i] + (1 - o.beta2) * g[i] * g[i];
              w[i] -= (rate * m[i]) / (Math.sqrt(v[i]) + o.epsilon);
            }
            break;
          }
        }
      }
    },
  };
}

/** Global L2 norm of all gradients together. */
export function globalNorm(grads: ReadonlyMap<string, Float32Array>): number {
  let s = 0;
  for (const g of grads.values()) for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return Math.sqrt(s);
}

/** Scales every gradient by maxNorm / norm when norm > maxNorm. Returns whether it clipped. */
export function clipByGlobalNorm(grads: Map<string, Float32Array>, norm: number, maxNorm: number): boolean {
  if (!(norm > maxNorm)) return false;
  const scale = maxNorm / norm;
  for (const g of grads.values()) for (let i = 0; i < g.length; i++) g[i] *= scale;
  return true;
}

/**
 * Clamps every gradient element to [−limit, limit] in place (Keras's clipvalue). Returns whether
 * any element was outside. Clipping by value changes the gradient's direction, clipping by norm
 * does not; with both set the trainer clamps first and then rescales, as Keras does.
 */
export function clipByValue(grads: Map<string, Float32Array>, limit: number): boolean {
  let clipped = false;
  for (const g of grads.values())
    for (let i = 0; i < g.length; i++) {
      if (g[i] > limit) g[i] = limit;
      else if (g[i] < -limit) g[i] = -limit;
      else continue;
      clipped = true;
    }
  return clipped;
}
