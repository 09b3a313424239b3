/**
 * Micro-benchmarks behind the suggestions in docs/benchmarks.md: each pits the pattern our train
 * IR emits for an LSTM (B 32, T 50, F 32, H 128) against a batched or fused alternative, as small
 * IR graphs on the ONNX Runtime executor. Both sides of a pair return the same number of bytes.
 *
 *   npx tsx engine/bench/kernels.ts [--threads 1]
 */
import { parseArgs } from 'node:util';
import { float32, type FloatTensor } from '../executors/index.ts';
import { OrtExecutor } from '../executors/onnx/ort.ts';
import { IrBuilder } from '../ir/builder.ts';
import type { IrGraph, NodeId } from '../ir/types.ts';

const { values } = parseArgs({ options: { threads: { type: 'string' }, runs: { type: 'string' } } });
const threads = Number(values.threads ?? 1);
const runs = Number(values.runs ?? 40);
if (!Number.isInteger(threads) || threads < 1 || !Number.isInteger(runs) || runs < 1) throw new Error('--threads and --runs take positive integers');

const [T, B, F, H, G] = [50, 32, 32, 128, 4];
const executor = await OrtExecutor.create({ threads });

const random = (shape: readonly number[]): FloatTensor => float32(shape, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.random() - 0.5));
const feeds: Record<string, FloatTensor> = {
  x: random([T, B, F]),
  xAll: random([T * B, F]),
  W: random([F, G * H]),
  h: random([T, B, H]),
  hAll: random([T * B, H]),
  dz: random([T, B, G * H]),
  dzAll: random([T * B, G * H]),
  g: random([B, H]),
};
const matmul = (b: IrBuilder, a: NodeId, c: NodeId, transA = false) => b.emit({ type: 'matmul', transA, transB: false }, [a, c]);
/** Sums a product to a scalar, so that copying 3 MB of results out does not swamp the matmuls. */
const total = (b: IrBuilder, x: NodeId) => b.emit({ type: 'reduceSum', axes: b.shape(x).map((_, i) => i), keepDims: false }, [x]);
const index = (b: IrBuilder, x: NodeId, t: number) => b.emit({ type: 'index', index: t }, [x]);

function graph(build: (b: IrBuilder) => Record<string, NodeId>): IrGraph {
  const b = new IrBuilder();
  return b.finish(build(b));
}

async function time(name: string, g: IrGraph): Promise<number> {
  const inputs = Object.fromEntries(g.nodes.flatMap((n) => (n.op.type === 'input' ? [[n.op.name, feeds[n.op.name]]] : [])));
  const program = await executor.prepare(g, { name });
  for (let i = 0; i < 5; i++) await program.run(inputs);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await program.run(inputs);
    ms.push(performance.now() - t0);
  }
  await program.dispose();
  return ms.sort((a, b) => a - b)[ms.length >> 1];
}

const pairs: { name: string; ours: IrGraph; alt: IrGraph; altName: string }[] = [
  {
    name: `x·W per step: ${T} × [${B}×${F}]·[${F}×${G * H}]`,
    ours: graph((b) => {
      const [x, W] = [b.input('x', [T, B, F]), b.input('W', [F, G * H])];
      return Object.fromEntries(Array.from({ length: T }, (_, t) => [`o${t}`, total(b, matmul(b, index(b, x, t), W))]));
    }),
    altName: `one [${T * B}×${F}]·[${F}×${G * H}]`,
    alt: graph((b) => ({ o: total(b, matmul(b, b.input('xAll', [T * B, F]), b.input('W', [F, G * H]))) })),
  },
  {
    name: `dU: ${T} × [${B}×${H}]ᵀ·[${B}×${G * H}] + Sum of ${T}`,
    ours: graph((b) => {
      const [h, dz] = [b.input('h', [T, B, H]), b.input('dz', [T, B, G * H])];
      return { o: b.emit({ type: 'addN' }, Array.from({ length: T }, (_, t) => matmul(b, index(b, h, t), index(b, dz, t), true))) };
    }),
    altName: `one [${T * B}×${H}]ᵀ·[${T * B}×${G * H}]`,
    alt: graph((b) => ({ o: matmul(b, b.input('hAll', [T * B, H]), b.input('dzAll', [T * B, G * H]), true) })),
  },
  {
    name: `split's gradient, ${T} steps: ${G} × Pad to [${B}×${G * H}] + Sum`,
    ours: gateGrads('pad'),
    altName: `one Concat of ${G}`,
    alt: gateGrads('concat'),
  },
  {
    name: `1000 chained Mul [${B}×${H}] (per-kernel cost of an elementwise op)`,
    ours: graph((b) => {
      let v = b.input('g', [B, H]);
      const c = b.emit({ type: 'const', value: 1.0001 }, []);
      for (let i = 0; i < 1000; i++) v = b.emit({ type: 'mul' }, [v, c]);
      return { o: v };
    }),
    altName: '',
    alt: graph((b) => ({ o: b.emit({ type: 'mul' }, [b.input('g', [B, H]), b.emit({ type: 'const', value: 1.0001 }, [])]) })),
  },
];

/** How the gradient of split(z, 4) comes together per step: padded and summed, or concatenated. */
function gateGrads(kind: 'pad' | 'concat'): IrGraph {
  return graph((b) => {
    const g = b.input('g', [B, H]);
    const out: Record<string, NodeId> = {};
    for (let t = 0; t < T; t++) {
      const parts = Array.from({ length: G }, (_, k) => b.emit({ type: 'mul' }, [g, b.emit({ type: 'const', value: t + k }, [])]));
      out[`o${t}`] =
        kind === 'concat'
          ? b.emit({ type: 'concat', axis: 1 }, parts)
          : b.emit(
              { type: 'addN' },
              parts.map((p, k) => b.emit({ type: 'pad', axis: 1, before: k * H, after: (G - 1 - k) * H }, [p])),
            );
    }
    return out;
  });
}

console.log(`${executor.describe().name} ${executor.describe().version}, ${executor.describe().device}; medians of ${runs} runs`);
for (const [i, p] of pairs.entries()) {
  const ours = await time(`ours${i}`, p.ours);
  if (p.altName === '') {
    const one = await time(`alt${i}`, p.alt);
    console.log(`  ${p.name}: ${ours.toFixed(3)} ms (one Mul alone: ${one.toFixed(3)} ms): ${(((ours - one) / 999) * 1000).toFixed(2)} µs per kernel`);
  } else {
    const alt = await time(`alt${i}`, p.alt);
    console.log(`  ${p.name}: ${ours.toFixed(3)} ms;  ${p.altName}: ${alt.toFixed(3)} ms`);
  }
}
await executor.dispose();
