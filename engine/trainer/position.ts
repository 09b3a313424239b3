/**
 * Where a run stands between two epochs: everything the training loop carries from one epoch to
 * the next. Going on from it (TrainOptions.resume) trains exactly as the run would have gone on,
 * with the same batch order, dropout masks, optimizer moments and early-stopping count, so a run
 * continued from a checkpoint ends with the weights an uninterrupted run of the same seed ends with.
 */
import type { RandomPosition } from '../datasets/random.ts';
import type { Weights } from '../model/init.ts';
import type { StopperPosition } from './early-stopping.ts';
import type { SavedOptimizer } from './optimizers.ts';

/** One finished epoch as the history records it. */
export interface EpochSummary {
  readonly epoch: number;
  readonly loss: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly validation?: { readonly loss: number; readonly metrics: Readonly<Record<string, number>> };
}

export interface TrainerPosition {
  /** Epochs completed; the run goes on with epoch `epoch + 1`. */
  readonly epoch: number;
  /** Optimizer steps taken. */
  readonly step: number;
  readonly lastLoss: number | null;
  /** The training examples in the order the last epoch shuffled them to (the next shuffle starts from it). */
  readonly order: readonly number[];
  readonly weights: Weights;
  readonly optimizer: SavedOptimizer;
  readonly shuffler: RandomPosition;
  readonly dropout: RandomPosition;
  readonly stopper: StopperPosition | null;
  /** With early stopping: the weights of the best epoch so far. */
  readonly bestWeights: Weights | null;
  readonly history: readonly EpochSummary[];
}

/**
 * Why `position` cannot go on training a run whose training examples are `train` (a dataset or
 * split that changed since), or null when it can.
 */
export function positionProblem(position: TrainerPosition, train: readonly number[], epochs: number): string | null {
  if (position.order.length !== train.length) return `it trained on ${position.order.length} examples; the dataset now gives ${train.length} for training`;
  const expected = new Set(train);
  const stray = position.order.find((i) => !expected.has(i));
  if (stray !== undefined || new Set(position.order).size !== position.order.length) return 'its training examples are not the ones the dataset now splits off for training';
  if (position.epoch >= epochs) return `it has already trained ${position.epoch} of the ${epochs} epochs the settings ask for; raise the epochs to train on`;
  return null;
}
