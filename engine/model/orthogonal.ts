/**
 * Random matrices with orthonormal rows or columns: the Q of a Householder QR of a Gaussian
 * matrix, with the signs chosen so that diag(R) > 0 (which makes Q uniformly distributed over
 * the orthogonal matrices, as Keras's Orthogonal initializer does).
 *
 * The Gaussian matrix is drawn one column (of the longer side) after another, the order in which
 * earlier versions drew the vectors they orthonormalised by Gram–Schmidt; Q with diag(R) > 0 is
 * unique, so the weights are the same up to rounding.
 *
 * Householder keeps Q orthogonal to machine precision however ill-conditioned the draw, and is
 * laid out for the cache: every column is contiguous, reflectors are applied a panel of
 * PANEL at a time to each trailing column, and Q is formed a block of PANEL columns at a time,
 * so a column or a reflector is read from memory once per panel rather than once per reflector.
 */
import type { Random } from '../datasets/random.ts';

/** Reflectors per panel, and columns of Q formed together: PANEL columns of 16,384 doubles fit a 1 MB cache. */
const PANEL = 8;

/**
 * A [rows, cols] row-major matrix with orthonormal rows (rows ≤ cols) or columns (rows > cols),
 * in float64. A generator: it yields the share of its work done, in [0, 1], after each column it
 * updates, so a caller can give the event loop back or stop; it returns the matrix.
 */
export function* orthogonalMatrix(rows: number, cols: number, rng: Random): Generator<number, Float64Array, void> {
  const n = Math.min(rows, cols);
  const m = Math.max(rows, cols);
  // a: n columns of length m, column k at offset k·m. It is reduced in place: below the diagonal
  // (and on it) column k ends up holding its reflector v_k; alpha[k] is R[k][k].
  const a = new Float64Array(n * m);
  for (let k = 0; k < n; k++) {
    drawColumn(a, k, m, rng);
    yield 0;
  }
  const beta = new Float64Array(n);
  const alpha = new Float64Array(n);

  for (let k0 = 0; k0 < n; k0 += PANEL) {
    const k1 = Math.min(n, k0 + PANEL);
    for (let k = k0; k < k1; k++) {
      makeReflector(a, m, k, beta, alpha);
      for (let j = k + 1; j < k1; j++) reflect(a, k * m, beta[k], a, j * m, k, m);
    }
    for (let j = k1; j < n; j++) {
      for (let k = k0; k < k1; k++) reflect(a, k * m, beta[k], a, j * m, k, m);
      yield (0.5 * k0) / n;
    }
    yield (0.5 * k1) / n;
  }

  // Column j of Q is H_0 H_1 … H_j e_j (the reflectors after j leave e_j as it is), formed for a
  // block of columns at a time, each reflector applied to the whole block before the next.
  const q = new Float64Array(n * m);
  for (let j0 = 0; j0 < n; j0 += PANEL) {
    const j1 = Math.min(n, j0 + PANEL);
    for (let j = j0; j < j1; j++) q[j * m + j] = 1;
    for (let k = j1 - 1; k >= 0; k--) {
      for (let j = Math.max(j0, k); j < j1; j++) reflect(a, k * m, beta[k], q, j * m, k, m);
      if (k % 64 === 0) yield 0.5 + (0.5 * j0) / n;
    }
  }
  return shapedQ(q, alpha, rows, cols);
}

/** Column k of the Gaussian matrix (n columns of length m, column k at offset k·m), in the order every routine here draws it. */
export function drawColumn(a: Float64Array, k: number, m: number, rng: Random): void {
  for (let i = k * m; i < (k + 1) * m; i++) a[i] = rng.normal();
}

/**
 * The weight from Q's n columns of length m (column j at offset j·m) and R's diagonal `alpha`:
 * with the signs that make diag(R) > 0 (QR = (QD)(DR), D = diag(sign R[k][k])), as [rows, cols]
 * row-major. Reuses `q` when rows ≤ cols.
 */
export function shapedQ(q: Float64Array, alpha: Float64Array, rows: number, cols: number): Float64Array {
  const m = Math.max(rows, cols);
  for (let j = 0; j < alpha.length; j++) if (alpha[j] < 0) for (let i = j * m; i < (j + 1) * m; i++) q[i] = -q[i];
  if (rows <= cols) return q;
  const out = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out[r * cols + c] = q[c * m + r];
  return out;
}

/**
 * Turns column k (rows k…m−1) into the Householder vector v = x − αe₁, α = −sign(x₀)‖x‖, that
 * maps x onto αe₁: H = I − β·vvᵀ with β = 1 / (α(α − x₀)). A zero column gets β = 0 (H = I).
 */
export function makeReflector(a: Float64Array, m: number, k: number, beta: Float64Array, alpha: Float64Array): void {
  const start = k * m + k;
  const end = (k + 1) * m;
  // The norm scaled by the largest entry, so no square overflows or underflows.
  let scale = 0;
  for (let i = start; i < end; i++) scale = Math.max(scale, Math.abs(a[i]));
  if (scale === 0) {
    beta[k] = 0;
    alpha[k] = 0;
    return;
  }
  let sum = 0;
  for (let i = start; i < end; i++) {
    const x = a[i] / scale;
    sum += x * x;
  }
  const x0 = a[start];
  const norm = scale * Math.sqrt(sum);
  const al = x0 >= 0 ? -norm : norm;
  alpha[k] = al;
  beta[k] = 1 / (al * (al - x0));
  a[start] = x0 - al;
}

/** y ← H_k y on rows k…m−1, for the column of `y` at `yAt` and reflector k at `vAt` of `v`. */
export function reflect(v: Float64Array, vAt: number, beta: number, y: Float64Array, yAt: number, k: number, m: number): void {
  if (beta === 0) return;
  const len = m - k;
  const vs = vAt + k;
  const ys = yAt + k;
  // Four partial sums: the loop is bound by the add's latency otherwise.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    s0 += v[vs + i] * y[ys + i];
    s1 += v[vs + i + 1] * y[ys + i + 1];
    s2 += v[vs + i + 2] * y[ys + i + 2];
    s3 += v[vs + i + 3] * y[ys + i + 3];
  }
  for (; i < len; i++) s0 += v[vs + i] * y[ys + i];
  const s = beta * (s0 + s1 + s2 + s3);
  for (i = 0; i < len; i++) y[ys + i] -= s * v[vs + i];
}
