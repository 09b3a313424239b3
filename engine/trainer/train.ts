/**
 * The training loop: mini-batches, an optimizer with a learning-rate schedule, clipping by value
 * and by global norm, truncated BPTT, a validation split with early stopping, epoch metrics, a
 * NaN/Inf guard that keeps the last good weights, cancellation, and a typed event stream. The same
 * seed gives the same weights, the same split and batch order, and so the same losses.
 *
 * Truncated BPTT (settings.truncatedBptt = {steps: k}) cuts every batch's sequences into chunks of
 * k steps, run in order: each chunk starts from the state the previous one ended with, and its
 * gradient stops at its first step. With a target per step, every chunk is an optimizer step; with
 * one target per sequence, only the last chunk has a loss to learn from, so the earlier ones run
 * forward to carry the state and the last one takes the step.
 *
 * Dropout acts in the train steps only, with masks drawn fresh for every step from a generator
 * seeded by settings.seed; validation (and the forward-only chunks above) run without it.
 */
import type { WeightInfo } from '../compiler/compile.ts';
import { CompileError } from '../graph/diagnostics.ts';
import { Random } from '../datasets/random.ts';
import type { Dataset } from '../datasets/types.ts';
import type { Executor, ExecutorInfo, Output } from '../executors/index.ts';
import type { GraphDocument, ResolvedTraining } from '../graph/schema.ts';
import { initWeights, type Weights } from '../model/init.ts';
import { batchesOf, chunksOf } from './batches.ts';
import { EarlyStopper } from './early-stopping.ts';
import { headsOf, type Head, MetricSums } from './metrics.ts';
import { clipByGlobalNorm, clipByValue, createOptimizer, globalNorm } from './optimizers.ts';
import { learningRateAt } from './schedules.ts';
import { splitExamples } from './split.ts';
import { StepRunner } from './step-runner.ts';

export { graphKey } from './graph-key.ts';

export type EndReason = 'completed' | 'cancelled' | 'diverged' | 'target-reached' | 'early-stopped';

/** ‖∂loss/∂h_t‖ (over the batch and the state's units) of one recurrent state, for t = start, start + 1, … */
export interface StateGradNorms {
  /** The delay that carries the state ('<block>.h', '<block>.c', …). */
  readonly delay: string;
  readonly block: string;
  /** The time step of norms[0] (the chunk's first step under truncated BPTT, else 0). */
  readonly start: number;
  readonly norms: readonly number[];
}

/** Loss and metrics of one pass over some examples. */
export interface Evaluation {
  readonly loss: number;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface EpochRecord extends Evaluation {
  readonly epoch: number;
  /** On the held-out examples, with the weights at the end of the epoch (only with a validation split). */
  readonly validation?: Evaluation;
}

export type TrainEvent =
  | {
      type: 'start';
      executor: ExecutorInfo;
      /** Why a faster executor is not in use (null: it is). */
      executorReason: string | null;
      /** Every example of the dataset, held-out ones included. */
      examples: number;
      /** Held out for validation (0 without a split). */
      validationExamples: number;
      steps: number;
      batchSize: number;
      batchesPerEpoch: number;
      /** Chunks each batch's sequences are cut into (1 without truncated BPTT). */
      chunksPerBatch: number;
      /** Optimizer steps per epoch: a batch per step, or under truncated BPTT with a target at every step, a chunk. */
      stepsPerEpoch: number;
      epochs: number;
      parameters: number;
    }
  | {
      type: 'step';
      epoch: number;
      batch: number;
      step: number;
      loss: number;
      /** Global L2 norm of the gradients before any clipping. */
      gradNorm: number;
      /** Clipping changed the gradients (by value, by norm or both). */
      clipped: boolean;
      clippedValue: boolean;
      clippedNorm: boolean;
      stepsPerSecond: number;
      /** Under truncated BPTT: which chunk of the batch this step trained (1-based). */
      chunk?: number;
      /** When gradientNormsOverTime asks for this step. */
      stateGradNorms?: readonly StateGradNorms[];
    }
  | {
      type: 'epoch';
      epoch: number;
      loss: number;
      metrics: Readonly<Record<string, number>>;
      seconds: number;
      /** The learning rate this epoch trained with. */
      learningRate: number;
      validation?: Evaluation;
    }
  | {
      type: 'end';
      reason: EndReason;
      message: string;
      epochs: number;
      steps: number;
      loss: number | null;
      /** With early stopping, when the run completed or stopped early: the best epoch, whose weights it returns. */
      best?: { epoch: number; loss: number; monitor: 'validation' | 'training' };
    };

export interface TrainOptions {
  readonly graph: GraphDocument;
  readonly dataset: Dataset;
  readonly settings: ResolvedTraining;
  readonly executor: Executor;
  readonly executorReason?: string | null;
  /** Start from these weights (by IR param name) instead of fresh ones. */
  readonly weights?: Weights;
  readonly signal?: AbortSignal;
  /**
   * Awaited before each step: a pause is a promise that resolves on resume. Cancelling through
   * `signal` ends the wait at once, so a paused run can still be stopped. Time spent waiting does
   * not count towards steps per second or an epoch's seconds.
   */
  readonly gate?: () => Promise<void>;
  readonly onEvent?: (e: TrainEvent) => void;
}

export interface TrainResult {
  readonly weights: Weights;
  readonly weightInfo: readonly WeightInfo[];
  readonly history: readonly EpochRecord[];
  readonly end: Extract<TrainEvent, { type: 'end' }>;
}

/** Waits for `gate` or for `signal` to abort, whichever comes first; returns the milliseconds waited. */
async function passGate(gate: (() => Promise<void>) | undefined, signal: AbortSignal | undefined): Promise<number> {
  if (!gate || signal?.aborted) return 0;
  const started = performance.now();
  if (!signal) await gate();
  else {
    let onAbort = () => {};
    const aborted = new Promise<void>((resolve) => {
      onAbort = resolve;
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([gate(), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
  return performance.now() - started;
}

/** The norm of each row t of every 'gradState:<delay>' output ([T, …] → T norms). */
function stateGradNorms(outputs: Readonly<Record<string, Output>>, delays: ReadonlyMap<string, string>, start: number): StateGradNorms[] {
  return [...delays].flatMap(([delay, block]) => {
    const g = outputs[`gradState:${delay}`];
    if (!g) return [];
    const steps = g.shape[0];
    const size = g.data.length / steps;
    const norms = Array.from({ length: steps }, (_, t) => {
      let s = 0;
      for (let i = t * size; i < (t + 1) * size; i++) s += g.data[i] * g.data[i];
      return Math.sqrt(s);
    });
    return [{ delay, block, start, norms }];
  });
}

const copyOf = (weights: Weights): Weights => new Map([...weights].map(([k, v]) => [k, v.slice()]));

/** Runs `compile`; a stateful compile refused for a backward recurrence says why truncated BPTT needs one. */
function compileExplained<T>(compile: () => T): T {
  try {
    return compile();
  } catch (e) {
    if (!(e instanceof CompileError) || !e.diagnostics.some((d) => d.code === 'time-direction')) throw e;
    throw new CompileError(
      e.diagnostics.map((d) =>
        d.code === 'time-direction'
          ? { ...d, message: `truncated BPTT carries the state forward from chunk to chunk, which a recurrence that runs backward in time cannot do (${d.message}); set truncatedBptt to null to train this graph` }
          : d,
      ),
    );
  }
}

export async function train(o: TrainOptions): Promise<TrainResult> {
  const { dataset, settings, executor } = o;
  const emit = o.onEvent ?? (() => {});
  const runner = new StepRunner(o.graph, dataset, executor);
  const split = splitExamples(dataset.size, settings.validationSplit, settings.seed);
  const batchSize = Math.min(settings.batchSize, split.train.length);
  const truncated = settings.truncatedBptt !== null;
  const windows = chunksOf(dataset.steps, settings.truncatedBptt?.steps ?? dataset.steps);
  const first = compileExplained(() => runner.compile(windows[0].length, batchSize, truncated));
  const weightInfo = first.weights;
  const weights = o.weights ? new Map([...o.weights].map(([k, v]) => [k, Float32Array.from(v)])) : initWeights(weightInfo, settings.seed);
  const optimizer = createOptimizer(settings.optimizer);
  const shuffler = new Random(settings.seed ^ 0x5eed);
  // Dropout masks: a stream of their own, so dropout does not change the batch order.
  const dropout = new Random(settings.seed ^ 0xd2097);
  const order = [...split.train];
  const batchesPerEpoch = Math.ceil(order.length / batchSize);
  const heads: Head[] = headsOf(first.analysis);
  const delays = new Map(first.cell.nodes.flatMap((n) => (n.kind === 'delay' && n.input !== null ? [[n.name, n.block] as const] : [])));
  const normsEvery = settings.gradientNormsOverTime === true ? 1 : settings.gradientNormsOverTime === false ? 0 : settings.gradientNormsOverTime;
  const stopper = settings.earlyStopping ? new EarlyStopper(settings.earlyStopping.patience, settings.earlyStopping.minDelta) : null;
  const monitor = split.validation.length > 0 ? ('validation' as const) : ('training' as const);
  let bestWeights: Weights | null = null;

  emit({
    type: 'start',
    executor: executor.describe(),
    executorReason: o.executorReason ?? null,
    examples: dataset.size,
    validationExamples: split.validation.length,
    steps: dataset.steps,
    batchSize,
    batchesPerEpoch,
    chunksPerBatch: windows.length,
    stepsPerEpoch: batchesPerEpoch * (dataset.y.perStep ? windows.length : 1),
    epochs: settings.epochs,
    parameters: weightInfo.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0),
  });

  const history: EpochRecord[] = [];
  let step = 0;
  let lastLoss: number | null = null;
  const end = (reason: EndReason, message: string, epochs: number): TrainResult => {
    // A run that finishes (all epochs, or stopped early) hands back its best epoch's weights; a
    // cancelled or diverged one keeps the weights it has, as without early stopping.
    const best = reason === 'completed' || reason === 'early-stopped' ? stopper?.best : null;
    if (best && bestWeights) for (const [k, v] of bestWeights) weights.get(k)!.set(v);
    const e = { type: 'end' as const, reason, message, epochs, steps: step, loss: lastLoss, ...(best ? { best: { ...best, monitor } } : {}) };
    emit(e);
    return { weights, weightInfo, history, end: e };
  };

  /** Loss and metrics of the forward pass over the held-out examples, in batches. */
  const validate = async (): Promise<Evaluation> => {
    const sums = new MetricSums(heads);
    let lossSum = 0;
    for (const rows of batchesOf(split.validation, batchSize)) {
      const { outputs, y } = await runner.run({ pass: 'forward', rows }, weights);
      lossSum += outputs.loss.data[0] * rows.length;
      sums.add(outputs, y);
    }
    return { loss: lossSum / split.validation.length, metrics: sums.result() };
  };

  let window = { started: performance.now(), steps: 0 };
  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    let started = performance.now();
    const learningRate = learningRateAt(settings.schedule, settings.optimizer.learningRate, epoch);
    optimizer.learningRate = learningRate;
    shuffler.shuffle(order);
    let lossSum = 0;
    let seen = 0;
    const sums = new MetricSums(heads);
    const batches = batchesOf(order, batchSize);
    for (let bi = 0; bi < batches.length; bi++) {
      const rows = batches[bi];
      // Truncated BPTT: every delay starts the batch from zeros and carries its state chunk to chunk.
      let states: Map<string, Float32Array> | undefined = truncated
        ? new Map(runner.compile(windows[0].length, rows.length, true).states.map((s) => [s.name, new Float32Array(s.shape.reduce((a, b) => a * b, 1))]))
        : undefined;
      for (let ci = 0; ci < windows.length; ci++) {
        const chunk = windows[ci];
        const where = `epoch ${epoch}, batch ${bi + 1}${truncated ? `, chunk ${ci + 1}` : ''}`;
        const paused = await passGate(o.gate, o.signal);
        started += paused;
        window.started += paused;
        if (o.signal?.aborted) return end('cancelled', `stopped at epoch ${epoch}, step ${step}`, epoch - 1);
        const carry = (outputs: Readonly<Record<string, Output>>) =>
          states && new Map([...states.keys()].map((name) => [name, outputs[`final:${name}`].data]));
        if (truncated && !dataset.y.perStep && ci < windows.length - 1) {
          // One target per sequence: nothing to learn before the last chunk, only state to carry.
          states = carry((await runner.run({ pass: 'forward', rows, window: chunk, states }, weights)).outputs);
          continue;
        }
        const wantNorms = normsEvery > 0 && step % normsEvery === 0;
        const { outputs, y } = await runner.run({ pass: 'train', rows, window: chunk, states, stateGradients: wantNorms, dropout }, weights);
        const loss = outputs.loss.data[0];
        const grads = new Map(weightInfo.map((w) => [w.param, outputs[`grad:${w.param}`].data]));
        const norm = globalNorm(grads);
        if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
          return end(
            'diverged',
            `the loss became ${Number.isFinite(loss) ? 'finite but the gradient norm is ' + norm : loss} at ${where}; the weights from the last good step are kept. Lower the learning rate or set clipNorm.`,
            epoch - 1,
          );
        }
        // Keras's order: each element clamped first, then all rescaled to the global norm.
        const clippedValue = settings.clipValue !== null && clipByValue(grads, settings.clipValue);
        const clippedNorm = settings.clipNorm !== null && clipByGlobalNorm(grads, clippedValue ? globalNorm(grads) : norm, settings.clipNorm);
        const before = copyOf(weights);
        optimizer.step(weights, grads);
        const overflowed = [...weights].find(([, w]) => !w.every(Number.isFinite));
        if (overflowed) {
          for (const [k, v] of before) weights.get(k)!.set(v);
          return end(
            'diverged',
            `the update at ${where} made weight '${overflowed[0]}' overflow; the weights from the last good step are kept. Lower the learning rate or set clipNorm.`,
            epoch - 1,
          );
        }
        step++;
        lastLoss = loss;
        // The loss is a mean over the chunk's steps: weighted by its share of the sequence, the
        // chunks of a batch add up to the loss of the whole sequence.
        const share = truncated && dataset.y.perStep ? chunk.length / dataset.steps : 1;
        lossSum += loss * rows.length * share;
        sums.add(outputs, y);
        states = carry(outputs);
        window.steps++;
        const now = performance.now();
        const stepsPerSecond = (window.steps * 1000) / Math.max(now - window.started, 1e-3);
        if (now - window.started > 2000) window = { started: now, steps: 0 };
        const norms = wantNorms ? stateGradNorms(outputs, delays, chunk.start) : [];
        emit({
          type: 'step',
          epoch,
          batch: bi + 1,
          step,
          loss,
          gradNorm: norm,
          clipped: clippedValue || clippedNorm,
          clippedValue,
          clippedNorm,
          stepsPerSecond,
          ...(truncated ? { chunk: ci + 1 } : {}),
          ...(norms.length > 0 ? { stateGradNorms: norms } : {}),
        });
        // Let cancellation and other events through between steps.
        await new Promise<void>((r) => setImmediate(r));
      }
      seen += rows.length;
    }
    const meanLoss = lossSum / seen;
    const metrics = sums.result();
    const validation = split.validation.length > 0 ? await validate() : undefined;
    history.push({ epoch, loss: meanLoss, metrics, ...(validation ? { validation } : {}) });
    emit({ type: 'epoch', epoch, loss: meanLoss, metrics, seconds: (performance.now() - started) / 1000, learningRate, ...(validation ? { validation } : {}) });
    if (settings.targetLoss !== null && meanLoss <= settings.targetLoss)
      return end('target-reached', `mean loss ${meanLoss.toPrecision(4)} reached the target ${settings.targetLoss} at epoch ${epoch}`, epoch);
    if (stopper) {
      const verdict = stopper.update(epoch, validation?.loss ?? meanLoss);
      if (verdict === 'improved') bestWeights = copyOf(weights);
      if (verdict === 'stop') {
        const { patience, minDelta } = stopper;
        const best = stopper.best;
        const since = best ? `epoch ${best.epoch} (${monitor} loss ${best.loss.toPrecision(4)})` : 'the start';
        return end(
          'early-stopped',
          `the ${monitor} loss has not improved${minDelta > 0 ? ` by more than ${minDelta}` : ''} for ${patience} epoch${patience === 1 ? '' : 's'} since ${since}; stopped after epoch ${epoch}${best ? ` and restored the weights of epoch ${best.epoch}` : ''}`,
          epoch,
        );
      }
    }
  }
  const best = stopper?.best;
  const kept = best && best.epoch !== settings.epochs ? `; kept the weights of epoch ${best.epoch}, whose ${monitor} loss ${best.loss.toPrecision(4)} was the lowest` : '';
  return end('completed', `trained ${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'}${kept}`, settings.epochs);
}
