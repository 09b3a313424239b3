/**
 * Early stopping, with Keras's rule: an epoch improves on the best so far when its monitored loss
 * is below best − minDelta; after `patience` epochs in a row without an improvement, training
 * stops. The caller keeps the weights of the best epoch and hands them back.
 */

export type Verdict = 'improved' | 'waiting' | 'stop';

/** The best loss so far (Infinity before any), its epoch (0: none) and the epochs waited since. */
export interface StopperPosition {
  readonly bestValue: number;
  readonly bestAt: number;
  readonly wait: number;
}

export class EarlyStopper {
  private bestValue = Infinity;
  private bestAt = 0;
  private wait = 0;

  constructor(
    readonly patience: number,
    readonly minDelta: number,
    from?: StopperPosition,
  ) {
    if (from) ({ bestValue: this.bestValue, bestAt: this.bestAt, wait: this.wait } = from);
  }

  /** What it has seen so far, to go on from later (the constructor's `from`). */
  get position(): StopperPosition {
    return { bestValue: this.bestValue, bestAt: this.bestAt, wait: this.wait };
  }

  /** Records epoch `epoch`'s monitored loss. A NaN never improves. */
  update(epoch: number, value: number): Verdict {
    if (value < this.bestValue - this.minDelta) {
      this.bestValue = value;
      this.bestAt = epoch;
      this.wait = 0;
      return 'improved';
    }
    this.wait++;
    return this.wait >= this.patience ? 'stop' : 'waiting';
  }

  /** The best epoch so far and its loss; null before any epoch improved. */
  get best(): { epoch: number; loss: number } | null {
    return this.bestAt === 0 ? null : { epoch: this.bestAt, loss: this.bestValue };
  }
}
