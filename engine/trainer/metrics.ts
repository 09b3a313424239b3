/**
 * Epoch metrics, accumulated from what each step already returns (the predictions 'out:<node>'
 * and the targets it was fed), so measuring them costs no extra forward pass:
 *   accuracy    softmax cross-entropy outputs: the fraction of targets (examples × steps) whose
 *               class has the highest predicted probability
 *   perplexity  softmax cross-entropy outputs over a sequence (token and character models):
 *               exp of the mean cross-entropy per token, −log p(target), in nats
 *   mse         mean squared error outputs: mean of (prediction − target)² over every value
 * With one output block the names are as above; with several, each is prefixed '<node>.'.
 */
import type { LossKind } from '../blocks/output.ts';
import { isOutput } from '../blocks/roles.ts';
import type { Analysis } from '../compiler/validate.ts';
import type { Outputs, Tensor } from '../executors/index.ts';

/** One output block: its loss and what it predicts. */
export interface Head {
  readonly node: string;
  readonly loss: LossKind;
  /** Classes (softmax) or features. */
  readonly size: number;
  /** The prediction is a sequence ([T, B, size]) rather than one vector per example ([B, size]). */
  readonly perStep: boolean;
}

/**
 * Probabilities below this count as this when taking −log p, so a float32 softmax that rounds a
 * wrong class's probability to 0 gives a large but finite cross-entropy (−ln 1e-30 ≈ 69 nats).
 */
export const MIN_PROBABILITY = 1e-30;

export function headsOf(analysis: Analysis): Head[] {
  return [...analysis.nodes].flatMap(([node, n]) => {
    const input = n.inputs.in;
    if (!isOutput(n.block) || input === undefined) return [];
    return [{ node, loss: n.params.loss as LossKind, size: input.size, perStep: input.kind === 'sequence' }];
  });
}

interface Sums {
  right: number;
  crossEntropy: number;
  squaredError: number;
  count: number;
}

/** Sums over an epoch's batches (or chunks of them); `result` turns them into metrics. */
export class MetricSums {
  private readonly sums: Sums[];

  constructor(private readonly heads: readonly Head[]) {
    this.sums = heads.map(() => ({ right: 0, crossEntropy: 0, squaredError: 0, count: 0 }));
  }

  /** Adds one run's predictions against the targets `y` it was fed (the same rows and steps). */
  add(outputs: Outputs, y: Tensor): void {
    this.heads.forEach((head, h) => {
      const prediction = outputs[`out:${head.node}`]?.data;
      if (!prediction) throw new Error(`the run returned no prediction 'out:${head.node}'`);
      const s = this.sums[h];
      switch (head.loss) {
        case 'softmaxCrossEntropy': {
          const classes = head.size;
          for (let i = 0; i < y.data.length; i++) {
            const row = i * classes;
            let best = 0;
            for (let k = 1; k < classes; k++) if (prediction[row + k] > prediction[row + best]) best = k;
            const target = y.data[i];
            if (best === target) s.right++;
            s.crossEntropy -= Math.log(Math.max(prediction[row + target] ?? 0, MIN_PROBABILITY));
          }
          s.count += y.data.length;
          break;
        }
        case 'meanSquaredError':
          for (let i = 0; i < y.data.length; i++) s.squaredError += (prediction[i] - y.data[i]) ** 2;
          s.count += y.data.length;
          break;
        case 'binaryCrossEntropy':
          break;
      }
    });
  }

  result(): Record<string, number> {
    const out: Record<string, number> = {};
    const name = (head: Head, metric: string) => (this.heads.length === 1 ? metric : `${head.node}.${metric}`);
    this.heads.forEach((head, h) => {
      const s = this.sums[h];
      if (s.count === 0) return;
      if (head.loss === 'softmaxCrossEntropy') {
        out[name(head, 'accuracy')] = s.right / s.count;
        if (head.perStep) out[name(head, 'perplexity')] = Math.exp(s.crossEntropy / s.count);
      } else if (head.loss === 'meanSquaredError') out[name(head, 'mse')] = s.squaredError / s.count;
    });
    return out;
  }
}
