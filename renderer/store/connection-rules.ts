/**
 * Whether an edge may be added to a graph, decided by the engine's own validator: the edge is
 * applied to a copy and the graph analysed again. A connection is refused when it brings a new
 * error on the edge itself or on the block it feeds (a kind or token mismatch, a size mismatch,
 * an algebraic loop, …). Errors elsewhere in an unfinished graph (inputs not wired yet, a block
 * downstream that now sees a type) do not block it: they are for the user to fix next.
 */
import { getBlock } from '../../engine/blocks/registry.ts';
import { analyzeGraph } from '../../engine/compiler/validate.ts';
import type { GraphDocument } from '../../engine/graph/schema.ts';

export interface ConnectionRequest {
  readonly source: string;
  readonly sourcePort: string;
  readonly target: string;
  readonly targetPort: string;
}

/** A refusal: `code` is the engine's diagnostic code where the engine refused it. */
export type ConnectionCheck = { ok: true } | { ok: false; code: string; reason: string };

const refuse = (code: string, reason: string): ConnectionCheck => ({ ok: false, code, reason });

/** Diagnostics that say a graph is unfinished, not that an edge is wrong. */
const UNFINISHED = new Set(['missing-connection', 'no-output', 'shape-unknown']);

const diagnosticKey = (d: { code: string; nodeId?: string; port?: string; edgeId?: string; message: string }) =>
  JSON.stringify([d.code, d.nodeId ?? null, d.port ?? null, d.edgeId ?? null, d.message]);

/** What is already wrong with `doc`, for telling new problems from old (reuse it across checks). */
export const baselineOf = (doc: GraphDocument): ReadonlySet<string> => new Set(analyzeGraph(doc).diagnostics.map(diagnosticKey));

export function checkConnection(doc: GraphDocument, c: ConnectionRequest, edgeId: string, baseline?: ReadonlySet<string>): ConnectionCheck {
  const sourceNode = doc.nodes.find((n) => n.id === c.source);
  const targetNode = doc.nodes.find((n) => n.id === c.target);
  if (!sourceNode) return refuse('unknown-node', `there is no block '${c.source}' in this graph`);
  if (!targetNode) return refuse('unknown-node', `there is no block '${c.target}' in this graph`);
  if (c.source === c.target)
    return refuse('self-connection', `'${c.source}' cannot feed itself; to build a loop, pass through another block and a delay block`);

  const sourceBlock = getBlock(sourceNode.type);
  const targetBlock = getBlock(targetNode.type);
  if (!sourceBlock) return refuse('unknown-block', `'${c.source}' has an unknown block type '${sourceNode.type}'`);
  if (!targetBlock) return refuse('unknown-block', `'${c.target}' has an unknown block type '${targetNode.type}'`);
  if (!sourceBlock.outputs.some((p) => p.name === c.sourcePort)) {
    const names = sourceBlock.outputs.map((p) => `'${p.name}'`).join(', ') || 'none';
    return refuse('unknown-port', `'${sourceBlock.type}' has no output port '${c.sourcePort}' (it has ${names})`);
  }
  if (!targetBlock.inputs.some((p) => p.name === c.targetPort)) {
    const names = targetBlock.inputs.map((p) => `'${p.name}'`).join(', ') || 'none';
    return refuse('unknown-port', `'${targetBlock.type}' has no input port '${c.targetPort}' (it has ${names})`);
  }

  const into = doc.edges.find((e) => e.target === c.target && e.targetPort === c.targetPort);
  if (into && into.source === c.source && into.sourcePort === c.sourcePort)
    return refuse('duplicate-edge', `'${c.source}.${c.sourcePort}' is already connected to '${c.target}.${c.targetPort}'`);
  if (into)
    return refuse(
      'extra-connection',
      `input '${c.targetPort}' of '${c.target}' already receives edge '${into.id}' from '${into.source}.${into.sourcePort}'; an input takes one connection, so remove that edge first`,
    );

  const before = baseline ?? baselineOf(doc);
  const withEdge: GraphDocument = { ...doc, edges: [...doc.edges, { id: edgeId, ...c }] };
  const introduced = analyzeGraph(withEdge).diagnostics.filter(
    (d) =>
      d.severity === 'error' &&
      !UNFINISHED.has(d.code) &&
      !before.has(diagnosticKey(d)) &&
      (d.edgeId === edgeId || d.nodeId === c.target || d.code === 'algebraic-loop'),
  );
  // Prefer the problem on the port being connected: it is the one the user is looking at.
  const first = introduced.find((d) => d.edgeId === edgeId || d.port === c.targetPort) ?? introduced[0];
  return first ? refuse(first.code, first.message) : { ok: true };
}
