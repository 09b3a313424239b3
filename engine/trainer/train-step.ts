/**
 * One optimizer step: the train pass on one batch (or one chunk of it under truncated BPTT), the
 * NaN/Inf guard, clipping by value and by global norm, and the update, undone when it overflows.
 */
import type { Outputs, Tensor } from '../executors/index.ts';
import type { Random } from '../datasets/random.ts';
import type { WeightInfo } from '../compiler/compile.ts';
import type { Weights } from '../model/init.ts';
import type { TimeWindow } from './batches.ts';
import { clipByGlobalNorm, clipByValue, globalNorm, type OptimizerState } from './optimizers.ts';
import type { StepRunner } from './step-runner.ts';

export interface StepSpec {
  readonly rows: readonly number[];
  readonly window: TimeWindow;
  /** Each delay's state at the window's start, under truncated BPTT. */
  readonly states: ReadonlyMap<string, Float32Array> | undefined;
  /** Also compute ∂loss/∂h_t of every recurrent state. */
  readonly stateGradients: boolean;
  readonly dropout: Random;
  /** Where the step is, for a message: 'epoch 3, batch 2, chunk 1'. */
  readonly where: string;
}

export interface StepContext {
  readonly runner: StepRunner;
  readonly weightInfo: readonly WeightInfo[];
  readonly optimizer: OptimizerState;
  readonly clipValue: number | null;
  readonly clipNorm: number | null;
}

export type StepOutcome =
  | {
      readonly ok: true;
      readonly loss: number;
      /** Global L2 norm of the gradients before any clipping. */
      readonly gradNorm: number;
      readonly clippedValue: boolean;
      readonly clippedNorm: boolean;
      readonly outputs: Outputs;
      /** The targets the step was fed. */
      readonly y: Tensor;
    }
  /** The loss, the gradients or the updated weights were not finite; `weights` are as before the step. */
  | { readonly ok: false; readonly message: string };

export const copyOf = (weights: Weights): Weights => new Map([...weights].map(([k, v]) => [k, v.slice()]));

/**
 * Runs the train pass and updates `weights` in place. Throws what the runner throws; a step that
 * diverges is an outcome, not an error, and leaves `weights` untouched.
 */
export async function trainStep(c: StepContext, spec: StepSpec, weights: Weights): Promise<StepOutcome> {
  const { outputs, y } = await c.runner.run(
    { pass: 'train', rows: spec.rows, window: spec.window, states: spec.states, stateGradients: spec.stateGradients, dropout: spec.dropout },
    weights,
  );
  const loss = outputs.loss.data[0];
  const grads = new Map(c.weightInfo.map((w) => [w.param, outputs[`grad:${w.param}`].data]));
  const norm = globalNorm(grads);
  if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
    const what = Number.isFinite(loss) ? 'finite but the gradient norm is ' + norm : loss;
    return { ok: false, message: `the loss became ${what} at ${spec.where}; the weights from the last good step are kept. Lower the learning rate or set clipNorm.` };
  }
  // Keras's order: each element clamped first, then all rescaled to the global norm.
  const clippedValue = c.clipValue !== null && clipByValue(grads, c.clipValue);
  const clippedNorm = c.clipNorm !== null && clipByGlobalNorm(grads, clippedValue ? globalNorm(grads) : norm, c.clipNorm);
  const before = copyOf(weights);
  c.optimizer.step(weights, grads);
  const overflowed = [...weights].find(([, w]) => !w.every(Number.isFinite));
  if (overflowed) {
    for (const [k, v] of before) weights.get(k)!.set(v);
    return { ok: false, message: `the update at ${spec.where} made weight '${overflowed[0]}' overflow; the weights from the last good step are kept. Lower the learning rate or set clipNorm.` };
  }
  return { ok: true, loss, gradNorm: norm, clippedValue, clippedNorm, outputs, y };
}
