/**
 * Weight initialisers, as Keras defines them: Glorot-uniform kernels, orthogonal recurrent
 * kernels, zero biases (LSTM forget gate at 1), uniform(−0.05, 0.05) embeddings.
 */
import type { WeightInfo } from '../compiler/compile.ts';
import { Random } from '../datasets/random.ts';
import { sizeOf } from '../ir/types.ts';

export type Weights = Map<string, Float32Array>;

/** Fresh weights for every `param` of a compiled graph, deterministic by seed. */
export function initWeights(weights: readonly WeightInfo[], seed: number): Weights {
  const rng = new Random(seed);
  return new Map(weights.map((w) => [w.param, initOne(w, rng)]));
}

function initOne(w: WeightInfo, rng: Random): Float32Array {
  const out = new Float32Array(sizeOf(w.shape));
  switch (w.init) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'uniform':
      return out.map(() => (rng.uniform() * 2 - 1) * 0.05);
    case 'forgetBias': {
      // Gates i, f, c, o: the forget gate's slice starts at 1.
      const units = w.units ?? out.length / 4;
      return out.fill(1, units, 2 * units);
    }
    case 'glorotUniform': {
      const [fanIn, fanOut] = w.shape.length === 2 ? w.shape : [out.length, out.length];
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return out.map(() => (rng.uniform() * 2 - 1) * limit);
    }
    case 'orthogonal':
      return orthogonal(w.shape[0], w.shape[1], rng);
  }
}

/**
 * A [rows, cols] matrix with orthonormal rows or columns (whichever are fewer): Gram–Schmidt on
 * Gaussian vectors, done blockwise so an LSTM's [H, 4H] gets an orthogonal [H, H] per gate as
 * Keras's orthogonal initialiser over the whole matrix would give orthonormal rows.
 */
function orthogonal(rows: number, cols: number, rng: Random): Float32Array {
  const n = Math.min(rows, cols);
  const m = Math.max(rows, cols);
  // n orthonormal vectors of length m.
  const basis: Float64Array[] = [];
  while (basis.length < n) {
    const v = Float64Array.from({ length: m }, () => rng.normal());
    for (const b of basis) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += v[i] * b[i];
      for (let i = 0; i < m; i++) v[i] -= dot * b[i];
    }
    const norm = Math.hypot(...v);
    if (norm < 1e-6) continue;
    basis.push(v.map((x) => x / norm));
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = rows <= cols ? basis[r][c] : basis[c][r];
  return out;
}
