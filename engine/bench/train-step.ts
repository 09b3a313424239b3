/**
 * `npm run bench`: one training step of an LSTM and a GRU (B 32, T 50, F 32, H 128, dense 1, mean
 * squared error, Adam), ours against TF.js, side by side in one run.
 *
 *   ours:   compileGraph → train-step IR (loss + every gradient) on the ONNX Runtime executor,
 *           then the gradient norm and Adam in JS, as the trainer does it; at the executor's
 *           default thread count (all CPUs) and at 1 thread;
 *   theirs: the same model in TF.js Layers on the wasm backend, one model.trainOnBatch(x, y).
 *
 * Every contestant starts from the same weights and sees the same batch, so the losses must
 * agree. Ours (at each thread count in turn) and TF.js alternate step by step, to cancel drift;
 * rounds in which other processes took the CPUs are left out. See docs/benchmarks.md.
 *
 *   npm run bench -- [--steps 20] [--warmup 3] [--models lstm,gru,gru-ra] [--threads 2,1]
 *                    [--tfjs-steps N] [--tfjs-budget 30] [--skip-tfjs] [--profile] [--json]
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Random } from '../datasets/random.ts';
import { float32, type FloatTensor } from '../executors/index.ts';
import { loadOnnxRuntime, OrtExecutor } from '../executors/onnx/ort.ts';
import { DEFAULT_OPTIMIZER } from '../graph/schema.ts';
import { type Contention, mark, quietRounds, since } from './contention.ts';
import { DEFAULT_DIMS, type Dims, FLOP_FORMULA, MODEL_IDS, type ModelId, MODELS, type ModelSpec, trainFlops } from './models.ts';
import { type IrCounts, OurModel, type StepTiming } from './ours.ts';
import { type OpShare, profileTrain, type ProfileReport } from './profile.ts';
import { loadTfjs, type TfjsInfo, type TfjsLoad, TheirModel, type TheirStep } from './tfjs.ts';

const USAGE = `usage: npm run bench -- [options]
  --steps N        timed steps per contestant (default 20)
  --warmup N       untimed steps per contestant first (default 3)
  --models LIST    comma-separated: ${MODEL_IDS.join(', ')} (default: all; gru-ra is ours only)
  --threads LIST   ONNX Runtime intra-op thread counts to run ours at (default: ${availableParallelism()},1 —
                   the executor's default, all CPUs, and one thread like TF.js's wasm backend)
  --tfjs-steps N   timed TF.js steps (default: --steps, fewer if over --tfjs-budget)
  --tfjs-budget S  seconds of timed TF.js steps per model before the count is cut (default 30)
  --skip-tfjs      ours only
  --profile        also show where our step's time goes (ONNX Runtime profiler at 1 thread)
  --json           one JSON line per model on stdout (the readable report goes to stderr)`;

interface Options {
  steps: number;
  warmup: number;
  models: ModelId[];
  threads: number[];
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
  const int = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got '${v}'`);
    return n;
  };
  const list = (v: string) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const models = list(values.models ?? MODEL_IDS.join(','));
  for (const m of models) if (!(MODEL_IDS as readonly string[]).includes(m)) throw new Error(`--models: unknown model '${m}' (known: ${MODEL_IDS.join(', ')})`);
  const threads = values.threads === undefined ? [availableParallelism(), 1] : list(values.threads).map((t) => int('threads', t, 1));
  return {
    steps: values.steps === undefined ? 20 : int('steps', values.steps, 1),
    warmup: values.warmup === undefined ? 3 : int('warmup', values.warmup, 1),
    models: [...new Set(models)] as ModelId[],
    threads: [...new Set(threads)],
    tfjsSteps: values['tfjs-steps'] === undefined ? undefined : int('tfjs-steps', values['tfjs-steps'], 1),
    tfjsBudget: values['tfjs-budget'] === undefined ? 30 : int('tfjs-budget', values['tfjs-budget'], 1),
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
function batchData(d: Dims, seed: number): { xBtf: Float32Array; xTbf: FloatTensor; y: FloatTensor } {
  const rng = new Random(seed);
  const xBtf = Float32Array.from({ length: d.batch * d.steps * d.features }, () => rng.uniform() * 2 - 1);
  const xTbf = new Float32Array(xBtf.length);
  for (let b = 0; b < d.batch; b++)
    for (let t = 0; t < d.steps; t++) xTbf.set(xBtf.subarray((b * d.steps + t) * d.features, (b * d.steps + t + 1) * d.features), (t * d.batch + b) * d.features);
  const y = Float32Array.from({ length: d.batch * d.outputs }, () => rng.normal());
  return { xBtf, xTbf: float32([d.steps, d.batch, d.features], xTbf), y: float32([d.batch, d.outputs], y) };
}

interface OurRun {
  readonly threads: number;
  readonly steps: readonly StepTiming[];
  readonly firstLoss: number;
  readonly lastLoss: number;
  /** The first run, which builds the ORT session. */
  readonly firstRunMs: number;
}

interface ModelResult {
  readonly spec: ModelSpec;
  readonly ir: IrCounts;
  readonly compileMs: number;
  readonly flops: number;
  readonly ours: readonly OurRun[];
  readonly theirs: readonly TheirStep[] | null;
  /** Why there is no TF.js column for this model. */
  readonly theirsNote: string | null;
  readonly theirFirstLoss: number | null;
  readonly theirLastLoss: number | null;
  readonly tfjsCut: boolean;
  readonly tfjsLeak: number;
  /** CPU other processes took during the timed rounds. */
  readonly contention: Contention | null;
  /** Timed rounds, how many were quiet, and whether the medians use the quiet ones only. */
  readonly rounds: { total: number; quiet: number; filtered: boolean };
  readonly profile: ProfileReport | null;
  /** Median run time of the same graph at B = 1, H = 8 (the per-node floor), 1 thread, ms. */
  readonly floorMs: number | null;
}

/** A round in which other processes took more than this share of the machine's CPU is left out. */
const QUIET_SHARE = 0.1;
/** …as long as at least this many quiet steps remain for every contestant. */
const MIN_QUIET = 5;

interface Contestant {
  readonly step: (round: number) => Promise<void>;
  readonly due: (round: number) => boolean;
}

async function benchModel(spec: ModelSpec, d: Dims, o: Options, executors: readonly OrtExecutor[], tfjs: TfjsLoad | null, log: (s: string) => void): Promise<ModelResult> {
  const seed = 1;
  const data = batchData(d, seed);
  const ours = executors.map((ex) => new OurModel(spec, d, ex, DEFAULT_OPTIMIZER, data.xTbf, data.y, seed));
  let theirs: TheirModel | null = null;
  let theirsNote: string | null = null;
  if (!spec.tfjs) theirsNote = 'TF.js Layers has no resetAfter GRU';
  else if (!tfjs) theirsNote = 'skipped (--skip-tfjs)';
  else if (!tfjs.ok) theirsNote = 'TF.js not available';
  else {
    const w = ours[0].compiled.weights.map((info) => ({ shape: info.shape, data: Float32Array.from(ours[0].weights.get(info.param)!) }));
    theirs = new TheirModel(tfjs.tf, spec, d, DEFAULT_OPTIMIZER, w, data.xBtf, data.y.data as Float32Array);
  }

  // Warm-up. Our first step also builds the ONNX Runtime session.
  log(`  ${spec.label}: warming up (${o.warmup} step${o.warmup === 1 ? '' : 's'} each)…`);
  const firsts: StepTiming[] = [];
  for (const m of ours) {
    firsts.push(await m.step());
    for (let i = 1; i < o.warmup; i++) await m.step();
  }
  let theirFirstLoss: number | null = null;
  let theirWarmMs = 0;
  if (theirs) {
    for (let i = 0; i < o.warmup; i++) {
      const s = await theirs.step();
      if (i === 0) theirFirstLoss = s.loss;
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
  log(`  ${spec.label}: timing ${o.steps} steps of ours at ${o.threads.join(' and ')} thread(s)${theirs ? `, ${theirSteps} of TF.js` : ''}, interleaved…`);

  // One pass per thread count: ours at that count against TF.js, round by round, who goes first
  // alternating. Two ORT sessions are not interleaved with each other: that slowed both by up to
  // 1 ms (most likely one's pool thread still spinning after its run). TF.js's steps are split
  // over the passes and spread evenly over each pass's rounds. Marks between rounds let
  // contention.ts tell which rounds other processes disturbed.
  const oursT: { round: number; s: StepTiming }[][] = ours.map(() => []);
  const theirsT: { round: number; s: TheirStep }[] = [];
  const tensorsBefore = theirs?.tensors() ?? 0;
  const timedFrom = mark();
  const marks = [timedFrom];
  for (let p = 0; p < ours.length; p++) {
    const theirsHere = Math.floor(((p + 1) * theirSteps) / ours.length) - Math.floor((p * theirSteps) / ours.length);
    const rounds = Math.max(o.steps, theirsHere);
    const contestants: Contestant[] = [{ step: async (round) => void oursT[p].push({ round, s: await ours[p].step() }), due: (r) => r < o.steps }];
    if (theirs) {
      const t = theirs;
      contestants.push({
        step: async (round) => void theirsT.push({ round, s: await t.step() }),
        due: (r) => Math.floor(((r + 1) * theirsHere) / rounds) > Math.floor((r * theirsHere) / rounds),
      });
    }
    for (let r = 0; r < rounds; r++) {
      const round = marks.length - 1;
      for (let k = 0; k < contestants.length; k++) {
        const c = contestants[(r + k) % contestants.length];
        if (c.due(r)) await c.step(round);
      }
      marks.push(mark());
    }
  }
  const quiet = quietRounds(marks, QUIET_SHARE);
  const contention = since(timedFrom);
  // Keep only the quiet rounds, when there are enough of them for every contestant.
  const enough = (xs: readonly { round: number }[]) => xs.filter((x) => quiet[x.round]).length >= Math.min(MIN_QUIET, xs.length);
  const filter = [...oursT, theirsT].every(enough) && quiet.some((q) => !q);
  const kept = <T>(xs: readonly { round: number; s: T }[]): T[] => xs.filter((x) => !filter || quiet[x.round]).map((x) => x.s);
  const tfjsLeak = (theirs?.tensors() ?? 0) - tensorsBefore;
  theirs?.dispose();

  let profile: ProfileReport | null = null;
  let floorMs: number | null = null;
  if (o.profile) {
    log(`  ${spec.label}: profiling…`);
    const loaded = await loadOnnxRuntime();
    if (loaded.ok) profile = await profileTrain(loaded.ort, ours[0].compiled, ours[0].feeds(), 1);
    // The same graph with almost no arithmetic: what walking its ~2,400 kernels costs by itself.
    const tiny: Dims = { ...d, batch: 1, units: 8 };
    const tinyData = batchData(tiny, seed);
    const one = await OrtExecutor.create({ threads: 1 });
    const floor = new OurModel(spec, tiny, one, DEFAULT_OPTIMIZER, tinyData.xTbf, tinyData.y, seed);
    for (let i = 0; i < o.warmup; i++) await floor.step();
    const runs: number[] = [];
    for (let i = 0; i < Math.max(o.steps, 10); i++) runs.push((await floor.step()).runMs);
    floorMs = median(runs);
    await one.dispose();
  }

  return {
    spec,
    ir: ours[0].irCounts(),
    compileMs: ours[0].compileMs,
    flops: trainFlops(spec, d),
    ours: ours.map((_, i) => ({ threads: o.threads[i], steps: kept(oursT[i]), firstLoss: firsts[i].loss, lastLoss: oursT[i].at(-1)?.s.loss ?? NaN, firstRunMs: firsts[i].runMs })),
    theirs: theirs ? kept(theirsT) : null,
    rounds: { total: quiet.length, quiet: quiet.filter(Boolean).length, filtered: filter },
    theirsNote,
    theirFirstLoss,
    theirLastLoss: theirsT.at(-1)?.s.loss ?? null,
    tfjsCut,
    tfjsLeak,
    contention,
    profile,
    floorMs,
  };
}

const pad = (s: string, n: number) => s.padEnd(n);
const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const oursMs = (r: OurRun) => median(r.steps.map((s) => s.ms));
const theirsMs = (r: ModelResult) => (r.theirs ? median(r.theirs.map((s) => s.ms)) : NaN);

function table(results: readonly ModelResult[]): string {
  const head = ['model', 'threads', 'ours ms/step', '= ORT run + JS Adam', 'TF.js ms/step', 'TF.js / ours', 'ours GFLOP/s', 'TF.js GFLOP/s'];
  const rows: string[][] = [];
  for (const r of results) {
    const theirs = theirsMs(r);
    const gf = r.flops / 1e9;
    r.ours.forEach((o, i) => {
      const ours = oursMs(o);
      rows.push([
        i === 0 ? r.spec.label : '',
        String(o.threads),
        f(ours, 2),
        `${f(median(o.steps.map((s) => s.runMs)), 2)} + ${f(median(o.steps.map((s) => s.updateMs)), 2)}`,
        i === 0 && r.theirs ? f(theirs, 1) : i === 0 ? '—' : '',
        r.theirs ? `${f(theirs / ours, 1)}× faster` : '—',
        f(gf / (ours / 1000), 1),
        i === 0 ? (r.theirs ? f(gf / (theirs / 1000), 2) : '—') : '',
      ]);
    });
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function jsonLine(r: ModelResult, d: Dims, executor: ReturnType<OrtExecutor['describe']>, tfjs: TfjsInfo | null): string {
  const theirs = r.theirs ? theirsMs(r) : null;
  const gf = r.flops / 1e9;
  return JSON.stringify({
    model: r.spec.id,
    label: r.spec.label,
    dims: d,
    flopsPerStep: r.flops,
    ours: r.ours.map((o) => ({
      executor: executor.name,
      version: executor.version,
      threads: o.threads,
      steps: o.steps.length,
      medianMs: oursMs(o),
      minMs: Math.min(...o.steps.map((s) => s.ms)),
      medianRunMs: median(o.steps.map((s) => s.runMs)),
      medianUpdateMs: median(o.steps.map((s) => s.updateMs)),
      gflops: gf / (oursMs(o) / 1000),
      ratio: theirs !== null ? theirs / oursMs(o) : null,
      firstRunMs: o.firstRunMs,
      firstLoss: o.firstLoss,
    })),
    theirs:
      r.theirs && theirs !== null && tfjs
        ? {
            library: `tfjs ${tfjs.version}`,
            backend: tfjs.backend,
            binary: tfjs.binary,
            threads: tfjs.threads,
            steps: r.theirs.length,
            cut: r.tfjsCut,
            medianMs: theirs,
            minMs: Math.min(...r.theirs.map((s) => s.ms)),
            gflops: gf / (theirs / 1000),
            firstLoss: r.theirFirstLoss,
          }
        : null,
    theirsNote: r.theirsNote,
    ir: { trainNodes: r.ir.train, forwardNodes: r.ir.forward, backwardNodes: r.ir.backward, matmul: r.ir.matmul, compileMs: r.compileMs },
    othersCpuShare: r.contention?.othersShare ?? null,
    rounds: r.rounds,
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

const shareList = (xs: readonly OpShare[]) => xs.map((s) => `${s.op} ${f(s.share * 100, 0)}% (${f(s.kernels, 0)}×${s.meanUs ? `, ${f(s.meanUs, 1)} µs` : ''})`).join(', ');

function profileReport(results: readonly ModelResult[], log: (s: string) => void): void {
  log('');
  log('Where our step goes (ONNX Runtime profiler, 1 thread; the profiler inflates every kernel, so read shares, not times):');
  for (const r of results) {
    const p = r.profile;
    if (!p) continue;
    const unprofiled = r.ours.find((o) => o.threads === 1) ?? r.ours[0];
    log(`  ${r.spec.label}: ${r.ir.train} IR nodes → ${p.onnxNodes} ONNX nodes → ${p.optimizedNodes} after ORT's optimizer = ${f(p.kernelsPerRun, 0)} kernels per run`);
    log(`    optimized graph: ${p.optimizedOps.map(([op, n]) => `${op} ${n}`).join(', ')}`);
    log(
      `    profiled run ${f(p.profiledRunMs, 2)} ms, kernels ${f(p.profiledKernelMs, 2)} ms of it ` +
        `(unprofiled run at ${unprofiled.threads} thread${unprofiled.threads === 1 ? '' : 's'}: ${f(median(unprofiled.steps.map((s) => s.runMs)), 2)} ms)`,
    );
    log(`    kernel time by op: ${shareList(p.byOp)}`);
    log(`    biggest groups (op and input shapes): ${p.byShape.map((s) => `${s.op} ${f(s.share * 100, 0)}% (${f(s.kernels, 0)}×)`).join('; ')}`);
    if (r.floorMs !== null)
      log(`    per-kernel floor: the same graph at B=1, H=8 runs in ${f(r.floorMs, 2)} ms = ${f((r.floorMs * 1000) / p.kernelsPerRun, 2)} µs per kernel`);
  }
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

  const executors: OrtExecutor[] = [];
  try {
    for (const t of o.threads) executors.push(await OrtExecutor.create({ threads: t }));
  } catch (e) {
    console.error(`ONNX Runtime is not available, nothing to benchmark: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  const ex = executors[0].describe();

  const needTfjs = !o.skipTfjs && o.models.some((m) => MODELS[m].tfjs);
  const tfjs = needTfjs ? await loadTfjs() : null;
  if (tfjs && !tfjs.ok) log(`note: no TF.js comparison. ${tfjs.reason}`);
  const tfInfo = tfjs?.ok ? tfjs.info : null;

  const cpu = cpus();
  const load = loadavg()[0];
  log(`RNN Studio train-step benchmark: B=${d.batch}, T=${d.steps}, F=${d.features}, H=${d.units}, dense ${d.outputs}, mean squared error, Adam (lr ${DEFAULT_OPTIMIZER.learningRate})`);
  log(`machine: ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} logical CPUs, Node ${process.version}, load average ${load.toFixed(2)}`);
  if (load > 0.5) log(`warning: load average ${load.toFixed(2)} before the run: other processes compete for the CPUs and the timings will be noisy`);
  log(`ours:    ${ex.name} ${ex.version} (${executors.map((e) => e.describe().device).join('; ')}; intra-op), sequential, graph optimization 'all'; gradient norm + Adam in JS`);
  if (tfInfo) log(`theirs:  TF.js ${tfInfo.version} Layers, ${tfInfo.backend} backend (${tfInfo.binary}, ${tfInfo.threads} thread${tfInfo.threads === 1 ? '' : 's'}), model.trainOnBatch`);
  log(`FLOPs:   ${FLOP_FORMULA}`);
  log(`steps:   ${o.warmup} warm-up + ${o.steps} timed per contestant, interleaved round by round; medians shown`);
  log('');

  const results: ModelResult[] = [];
  for (const id of o.models) results.push(await benchModel(MODELS[id], d, o, executors, tfjs, log));
  await Promise.all(executors.map((e) => e.dispose()));

  log('');
  log('Train-step IR (loss + all gradients):');
  for (const r of results)
    log(
      `  ${pad(r.spec.label, 22)} ${r.ir.train} nodes (${r.ir.forward} forward, ${r.ir.backward} backward), ${r.ir.matmul} matmul; ` +
        `compile ${f(r.compileMs, 0)} ms, first run (builds the ORT session) ${f(r.ours[0].firstRunMs, 0)} ms; ${f(r.flops / 1e9, 3)} GFLOP/step`,
    );
  log('');
  log(table(results));
  log('');
  for (const r of results) {
    const notes: string[] = [];
    const ours = r.ours.map((x) => x.firstLoss);
    if (r.theirFirstLoss !== null) {
      const rel = Math.max(...ours.map((l) => Math.abs(l - r.theirFirstLoss!) / Math.max(Math.abs(r.theirFirstLoss!), 1e-12)));
      notes.push(`first-step loss ours ${ours[0].toFixed(6)}, TF.js ${r.theirFirstLoss.toFixed(6)} (rel. diff ≤ ${rel.toExponential(1)})`);
      const last = [...r.ours.map((x) => x.lastLoss), r.theirLastLoss ?? NaN];
      notes.push(`last loss ${last.map((l) => l.toFixed(4)).join(' / ')}${r.tfjsCut ? ' (TF.js took fewer steps)' : ''}`);
    } else notes.push(`no TF.js: ${r.theirsNote}`);
    if (r.tfjsCut) notes.push(`TF.js timed ${r.theirs?.length} steps, not ${o.steps} (over the ${o.tfjsBudget} s budget)`);
    if (r.rounds.filtered) notes.push(`medians over the ${r.rounds.quiet} of ${r.rounds.total} rounds in which other processes took ≤ ${QUIET_SHARE * 100}% of the CPUs`);
    else if (r.contention && r.contention.othersShare > 0.05)
      notes.push(`warning: other processes took ${f(r.contention.othersCpuS, 1)} CPU-s (${f(r.contention.othersShare * 100, 0)}% of the machine) while this was timed`);
    if (r.tfjsLeak !== 0) notes.push(`TF.js tensor count changed by ${r.tfjsLeak}`);
    log(`  ${pad(r.spec.label, 22)} ${notes.join('; ')}`);
  }
  if (o.profile) profileReport(results, log);

  log('');
  log(`total ${f((performance.now() - started) / 1000, 1)} s; load average now ${loadavg()[0].toFixed(2)} (this run itself adds 1–2)`);
  if (o.json) for (const r of results) console.log(jsonLine(r, d, ex, tfInfo));
}

await main();
