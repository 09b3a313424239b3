/** Structural checks run after every compiler pass: a broken IR never reaches an executor. */
import { inferShape } from './ops.ts';
import { type IrGraph, type IrNode, shapeEq, fmtShape } from './types.ts';
import { finish, NODES_PER_YIELD, type Work } from './work.ts';

export class IrError extends Error {}

/** Throws IrError naming the first node that is out of order, mis-shaped or dangling. */
export function verifyIr(g: IrGraph): void {
  finish(verifyIrWork(g));
}

/** verifyIr in pieces (see work.ts). */
export function* verifyIrWork(g: IrGraph): Work<void> {
  const names = new Set<string>();
  for (let i = 0; i < g.nodes.length; i++) {
    if (i % NODES_PER_YIELD === 0) yield i / g.nodes.length;
    const n = g.nodes[i];
    const where = `IR node ${i} (${n.op.type}, block '${n.origin.block}', t=${n.origin.t})`;
    if (n.id !== i) throw new IrError(`${where}: id ${n.id} does not match its position`);
    for (const x of n.inputs) if (!(Number.isInteger(x) && x >= 0 && x < i)) throw new IrError(`${where}: input ${x} is not an earlier node`);
    if (n.op.type === 'input' || n.op.type === 'param') {
      if (n.inputs.length) throw new IrError(`${where}: a ${n.op.type} takes no inputs`);
      if (names.has(n.op.name)) throw new IrError(`${where}: the name '${n.op.name}' is fed twice (inputs and params share one namespace)`);
      names.add(n.op.name);
      continue;
    }
    let expected;
    try {
      expected = inferShape(n.op, n.inputs.map((x) => g.nodes[x]));
    } catch (e) {
      throw new IrError(`${where}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!shapeEq(expected.shape, n.shape) || expected.dtype !== n.dtype)
      throw new IrError(`${where}: recorded ${n.dtype}${fmtShape(n.shape)} but its rule gives ${expected.dtype}${fmtShape(expected.shape)}`);
  }
  for (const [name, id] of Object.entries(g.outputs))
    if (!(Number.isInteger(id) && id >= 0 && id < g.nodes.length)) throw new IrError(`output '${name}' refers to missing node ${id}`);
}

/** Drops nodes no output depends on, renumbering the rest. */
export function prune(g: IrGraph): IrGraph {
  return finish(pruneWork(g));
}

/** prune in pieces (see work.ts): the liveness sweep is the first half, the renumbering the second. */
export function* pruneWork(g: IrGraph): Work<IrGraph> {
  const live = new Array<boolean>(g.nodes.length).fill(false);
  for (const [name, id] of Object.entries(g.outputs)) {
    if (!(Number.isInteger(id) && id >= 0 && id < g.nodes.length)) throw new IrError(`output '${name}' refers to missing node ${id}`);
    live[id] = true;
  }
  const count = g.nodes.length;
  for (let i = count - 1; i >= 0; i--) {
    if (i % NODES_PER_YIELD === 0) yield (count - i) / (2 * count);
    if (live[i]) for (const x of g.nodes[i].inputs) live[x] = true;
  }
  const renumber = new Map<number, number>();
  const nodes: IrNode[] = [];
  for (let i = 0; i < count; i++) {
    if (i % NODES_PER_YIELD === 0) yield 0.5 + i / (2 * count);
    if (!live[i]) continue;
    const n = g.nodes[i];
    renumber.set(n.id, nodes.length);
    nodes.push({ ...n, id: nodes.length, inputs: n.inputs.map((x) => renumber.get(x)!) });
  }
  const outputs = Object.fromEntries(Object.entries(g.outputs).map(([k, v]) => [k, renumber.get(v)!]));
  return { nodes, outputs };
}
