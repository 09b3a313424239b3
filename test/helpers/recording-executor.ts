/**
 * An executor that passes every run on to another one and keeps a copy of what went in and came
 * out. The trainer feeds its weight arrays themselves and updates them in place afterwards, so the
 * copy of a run's feeds is the only record of the weights that step started from.
 */
import { type Device, type Executor, type ExecutorInfo, type Outputs, type PrepareOptions, type Program, type Tensor, type Tensors, tensorOf } from '../../engine/executors/index.ts';
import type { IrGraph } from '../../engine/ir/types.ts';

export interface RecordedRun {
  /** The program's name (the trainer's: '<pass>[+state][+gradState]:T<steps>:B<batch>'). */
  readonly name: string;
  /** Copies of what the run read: the tensors bound to the program, then its feeds, taken before the run. */
  readonly feeds: Readonly<Record<string, Tensor>>;
  readonly outputs: Outputs;
}

const copy = (tensors: Tensors): Record<string, Tensor> => Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, tensorOf([...t.shape], t.data.slice())]));

/** Wraps every program `inner` prepares; `onRun` sees each run's feeds and outputs and may replace the outputs. */
export class WrappingExecutor implements Executor {
  constructor(
    protected readonly inner: Executor,
    private readonly onRun: (name: string, feeds: Tensors, outputs: Outputs) => Outputs,
  ) {}

  get devices(): readonly Device[] {
    return this.inner.devices;
  }

  describe(): ExecutorInfo {
    return this.inner.describe();
  }

  async prepare(graph: IrGraph, options?: PrepareOptions): Promise<Program> {
    const program = await this.inner.prepare(graph, options);
    const bound: Record<string, Tensor> = {};
    const onRun = this.onRun;
    return {
      name: program.name,
      inputs: program.inputs,
      outputs: program.outputs,
      bind(tensors) {
        Object.assign(bound, copy(tensors));
        program.bind(tensors);
      },
      async run(feeds, outputs) {
        const seen = { ...bound, ...copy(feeds) };
        return onRun(program.name, seen, await program.run(feeds, outputs));
      },
      dispose: () => program.dispose(),
    };
  }

  /** The inner executor belongs to whoever made it. */
  async dispose(): Promise<void> {}
}

export class RecordingExecutor extends WrappingExecutor {
  readonly runs: RecordedRun[] = [];

  constructor(inner: Executor) {
    super(inner, (name, feeds, outputs) => {
      this.runs.push({ name, feeds, outputs });
      return outputs;
    });
  }

  /** The weight feeds (IR params, by name) of run `index`: the weights that step started from. */
  weightsOf(index: number, params: readonly string[]): Map<string, Float32Array> {
    const run = this.runs[index];
    return new Map(
      params.map((p) => {
        const data = run.feeds[p]?.data;
        if (!(data instanceof Float32Array)) throw new Error(`run ${index} has no float32 feed for weight '${p}'`);
        return [p, data];
      }),
    );
  }
}
