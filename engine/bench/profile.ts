/**
 * Where our step's time goes (`npm run bench -- --profile`):
 *  - the ONNX graph before and after ORT's optimizer (node counts by op type);
 *  - ORT's own profiler (`enableProfiling`): kernels per run and kernel time by op type. The
 *    profiler inflates every kernel (it records thread-pool statistics around each), so read
 *    its numbers as shares, not as absolute times;
 *  - the per-node floor: the same graph with B = 1 and H = 8, where the arithmetic is negligible
 *    and what is left is the cost of walking the nodes.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { Compiled } from '../compiler/compile.ts';
import type { Tensors } from '../executors/index.ts';
import { irToOnnx } from '../executors/onnx/emit.ts';
import { leavesOf } from '../executors/tensors.ts';
import type { Ort } from '../executors/onnx/ort.ts';

const { onnx } = onnxProto;

export interface OpShare {
  readonly op: string;
  /** Kernels of this op type per run. */
  readonly kernels: number;
  /** Share of all kernel time. */
  readonly share: number;
  /** Mean profiled time of one kernel, µs (inflated by the profiler). */
  readonly meanUs: number;
}

export interface ProfileReport {
  readonly onnxNodes: number;
  readonly optimizedNodes: number;
  readonly optimizedOps: readonly (readonly [string, number])[];
  readonly kernelsPerRun: number;
  /** Profiled wall time of one run and the sum of its kernel times, ms (both inflated). */
  readonly profiledRunMs: number;
  readonly profiledKernelMs: number;
  readonly byOp: readonly OpShare[];
  /** The same, by op type and input shapes: the biggest groups. */
  readonly byShape: readonly OpShare[];
}

interface TraceEvent {
  readonly cat: string;
  readonly name: string;
  readonly ts: number;
  readonly dur: number;
  readonly args?: { readonly op_name?: string; readonly input_type_shape?: readonly Record<string, readonly number[]>[] };
}

const countOps = (nodes: readonly { opType?: string | null }[]): [string, number][] => {
  const m = new Map<string, number>();
  for (const n of nodes) m.set(n.opType ?? '?', (m.get(n.opType ?? '?') ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1]);
};

/** ['[a]', '[a]', '[b]'] → '2 × [a] [b]': a Sum of 50 equal inputs stays readable. */
function sameRuns(xs: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j < xs.length && xs[j] === xs[i]) j++;
    out.push(j - i > 2 ? `${j - i} × ${xs[i]}` : xs.slice(i, j).join(' '));
    i = j;
  }
  return out.join(' ');
}

const shares = (m: ReadonlyMap<string, { n: number; us: number }>, totalUs: number, runs: number): OpShare[] =>
  [...m]
    .map(([op, s]) => ({ op, kernels: s.n / runs, share: s.us / Math.max(totalUs, 1), meanUs: s.us / Math.max(s.n, 1) }))
    .sort((a, b) => b.share - a.share);

/** Profiles `runs` runs of the train graph (after `warmup` unprofiled-for-the-report ones). */
export async function profileTrain(ort: Ort, c: Compiled, feeds: Tensors, threads: number, runs = 10, warmup = 3): Promise<ProfileReport> {
  const dir = mkdtempSync(join(tmpdir(), 'rnn-studio-profile-'));
  try {
    const model = irToOnnx(c.train, { name: 'bench' });
    const session = await ort.InferenceSession.create(model, {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      executionMode: 'sequential',
      enableProfiling: true,
      profileFilePrefix: join(dir, 'profile'),
      optimizedModelFilePath: join(dir, 'optimized.onnx'),
      logSeverityLevel: 3,
    });
    const ortFeeds: Record<string, InstanceType<Ort['Tensor']>> = {};
    for (const leaf of leavesOf(c.train)) {
      const f = feeds[leaf.name];
      if (!f) throw new Error(`profile: no feed for '${leaf.name}'`);
      ortFeeds[leaf.name] = new ort.Tensor(leaf.dtype, f.data, [...f.shape]);
    }
    for (let i = 0; i < warmup + runs; i++) await session.run(ortFeeds);
    session.endProfiling();
    await session.release();

    const file = readdirSync(dir).find((n) => n.startsWith('profile') && n.endsWith('.json'));
    if (!file) throw new Error(`profile: ONNX Runtime wrote no profile in ${dir}`);
    const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as TraceEvent[];
    const modelRuns = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').slice(-runs);
    const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
    const byOp = new Map<string, { n: number; us: number }>();
    const byShape = new Map<string, { n: number; us: number }>();
    const shapes = (k: TraceEvent) => sameRuns((k.args?.input_type_shape ?? []).map((t) => `[${Object.values(t)[0]?.join('×') ?? ''}]`));
    let kernelUs = 0;
    let kernelCount = 0;
    for (const r of modelRuns) {
      for (const k of kernels) {
        if (k.ts < r.ts || k.ts > r.ts + r.dur) continue;
        const op = k.args?.op_name ?? '?';
        const s = byOp.get(op) ?? { n: 0, us: 0 };
        s.n++;
        s.us += k.dur;
        byOp.set(op, s);
        const key = `${op} ${shapes(k)}`;
        const g = byShape.get(key) ?? { n: 0, us: 0 };
        g.n++;
        g.us += k.dur;
        byShape.set(key, g);
        kernelUs += k.dur;
        kernelCount++;
      }
    }
    const n = Math.max(modelRuns.length, 1);
    const optimized = onnx.ModelProto.decode(readFileSync(join(dir, 'optimized.onnx')));
    return {
      onnxNodes: onnx.ModelProto.decode(model).graph?.node?.length ?? 0,
      optimizedNodes: optimized.graph?.node?.length ?? 0,
      optimizedOps: countOps(optimized.graph?.node ?? []),
      kernelsPerRun: kernelCount / n,
      profiledRunMs: modelRuns.reduce((s, r) => s + r.dur, 0) / n / 1000,
      profiledKernelMs: kernelUs / n / 1000,
      byOp: shares(byOp, kernelUs, n),
      byShape: shares(byShape, kernelUs, n).slice(0, 10),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
