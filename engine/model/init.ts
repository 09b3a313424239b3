/**
 * Weight initialisers, as Keras defines them: Glorot-uniform kernels, orthogonal recurrent
 * kernels, zero biases (LSTM forget gate at 1), uniform(−0.05, 0.05) embeddings, and the others a
 * block's `kernelInitializer` / `recurrentInitializer` can choose (Glorot and He normal or uniform,
 * identity, zeros).
 *
 * Every draw comes from one seeded generator, weight after weight in the compiled order, so the
 * same graph and seed always give the same weights. Initialisers that draw nothing (identity,
 * zeros, constants) leave the generator where it was, so choosing one for a weight changes the
 * numbers of that weight only.
 */
import type { WeightInfo } from '../compiler/compile.ts';
import { Random } from '../datasets/random.ts';
import { assertNever, fmtShape, type Shape, sizeOf } from '../ir/types.ts';
import { type MatrixProducts, onnxMatrixProducts } from '../executors/onnx/products.ts';
import { orthogonalMatrix } from './orthogonal.ts';
import { orthogonalMatrixBlocked } from './orthogonal-blocked.ts';

export type Weights = Map<string, Float32Array>;

/** Fresh weights for every `param` of a compiled graph, deterministic by seed. Throws when an initialiser does not fit its weight's shape. */
export function initWeights(weights: readonly WeightInfo[], seed: number): Weights {
  const rng = new Random(seed);
  return new Map(weights.map((w) => [w.param, scaled(drain(initOne(w, rng)), w.gain ?? 1)]));
}

export interface InitProgress {
  /** Of `total`: parameters initialised so far, counting a weight in progress by the share of its work done. */
  readonly done: number;
  readonly total: number;
}

export interface AsyncInitOptions {
  /** Checked between slices of work: once aborted, the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: InitProgress) => void;
  /** The longest the event loop is held at a time (default 50 ms; a matrix product may hold it longer, see CALL_FLOPS in orthogonal-blocked.ts). */
  readonly sliceMs?: number;
  /**
   * Where large orthogonal weights run their QR's matrix products: default ONNX Runtime's CPU
   * provider (plain JavaScript where it does not load); null for plain JavaScript throughout.
   */
  readonly products?: MatrixProducts | null;
}

/**
 * Orthogonal weights whose shorter side is below this keep the plain-JavaScript QR, which is
 * faster there than ONNX Runtime's per-call cost (measured with `npm run bench:init -- --small`).
 */
export const BLOCKED_QR_FROM = 128;

/**
 * initWeights in slices, giving the event loop back between them, so that a host stays
 * responsive and a run can be stopped while a large model initialises. Large orthogonal weights
 * take the blocked QR, whose products run natively: the same numbers as initWeights up to
 * float64 rounding (rarely visible once rounded to float32); all others are the same numbers
 * exactly. Rejects with `signal.reason` once aborted.
 */
export async function initWeightsAsync(weights: readonly WeightInfo[], seed: number, o: AsyncInitOptions = {}): Promise<Weights> {
  const rng = new Random(seed);
  const sliceMs = o.sliceMs ?? 50;
  const blocked = (w: WeightInfo) => w.init === 'orthogonal' && w.shape.length === 2 && Math.min(w.shape[0], w.shape[1]) >= BLOCKED_QR_FROM;
  const products = o.products !== undefined ? o.products : weights.some(blocked) ? await nativeProducts() : null;
  const total = weights.reduce((sum, w) => sum + sizeOf(w.shape), 0);
  const out: Weights = new Map();
  let done = 0;
  let sliceStart = performance.now();
  const breathe = async (share: number) => {
    if (performance.now() - sliceStart < sliceMs) return;
    o.onProgress?.({ done: done + share, total });
    await new Promise<void>((resolve) => setImmediate(resolve));
    o.signal?.throwIfAborted();
    sliceStart = performance.now();
  };
  o.signal?.throwIfAborted();
  for (const w of weights) {
    const size = sizeOf(w.shape);
    let values: Float32Array;
    if (products && blocked(w)) {
      const [rows, cols] = matrixShape(w);
      values = Float32Array.from(await orthogonalMatrixBlocked(rows, cols, rng, products, (share) => breathe(share * size)));
    } else {
      const work = initOne(w, rng);
      let step = work.next();
      while (!step.done) {
        await breathe(step.value * size);
        step = work.next();
      }
      values = step.value;
    }
    out.set(w.param, scaled(values, w.gain ?? 1));
    done += size;
    await breathe(0);
  }
  o.onProgress?.({ done, total });
  return out;
}

async function nativeProducts(): Promise<MatrixProducts | null> {
  const products = await onnxMatrixProducts();
  return typeof products === 'string' ? null : products;
}

/**
 * An initialiser's work: it yields now and then (the share of its work done, in [0, 1]) where it
 * may be paused, and returns the values.
 */
type Work = Generator<number, Float32Array, void>;

function drain(work: Work): Float32Array {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

const scaled = (values: Float32Array, gain: number): Float32Array => (gain === 1 ? values : values.map((v) => v * gain));

/** Keras's fans: [in, out] of a matrix, n and n for a vector of n. */
function fans(shape: Shape, size: number): [number, number] {
  return shape.length === 2 ? [shape[0], shape[1]] : [size, size];
}

/** Keras draws its "normal" initialisers from N(0, σ²) truncated at 2σ; this is the σ that keeps the variance (the std of N(0, 1) cut at ±2). */
const TRUNCATED_STD = 0.87962566103423978;

function* initOne(w: WeightInfo, rng: Random): Work {
  const out = new Float32Array(sizeOf(w.shape));
  const [fanIn, fanOut] = fans(w.shape, out.length);
  switch (w.init) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'constant':
      return out.fill(w.value ?? 0);
    case 'uniform':
      return out.map(() => (rng.uniform() * 2 - 1) * 0.05);
    case 'forgetBias': {
      // Gates i, f, c, o: the forget gate's slice starts at 1.
      const units = w.units ?? out.length / 4;
      return out.fill(1, units, 2 * units);
    }
    case 'glorotUniform':
      return uniform(out, Math.sqrt(6 / (fanIn + fanOut)), rng);
    case 'glorotNormal':
      return truncatedNormal(out, Math.sqrt(2 / (fanIn + fanOut)) / TRUNCATED_STD, rng);
    case 'heUniform':
      return uniform(out, Math.sqrt(6 / fanIn), rng);
    case 'heNormal':
      return truncatedNormal(out, Math.sqrt(2 / fanIn) / TRUNCATED_STD, rng);
    case 'orthogonal': {
      const [rows, cols] = matrixShape(w);
      const q = yield* orthogonalMatrix(rows, cols, rng);
      return Float32Array.from(q);
    }
    case 'identity':
      return identity(matrixShape(w), w.units);
    default:
      return assertNever(w.init, 'initializer');
  }
}

function matrixShape(w: WeightInfo): [number, number] {
  if (w.shape.length !== 2) throw new Error(`weight '${w.param}': the ${w.init} initializer needs a matrix, but the weight is ${fmtShape(w.shape)}`);
  return [w.shape[0], w.shape[1]];
}

function uniform(out: Float32Array, limit: number, rng: Random): Float32Array {
  return out.map(() => (rng.uniform() * 2 - 1) * limit);
}

/** N(0, std²) with every draw beyond 2·std drawn again, as TensorFlow's truncated_normal. */
function truncatedNormal(out: Float32Array, std: number, rng: Random): Float32Array {
  return out.map(() => {
    for (;;) {
      const z = rng.normal();
      if (Math.abs(z) <= 2) return z * std;
    }
  });
}

/**
 * An identity matrix in every gate block: [rows, G·units] gets eye(rows, units) in each of its G
 * blocks of `units` columns (ones on the leading diagonal of a block that is not square). With
 * one block (Elman, CTRNN) this is eye(rows, cols), Keras's Identity; for an LSTM's [H, 4H] it
 * gives each gate its own identity, where Keras's Identity would give eye(H, 4H) (only gate i).
 */
function identity([rows, cols]: [number, number], units = cols): Float32Array {
  if (units < 1 || cols % units !== 0) throw new Error(`identity initializer: ${cols} columns do not split into gate blocks of ${units}`);
  const out = new Float32Array(rows * cols);
  for (let block = 0; block < cols; block += units) for (let i = 0; i < Math.min(rows, units); i++) out[i * cols + block + i] = 1;
  return out;
}

