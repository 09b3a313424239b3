/**
 * While the user drags a new connection, which ports would take it: every candidate port is
 * checked with the same rules the store applies on connect, so the canvas can mark valid and
 * invalid targets before the drop and say why a target is refused.
 */
import { getBlock } from '../../engine/blocks/registry.ts';
import type { GraphDocument } from '../../engine/graph/schema.ts';
import { baselineOf, type ConnectionCheck, checkConnection, type ConnectionRequest } from '../store/connection-rules.ts';
import { freshEdgeId } from '../store/ids.ts';

/** Where the drag started: an output ('source') or an input ('target') handle. */
export interface ConnectionStart {
  readonly nodeId: string;
  readonly port: string;
  readonly side: 'source' | 'target';
}

export interface ConnectionHints {
  readonly start: ConnectionStart;
  /** Verdict per candidate port, keyed `portKey(nodeId, port)`. */
  readonly verdicts: ReadonlyMap<string, ConnectionCheck>;
}

export const portKey = (nodeId: string, port: string): string => `${nodeId}\u0000${port}`;

/** The connection made by dropping a drag that started at `start` on `nodeId`'s `port`. */
export function requestFor(start: ConnectionStart, nodeId: string, port: string): ConnectionRequest {
  return start.side === 'source'
    ? { source: start.nodeId, sourcePort: start.port, target: nodeId, targetPort: port }
    : { source: nodeId, sourcePort: port, target: start.nodeId, targetPort: start.port };
}

export function connectionHints(doc: GraphDocument, start: ConnectionStart): ConnectionHints {
  const baseline = baselineOf(doc);
  const edgeId = freshEdgeId(doc.edges);
  const verdicts = new Map<string, ConnectionCheck>();
  for (const node of doc.nodes) {
    const block = getBlock(node.type);
    if (!block) continue;
    const ports = start.side === 'source' ? block.inputs : block.outputs;
    for (const p of ports) verdicts.set(portKey(node.id, p.name), checkConnection(doc, requestFor(start, node.id, p.name), edgeId, baseline));
  }
  return { start, verdicts };
}

/** The verdict on a finished connection: from the hints when they cover it, else checked now. */
export function verdictFor(doc: GraphDocument, hints: ConnectionHints | null, c: ConnectionRequest): ConnectionCheck {
  if (hints) {
    const { start } = hints;
    const key =
      start.side === 'source' && start.nodeId === c.source && start.port === c.sourcePort
        ? portKey(c.target, c.targetPort)
        : start.side === 'target' && start.nodeId === c.target && start.port === c.targetPort
          ? portKey(c.source, c.sourcePort)
          : null;
    const known = key === null ? undefined : hints.verdicts.get(key);
    if (known) return known;
  }
  return checkConnection(doc, c, freshEdgeId(doc.edges));
}
