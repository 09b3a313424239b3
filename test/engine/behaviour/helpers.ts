/**
 * What the behaviour tests share: ONNX Runtime as the executor (these tests train real networks
 * for many steps, which the float64 reference interpreter is far too slow for), a training run
 * that keeps its events, and a one-step probe of ‖∂loss/∂h_t‖ at given weights.
 */
import { after, before } from 'node:test';
import { chooseExecutor, type Executor } from '../../../engine/executors/index.ts';
import type { Dataset } from '../../../engine/datasets/index.ts';
import { resolveTraining, type GraphDocument, type TrainingSettings } from '../../../engine/graph/schema.ts';
import type { Weights } from '../../../engine/model/init.ts';
import { train, type StateGradNorms, type TrainEvent, type TrainResult } from '../../../engine/trainer/train.ts';

export interface Runtime {
  executor: Executor;
}

/**
 * Registers before/after hooks that open ONNX Runtime (on every core) once for the file and close
 * it. ONNX Runtime is a dependency: when it cannot load, the file fails with the reason.
 */
export function onnxRuntime(): Runtime {
  const runtime: Runtime = { executor: undefined as unknown as Executor };
  before(async () => {
    runtime.executor = (await chooseExecutor('onnxruntime')).executor;
  });
  after(() => runtime.executor?.dispose());
  return runtime;
}

export interface Run extends TrainResult {
  readonly events: readonly TrainEvent[];
  /** Trainable parameters, as the start event counts them. */
  readonly parameters: number;
  readonly seconds: number;
}

/** Trains `graph` on `dataset` with `settings` over the defaults, keeping every event. */
export async function trainRun(executor: Executor, graph: GraphDocument, dataset: Dataset, settings: TrainingSettings, weights?: Weights): Promise<Run> {
  const events: TrainEvent[] = [];
  const started = performance.now();
  const result = await train({ graph, dataset, executor, weights, settings: resolveTraining(settings), onEvent: (e) => events.push(e) });
  const start = events[0];
  if (start?.type !== 'start') throw new Error('the run emitted no start event');
  return { ...result, events, parameters: start.parameters, seconds: (performance.now() - started) / 1000 };
}

export const stepsOf = (events: readonly TrainEvent[]) => events.flatMap((e) => (e.type === 'step' ? [e] : []));

/**
 * ‖∂loss/∂h_t‖ for every t and every recurrent state, on the first batch of `settings`' order,
 * at `weights` (fresh ones from the seed when absent): one train step with the norms on, stopped
 * before a second. The trainer copies `weights`, so they are left as they were.
 */
export async function probeStateGradNorms(executor: Executor, graph: GraphDocument, dataset: Dataset, settings: TrainingSettings, weights?: Weights): Promise<StateGradNorms[]> {
  const controller = new AbortController();
  let norms: readonly StateGradNorms[] | undefined;
  await train({
    graph,
    dataset,
    executor,
    weights,
    signal: controller.signal,
    settings: resolveTraining({ ...settings, epochs: 1, gradientNormsOverTime: true }),
    onEvent: (e) => {
      if (e.type !== 'step') return;
      norms = e.stateGradNorms;
      controller.abort();
    },
  });
  if (!norms) throw new Error('the probe step reported no gradient norms');
  return [...norms];
}

/** ‖∂L/∂h_0‖ / ‖∂L/∂h_{T−1}‖ of one state: how much of the gradient at the last step reaches the first. */
export const firstOverLast = (n: StateGradNorms): number => n.norms[0] / n.norms[n.norms.length - 1];

/** The norms of the state carried by `delay` ('<block>.h', '<block>.c'). */
export function normsOf(all: readonly StateGradNorms[], delay: string): StateGradNorms {
  const found = all.find((n) => n.delay === delay);
  if (!found) throw new Error(`no gradient norms for '${delay}' (have ${all.map((n) => n.delay).join(', ')})`);
  return found;
}

/** Two significant digits, in exponent form below 0.01. */
export const fmt = (x: number): string => (x !== 0 && Math.abs(x) < 0.01 ? x.toExponential(1) : x.toPrecision(2));
