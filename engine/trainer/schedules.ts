/**
 * Learning-rate schedules, applied once per epoch to whichever optimizer is in use. With lr₀ the
 * optimizer's learningRate and i = epoch − 1 (the number of epochs already trained):
 *   none:         lr₀
 *   step:         lr₀ · factor^⌊i / every⌋
 *   exponential:  lr₀ · decayRate^i
 *   cosine:       min + (lr₀ − min) · (1 + cos(π · min(i, epochs) / epochs)) / 2
 * so epoch 1 always trains at lr₀, and cosine reaches minLearningRate at epoch epochs + 1 and stays
 * there (Keras's CosineDecay with alpha = min / lr₀, stepped per epoch).
 */
import { assertNever } from '../ir/types.ts';
import type { ResolvedSchedule } from '../graph/schema.ts';

/** The learning rate for `epoch` (counted from 1). Throws on an epoch below 1. */
export function learningRateAt(schedule: ResolvedSchedule, base: number, epoch: number): number {
  if (!Number.isInteger(epoch) || epoch < 1) throw new RangeError(`epochs count from 1, got ${epoch}`);
  const i = epoch - 1;
  switch (schedule.type) {
    case 'none':
      return base;
    case 'step':
      return base * schedule.factor ** Math.floor(i / schedule.every);
    case 'exponential':
      return base * schedule.decayRate ** i;
    case 'cosine': {
      const min = schedule.minLearningRate;
      return min + ((base - min) * (1 + Math.cos((Math.PI * Math.min(i, schedule.epochs)) / schedule.epochs))) / 2;
    }
    default:
      return assertNever(schedule, 'learning-rate schedule');
  }
}
