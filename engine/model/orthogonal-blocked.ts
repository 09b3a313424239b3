/**
 * The orthogonal initialiser's QR for large matrices: the same Householder QR as orthogonal.ts
 * (same Gaussian draw, same reflectors, Q with diag(R) > 0, so the same weights up to rounding),
 * blocked so that nearly all of its work is matrix products run natively (see MatrixProducts).
 *
 * Reflectors are grouped in blocks of BLOCK in compact-WY form, H_k0 ⋯ H_k1−1 = I − V T Vᵀ with
 * T upper triangular, so that applying a block to the trailing columns, and forming Q from the
 * blocks in reverse, are products. A block itself is factored recursively (Elmroth–Gustavson):
 * halves of it are factored, the left half applied to the right half as a product and the two T
 * joined, down to LEAF columns that plain JavaScript factors as orthogonal.ts does.
 *
 * Storage is orthogonal.ts's: the n columns of the m × n Gaussian matrix (m ≥ n) are the rows of
 * a row-major [n, m] array, so in the row form every update reads X ← X − (X Vᵀ) S V.
 */
import type { Random } from '../datasets/random.ts';
import type { MatrixProducts } from '../executors/onnx/products.ts';
import { drawColumn, makeReflector, reflect, shapedQ } from './orthogonal.ts';

/**
 * Reflectors per compact-WY block. Wider blocks make the products more efficient but cost
 * BLOCK²·m extra flops per block for T; at [1024, 4096] on two cores 128 took the least CPU
 * time, 64 about 10% more, 256 the same within the noise.
 */
const BLOCK = 128;

/** Columns factored in plain JavaScript at the bottom of the recursion. */
const LEAF = 8;

/**
 * The most floating-point operations one product may do (about 0.1 s of CPU in float64 here):
 * ONNX Runtime holds the JavaScript thread while it runs, so longer updates are split into
 * products over fewer rows, and a stop is noticed between them. Products of under ~100 rows of
 * 16,384 ran at ~75% of the speed of larger ones.
 */
const CALL_FLOPS = 1e9;

/**
 * A Gaussian draw in JavaScript (about 60 ns of one core) takes as long as this many
 * floating-point operations of the products on two cores, which is how progress counts the draw
 * (some 5% of the time at 4096 units, more for smaller matrices).
 */
const DRAW_COST = 500;

/** Called between pieces of work with the share done, in [0, 1]; it may give the event loop back, and throws to stop. */
export type Pause = (share: number) => Promise<void>;

/**
 * orthogonalMatrix (orthogonal.ts) with its bulk as matrix products: a [rows, cols] row-major
 * matrix with orthonormal rows (rows ≤ cols) or columns (rows > cols). Rejects with what `pause`
 * throws.
 */
export async function orthogonalMatrixBlocked(rows: number, cols: number, rng: Random, products: MatrixProducts, pause: Pause): Promise<Float64Array> {
  const n = Math.min(rows, cols);
  const m = Math.max(rows, cols);
  const a = new Float64Array(n * m);
  const qr = new BlockedQr(a, n, m, products, pause);
  for (let k = 0; k < n; k++) {
    drawColumn(a, k, m, rng);
    await qr.progress(DRAW_COST * m);
  }
  const blocks: { k0: number; k1: number; t: Float64Array }[] = [];
  for (let k0 = 0; k0 < n; k0 += BLOCK) {
    const k1 = Math.min(n, k0 + BLOCK);
    const t = await qr.factor(k0, k1);
    blocks.push({ k0, k1, t });
    if (k1 < n) await qr.apply(a, k1, n, k0, qr.reflectors(k0, k1, k0), t, k1 - k0);
  }

  // Q = (I − V₀T₀V₀ᵀ)(I − V₁T₁V₁ᵀ) ⋯ [I; 0], built from the last block back; the block from k0
  // changes only rows and columns from k0 on. In the row form each block applies Tᵀ.
  const q = new Float64Array(n * m);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (const { k0, k1, t } of blocks.reverse()) await qr.apply(q, k0, n, k0, qr.reflectors(k0, k1, k0), transposed(t, k1 - k0), k1 - k0);
  return shapedQ(q, qr.alpha, rows, cols);
}

class BlockedQr {
  readonly beta: Float64Array;
  /** R's diagonal. */
  readonly alpha: Float64Array;
  private done = 0;
  /** The draw, the QR and forming Q, in flops, without the extra the blocking costs (progress is clamped). */
  private readonly total: number;

  constructor(
    private readonly a: Float64Array,
    private readonly n: number,
    private readonly m: number,
    private readonly products: MatrixProducts,
    private readonly pause: Pause,
  ) {
    this.beta = new Float64Array(n);
    this.alpha = new Float64Array(n);
    this.total = DRAW_COST * n * m + 4 * n * n * (m - n / 3);
  }

  /** Vᵀ of reflectors [k0, k1) from column `from` on: [k1 − k0, m − from], zero above each reflector's own row. */
  reflectors(k0: number, k1: number, from: number): Float64Array {
    const { a, m } = this;
    const len = m - from;
    const v = new Float64Array((k1 - k0) * len);
    for (let k = k0; k < k1; k++) v.set(a.subarray(k * m + k, (k + 1) * m), (k - k0) * len + (k - from));
    return v;
  }

  /** Rows [r0, r1) of `target` from column `from` on: X ← X − (X Vᵀ) S V, in products of at most CALL_FLOPS. */
  async apply(target: Float64Array, r0: number, r1: number, from: number, v: Float64Array, s: Float64Array, width: number): Promise<void> {
    const { m } = this;
    const len = m - from;
    const perRow = 4 * width * len;
    const chunk = Math.max(1, Math.floor(CALL_FLOPS / perRow));
    const x = new Float64Array(Math.min(chunk, r1 - r0) * len);
    for (let r = r0; r < r1; r += chunk) {
      const count = Math.min(chunk, r1 - r);
      for (let i = 0; i < count; i++) x.set(target.subarray((r + i) * m + from, (r + i + 1) * m), i * len);
      const y = await this.products.applyBlock(x, v, s, count, width, len);
      for (let i = 0; i < count; i++) target.set(y.subarray(i * len, (i + 1) * len), (r + i) * m + from);
      await this.progress(count * perRow);
    }
  }

  /** Factors columns [k0, k1) (rows k0 on) in place; returns T, [w, w] for w = k1 − k0, with H_k0 ⋯ H_k1−1 = I − V T Vᵀ. */
  async factor(k0: number, k1: number): Promise<Float64Array> {
    const w = k1 - k0;
    if (w <= LEAF) return this.factorLeaf(k0, k1);
    const h = Math.ceil(w / 2 / LEAF) * LEAF;
    const len = this.m - k0;
    const t1 = await this.factor(k0, k0 + h);
    const v1 = this.reflectors(k0, k0 + h, k0);
    await this.apply(this.a, k0 + h, k1, k0, v1, t1, h);
    const t2 = await this.factor(k0 + h, k1);
    // T = [T₁, −T₁ (V₁ᵀV₂) T₂; 0, T₂]
    const g = await this.products.crossRows(v1, this.reflectors(k0 + h, k1, k0), h, w - h, len);
    await this.progress(2 * h * (w - h) * len);
    const t2w = w - h;
    const gt2 = new Float64Array(h * t2w);
    for (let i = 0; i < h; i++)
      for (let p = 0; p < t2w; p++) {
        let sum = 0;
        for (let q = 0; q <= p; q++) sum += g[i * t2w + q] * t2[q * t2w + p];
        gt2[i * t2w + p] = sum;
      }
    const t = new Float64Array(w * w);
    for (let i = 0; i < h; i++) {
      for (let j = i; j < h; j++) t[i * w + j] = t1[i * h + j];
      for (let p = 0; p < t2w; p++) {
        let sum = 0;
        for (let q = i; q < h; q++) sum += t1[i * h + q] * gt2[q * t2w + p];
        t[i * w + h + p] = -sum;
      }
    }
    for (let i = 0; i < t2w; i++) for (let j = i; j < t2w; j++) t[(h + i) * w + h + j] = t2[i * t2w + j];
    return t;
  }

  /**
   * orthogonal.ts's unblocked QR on columns [k0, k1), then T column by column from the reflectors'
   * inner products G = VᵀV: T[:i, i] = −β_i T[:i, :i] G[:i, i].
   */
  private async factorLeaf(k0: number, k1: number): Promise<Float64Array> {
    const { a, m, beta, alpha } = this;
    const w = k1 - k0;
    for (let k = k0; k < k1; k++) {
      makeReflector(a, m, k, beta, alpha);
      for (let j = k + 1; j < k1; j++) reflect(a, k * m, beta[k], a, j * m, k, m);
    }
    const v = this.reflectors(k0, k1, k0);
    const g = await this.products.crossRows(v, v, w, w, m - k0);
    const t = new Float64Array(w * w);
    for (let i = 0; i < w; i++) {
      for (let p = 0; p < i; p++) {
        let sum = 0;
        for (let q = p; q < i; q++) sum += t[p * w + q] * g[q * w + i];
        t[p * w + i] = -beta[k0 + i] * sum;
      }
      t[i * w + i] = beta[k0 + i];
    }
    await this.progress(4 * (m - k0) * w * w);
    return t;
  }

  progress(flops: number): Promise<void> {
    this.done += flops;
    return this.pause(Math.min(1, this.done / this.total));
  }
}

function transposed(t: Float64Array, w: number): Float64Array {
  const out = new Float64Array(w * w);
  for (let i = 0; i < w; i++) for (let j = 0; j < w; j++) out[j * w + i] = t[i * w + j];
  return out;
}
