/**
 * Our side: the compiled train-step IR on the ONNX Runtime executor, plus what the trainer does
 * around it (gradient map, global norm / NaN guard, Adam in JS) — one training step as
 * engine/trainer/train.ts takes it, without the event plumbing.
 */
import { type Compiled, compileGraph } from '../compiler/compile.ts';
import { float32, type Program, type Tensor } from '../executors/index.ts';
import type { OrtExecutor } from '../executors/onnx/ort.ts';
import type { Optimizer } from '../graph/schema.ts';
import { initWeights, type Weights } from '../model/init.ts';
import { createOptimizer, globalNorm, type OptimizerState } from '../trainer/optimizers.ts';
import { benchGraph, benchStreams, type Dims, type ModelSpec } from './models.ts';

export interface StepTiming {
  readonly loss: number;
  /** The whole step. */
  readonly ms: number;
  /** executor.run: feeds in, loss and gradients out (the ONNX Runtime session). */
  readonly runMs: number;
  /** Gradient map, global norm and the optimizer update in JS. */
  readonly updateMs: number;
}

export interface IrCounts {
  readonly train: number;
  readonly forward: number;
  readonly backward: number;
  readonly matmul: number;
  /** Nodes by op type, most first. */
  readonly byOp: readonly (readonly [string, number])[];
}

export class OurModel {
  readonly compiled: Compiled;
  readonly compileMs: number;
  readonly weights: Weights;
  private readonly optimizer: OptimizerState;
  /** Prepared on the first step, whose time includes building the ORT session. */
  private program: Promise<Program> | null = null;

  constructor(
    readonly spec: ModelSpec,
    readonly dims: Dims,
    private readonly executor: OrtExecutor,
    optimizer: Optimizer,
    /** Time-major inputs [T, B, F] and targets [B, O]. */
    private readonly x: Tensor,
    private readonly y: Tensor,
    seed: number,
  ) {
    const started = performance.now();
    this.compiled = compileGraph(benchGraph(spec, dims), { steps: dims.steps, batch: dims.batch, streams: benchStreams(dims) });
    this.compileMs = performance.now() - started;
    this.weights = initWeights(this.compiled.weights, seed);
    this.optimizer = createOptimizer(optimizer);
  }

  irCounts(): IrCounts {
    const nodes = this.compiled.train.nodes;
    const byOp = new Map<string, number>();
    for (const n of nodes) byOp.set(n.op.type, (byOp.get(n.op.type) ?? 0) + 1);
    const backward = nodes.filter((n) => n.phase === 'backward').length;
    return {
      train: nodes.length,
      forward: nodes.length - backward,
      backward,
      matmul: byOp.get('matmul') ?? 0,
      byOp: [...byOp].sort((a, b) => b[1] - a[1]),
    };
  }

  feeds(): Record<string, Tensor> {
    const feeds: Record<string, Tensor> = { x: this.x, y: this.y };
    for (const w of this.compiled.weights) feeds[w.param] = float32(w.shape, this.weights.get(w.param)!);
    return feeds;
  }

  async step(): Promise<StepTiming> {
    const t0 = performance.now();
    this.program ??= this.executor.prepare(this.compiled.train, { name: `bench:${this.spec.id}:T${this.dims.steps}:B${this.dims.batch}` });
    const out = await (await this.program).run(this.feeds());
    const t1 = performance.now();
    const grads = new Map(this.compiled.weights.map((w) => [w.param, out[`grad:${w.param}`].data]));
    const loss = out.loss.data[0];
    const norm = globalNorm(grads);
    if (!Number.isFinite(loss) || !Number.isFinite(norm)) throw new Error(`${this.spec.label}: loss ${loss}, gradient norm ${norm}`);
    this.optimizer.step(this.weights, grads);
    const t2 = performance.now();
    return { loss, ms: t2 - t0, runMs: t1 - t0, updateMs: t2 - t1 };
  }
}
