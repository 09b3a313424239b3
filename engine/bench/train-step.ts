/**
 * `npm run bench`: one training step of an LSTM and a GRU (B 32, T 50, F 32, H 128, dense 1, mean
 * squared error, Adam), ours against TF.js, side by side in one run.
 *
 *   ours:   compileGraph → train-step IR (loss + every gradient) on the ONNX Runtime executor,
 *           then the gradient norm and Adam in JS, as the trainer does it;
 *   theirs: the same model in TF.js Layers on the wasm backend, one model.trainOnBatch(x, y).
 *
 * Both start from the same weights and see the same batch, so their losses must agree. Rounds
 * interleave ours and theirs (alternating which goes first) to cancel drift. See
 * docs/benchmarks.md.
 *
 *   npm run bench -- [--steps 20] [--warmup 3] [--models lstm,gru,gru-ra] [--threads N]
 *                    [--tfjs-steps N] [--tfjs-budget 30] [--skip-tfjs] [--profile] [--json]
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Feed } from '../executors/index.ts';
import { loadOnnxRuntime, OrtExecutor } from '../executors/onnx/ort.ts';
import { Random } from '../datasets/random.ts';
import { DEFAULT_OPTIMIZER } from '../graph/schema.ts';
import { DEFAULT_DIMS, FLOP_FORMULA, MODEL_IDS, MODELS, type Dims, type ModelId, type ModelSpec, trainFlops } from './models.ts';
import { OurModel, type StepTiming, type IrCounts } from './ours.ts';
import { profileTrain, type ProfileReport } from './profile.ts';
import { loadTfjs, TheirModel, type TfjsInfo, type TheirStep } from './tfjs.ts';

const USAGE = `usage: npm run bench -- [options]
  --steps N        timed steps per side (default 20)
  --warmup N       untimed steps per side first (default 3)
  --models LIST    comma-separated: ${MODEL_IDS.join(', ')} (default: all; gru-ra is ours only)
  --threads N      ONNX Runtime intra-op threads (default: the executor's default, all CPUs)
  --tfjs-steps N   timed TF.js steps (default: --steps, fewer if over --tfjs-budget)
  --tfjs-budget S  seconds of timed TF.js steps per model before the count is cut (default 30)
  --skip-tfjs      ours only
  --profile        also show where our step's time goes (ONNX Runtime profiler, node counts)
  --json           one JSON line per model on stdout (the readable report goes to stderr)`;

interface Options {
  steps: number;
  warmup: number;
  models: ModelId[];
  threads: number | undefined;
  tfjsSteps: number | undefined;
  tfjsBudget: number;
  skipTfjs: boolean;
  profile: boolean;
  json: boolean;
}

function options(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      steps: { type: 'string' },
      warmup: { type: 'string' },
      models: { type: 'string' },
      threads: { type: 'string' },
      'tfjs-steps': { type: 'string' },
      'tfjs-budget': { type: 'string' },
      'skip-tfjs': { type: 'boolean' },
      profile: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got '${v}'`);
    return n;
  };
  const models = (values.models ?? MODEL_IDS.join(','))
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  for (const m of models) if (!(MODEL_IDS as readonly string[]).includes(m)) throw new Error(`--models: unknown model '${m}' (known: ${MODEL_IDS.join(', ')})`);
  return {
    steps: int('steps', values.steps, 1) ?? 20,
    warmup: int('warmup', values.warmup, 1) ?? 3,
    models: [...new Set(models)] as ModelId[],
    threads: int('threads', values.threads, 1),
    tfjsSteps: int('tfjs-steps', values['tfjs-steps'], 1),
    tfjsBudget: int('tfjs-budget', values['tfjs-budget'], 1) ?? 30,
    skipTfjs: values['skip-tfjs'] ?? false,
    profile: values.profile ?? false,
    json: values.json ?? false,
  };
}

const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Batch data, seeded: x example-major [B, T, F] (TF.js) and time-major [T, B, F] (ours), y [B, O]. */
function batchData(d: Dims, seed: number): { xBtf: Float32Array; xTbf: Feed; y: Feed } {
  const rng = new Random(seed);
  const xBtf = Float32Array.from({ length: d.batch * d.steps * d.features }, () => rng.uniform() * 2 - 1);
  const xTbf = new Float32Array(xBtf.length);
  for (let b = 0; b < d.batch; b++)
    for (let t = 0; t < d.steps; t++) xTbf.set(xBtf.subarray((b * d.steps + t) * d.features, (b * d.steps + t + 1) * d.features), (t * d.batch + b) * d.features);
  const y = Float32Array.from({ length: d.batch * d.outputs }, () => rng.normal());
  return { xBtf, xTbf: { shape: [d.steps, d.batch, d.features], data: xTbf }, y: { shape: [d.batch, d.outputs], data: y } };
}

interface ModelResult {
  readonly spec: ModelSpec;
  readonly ir: IrCounts;
  readonly compileMs: number;
  /** The first run, which builds the ORT session. */
  readonly sessionMs: number;
  readonly flops: number;
  readonly ours: readonly StepTiming[];
  readonly theirs: readonly TheirStep[] | null;
  /** Why there is no TF.js column for this model. */
  readonly theirsNote: string | null;
  readonly firstLoss: { ours: number; theirs: number | null };
  readonly lastLoss: { ours: number; theirs: number | null };
  readonly tfjsCut: boolean;
  readonly tfjsLeak: number;
  readonly profile: ProfileReport | null;
  /** Median run time of the same graph at B = 1, H = 8 (the per-node floor), ms. */
  readonly floorMs: number | null;
  readonly floorKernels: number | null;
}

async function benchModel(
  spec: ModelSpec,
  d: Dims,
  o: Options,
  executor: OrtExecutor,
  threads: number,
  tfjs: Awaited<ReturnType<typeof loadTfjs>> | null,
  log: (s: string) => void,
): Promise<ModelResult> {
  const seed = 1;
  const data = batchData(d, seed);
  const ours = new OurModel(spec, d, executor, DEFAULT_OPTIMIZER, data.xTbf, data.y, seed);
  let theirs: TheirModel | null = null;
  let theirsNote: string | null = null;
  if (!spec.tfjs) theirsNote = 'TF.js Layers has no resetAfter GRU';
  else if (!tfjs) theirsNote = 'skipped (--skip-tfjs)';
  else if (!tfjs.ok) theirsNote = 'TF.js not available';
  else {
    const w = ours.compiled.weights.map((info) => ({ shape: info.shape, data: Float32Array.from(ours.weights.get(info.param)!) }));
    theirs = new TheirModel(tfjs.tf, spec, d, DEFAULT_OPTIMIZER, w, data.xBtf, data.y.data as Float32Array);
  }

  // Warm-up. Our first step also builds the ONNX Runtime session: timed on its own.
  log(`  ${spec.label}: warming up (${o.warmup} step${o.warmup === 1 ? '' : 's'} each)…`);
  const first = await ours.step();
  const sessionMs = first.runMs;
  for (let i = 1; i < o.warmup; i++) await ours.step();
  let theirFirst: number | null = null;
  let theirWarmMs = 0;
  if (theirs) {
    for (let i = 0; i < o.warmup; i++) {
      const s = await theirs.step();
      if (i === 0) theirFirst = s.loss;
      theirWarmMs = s.ms;
    }
  }

  // How many TF.js steps fit the budget (the last warm-up step estimates one).
  let theirSteps = theirs ? (o.tfjsSteps ?? o.steps) : 0;
  let tfjsCut = false;
  if (theirs && o.tfjsSteps === undefined && theirWarmMs * theirSteps > o.tfjsBudget * 1000) {
    theirSteps = Math.max(3, Math.floor((o.tfjsBudget * 1000) / theirWarmMs));
    tfjsCut = theirSteps < o.steps;
  }
  const rounds = Math.max(o.steps, theirSteps);
  log(`  ${spec.label}: timing ${o.steps} steps of ours${theirs ? `, ${theirSteps} of TF.js` : ''}, interleaved…`);

  // Timed rounds: ours and theirs alternate which goes first; TF.js steps are spread evenly
  // over the rounds when there are fewer of them.
  const oursT: StepTiming[] = [];
  const theirsT: TheirStep[] = [];
  const tensorsBefore = theirs?.tensors() ?? 0;
  for (let r = 0; r < rounds; r++) {
    const runOurs = r < o.steps ? () => ours.step().then((s) => void oursT.push(s)) : async () => {};
    const dueTheirs = theirs !== null && Math.floor(((r + 1) * theirSteps) / rounds) > Math.floor((r * theirSteps) / rounds);
    const runTheirs = dueTheirs ? () => theirs!.step().then((s) => void theirsT.push(s)) : async () => {};
    if (r % 2 === 0) {
      await runOurs();
      await runTheirs();
    } else {
      await runTheirs();
      await runOurs();
    }
  }
  const tfjsLeak = (theirs?.tensors() ?? 0) - tensorsBefore;
  theirs?.dispose();

  let profile: ProfileReport | null = null;
  let floorMs: number | null = null;
  let floorKernels: number | null = null;
  if (o.profile) {
    log(`  ${spec.label}: profiling…`);
    const loaded = await loadOnnxRuntime();
    if (loaded.ok) profile = await profileTrain(loaded.ort, ours.compiled, ours.feeds(), threads);
    // The same graph with almost no arithmetic: what walking ~2,400 kernels costs by itself.
    const tiny: Dims = { ...d, batch: 1, units: 8 };
    const tinyData = batchData(tiny, seed);
    const floor = new OurModel(spec, tiny, executor, DEFAULT_OPTIMIZER, tinyData.xTbf, tinyData.y, seed);
    for (let i = 0; i < o.warmup; i++) await floor.step();
    const runs: number[] = [];
    for (let i = 0; i < Math.max(o.steps, 10); i++) runs.push((await floor.step()).runMs);
    floorMs = median(runs);
    floorKernels = profile?.kernelsPerRun ?? null;
  }

  return {
    spec,
    ir: ours.irCounts(),
    compileMs: ours.compileMs,
    sessionMs,
    flops: trainFlops(spec, d),
    ours: oursT,
    theirs: theirs ? theirsT : null,
    theirsNote,
    firstLoss: { ours: first.loss, theirs: theirFirst },
    lastLoss: { ours: oursT.at(-1)?.loss ?? NaN, theirs: theirsT.at(-1)?.loss ?? null },
    tfjsCut,
    tfjsLeak,
    profile,
    floorMs,
    floorKernels,
  };
}

const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);
const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

function table(results: readonly ModelResult[]): string {
  const head = ['model', 'ours ms/step', '(ORT run + JS Adam)', 'TF.js ms/step', 'TF.js / ours', 'ours GFLOP/s', 'TF.js GFLOP/s', 'GFLOP/step'];
  const rows = results.map((r) => {
    const ours = median(r.ours.map((s) => s.ms));
    const theirs = r.theirs ? median(r.theirs.map((s) => s.ms)) : NaN;
    const gf = r.flops / 1e9;
    return [
      r.spec.label,
      f(ours, 2),
      `(${f(median(r.ours.map((s) => s.runMs)), 2)} + ${f(median(r.ours.map((s) => s.updateMs)), 2)})`,
      r.theirs ? f(theirs, 1) : '—',
      r.theirs ? `${f(theirs / ours, 1)}× faster` : '—',
      f(gf / (ours / 1000), 1),
      r.theirs ? f(gf / (theirs / 1000), 2) : '—',
      f(gf, 3),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? pad(c, widths[i]) : lpad(c, widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function jsonLine(r: ModelResult, d: Dims, executor: ReturnType<OrtExecutor['describe']>, threads: number, tfjs: TfjsInfo | null): string {
  const ours = median(r.ours.map((s) => s.ms));
  const theirs = r.theirs ? median(r.theirs.map((s) => s.ms)) : null;
  return JSON.stringify({
    model: r.spec.id,
    label: r.spec.label,
    dims: d,
    flopsPerStep: r.flops,
    ours: {
      executor: executor.name,
      version: executor.version,
      threads,
      steps: r.ours.length,
      medianMs: ours,
      minMs: Math.min(...r.ours.map((s) => s.ms)),
      medianRunMs: median(r.ours.map((s) => s.runMs)),
      medianUpdateMs: median(r.ours.map((s) => s.updateMs)),
      gflops: r.flops / 1e9 / (ours / 1000),
      compileMs: r.compileMs,
      sessionMs: r.sessionMs,
    },
    theirs:
      r.theirs && theirs !== null && tfjs
        ? { library: `tfjs ${tfjs.version}`, backend: tfjs.backend, binary: tfjs.binary, threads: tfjs.threads, steps: r.theirs.length, cut: r.tfjsCut, medianMs: theirs, minMs: Math.min(...r.theirs.map((s) => s.ms)), gflops: r.flops / 1e9 / (theirs / 1000) }
        : null,
    theirsNote: r.theirsNote,
    ratio: theirs !== null ? theirs / ours : null,
    ir: { trainNodes: r.ir.train, forwardNodes: r.ir.forward, backwardNodes: r.ir.backward, matmul: r.ir.matmul },
    loss: { first: r.firstLoss, last: r.lastLoss },
    ...(r.profile
      ? {
          profile: {
            onnxNodes: r.profile.onnxNodes,
            optimizedNodes: r.profile.optimizedNodes,
            kernelsPerRun: r.profile.kernelsPerRun,
            byOp: r.profile.byOp.map((s) => ({ op: s.op, kernels: s.kernels, share: s.share })),
            floorMs: r.floorMs,
          },
        }
      : {}),
  });
}

async function main(): Promise<void> {
  let o: Options;
  try {
    o = options(process.argv.slice(2));
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    process.exit(2);
  }
  // With --json, stdout carries only the JSON lines.
  const log = (s: string) => (o.json ? console.error(s) : console.log(s));
  const d = DEFAULT_DIMS;
  const started = performance.now();

  let executor: OrtExecutor;
  try {
    executor = await OrtExecutor.create({ threads: o.threads });
  } catch (e) {
    console.error(`ONNX Runtime is not available, nothing to benchmark: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  const ex = executor.describe();
  const threads = o.threads ?? Number(/(\d+) thread/.exec(ex.device)?.[1] ?? NaN);

  const needTfjs = !o.skipTfjs && o.models.some((m) => MODELS[m].tfjs);
  const tfjs = needTfjs ? await loadTfjs() : null;
  if (tfjs && !tfjs.ok) log(`note: no TF.js comparison. ${tfjs.reason}`);
  const tfInfo = tfjs?.ok ? tfjs.info : null;

  const cpu = cpus();
  log(`RNN Studio train-step benchmark: B=${d.batch}, T=${d.steps}, F=${d.features}, H=${d.units}, dense ${d.outputs}, mean squared error, Adam (lr ${DEFAULT_OPTIMIZER.learningRate})`);
  const load = loadavg()[0];
  log(`machine: ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} logical CPUs, Node ${process.version}, load average ${load.toFixed(2)}`);
  if (load > 0.5) log(`warning: load average ${load.toFixed(2)} before the run: other processes compete for the CPUs and the timings will be noisy`);
  log(`ours:    ${ex.name} ${ex.version}, ${ex.device} (intra-op), sequential, graph optimization 'all'; gradient norm + Adam in JS`);
  if (tfInfo) log(`theirs:  TF.js ${tfInfo.version} Layers, ${tfInfo.backend} backend (${tfInfo.binary}, ${tfInfo.threads} thread${tfInfo.threads === 1 ? '' : 's'}), model.trainOnBatch`);
  log(`FLOPs:   ${FLOP_FORMULA}`);
  log(`steps:   ${o.warmup} warm-up + ${o.steps} timed per side, ours and TF.js interleaved; medians shown`);
  log('');

  const results: ModelResult[] = [];
  for (const id of o.models) results.push(await benchModel(MODELS[id], d, o, executor, threads, tfjs, log));
  await executor.dispose();

  log('');
  log('Train-step IR (loss + all gradients):');
  for (const r of results)
    log(
      `  ${pad(r.spec.label, 22)} ${r.ir.train} nodes (${r.ir.forward} forward, ${r.ir.backward} backward), ${r.ir.matmul} matmul; ` +
        `compile ${f(r.compileMs, 0)} ms, first run with ORT session build ${f(r.sessionMs, 0)} ms`,
    );
  log('');
  log(table(results));
  log('');
  for (const r of results) {
    const notes: string[] = [];
    if (r.firstLoss.theirs !== null) {
      const rel = Math.abs(r.firstLoss.ours - r.firstLoss.theirs) / Math.max(Math.abs(r.firstLoss.theirs), 1e-12);
      notes.push(`first-step loss ours ${r.firstLoss.ours.toFixed(6)} vs TF.js ${r.firstLoss.theirs.toFixed(6)} (rel. diff ${rel.toExponential(1)})`);
      notes.push(`after ${o.warmup + r.ours.length} steps: ${r.lastLoss.ours.toFixed(4)} vs ${r.lastLoss.theirs?.toFixed(4) ?? '—'}${r.theirs && r.theirs.length !== r.ours.length ? ' (TF.js took fewer steps)' : ''}`);
    } else notes.push(`no TF.js: ${r.theirsNote}`);
    if (r.tfjsCut) notes.push(`TF.js timed ${r.theirs?.length} steps, not ${o.steps} (over the ${o.tfjsBudget} s budget)`);
    if (r.tfjsLeak !== 0) notes.push(`TF.js tensor count changed by ${r.tfjsLeak}`);
    log(`  ${pad(r.spec.label, 22)} ${notes.join('; ')}`);
  }

  if (o.profile) {
    log('');
    log('Where our step goes (ONNX Runtime profiler; kernel times inflated by the profiler, read as shares):');
    for (const r of results) {
      const p = r.profile;
      if (!p) continue;
      log(`  ${r.spec.label}: ${r.ir.train} IR nodes → ${p.onnxNodes} ONNX nodes → ${p.optimizedNodes} after ORT's optimizer; ${f(p.kernelsPerRun, 0)} kernels per run`);
      log(`    optimized graph: ${p.optimizedOps.map(([op, n]) => `${op} ${n}`).join(', ')}`);
      log(`    profiled run ${f(p.profiledRunMs, 2)} ms, of which kernels ${f(p.profiledKernelMs, 2)} ms (unprofiled: ${f(median(r.ours.map((s) => s.runMs)), 2)} ms)`);
      log(`    kernel time by op: ${p.byOp.map((s) => `${s.op} ${f(s.share * 100, 0)}% (${f(s.kernels, 0)}×, ${f(s.meanUs, 1)} µs)`).join(', ')}`);
      if (r.floorMs !== null)
        log(
          `    per-node floor: the same graph at B=1, H=8 runs in ${f(r.floorMs, 2)} ms` +
            (r.floorKernels ? ` (${f((r.floorMs * 1000) / r.floorKernels, 2)} µs per kernel)` : ''),
        );
    }
  }

  log('');
  log(`total ${f((performance.now() - started) / 1000, 1)} s; load average now ${loadavg()[0].toFixed(2)} (this run itself adds up to ~1–2)`);
  if (o.json) for (const r of results) console.log(jsonLine(r, d, ex, threads, tfInfo));
}

await main();
