/**
 * Finite-difference gradient checking for IR graphs on the float64 reference interpreter, and the
 * seeded random numbers the checks are fed with. Any test that builds a graph with a scalar
 * 'loss' output and 'grad:<param>' outputs can check every analytic gradient against central
 * differences of that loss.
 */
import { type Feeds64, runReference } from '../../engine/executors/reference.ts';
import { prune } from '../../engine/ir/verify.ts';
import { type Tensor64, tensor } from '../../engine/ir/tensor64.ts';
import { type IrGraph, type Shape, fmtShape, shapeEq } from '../../engine/ir/types.ts';

export interface GradCheckResult {
  /** The largest relative error over all checked params (0 when none were checked). */
  readonly worst: number;
  /** Normwise relative error ‖a − n‖ / max(‖a‖, ‖n‖, tiny) of each param's gradient. */
  readonly perParam: Readonly<Record<string, number>>;
}

/** Central-difference step. In float64 it balances truncation (~h²) against rounding (~ε/h). */
const STEP = 1e-6;
/** Denominator floor, so that two gradients that are both (numerically) zero compare as equal. */
const TINY = 1e-8;

/**
 * Compares, for each name in `params` (default: every 'grad:<name>' output), the analytic gradient
 * `graph.outputs['grad:<name>']` with central differences (L(w + h) − L(w − h)) / 2h of the scalar
 * output 'loss', element by element of the fed param `feeds[name]`, with h = 1e-6.
 *
 * The error is normwise, ‖a − n‖₂ / max(‖a‖₂, ‖n‖₂, 1e-8), not elementwise: the rounding error of a
 * central difference is about ε·|loss|/h ≈ 1e-10·|loss| in *absolute* terms, whatever the size of
 * the element's true gradient. An element whose gradient is tiny (a saturated sigmoid, a softmax
 * tail) therefore has an elementwise relative error near 1 even when the rule is right, while a
 * wrong rule shows up as an error of order 1 relative to the gradient as a whole. Normwise error
 * reads noise at the scale of the whole gradient, so one threshold (1e-6) fits every op.
 *
 * Throws when 'loss' is missing or not a scalar, or a param has no feed or no matching 'grad:'
 * output of its shape.
 */
export function gradCheck(graph: IrGraph, feeds: Feeds64, params?: readonly string[]): GradCheckResult {
  const names = params ?? Object.keys(graph.outputs).filter((o) => o.startsWith('grad:')).map((o) => o.slice('grad:'.length));
  const lossId = graph.outputs.loss;
  if (lossId === undefined) throw new Error("gradCheck: the graph has no 'loss' output");
  const lossGraph = prune({ nodes: graph.nodes, outputs: { loss: lossId } });
  const lossAt = (f: Feeds64): number => {
    const loss = runReference(lossGraph, f, ['loss']).loss;
    if (loss.shape.length !== 0) throw new Error(`gradCheck: the loss must be a scalar, got ${fmtShape(loss.shape)}`);
    return loss.data[0];
  };
  lossAt(feeds);

  const analytic = runReference(graph, feeds, names.map((n) => `grad:${n}`));
  const perParam: Record<string, number> = {};
  for (const name of names) {
    const w = feeds[name];
    if (!w) throw new Error(`gradCheck: no feed for param '${name}'`);
    const a = analytic[`grad:${name}`];
    if (!shapeEq(a.shape, w.shape)) throw new Error(`gradCheck: grad:${name} is ${fmtShape(a.shape)} but param '${name}' is ${fmtShape(w.shape)}`);
    const numeric = new Float64Array(w.data.length);
    for (let i = 0; i < w.data.length; i++) {
      const at = (delta: number): number => {
        const moved = tensor(w.shape, w.data);
        moved.data[i] += delta;
        return lossAt({ ...feeds, [name]: moved });
      };
      numeric[i] = (at(STEP) - at(-STEP)) / (2 * STEP);
    }
    perParam[name] = normwiseError(a.data, numeric);
  }
  return { worst: Math.max(0, ...Object.values(perParam)), perParam };
}

function normwiseError(a: Float64Array, n: Float64Array): number {
  let diff = 0;
  let na = 0;
  let nn = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - n[i]) ** 2;
    na += a[i] ** 2;
    nn += n[i] ** 2;
  }
  // NaN anywhere must fail a `< threshold` check, so it is passed through, never floored away.
  return Math.sqrt(diff) / Math.max(Math.sqrt(na), Math.sqrt(nn), TINY);
}

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A tensor of `shape` with values drawn uniformly from [−scale, scale). */
export function randomTensor(shape: Shape, rng: () => number, scale = 1): Tensor64 {
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = (2 * rng() - 1) * scale;
  return t;
}
