/**
 * `npm run bench:init`: orthogonal initialisation of LSTM recurrent kernels ([H, 4H]), side by
 * side in one run:
 *
 *   ours:     the blocked Householder QR with its products in float64 on ONNX Runtime's CPU
 *             provider (orthogonal-blocked.ts), as initWeightsAsync runs it;
 *   PyTorch:  torch.nn.init.orthogonal_ through python3, in float32 (its default dtype) and
 *             float64, when `import torch` works;
 *   plain JS: the unblocked QR (orthogonal.ts), as initWeights runs it, while its time, scaled
 *             from the last shape it ran, stays within --js-budget.
 *
 * Each line also says how much of the machine other processes took meanwhile (/proc/stat).
 *
 *   npm run bench:init -- [--shapes 512x2048,1024x4096,4096x16384] [--js-budget 120]
 *                         [--skip-torch] [--small]
 *
 * --small times ours and plain JS on small [n, 4n] shapes instead, the measurement behind
 * BLOCKED_QR_FROM in init.ts.
 */
import { spawnSync } from 'node:child_process';
import { findPython } from './python.ts';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Random } from '../datasets/random.ts';
import { type MatrixProducts, onnxMatrixProducts } from '../executors/onnx/products.ts';
import { BLOCKED_QR_FROM } from '../model/init.ts';
import { orthogonalMatrix } from '../model/orthogonal.ts';
import { orthogonalMatrixBlocked } from '../model/orthogonal-blocked.ts';
import { type Contention, mark, since } from './contention.ts';

type Shape = readonly [number, number];

const USAGE = `usage: npm run bench:init -- [options]
  --shapes LIST    comma-separated ROWSxCOLS (default 512x2048,1024x4096,4096x16384)
  --js-budget S    skip plain JS where its estimated time exceeds S seconds (default 120)
  --skip-torch     ours and plain JS only
  --small          ours against plain JS on [n, 4n], n = 32 … 256 (where the blocked QR starts paying)`;

const SEED = 1;

function shapesOf(list: string): Shape[] {
  return list.split(',').map((item) => {
    const m = /^(\d+)x(\d+)$/.exec(item.trim());
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new Error(`--shapes: '${item}' is not ROWSxCOLS with positive sizes`);
    return [Number(m[1]), Number(m[2])];
  });
}

/** Floating-point operations of a Householder QR of an m × n matrix and of forming its Q. */
const qrFlops = ([rows, cols]: Shape): number => {
  const n = Math.min(rows, cols);
  return 4 * n * n * (Math.max(rows, cols) - n / 3);
};

interface Timed<T> {
  readonly seconds: number;
  readonly others: Contention | null;
  readonly value: T;
}

async function timed<T>(run: () => Promise<T> | T): Promise<Timed<T>> {
  const before = mark();
  const start = performance.now();
  const value = await run();
  return { seconds: (performance.now() - start) / 1000, others: since(before), value };
}

const ours = (shape: Shape, products: MatrixProducts) => orthogonalMatrixBlocked(shape[0], shape[1], new Random(SEED), products, async () => {});

function plainJs([rows, cols]: Shape): Float64Array {
  const work = orthogonalMatrix(rows, cols, new Random(SEED));
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

const TORCH = `
import json, sys, time, torch
shapes = json.loads(sys.argv[1])
print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
for rows, cols in shapes:
    for dtype in (torch.float32, torch.float64):
        w = torch.empty(rows, cols, dtype=dtype)
        torch.manual_seed(1)
        start = time.perf_counter()
        torch.nn.init.orthogonal_(w)
        print(json.dumps({"shape": [rows, cols], "dtype": str(dtype).split(".")[1], "seconds": time.perf_counter() - start}), flush=True)
`;

interface TorchRun {
  readonly version: string;
  readonly threads: number;
  readonly seconds: Map<string, number>;
  readonly others: Contention | null;
}

/** PyTorch's times by `${shape}/${dtype}`, or why there are none. */
function torchTimes(shapes: readonly Shape[]): TorchRun | string {
  const before = mark();
  const python = findPython('torch');
  if (!python.ok) return python.reason;
  const run = spawnSync(python.python, ['-c', TORCH, JSON.stringify(shapes)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.error) return `${python.python} could not be started (${run.error.message})`;
  if (run.status !== 0) return `${python.python} failed: ${run.stderr.trim().split('\n').at(-1) ?? ''}`;
  const [head, ...lines] = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const seconds = new Map(lines.map((l) => [`${(l.shape as number[]).join('x')}/${String(l.dtype)}`, Number(l.seconds)]));
  return { version: String(head.version), threads: Number(head.threads), seconds, others: since(before) };
}

const fmtS = (s: number | undefined): string => (s === undefined ? '—' : s < 10 ? s.toFixed(2) : s.toFixed(1));
const fmtOthers = (c: Contention | null): string => (c === null ? '' : ` (others took ${(c.othersShare * 100).toFixed(0)}% of the CPUs)`);
const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? '—' : `${(a / b).toFixed(2)}×`);

function maxDiff(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

async function small(products: MatrixProducts): Promise<void> {
  console.log(`[n, 4n]: ours (blocked, ONNX Runtime) against plain JS; init.ts uses ours from n = ${BLOCKED_QR_FROM}`);
  for (const n of [32, 64, 96, 128, 192, 256]) {
    const shape: Shape = [n, 4 * n];
    // Best of three, alternating, after one untimed run of each.
    await ours(shape, products);
    plainJs(shape);
    let best = [Infinity, Infinity];
    for (let round = 0; round < 3; round++) {
      const a = await timed(() => ours(shape, products));
      const b = await timed(() => plainJs(shape));
      best = [Math.min(best[0], a.seconds), Math.min(best[1], b.seconds)];
    }
    console.log(`  [${n}, ${4 * n}]  ours ${(best[0] * 1000).toFixed(1)} ms  plain JS ${(best[1] * 1000).toFixed(1)} ms  plain JS / ours ${ratio(best[1], best[0])}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { shapes: { type: 'string' }, 'js-budget': { type: 'string' }, 'skip-torch': { type: 'boolean' }, small: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const shapes = shapesOf(values.shapes ?? '512x2048,1024x4096,4096x16384');
  const jsBudget = Number(values['js-budget'] ?? 120);
  if (!(jsBudget >= 0)) throw new Error(`--js-budget must be a number of seconds ≥ 0, got '${values['js-budget']}'`);

  const products = await onnxMatrixProducts();
  if (typeof products === 'string') throw new Error(products);
  console.log(`${availableParallelism()} CPUs; ONNX Runtime float64 products at ${availableParallelism()} threads`);
  if (values.small) return small(products);

  const torch = values['skip-torch'] ? 'skipped (--skip-torch)' : torchTimes(shapes);
  if (typeof torch === 'string') console.log(`PyTorch: ${torch}`);
  else console.log(`PyTorch ${torch.version}, ${torch.threads} threads${fmtOthers(torch.others)}`);

  // Seconds per flop of the last plain-JS run; before one, 1 GFLOP/s, its speed on one core.
  let jsRate = 1e-9;
  for (const shape of shapes) {
    const label = `[${shape[0]}, ${shape[1]}]`;
    const fast = await timed(() => ours(shape, products));
    const t32 = typeof torch === 'string' ? undefined : torch.seconds.get(`${shape.join('x')}/float32`);
    const t64 = typeof torch === 'string' ? undefined : torch.seconds.get(`${shape.join('x')}/float64`);
    const estimate = jsRate * qrFlops(shape);
    let js: Timed<Float64Array> | undefined;
    if (estimate <= jsBudget) js = await timed(() => plainJs(shape));
    else console.log(`${label}: plain JS skipped, about ${estimate.toFixed(0)} s estimated (--js-budget ${jsBudget})`);
    if (js) jsRate = js.seconds / qrFlops(shape);
    console.log(
      `${label}: ours ${fmtS(fast.seconds)} s (${(qrFlops(shape) / fast.seconds / 1e9).toFixed(1)} GFLOP/s)${fmtOthers(fast.others)}` +
        ` | PyTorch float32 ${fmtS(t32)} s, float64 ${fmtS(t64)} s | plain JS ${fmtS(js?.seconds)} s${fmtOthers(js?.others ?? null)}`,
    );
    console.log(
      `${' '.repeat(label.length)}  ours / PyTorch float32 ${ratio(fast.seconds, t32)}, ours / PyTorch float64 ${ratio(fast.seconds, t64)}, plain JS / ours ${ratio(js?.seconds, fast.seconds)}` +
        (js ? `, max |ours − plain JS| ${maxDiff(fast.value, js.value).toExponential(1)}` : ''),
    );
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
