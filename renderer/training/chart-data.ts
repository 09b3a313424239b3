/**
 * What the loss chart draws, computed from the run's columns: the step losses (decimated to about
 * two points per pixel column once there are more points than that), and the epoch mean losses
 * and validation losses aligned onto the same x values. Pure, so it is tested without a browser.
 */

export interface Decimated {
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/**
 * Min/max decimation: splits the points into `buckets` runs of consecutive indices and keeps,
 * from each, the points with the smallest and the largest finite y, in their original order; the
 * first and last points are always kept. A spike in any bucket therefore still shows, which
 * averaging or striding would hide. With at most 2 · buckets points the input is returned as is
 * (the same arrays, no copy). x must be increasing.
 */
export function decimateMinMax(x: Float64Array, y: Float64Array, buckets: number): Decimated {
  const n = Math.min(x.length, y.length);
  const b = Math.max(1, Math.floor(buckets));
  if (n <= 2 * b) return n === x.length && n === y.length ? { x, y } : { x: x.subarray(0, n), y: y.subarray(0, n) };
  const outX = new Float64Array(2 * b + 2);
  const outY = new Float64Array(2 * b + 2);
  let m = 0;
  let lastKept = -1;
  const keep = (i: number): void => {
    if (i <= lastKept) return;
    outX[m] = x[i];
    outY[m] = y[i];
    m++;
    lastKept = i;
  };
  keep(0);
  for (let k = 0; k < b; k++) {
    const from = Math.floor((k * n) / b);
    const to = Math.floor(((k + 1) * n) / b);
    let lo = -1;
    let hi = -1;
    for (let i = from; i < to; i++) {
      const v = y[i];
      if (!Number.isFinite(v)) continue;
      if (lo < 0 || v < y[lo]) lo = i;
      if (hi < 0 || v > y[hi]) hi = i;
    }
    if (lo < 0) continue;
    keep(Math.min(lo, hi));
    keep(Math.max(lo, hi));
  }
  keep(n - 1);
  return { x: outX.subarray(0, m), y: outY.subarray(0, m) };
}

/** First index i with xs[i] >= value (xs increasing); xs.length when there is none. */
export function lowerBound(xs: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface ChartInput {
  /** Step numbers and their losses (views of the run's columns). */
  readonly steps: Float64Array;
  readonly losses: Float64Array;
  /** Step at which each finished epoch ended, and its mean loss. */
  readonly epochSteps: Float64Array;
  readonly epochLosses: Float64Array;
  /** Each finished epoch's validation loss (NaN where there is none); absent: the run has no validation split. */
  readonly epochValidationLosses?: Float64Array;
  /** Plot width in CSS pixels: the decimation keeps about two points per pixel column. */
  readonly width: number;
  /** A log y scale cannot show values ≤ 0; they become gaps. */
  readonly log: boolean;
}

export interface ChartSeries {
  readonly x: Float64Array;
  readonly loss: Float64Array | (number | null)[];
  /** null except where an epoch ended (the chart spans the gaps). */
  readonly epochLoss: (number | null)[];
  /** Like epochLoss, for the validation loss; null when the input had none. */
  readonly validationLoss: (number | null)[] | null;
}

/** Epoch values placed at the x of the step that ended each epoch, null elsewhere. */
function placeEpochs(x: Float64Array, epochSteps: Float64Array, values: Float64Array, log: boolean): (number | null)[] {
  const out: (number | null)[] = new Array<number | null>(x.length).fill(null);
  const lastX = x.length > 0 ? x[x.length - 1] : -Infinity;
  for (let e = 0; e < Math.min(epochSteps.length, values.length); e++) {
    const at = epochSteps[e];
    const value = values[e];
    // The epoch's last steps may not have arrived yet; it is placed once they have.
    if (at > lastX) continue;
    if (!Number.isFinite(value) || (log && !(value > 0))) continue;
    out[lowerBound(x, at)] = value;
  }
  return out;
}

export function buildChartSeries(input: ChartInput): ChartSeries {
  const { x, y } = decimateMinMax(input.steps, input.losses, Math.max(1, Math.round(input.width)));
  let loss: Float64Array | (number | null)[] = y;
  if (input.log && y.some((v) => !(v > 0))) loss = Array.from(y, (v) => (v > 0 ? v : null));

  const epochLoss = placeEpochs(x, input.epochSteps, input.epochLosses, input.log);
  const validationLoss = input.epochValidationLosses ? placeEpochs(x, input.epochSteps, input.epochValidationLosses, input.log) : null;
  return { x, loss, epochLoss, validationLoss };
}
