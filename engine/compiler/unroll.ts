/**
 * Unrolling: the cell graph evaluated at t = 0 … T−1 becomes one flat forward IR.
 *
 * Dependencies form strongly connected components; a component with a delay in it is a loop and
 * is evaluated step by step (all its nodes at t, then at t + 1), any other node is evaluated on
 * its own for every step (or once). Components are visited dependencies first, so a hand-wired
 * cell unrolls exactly like a built-in block.
 *
 * A loop through backward delays (z⁺¹, the backward half of a bidirectional block) is evaluated
 * from t = T − 1 down to 0: every IR node still carries the step t it computes, so the backward
 * direction's state at t really is the one that has read x_{T−1} … x_t. A loop cannot run both
 * ways (the validator refuses one that would).
 *
 * An allSteps node (what attention reads its source from) is computed once, after every step of
 * its input: it cannot sit on a loop, and a stateful unroll, which sees one step or one chunk at a
 * time, refuses it.
 */
import type { IrBuilder } from '../ir/builder.ts';
import type { NodeId } from '../ir/types.ts';
import { finish, type Work } from '../ir/work.ts';
import { CellError, type CellGraph, type CellNode, type CellRef, type TimeDirection } from '../cell/cell.ts';

export interface Unrolled {
  /** IR node of cell node `ref` at step t (t ignored for once-domain nodes). */
  at(ref: CellRef, t: number): NodeId;
  /**
   * Each delay's name and the value its loop ends with: the value after the last step (t = T − 1)
   * for a forward delay, after the first (t = 0) for a backward one. Stateful unrolls carry it.
   */
  readonly finalStates: ReadonlyMap<string, NodeId>;
}

export interface UnrollOptions {
  readonly steps: number;
  /** Delays start from inputs named `state:<delay>` instead of zeros (for step-by-step generation). */
  readonly stateful?: boolean;
}

/** The cell nodes `n` reads (for a delay: its input, which closes a loop, and its start value). */
export const dependencies = (n: CellNode): CellRef[] => {
  switch (n.kind) {
    case 'op':
      return [...n.inputs];
    case 'delay':
      return [n.input, n.init].filter((x): x is CellRef => x !== null);
    case 'lastStep':
    case 'firstStep':
    case 'meanOverTime':
    case 'repeat':
    case 'allSteps':
      return [n.input];
    case 'param':
    case 'input':
      return [];
  }
};

/** Tarjan's algorithm over dependency edges: components come out dependencies first. */
function components(cell: CellGraph): CellRef[][] {
  const index = new Map<CellRef, number>();
  const low = new Map<CellRef, number>();
  const stack: CellRef[] = [];
  const onStack = new Set<CellRef>();
  const out: CellRef[][] = [];
  const visit = (v: CellRef) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of dependencies(cell.nodes[v])) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: CellRef[] = [];
      let w: CellRef;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      out.push(component.sort((a, b) => a - b));
    }
  };
  for (const n of cell.nodes) if (!index.has(n.id)) visit(n.id);
  return out;
}

/**
 * The way a loop runs: backward when it goes through a backward delay. Throws CellError when no
 * step could be computed first: delays of both directions, or a block on the loop that reads
 * every step of the sequence.
 */
function directionOf(nodes: readonly CellNode[]): TimeDirection {
  const whole = nodes.find((n) => n.kind === 'allSteps');
  if (whole && nodes.length > 1)
    throw new CellError(
      `'${whole.block}' reads every step of a sequence that depends, through a delay, on what it outputs: step t would need steps after t; take the block off the loop`,
      whole.block,
      'time-direction',
    );
  const delays = nodes.filter((n) => n.kind === 'delay');
  const backward = delays.filter((n) => n.direction === 'backward');
  if (backward.length === 0) return 'forward';
  if (backward.length < delays.length) {
    const forward = delays.find((n) => n.direction === 'forward')!;
    throw new CellError(
      `a loop goes through '${backward[0].name}', which runs backward in time, and '${forward.name}', which runs forward: no step could be computed first`,
      backward[0].block,
      'time-direction',
    );
  }
  return 'backward';
}

/** Throws CellError for a loop that no order of steps computes (see directionOf), as unrolling would, without unrolling. */
export function checkLoops(cell: CellGraph): void {
  for (const component of components(cell)) {
    const nodes = component.map((r) => cell.nodes[r]);
    if (!nodes.every((n) => n.domain === 'once')) directionOf(nodes);
  }
}

/**
 * The cell graph over t = 0 … steps − 1 as IR nodes in `b`. Throws CellError for a loop whose
 * delays run both ways in time, or a backward delay in a stateful unroll (a generator runs one
 * step at a time, forward, and cannot read the future).
 */
export function unrollCell(cell: CellGraph, b: IrBuilder, options: UnrollOptions): Unrolled {
  return finish(unrollWork(cell, b, options));
}

/** unrollCell in pieces (see work.ts): it yields after every step of every loop, as a share of all the steps it unrolls. */
export function* unrollWork(cell: CellGraph, b: IrBuilder, { steps, stateful = false }: UnrollOptions): Work<Unrolled> {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${steps}`);
  const values: (NodeId | undefined)[][] = cell.nodes.map(() => []);
  const at = (ref: CellRef, t: number): NodeId => {
    const n = cell.nodes[ref];
    const v = values[ref][n.domain === 'step' ? t : 0];
    if (v === undefined) throw new Error(`internal: cell node ${ref} (${n.kind}, block '${n.block}') used at t=${t} before it was computed`);
    return v;
  };

  const emit = (n: CellNode, t: number): NodeId =>
    b.at({ block: n.block, t: n.domain === 'step' ? t : null }, () => {
      switch (n.kind) {
        case 'op':
          return b.emit(n.op, n.inputs.map((x) => at(x, t)));
        case 'param':
          return b.param(n.name, n.shape);
        case 'input':
          if (n.domain === 'once') return b.input(n.name, n.shape, n.dtype);
          return b.emit({ type: 'index', index: t }, [b.input(n.name, [steps, ...n.shape], n.dtype)]);
        case 'delay': {
          const from = n.direction === 'forward' ? t - 1 : t + 1;
          if (from >= 0 && from < steps) return at(n.input!, from);
          if (n.init !== null) return at(n.init, 0);
          return stateful ? b.input(`state:${n.name}`, n.shape) : b.emit({ type: 'zeros', shape: n.shape }, []);
        }
        case 'lastStep':
          return at(n.input, steps - 1);
        case 'firstStep':
          return at(n.input, 0);
        case 'meanOverTime': {
          const all = Array.from({ length: steps }, (_, s) => at(n.input, s));
          const sum = steps === 1 ? all[0] : b.emit({ type: 'addN' }, all);
          return b.emit({ type: 'mul' }, [sum, b.emit({ type: 'const', value: 1 / steps }, [])]);
        }
        case 'repeat':
          // A node of its own at every step (an identity reshape), so each step of the block shows.
          return b.emit({ type: 'reshape', shape: n.shape }, [at(n.input, 0)]);
        case 'allSteps': {
          const [batch, , ...rest] = n.shape;
          if (n.shape[1] !== steps) throw new CellError(`reads ${n.shape[1]} steps of its sequence, but the cell is unrolled over ${steps}`, n.block);
          const rows = Array.from({ length: steps }, (_, s) => b.emit({ type: 'reshape', shape: [batch, 1, ...rest] }, [at(n.input, s)]));
          return steps === 1 ? rows[0] : b.emit({ type: 'concat', axis: 1 }, rows);
        }
      }
    });

  if (stateful) {
    const backward = cell.nodes.find((n) => n.kind === 'delay' && n.direction === 'backward');
    if (backward?.kind === 'delay')
      throw new CellError(`'${backward.block}' reads its sequence backward in time (delay '${backward.name}'), so it cannot run one step at a time`, backward.block, 'time-direction');
    const whole = cell.nodes.find((n) => n.kind === 'allSteps');
    if (whole)
      throw new CellError(`'${whole.block}' reads every step of a sequence at once (attention looks at later steps too), so it cannot run one step at a time`, whole.block, 'time-direction');
  }

  const ordered = components(cell).map((component) => component.map((r) => cell.nodes[r]));
  const perStep = ordered.filter((nodes) => !nodes.every((n) => n.domain === 'once')).length;
  let unrolledSteps = 0;
  for (const nodes of ordered) {
    if (nodes.every((n) => n.domain === 'once')) {
      for (const n of nodes) values[n.id][0] = emit(n, 0);
      continue;
    }
    // A loop (or a single per-step node): everything at one step before anything at the next,
    // in the direction the loop runs. Within a step, ids are in dependency order.
    const forward = directionOf(nodes) === 'forward';
    for (let i = 0; i < steps; i++) {
      const t = forward ? i : steps - 1 - i;
      for (const n of nodes) values[n.id][t] = emit(n, t);
      yield ++unrolledSteps / (perStep * steps);
    }
  }

  const finalStates = new Map<string, NodeId>();
  for (const n of cell.nodes)
    if (n.kind === 'delay' && n.input !== null) finalStates.set(n.name, at(n.input, n.direction === 'forward' ? steps - 1 : 0));
  return { at, finalStates };
}
