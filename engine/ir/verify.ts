/** Structural checks run after every compiler pass: a broken IR never reaches an executor. */
import { inferShape } from './ops.ts';
import { type IrGraph, shapeEq, fmtShape } from './types.ts';

export class IrError extends Error {}

/** Throws IrError naming the first node that is out of order, mis-shaped or dangling. */
export function verifyIr(g: IrGraph): void {
  const names = new Set<string>();
  g.nodes.forEach((n, i) => {
    const where = `IR node ${i} (${n.op.type}, block '${n.origin.block}', t=${n.origin.t})`;
    if (n.id !== i) throw new IrError(`${where}: id ${n.id} does not match its position`);
    for (const x of n.inputs) if (!(Number.isInteger(x) && x >= 0 && x < i)) throw new IrError(`${where}: input ${x} is not an earlier node`);
    if (n.op.type === 'input' || n.op.type === 'param') {
      if (n.inputs.length) throw new IrError(`${where}: a ${n.op.type} takes no inputs`);
      if (names.has(n.op.name)) throw new IrError(`${where}: the name '${n.op.name}' is fed twice (inputs and params share one namespace)`);
      names.add(n.op.name);
      return;
    }
    let expected;
    try {
      expected = inferShape(n.op, n.inputs.map((x) => g.nodes[x]));
    } catch (e) {
      throw new IrError(`${where}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!shapeEq(expected.shape, n.shape) || expected.dtype !== n.dtype)
      throw new IrError(`${where}: recorded ${n.dtype}${fmtShape(n.shape)} but its rule gives ${expected.dtype}${fmtShape(expected.shape)}`);
  });
  for (const [name, id] of Object.entries(g.outputs))
    if (!(Number.isInteger(id) && id >= 0 && id < g.nodes.length)) throw new IrError(`output '${name}' refers to missing node ${id}`);
}

/** Drops nodes no output depends on, renumbering the rest. */
export function prune(g: IrGraph): IrGraph {
  const live = new Array<boolean>(g.nodes.length).fill(false);
  for (const [name, id] of Object.entries(g.outputs)) {
    if (!(Number.isInteger(id) && id >= 0 && id < g.nodes.length)) throw new IrError(`output '${name}' refers to missing node ${id}`);
    live[id] = true;
  }
  for (let i = g.nodes.length - 1; i >= 0; i--) if (live[i]) for (const x of g.nodes[i].inputs) live[x] = true;
  const renumber = new Map<number, number>();
  const nodes = g.nodes.filter((_, i) => live[i]).map((n, j) => {
    renumber.set(n.id, j);
    return { ...n, id: j, inputs: n.inputs.map((x) => renumber.get(x)!) };
  });
  const outputs = Object.fromEntries(Object.entries(g.outputs).map(([k, v]) => [k, renumber.get(v)!]));
  return { nodes, outputs };
}
