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
import { freemem } from 'node:os';
import { type Budgets, checkActivationMemory, DEFAULT_BUDGETS } from '../compiler/budgets.ts';
import type { Compiled, WeightInfo } from '../compiler/compile.ts';
import { CompileError } from '../graph/diagnostics.ts';
import { Random } from '../datasets/random.ts';
import { checkWeightsAgainst } from '../model/file.ts';
import type { Dataset } from '../datasets/types.ts';
import type { Executor, ExecutorInfo, Outputs } from '../executors/index.ts';
import type { GraphDocument, ResolvedTraining } from '../graph/schema.ts';
import { initWeightsAsync, type Weights } from '../model/init.ts';
import { batchesOf, chunksOf, type TimeWindow } from './batches.ts';
import { EarlyStopper } from './early-stopping.ts';
import { headsOf, type Head, MetricSums } from './metrics.ts';
import { createOptimizer, type OptimizerState } from './optimizers.ts';
import { learningRateAt } from './schedules.ts';
import { type ExampleSplit, splitExamples } from './split.ts';
import { positionProblem, type TrainerPosition } from './position.ts';
import { StepRunner } from './step-runner.ts';
import { copyOf, type StepContext, trainStep } from './train-step.ts';

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

/**
 * What a run does before its first step, each reported as it goes: generating the dataset (done
 * by whoever hands train() its dataset), compiling, initialising the weights and preparing the
 * executor (building the ONNX Runtime session, which cannot be interrupted).
 */
export type SetupPhase = 'dataset' | 'compile' | 'initialise' | 'prepare';

const DOING: Record<SetupPhase, string> = {
  dataset: 'generating the dataset',
  compile: 'compiling the graph',
  initialise: 'initialising the weights',
  prepare: 'preparing the executor',
};

/** How far a run is in setting up: `done` of `total` units of a phase (parameters for 'initialise', else a fraction of 1). */
export interface SetupProgress {
  readonly phase: SetupPhase;
  readonly done: number;
  readonly total: number;
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
      /** Going on from a position: the epochs and steps it had already trained. */
      resumedFrom?: { epoch: number; step: number };
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
  /** Go on from where a run stood after an epoch (its weights, optimizer, order and random streams); wins over `weights`. */
  readonly resume?: TrainerPosition;
  /**
   * After every epoch that does not end the run: where it stands, built only when called (it
   * copies the weights and the optimizer's slots), to be saved as a checkpoint.
   */
  readonly onEpochEnd?: (position: () => TrainerPosition, weightInfo: readonly WeightInfo[]) => void;
  /** Stops the run: between steps it ends as 'cancelled'; before the first step train() rejects with TrainingCancelled. */
  readonly signal?: AbortSignal;
  /** Steps and parameters beyond which compiling is refused, and the memory a train step may take (default DEFAULT_BUDGETS). */
  readonly budgets?: Budgets;
  /**
   * Awaited before each step: a pause is a promise that resolves on resume. Cancelling through
   * `signal` ends the wait at once, so a paused run can still be stopped. Time spent waiting does
   * not count towards steps per second or an epoch's seconds.
   */
  readonly gate?: () => Promise<void>;
  readonly onEvent?: (e: TrainEvent) => void;
  /** While the run sets up, before its start event. */
  readonly onProgress?: (p: SetupProgress) => void;
}

export interface TrainResult {
  readonly weights: Weights;
  readonly weightInfo: readonly WeightInfo[];
  readonly history: readonly EpochRecord[];
  readonly end: Extract<TrainEvent, { type: 'end' }>;
}

/** A run stopped before its first step: it has no weights to hand back. */
export class TrainingCancelled extends Error {
  constructor(readonly phase: SetupPhase) {
    super(`stopped while ${DOING[phase]}`);
  }
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
function stateGradNorms(outputs: Outputs, delays: ReadonlyMap<string, string>, start: number): StateGradNorms[] {
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

/** Runs `compile`; a stateful compile refused for a backward recurrence says why truncated BPTT needs one. */
async function compileExplained<T>(compile: () => Promise<T>): Promise<T> {
  try {
    return await compile();
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

/** What a run settles before its first step and does not change afterwards (but the weights, updated in place). */
interface Setup {
  readonly o: TrainOptions;
  readonly runner: StepRunner;
  readonly split: ExampleSplit;
  readonly batchSize: number;
  readonly truncated: boolean;
  /** The chunks each batch's sequences are cut into (one window of every step without truncated BPTT). */
  readonly windows: readonly TimeWindow[];
  readonly weightInfo: readonly WeightInfo[];
  readonly weights: Weights;
  readonly optimizer: OptimizerState;
  /** What every optimizer step needs besides its batch. */
  readonly stepContext: StepContext;
  readonly shuffler: Random;
  readonly dropout: Random;
  readonly heads: readonly Head[];
  /** Delay name → the block it belongs to, for the gradient norms over time. */
  readonly delays: ReadonlyMap<string, string>;
  /** Every how many steps the gradient norms over time are computed (0: never). */
  readonly normsEvery: number;
  readonly stopper: EarlyStopper | null;
  readonly monitor: 'validation' | 'training';
  readonly emit: (e: TrainEvent) => void;
}

/** What changes as the run goes. */
interface Progress {
  step: number;
  lastLoss: number | null;
  readonly history: EpochRecord[];
  /** The weights at the best epoch so far, with early stopping. */
  bestWeights: Weights | null;
  /** Steps per second are measured over a window of about two seconds. */
  speed: { started: number; steps: number };
}

/** How a run ends: the reason, the message and the epochs completed. */
type Ending = readonly [reason: EndReason, message: string, epochs: number];

/**
 * Compiles the graph for the first chunk, checks one train step's memory against the budget, and
 * sets up the weights, the optimizer, the split and the random streams. The weights are made in
 * slices that give the event loop back, so the run can be stopped meanwhile. Throws BudgetError,
 * CompileError, and TrainingCancelled when `o.signal` aborts first.
 */
async function setUp(o: TrainOptions, runner: StepRunner): Promise<Setup> {
  const { dataset, settings } = o;
  const budgets = o.budgets ?? DEFAULT_BUDGETS;
  const emit = o.onEvent ?? (() => {});
  const report = o.onProgress ?? (() => {});
  const split = splitExamples(dataset.size, settings.validationSplit, settings.seed);
  const batchSize = Math.min(settings.batchSize, split.train.length);
  const truncated = settings.truncatedBptt !== null;
  const windows = chunksOf(dataset.steps, settings.truncatedBptt?.steps ?? dataset.steps);
  report({ phase: 'compile', done: 0, total: 1 });
  let first: Compiled;
  try {
    first = await compileExplained(() =>
      runner.compile(windows[0].length, batchSize, truncated, false, { signal: o.signal, onProgress: (done) => report({ phase: 'compile', done, total: 1 }) }),
    );
  } catch (e) {
    if (o.signal?.aborted) throw new TrainingCancelled('compile');
    throw e;
  }
  checkActivationMemory(first.train, budgets.memoryBytes, freemem());
  report({ phase: 'compile', done: 1, total: 1 });
  // Let a stop that came in while compiling through before the weights are made.
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (o.signal?.aborted) throw new TrainingCancelled('compile');
  const given = o.resume?.weights ?? o.weights;
  let weights: Weights;
  if (given) {
    const problems = checkWeightsAgainst(first.weights, given);
    if (problems.length > 0) throw new Error(`the weights to start from do not fit the graph: ${problems.join('; ')}`);
    if (o.resume) {
      const why = positionProblem(o.resume, split.train, settings.epochs);
      if (why) throw new Error(`cannot go on from epoch ${o.resume.epoch}: ${why}`);
    }
    weights = new Map([...given].map(([k, v]) => [k, Float32Array.from(v)]));
  } else
    try {
      weights = await initWeightsAsync(first.weights, settings.seed, { signal: o.signal, onProgress: (p) => report({ phase: 'initialise', ...p }) });
    } catch (e) {
      if (o.signal?.aborted) throw new TrainingCancelled('initialise');
      throw e;
    }
  const normsEvery = settings.gradientNormsOverTime === true ? 1 : settings.gradientNormsOverTime === false ? 0 : settings.gradientNormsOverTime;
  // The program the first step runs: a forward pass when the first chunk only carries state.
  const firstPass = truncated && !dataset.y.perStep && windows.length > 1 ? 'forward' : 'train';
  report({ phase: 'prepare', done: 0, total: 1 });
  await runner.prepare(firstPass, windows[0].length, batchSize, truncated, firstPass === 'train' && normsEvery > 0);
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (o.signal?.aborted) throw new TrainingCancelled('prepare');
  report({ phase: 'prepare', done: 1, total: 1 });
  const optimizer = createOptimizer(settings.optimizer, o.resume?.optimizer);
  const resumed = o.resume;
  return {
    o,
    runner,
    split,
    batchSize,
    truncated,
    windows,
    weightInfo: first.weights,
    weights,
    optimizer,
    stepContext: { runner, weightInfo: first.weights, optimizer, clipValue: settings.clipValue, clipNorm: settings.clipNorm },
    shuffler: resumed ? Random.at(resumed.shuffler) : new Random(settings.seed ^ 0x5eed),
    // Dropout masks: a stream of their own, so dropout does not change the batch order.
    dropout: resumed ? Random.at(resumed.dropout) : new Random(settings.seed ^ 0xd2097),
    heads: headsOf(first.analysis),
    delays: new Map(first.cell.nodes.flatMap((n) => (n.kind === 'delay' && n.input !== null ? [[n.name, n.block] as const] : []))),
    normsEvery,
    stopper: settings.earlyStopping ? new EarlyStopper(settings.earlyStopping.patience, settings.earlyStopping.minDelta, resumed?.stopper ?? undefined) : null,
    monitor: split.validation.length > 0 ? 'validation' : 'training',
    emit,
  };
}

function startEvent(s: Setup): TrainEvent {
  const { dataset, settings } = s.o;
  const batchesPerEpoch = Math.ceil(s.split.train.length / s.batchSize);
  return {
    type: 'start',
    executor: s.o.executor.describe(),
    executorReason: s.o.executorReason ?? null,
    examples: dataset.size,
    validationExamples: s.split.validation.length,
    steps: dataset.steps,
    batchSize: s.batchSize,
    batchesPerEpoch,
    chunksPerBatch: s.windows.length,
    stepsPerEpoch: batchesPerEpoch * (dataset.y.perStep ? s.windows.length : 1),
    epochs: settings.epochs,
    parameters: s.weightInfo.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0),
    ...(s.o.resume ? { resumedFrom: { epoch: s.o.resume.epoch, step: s.o.resume.step } } : {}),
  };
}

/** Where the run stands after `epoch`, with copies of everything that changes as it goes on. */
function positionOf(s: Setup, p: Progress, order: readonly number[], epoch: number): TrainerPosition {
  return {
    epoch,
    step: p.step,
    lastLoss: p.lastLoss,
    order: [...order],
    weights: copyOf(s.weights),
    optimizer: s.optimizer.saved(),
    shuffler: s.shuffler.position,
    dropout: s.dropout.position,
    stopper: s.stopper?.position ?? null,
    bestWeights: p.bestWeights ? copyOf(p.bestWeights) : null,
    history: [...p.history],
  };
}

/** Loss and metrics of the forward pass over the held-out examples, in batches. */
async function validate(s: Setup): Promise<Evaluation> {
  const sums = new MetricSums(s.heads);
  let lossSum = 0;
  for (const rows of batchesOf(s.split.validation, s.batchSize)) {
    const { outputs, y } = await s.runner.run({ pass: 'forward', rows }, s.weights);
    lossSum += outputs.loss.data[0] * rows.length;
    sums.add(outputs, y);
  }
  return { loss: lossSum / s.split.validation.length, metrics: sums.result() };
}

/** An epoch's sums as its batches add to them. */
interface EpochTally {
  lossSum: number;
  seen: number;
  readonly sums: MetricSums;
  /** Milliseconds spent paused, which do not count towards the epoch's seconds. */
  paused: number;
}

/**
 * Trains on one batch: chunk by chunk under truncated BPTT, carrying the state, else in one step.
 * Returns how the run ends when it is cancelled or diverges here, else null.
 */
async function trainBatch(s: Setup, p: Progress, tally: EpochTally, epoch: number, bi: number, rows: readonly number[]): Promise<Ending | null> {
  const { o, runner, windows, truncated } = s;
  const { dataset } = o;
  // Truncated BPTT: every delay starts the batch from zeros and carries its state chunk to chunk.
  let states: Map<string, Float32Array> | undefined = truncated
    ? new Map((await runner.compile(windows[0].length, rows.length, true)).states.map((st) => [st.name, new Float32Array(st.shape.reduce((a, b) => a * b, 1))]))
    : undefined;
  const carry = (outputs: Outputs) => states && new Map([...states.keys()].map((name) => [name, outputs[`final:${name}`].data]));
  for (let ci = 0; ci < windows.length; ci++) {
    const chunk = windows[ci];
    const paused = await passGate(o.gate, o.signal);
    tally.paused += paused;
    p.speed.started += paused;
    if (o.signal?.aborted) return ['cancelled', `stopped at epoch ${epoch}, step ${p.step}`, epoch - 1];
    if (truncated && !dataset.y.perStep && ci < windows.length - 1) {
      // One target per sequence: nothing to learn before the last chunk, only state to carry.
      states = carry((await runner.run({ pass: 'forward', rows, window: chunk, states }, s.weights)).outputs);
      continue;
    }
    const wantNorms = s.normsEvery > 0 && p.step % s.normsEvery === 0;
    const where = `epoch ${epoch}, batch ${bi + 1}${truncated ? `, chunk ${ci + 1}` : ''}`;
    const outcome = await trainStep(s.stepContext, { rows, window: chunk, states, stateGradients: wantNorms, dropout: s.dropout, where }, s.weights);
    if (!outcome.ok) return ['diverged', outcome.message, epoch - 1];
    const { loss, outputs } = outcome;
    p.step++;
    p.lastLoss = loss;
    // The loss is a mean over the chunk's steps: weighted by its share of the sequence, the
    // chunks of a batch add up to the loss of the whole sequence.
    const share = truncated && dataset.y.perStep ? chunk.length / dataset.steps : 1;
    tally.lossSum += loss * rows.length * share;
    tally.sums.add(outputs, outcome.y);
    states = carry(outputs);
    p.speed.steps++;
    const now = performance.now();
    const stepsPerSecond = (p.speed.steps * 1000) / Math.max(now - p.speed.started, 1e-3);
    if (now - p.speed.started > 2000) p.speed = { started: now, steps: 0 };
    const norms = wantNorms ? stateGradNorms(outputs, s.delays, chunk.start) : [];
    s.emit({
      type: 'step',
      epoch,
      batch: bi + 1,
      step: p.step,
      loss,
      gradNorm: outcome.gradNorm,
      clipped: outcome.clippedValue || outcome.clippedNorm,
      clippedValue: outcome.clippedValue,
      clippedNorm: outcome.clippedNorm,
      stepsPerSecond,
      ...(truncated ? { chunk: ci + 1 } : {}),
      ...(norms.length > 0 ? { stateGradNorms: norms } : {}),
    });
    // Let cancellation and other events through between steps.
    await new Promise<void>((r) => setImmediate(r));
  }
  tally.seen += rows.length;
  return null;
}

/**
 * Closes an epoch: validation, the history and the epoch event, then the target loss and early
 * stopping. Returns how the run ends when one of them ends it, else null.
 */
async function closeEpoch(s: Setup, p: Progress, tally: EpochTally, epoch: number, started: number, learningRate: number): Promise<Ending | null> {
  const { settings } = s.o;
  const meanLoss = tally.lossSum / tally.seen;
  const metrics = tally.sums.result();
  const validation = s.split.validation.length > 0 ? await validate(s) : undefined;
  p.history.push({ epoch, loss: meanLoss, metrics, ...(validation ? { validation } : {}) });
  const seconds = (performance.now() - started - tally.paused) / 1000;
  s.emit({ type: 'epoch', epoch, loss: meanLoss, metrics, seconds, learningRate, ...(validation ? { validation } : {}) });
  if (settings.targetLoss !== null && meanLoss <= settings.targetLoss)
    return ['target-reached', `mean loss ${meanLoss.toPrecision(4)} reached the target ${settings.targetLoss} at epoch ${epoch}`, epoch];
  const { stopper, monitor } = s;
  if (!stopper) return null;
  const verdict = stopper.update(epoch, validation?.loss ?? meanLoss);
  if (verdict === 'improved') p.bestWeights = copyOf(s.weights);
  if (verdict !== 'stop') return null;
  const { patience, minDelta } = stopper;
  const best = stopper.best;
  const since = best ? `epoch ${best.epoch} (${monitor} loss ${best.loss.toPrecision(4)})` : 'the start';
  return [
    'early-stopped',
    `the ${monitor} loss has not improved${minDelta > 0 ? ` by more than ${minDelta}` : ''} for ${patience} epoch${patience === 1 ? '' : 's'} since ${since}; stopped after epoch ${epoch}${best ? ` and restored the weights of epoch ${best.epoch}` : ''}`,
    epoch,
  ];
}

/** Trains every batch of one epoch, in a fresh shuffled order, then closes the epoch. */
async function trainEpoch(s: Setup, p: Progress, order: number[], epoch: number): Promise<Ending | null> {
  const { settings } = s.o;
  const started = performance.now();
  const learningRate = learningRateAt(settings.schedule, settings.optimizer.learningRate, epoch);
  s.optimizer.learningRate = learningRate;
  s.shuffler.shuffle(order);
  const tally: EpochTally = { lossSum: 0, seen: 0, sums: new MetricSums(s.heads), paused: 0 };
  const batches = batchesOf(order, s.batchSize);
  for (let bi = 0; bi < batches.length; bi++) {
    const ending = await trainBatch(s, p, tally, epoch, bi, batches[bi]);
    if (ending) return ending;
  }
  return closeEpoch(s, p, tally, epoch, started, learningRate);
}

/** Emits the end event and hands back the weights: a finished run's best epoch's, else the last good ones. */
function finish(s: Setup, p: Progress, [reason, message, epochs]: Ending): TrainResult {
  const { weights, stopper, monitor } = s;
  // A run that finishes (all epochs, or stopped early) hands back its best epoch's weights; a
  // cancelled or diverged one keeps the weights it has, as without early stopping.
  const best = reason === 'completed' || reason === 'early-stopped' ? stopper?.best : null;
  if (best && p.bestWeights) for (const [k, v] of p.bestWeights) weights.get(k)!.set(v);
  const e = { type: 'end' as const, reason, message, epochs, steps: p.step, loss: p.lastLoss, ...(best ? { best: { ...best, monitor } } : {}) };
  s.emit(e);
  return { weights, weightInfo: s.weightInfo, history: p.history, end: e };
}

/**
 * Trains `o.graph` on `o.dataset` with `o.settings`, emitting a start event, a step event per
 * optimizer step, an epoch event per epoch and an end event; `o.onProgress` hears how far it is in
 * setting up before that. Throws CompileError for a graph that cannot be compiled for training, BudgetError for one
 * over a budget, TrainingCancelled when stopped before the first step, and what the executor throws.
 */
export async function train(o: TrainOptions): Promise<TrainResult> {
  const runner = new StepRunner(o.graph, o.dataset, o.executor, o.budgets ?? DEFAULT_BUDGETS);
  try {
    const s = await setUp(o, runner);
    s.emit(startEvent(s));
    const from = o.resume;
    const p: Progress = {
      step: from?.step ?? 0,
      lastLoss: from?.lastLoss ?? null,
      history: from ? [...from.history] : [],
      bestWeights: from?.bestWeights ? copyOf(from.bestWeights) : null,
      speed: { started: performance.now(), steps: 0 },
    };
    const order = from ? [...from.order] : [...s.split.train];
    const { epochs } = o.settings;
    for (let epoch = (from?.epoch ?? 0) + 1; epoch <= epochs; epoch++) {
      const ending = await trainEpoch(s, p, order, epoch);
      if (ending) return finish(s, p, ending);
      o.onEpochEnd?.(() => positionOf(s, p, order, epoch), s.weightInfo);
    }
    const best = s.stopper?.best;
    const kept = best && best.epoch !== epochs ? `; kept the weights of epoch ${best.epoch}, whose ${s.monitor} loss ${best.loss.toPrecision(4)} was the lowest` : '';
    return finish(s, p, ['completed', `trained ${epochs} epoch${epochs === 1 ? '' : 's'}${kept}`, epochs]);
  } finally {
    await runner.dispose();
  }
}
