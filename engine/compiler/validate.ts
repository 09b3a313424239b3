/**
 * Validation and shape inference over the block graph. Never throws on a bad graph: every
 * problem becomes a Diagnostic naming the node, port or edge, and inference carries on around it
 * so one mistake does not hide the next.
 */
import { getBlock } from '../blocks/registry.ts';
import { expectedTarget, LossKind } from '../blocks/output.ts';
import { type AnyBlock, BlockIssue, type PortType, type WeightSpec } from '../blocks/types.ts';
import { formatPath } from '../graph/document.ts';
import type { GraphDocument, GraphEdge } from '../graph/schema.ts';
import type { Diagnostic } from './diagnostics.ts';

/** What the dataset provides, in port terms. */
export interface StreamTypes {
  readonly x?: PortType;
  readonly y?: PortType;
}

export interface NodeInfo {
  readonly block: AnyBlock;
  readonly params: Record<string, unknown>;
  readonly inputs: Record<string, PortType | undefined>;
  readonly outputs: Record<string, PortType> | undefined;
  readonly weights: readonly WeightSpec[];
}

export interface Analysis {
  readonly diagnostics: Diagnostic[];
  /** Nodes whose block and params are valid, by id. */
  readonly nodes: ReadonlyMap<string, NodeInfo>;
  /** Lowering order: every node after the nodes it reads from, edges into delays excepted. */
  readonly order: readonly string[];
  /** Edges that close a loop through a delay: lowered after everything else. */
  readonly feedback: readonly GraphEdge[];
}

const describe = (t: PortType): string =>
  `${t.kind === 'sequence' ? 'a sequence' : 'one vector per example'} of ${t.tokens ? `token ids (vocabulary ${t.size})` : `${t.size} features`}`;

export function analyzeGraph(doc: GraphDocument, streams: StreamTypes = {}): Analysis {
  const diagnostics: Diagnostic[] = [];
  const report = (d: Omit<Diagnostic, 'severity'> & { severity?: Diagnostic['severity'] }) => diagnostics.push({ severity: 'error', ...d });

  // 1. Blocks and params.
  const valid = new Map<string, { block: AnyBlock; params: Record<string, unknown> }>();
  for (const node of doc.nodes) {
    const block = getBlock(node.type);
    if (!block) {
      report({ code: 'unknown-block', nodeId: node.id, message: `unknown block type '${node.type}'` });
      continue;
    }
    const parsed = block.params.safeParse(node.params);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        report({ code: 'param-invalid', nodeId: node.id, message: `param ${formatPath(issue.path) || '(params)'}: ${issue.message}` });
      continue;
    }
    valid.set(node.id, { block, params: parsed.data });
  }

  // 2. Edges: endpoints and ports exist, one edge per input port.
  const ids = new Set(doc.nodes.map((n) => n.id));
  const incoming = new Map<string, Map<string, GraphEdge>>();
  const usable: GraphEdge[] = [];
  /** Edges between existing nodes, even invalid ones: they still connect (no false "missing" or "unused"). */
  const connected: GraphEdge[] = [];
  for (const e of doc.edges) {
    let ok = true;
    if (ids.has(e.source) && ids.has(e.target) && (!valid.has(e.target) || !valid.has(e.source))) connected.push(e);
    for (const [end, nodeId, port] of [['source', e.source, e.sourcePort], ['target', e.target, e.targetPort]] as const) {
      if (!ids.has(nodeId)) {
        report({ code: 'unknown-node', edgeId: e.id, message: `edge '${e.id}': its ${end} '${nodeId}' is not a node of this graph` });
        ok = false;
        continue;
      }
      const info = valid.get(nodeId);
      if (!info) {
        ok = false;
        continue;
      }
      const ports = end === 'source' ? info.block.outputs : info.block.inputs;
      if (!ports.some((p) => p.name === port)) {
        const names = ports.map((p) => `'${p.name}'`).join(', ') || 'none';
        report({ code: 'unknown-port', nodeId, port, edgeId: e.id, message: `edge '${e.id}': '${info.block.type}' has no ${end === 'source' ? 'output' : 'input'} port '${port}' (it has ${names})` });
        ok = false;
      }
    }
    if (!ok) continue;
    const byPort = incoming.get(e.target) ?? new Map<string, GraphEdge>();
    const taken = byPort.get(e.targetPort);
    if (taken) {
      report({ code: 'extra-connection', nodeId: e.target, port: e.targetPort, edgeId: e.id, message: `input '${e.targetPort}' already receives edge '${taken.id}'; an input takes one connection` });
      continue;
    }
    byPort.set(e.targetPort, e);
    incoming.set(e.target, byPort);
    usable.push(e);
    connected.push(e);
  }
  for (const [id, { block }] of valid)
    for (const port of block.inputs)
      if (!port.optional && !connected.some((e) => e.target === id && e.targetPort === port.name))
        report({ code: 'missing-connection', nodeId: id, port: port.name, message: `input '${port.name}' of '${block.type}' is not connected` });

  // 3. Order; a cycle with no delay in it is an algebraic loop.
  const isDelay = (id: string) => valid.get(id)?.block.type === 'delay';
  const feedback = usable.filter((e) => isDelay(e.target));
  const ordering = usable.filter((e) => !isDelay(e.target));
  const order = topologicalOrder([...valid.keys()], ordering);
  for (const id of valid.keys()) {
    if (order.includes(id)) continue;
    // Left out of the order: on a cycle, or downstream of one (those are not reported).
    const cycle = findCycle(id, ordering);
    if (cycle)
      report({ code: 'algebraic-loop', nodeId: id, message: `'${id}' is on a cycle with no delay (${cycle.join(' → ')}): a value would depend on itself at the same step; put a delay block on the loop` });
  }

  // 4. Shape inference, repeated until no type changes (a delay's input type is known only after
  //    the loop it closes), then once more to report.
  const nodes = new Map<string, NodeInfo>();
  const signature = () => JSON.stringify([...nodes].map(([id, n]) => [id, n.outputs]));
  const infer = (final: boolean) => {
    for (const id of order) {
      const { block, params } = valid.get(id)!;
      const inputs: Record<string, PortType | undefined> = {};
      let complete = true;
      let refused = false;
      for (const port of block.inputs) {
        const e = incoming.get(id)?.get(port.name);
        const t = e && nodes.get(e.source)?.outputs?.[e.sourcePort];
        if (!t) {
          if (!port.optional && (block.type !== 'delay' || !e)) complete = false;
          continue;
        }
        const problem = checkPort(block, port.name, t);
        if (problem) {
          if (final) report({ ...problem, nodeId: id, port: port.name, edgeId: e.id });
          complete = false;
          refused = true;
          continue;
        }
        inputs[port.name] = t;
      }
      let outputs: Record<string, PortType> | undefined;
      let weights: readonly WeightSpec[] = [];
      if (complete || (block.type === 'delay' && !refused)) {
        try {
          outputs = { ...block.infer(params, { inputs }) };
          weights = block.weights(params, { inputs });
        } catch (e) {
          if (!(e instanceof BlockIssue)) throw e;
          if (final) report({ code: e.code, nodeId: id, port: e.port, message: e.message });
        }
      }
      nodes.set(id, { block, params, inputs, outputs, weights });
    }
  };
  for (let pass = 0, before = ''; pass <= order.length; pass++) {
    infer(false);
    const after = signature();
    if (after === before) break;
    before = after;
  }
  infer(true);

  // 5. The graph against the dataset, and whether it trains at all.
  const outputsBlocks = [...valid.entries()].filter(([, n]) => n.block.type === 'output');
  if (doc.nodes.length === 0) report({ code: 'no-output', message: 'the graph is empty: add an input, a recurrent block and an "Output + loss" block' });
  else if (outputsBlocks.length === 0 && ![...doc.nodes].some((n) => n.type === 'output'))
    report({ code: 'no-output', message: 'the graph has no output block, so there is no loss to train; add an "Output + loss" block' });
  for (const [id, n] of nodes) {
    if (n.block.type === 'input' && streams.x && n.outputs?.out) mismatch(report, id, 'out', 'reads', n.outputs.out, streams.x, 'x');
    if (n.block.type === 'output' && streams.y && n.inputs.in) {
      const want = expectedTarget(LossKind.parse(n.params.loss), n.inputs.in);
      mismatch(report, id, 'in', 'needs targets', want, streams.y, 'y');
    }
  }
  const used = reachesOutput(valid, connected);
  for (const id of nodes.keys())
    if (!used.has(id) && outputsBlocks.length > 0)
      report({ severity: 'warning', code: 'unused-block', nodeId: id, message: `'${id}' does not lead to an output block, so it does not affect training` });

  return { diagnostics, nodes, order, feedback };
}

function checkPort(block: AnyBlock, portName: string, t: PortType): Omit<Diagnostic, 'severity'> | null {
  const port = block.inputs.find((p) => p.name === portName)!;
  if (!port.accepts.includes(t.kind)) {
    const hint =
      t.kind === 'vector'
        ? 'feed it the whole sequence: set returnSequences on the recurrent block before it, or remove the last-step block'
        : 'reduce the sequence to one vector first: add a last-step block, or turn off returnSequences on the recurrent block before it';
    return { code: 'kind-mismatch', message: `'${block.type}' input '${portName}' takes ${port.accepts.map((k) => (k === 'sequence' ? 'a sequence' : 'a vector')).join(' or ')}, but receives ${describe(t)}; ${hint}` };
  }
  if (port.tokens === 'only' && !t.tokens)
    return { code: 'token-mismatch', message: `'${block.type}' input '${portName}' takes token ids, but receives ${describe(t)}; connect an input block of kind 'tokens'` };
  if (port.tokens === 'never' && t.tokens)
    return { code: 'token-mismatch', message: `'${block.type}' input '${portName}' takes real-valued features, but receives token ids; put an embedding block in between` };
  return null;
}

function mismatch(report: (d: Omit<Diagnostic, 'severity'>) => void, nodeId: string, port: string, verb: string, have: PortType, data: PortType, stream: string): void {
  if (have.kind === data.kind && have.tokens === data.tokens && have.size === data.size) return;
  const code = have.kind === data.kind && have.tokens === data.tokens ? 'size-mismatch' : 'dataset-mismatch';
  const sizes = have.size !== data.size ? ` (expected ${data.size}, got ${have.size})` : '';
  report({ code, nodeId, port, message: `'${nodeId}' ${verb} ${describe(have)}, but the dataset's '${stream}' is ${describe(data)}${sizes}` });
}

/** Kahn's algorithm; nodes on a cycle are left out. */
function topologicalOrder(ids: readonly string[], edges: readonly GraphEdge[]): string[] {
  const indegree = new Map(ids.map((id) => [id, 0]));
  const next = new Map<string, string[]>();
  for (const e of edges) {
    indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
    next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  }
  const ready = ids.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const t of next.get(id) ?? []) {
      indegree.set(t, indegree.get(t)! - 1);
      if (indegree.get(t) === 0) ready.push(t);
    }
  }
  return order;
}

/** A cycle through `start`, as node ids (start … start), for the message. */
function findCycle(start: string, edges: readonly GraphEdge[]): string[] | null {
  const path: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): boolean => {
    path.push(id);
    for (const e of edges.filter((x) => x.source === id)) {
      if (e.target === start) return path.push(start), true;
      if (!seen.has(e.target)) {
        seen.add(e.target);
        if (visit(e.target)) return true;
      }
    }
    path.pop();
    return false;
  };
  return visit(start) ? path : null;
}

function reachesOutput(nodes: ReadonlyMap<string, { block: AnyBlock }>, edges: readonly GraphEdge[]): Set<string> {
  const used = new Set([...nodes].filter(([, n]) => n.block.type === 'output').map(([id]) => id));
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of edges)
      if (used.has(e.target) && !used.has(e.source)) {
        used.add(e.source);
        grew = true;
      }
  }
  return used;
}
