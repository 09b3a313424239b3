/**
 * An executor that passes every run on to another one and keeps a copy of what went in and came
 * out. The trainer feeds its weight arrays themselves and updates them in place afterwards, so the
 * copy of a run's feeds is the only record of the weights that step started from.
 */
import type { Executor, ExecutorInfo, Feed, Feeds, Output } from '../../engine/executors/index.ts';
import type { IrGraph } from '../../engine/ir/types.ts';

export interface RecordedRun {
  readonly key: string;
  /** Copies of the feeds, taken before the run. */
  readonly feeds: Readonly<Record<string, Feed>>;
  readonly outputs: Readonly<Record<string, Output>>;
}

export class RecordingExecutor implements Executor {
  readonly runs: RecordedRun[] = [];

  constructor(private readonly inner: Executor) {}

  describe(): ExecutorInfo {
    return this.inner.describe();
  }

  async run(key: string, graph: IrGraph, feeds: Feeds, outputs?: readonly string[]): Promise<Record<string, Output>> {
    const copies = Object.fromEntries(Object.entries(feeds).map(([name, f]) => [name, { shape: [...f.shape], data: f.data.slice() }]));
    const result = await this.inner.run(key, graph, feeds, outputs);
    this.runs.push({ key, feeds: copies, outputs: result });
    return result;
  }

  /** The inner executor belongs to whoever made it. */
  async dispose(): Promise<void> {}

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
