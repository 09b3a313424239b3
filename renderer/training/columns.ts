/**
 * Growable columns of float64 for the numbers a run streams in (one value per step, per epoch,
 * per batch of points). Appending doubles the buffer when it is full, so a run of 10^5..10^6 steps
 * costs a handful of copies in all, never one per point; readers take `view()`, a subarray of
 * the live buffer (no copy), which stays valid until the next append that grows the buffer.
 */
import type { StepPoint } from '../../engine/protocol/messages.ts';

export class Float64Column {
  private buffer: Float64Array;
  private size = 0;

  constructor(initialCapacity = 1024) {
    this.buffer = new Float64Array(Math.max(1, initialCapacity));
  }

  get length(): number {
    return this.size;
  }

  get capacity(): number {
    return this.buffer.length;
  }

  /** Makes room for `extra` more values (one copy at most). */
  reserve(extra: number): void {
    const needed = this.size + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length;
    while (capacity < needed) capacity *= 2;
    const grown = new Float64Array(capacity);
    grown.set(this.buffer.subarray(0, this.size));
    this.buffer = grown;
  }

  push(value: number): void {
    if (this.size === this.buffer.length) this.reserve(1);
    this.buffer[this.size++] = value;
  }

  /** Pads with `value` up to `length` (a metric that appears after the first epochs). */
  fillTo(length: number, value: number): void {
    if (length <= this.size) return;
    this.reserve(length - this.size);
    this.buffer.fill(value, this.size, length);
    this.size = length;
  }

  at(index: number): number {
    if (index < 0 || index >= this.size) throw new RangeError(`index ${index} is outside 0..${this.size - 1}`);
    return this.buffer[index];
  }

  last(): number | undefined {
    return this.size > 0 ? this.buffer[this.size - 1] : undefined;
  }

  /** The values held, as a view of the live buffer (no copy). */
  view(): Float64Array {
    return this.buffer.subarray(0, this.size);
  }
}

/** Loss and gradient norm per optimisation step. */
export class StepSeries {
  readonly step = new Float64Column(4096);
  readonly loss = new Float64Column(4096);
  readonly gradNorm = new Float64Column(4096);
  /** Smallest and largest finite loss so far (the chart's log scale needs to know about ≤ 0). */
  minLoss = Infinity;
  maxLoss = -Infinity;

  get length(): number {
    return this.step.length;
  }

  append(points: readonly StepPoint[]): void {
    this.step.reserve(points.length);
    this.loss.reserve(points.length);
    this.gradNorm.reserve(points.length);
    for (const p of points) {
      this.step.push(p.step);
      this.loss.push(p.loss);
      this.gradNorm.push(p.gradNorm);
      if (Number.isFinite(p.loss)) {
        if (p.loss < this.minLoss) this.minLoss = p.loss;
        if (p.loss > this.maxLoss) this.maxLoss = p.loss;
      }
    }
  }
}

/** A row of an epoch table, as the host's `train.epoch` event gives it. */
export interface EpochRow {
  readonly epoch: number;
  readonly step: number;
  readonly loss: number;
  readonly seconds: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly learningRate?: number;
  readonly validation?: { readonly loss: number; readonly metrics: Readonly<Record<string, number>> };
}

/** Named columns that appear as they are first reported; a row that lacks one holds NaN. */
class MetricColumns {
  private readonly columns = new Map<string, Float64Column>();

  get names(): string[] {
    return [...this.columns.keys()];
  }

  get(name: string): Float64Column | undefined {
    return this.columns.get(name);
  }

  /** Sets row `index` (the rows before it are already there). */
  put(index: number, values: Readonly<Record<string, number>>): void {
    for (const [name, value] of Object.entries(values)) {
      let column = this.columns.get(name);
      if (!column) this.columns.set(name, (column = new Float64Column(256)));
      column.fillTo(index, Number.NaN);
      column.push(value);
    }
    for (const column of this.columns.values()) column.fillTo(index + 1, Number.NaN);
  }
}

/**
 * One row per finished epoch. `step` is the step at which the epoch ended (where the chart puts
 * its mean loss); metrics that an epoch does not report are NaN in its row, and so are the
 * learning rate and the validation loss of a run that does not report them.
 */
export class EpochTable {
  readonly epoch = new Float64Column(256);
  readonly step = new Float64Column(256);
  readonly loss = new Float64Column(256);
  readonly seconds = new Float64Column(256);
  readonly learningRate = new Float64Column(256);
  readonly validationLoss = new Float64Column(256);
  private readonly metricColumns = new MetricColumns();
  private readonly validationColumns = new MetricColumns();
  /** Some epoch reported a learning rate / a validation loss (the table shows those columns). */
  hasLearningRate = false;
  hasValidation = false;

  get length(): number {
    return this.epoch.length;
  }

  /** Metric names in the order they first appeared. */
  get metricNames(): string[] {
    return this.metricColumns.names;
  }

  metric(name: string): Float64Column | undefined {
    return this.metricColumns.get(name);
  }

  /** Validation metric names in the order they first appeared. */
  get validationMetricNames(): string[] {
    return this.validationColumns.names;
  }

  validationMetric(name: string): Float64Column | undefined {
    return this.validationColumns.get(name);
  }

  append(row: EpochRow): void {
    const index = this.length;
    this.epoch.push(row.epoch);
    this.step.push(row.step);
    this.loss.push(row.loss);
    this.seconds.push(row.seconds);
    this.learningRate.push(row.learningRate ?? Number.NaN);
    this.validationLoss.push(row.validation?.loss ?? Number.NaN);
    if (row.learningRate !== undefined) this.hasLearningRate = true;
    if (row.validation !== undefined) this.hasValidation = true;
    this.metricColumns.put(index, row.metrics);
    this.validationColumns.put(index, row.validation?.metrics ?? {});
  }
}

/**
 * The two columns hold the same values, row by row (NaN matching NaN), to a relative 1e-5 (finer
 * than the table shows; float32 sums differ in their last bits): a metric that only repeats the
 * loss (the mean squared error of a model trained on it).
 */
export function sameValues(a: Float64Column, b: Float64Column): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  const x = a.view();
  const y = b.view();
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) && Number.isNaN(y[i])) continue;
    if (!(Math.abs(x[i] - y[i]) <= 1e-5 * Math.max(Math.abs(x[i]), Math.abs(y[i])))) return false;
  }
  return true;
}

/**
 * When each batch of step points arrived (`performance.now()`), and how many points were held
 * after it: the other half of the chart's draw records, for measuring how soon a loss is drawn.
 */
export class ArrivalLog {
  readonly at = new Float64Column(256);
  readonly pointsAfter = new Float64Column(256);

  get length(): number {
    return this.at.length;
  }

  record(at: number, pointsAfter: number): void {
    this.at.push(at);
    this.pointsAfter.push(pointsAfter);
  }
}
