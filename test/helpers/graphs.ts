/**
 * Graph documents for tests, written as a table of nodes and a list of edges:
 *
 *   graph({ x: ['input', { size: 3 }], rnn: ['elman', { units: 4 }], o: ['output'] }, ['x -> rnn', 'rnn -> o'])
 *
 * An edge is 'source[.port] -> target[.port]'; the ports default to 'out' and 'in'.
 */
import { compileGraph, type Compiled } from '../../engine/compiler/compile.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument, type GraphEdge } from '../../engine/graph/schema.ts';
import type { Tensor64 } from '../../engine/ir/tensor64.ts';

/** Node id → [block type, params]. */
export type NodeTable = Readonly<Record<string, readonly [type: string, params?: Record<string, unknown>]>>;

export function edge(spec: string, id: string): GraphEdge {
  const match = /^\s*([\w-]+)(?:\.(\w+))?\s*->\s*([\w-]+)(?:\.(\w+))?\s*$/.exec(spec);
  if (!match) throw new Error(`edge '${spec}': write 'source[.port] -> target[.port]'`);
  const [, source, sourcePort = 'out', target, targetPort = 'in'] = match;
  return { id, source, sourcePort, target, targetPort };
}

export function graph(nodes: NodeTable, edges: readonly string[], name = 'test'): GraphDocument {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name,
    nodes: Object.entries(nodes).map(([id, [type, params = {}]], i) => ({ id, type, params, position: { x: 160 * i, y: 0 } })),
    edges: edges.map((e, i) => edge(e, `e${i}`)),
  };
}

/** Compiles `doc` over `steps` steps with batch `batch`; throws CompileError on an invalid graph. */
export const compile = (doc: GraphDocument, steps: number, batch: number, stateful = false): Compiled => compileGraph(doc, { steps, batch, stateful });

/** max |a − b| over two arrays of one length (throws on a length mismatch). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: ${a.length} values against ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst; // Math.max keeps a NaN, so a NaN fails every `<` check
}

/** max |a − b| / max(1, max |b|): the error of `a` relative to the scale of the reference `b`. */
export function relativeToScale(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  return maxAbsDiff(a, b) / scale;
}

/** Row `t` of a time-major [T, ...] tensor, as a flat array. */
export function step(x: Tensor64, t: number): Float64Array {
  const size = x.data.length / x.shape[0];
  return x.data.subarray(t * size, (t + 1) * size);
}
