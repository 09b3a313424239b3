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

/**
 * One row per finished epoch. `step` is the step at which the epoch ended (where the chart puts
 * its mean loss); metrics that an epoch does not report are NaN in its row.
 */
export class EpochTable {
  readonly epoch = new Float64Column(256);
  readonly step = new Float64Column(256);
  readonly loss = new Float64Column(256);
  readonly seconds = new Float64Column(256);
  private readonly metricColumns = new Map<string, Float64Column>();

  get length(): number {
    return this.epoch.length;
  }

  /** Metric names in the order they first appeared. */
  get metricNames(): string[] {
    return [...this.metricColumns.keys()];
  }

  metric(name: string): Float64Column | undefined {
    return this.metricColumns.get(name);
  }

  append(row: { epoch: number; step: number; loss: number; seconds: number; metrics: Readonly<Record<string, number>> }): void {
    const index = this.length;
    this.epoch.push(row.epoch);
    this.step.push(row.step);
    this.loss.push(row.loss);
    this.seconds.push(row.seconds);
    for (const [name, value] of Object.entries(row.metrics)) {
      let column = this.metricColumns.get(name);
      if (!column) this.metricColumns.set(name, (column = new Float64Column(256)));
      column.fillTo(index, Number.NaN);
      column.push(value);
    }
    for (const column of this.metricColumns.values()) column.fillTo(index + 1, Number.NaN);
  }
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
