/**
 * Reverse-mode differentiation of the IR. Applied to an unrolled forward graph this *is*
 * backpropagation through time: the gradient nodes it appends are the backward pass, step by
 * step, attributed to the same blocks and time steps as the forward nodes they differentiate.
 */
import type { IrBuilder } from './builder.ts';
import { gradOf } from './ops.ts';
import type { NodeId } from './types.ts';
import { finish, NODES_PER_YIELD, type Work } from './work.ts';

/**
 * Appends to `b` the gradient of the scalar `loss` with respect to each of `wrt`.
 * Returns dLoss/dw for each w, in order (a zeros node where the loss does not depend on w).
 */
export function differentiate(b: IrBuilder, loss: NodeId, wrt: readonly NodeId[]): NodeId[] {
  return finish(differentiateWork(b, loss, wrt));
}

/** differentiate in pieces (see work.ts), yielding as it walks back from the loss. */
export function* differentiateWork(b: IrBuilder, loss: NodeId, wrt: readonly NodeId[]): Work<NodeId[]> {
  if (b.shape(loss).length !== 0) throw new Error(`the loss must be a scalar, got shape [${b.shape(loss).join(', ')}]`);
  const forwardCount = loss + 1;
  const needed = new Array<boolean>(forwardCount).fill(false);
  for (const w of wrt) needed[w] = true;
  for (let i = 0; i < forwardCount; i++) if (!needed[i]) needed[i] = b.node(i).inputs.some((x) => needed[x]);

  const contributions = new Map<NodeId, NodeId[]>();
  const total = (id: NodeId): NodeId | undefined => {
    const parts = contributions.get(id);
    if (!parts) return undefined;
    return parts.length === 1 ? parts[0] : b.emit({ type: 'addN' }, parts);
  };

  const savedPhase = b.phase;
  b.phase = 'backward';
  try {
    b.at(b.node(loss).origin, () => contributions.set(loss, [b.emit({ type: 'const', value: 1 }, [])]));
    for (let id = loss; id >= 0; id--) {
      if (id % NODES_PER_YIELD === 0) yield (forwardCount - id) / forwardCount;
      const node = b.node(id);
      if (!needed[id] || node.inputs.length === 0) continue;
      b.at(node.origin, () => {
        const dy = total(id);
        if (dy === undefined) return;
        const grads = gradOf(node.op, { b, x: node.inputs, y: id, dy });
        node.inputs.forEach((x, i) => {
          const g = grads[i];
          if (g === null || g === undefined || !needed[x]) return;
          const parts = contributions.get(x);
          if (parts) parts.push(g);
          else contributions.set(x, [g]);
        });
      });
    }
    return wrt.map((w) => b.at(b.node(w).origin, () => total(w) ?? b.emit({ type: 'zeros', shape: b.shape(w) }, [])));
  } finally {
    b.phase = savedPhase;
  }
}
