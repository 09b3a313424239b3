/**
 * Early stopping, with Keras's rule: an epoch improves on the best so far when its monitored loss
 * is below best − minDelta; after `patience` epochs in a row without an improvement, training
 * stops. The caller keeps the weights of the best epoch and hands them back.
 */

export type Verdict = 'improved' | 'waiting' | 'stop';

export class EarlyStopper {
  private bestValue = Infinity;
  private bestAt = 0;
  private wait = 0;

  constructor(
    readonly patience: number,
    readonly minDelta: number,
  ) {}

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
