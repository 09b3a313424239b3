/**
 * Validation and shape inference over the block graph. Never throws on a bad graph: every
 * problem becomes a Diagnostic naming the node, port or edge, and inference carries on around it
 * so one mistake does not hide the next.
 */
import { getBlock } from '../blocks/registry.ts';
import { expectedTarget, LossKind } from '../blocks/output.ts';
import { type AnyBlock, BlockIssue, type PortKind, type PortType, type WeightSpec } from '../blocks/types.ts';
import { formatPath } from '../graph/document.ts';
import type { GraphDocument, GraphEdge } from '../graph/schema.ts';
import type { Diagnostic } from '../graph/diagnostics.ts';

/** What the dataset provides, in port terms. */
export interface StreamTypes {
  readonly x?: PortType;
  readonly y?: PortType;
  /** The targets shifted right behind a start token, which a decoder reads (teacher forcing); only sequence-to-sequence datasets have it. */
  readonly decoderInput?: PortType;
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
  `${t.kind === 'sequence' ? 'a sequence' : 'one vector per example'} of ${t.tokens ? `token ids (vocabulary ${t.size})` : `${t.size} feature${t.size === 1 ? '' : 's'}`}`;

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

  const nodes = new Map<string, NodeInfo>();
  /** The type an edge carries, once its source is inferred. */
  const carried = (e: GraphEdge): PortType | undefined => nodes.get(e.source)?.outputs?.[e.sourcePort];

  /**
   * How to make edge `e` carry a `want` instead: the upstream block that decides
   * whether it is a sequence or a vector and the param to change there, followed back through
   * blocks that pass the kind on (dense, activation, …). Undefined when no such block is found.
   */
  const kindFix = (e: GraphEdge, want: PortKind, seen = new Set<string>()): string | undefined => {
    const source = valid.get(e.source);
    if (!source || seen.has(e.source)) return undefined;
    seen.add(e.source);
    const { block, params } = source;
    const name = `'${e.source}'`;
    const own = (): string | undefined => {
      if (typeof params.returnSequences === 'boolean' && block.outputs.some((o) => o.name === 'h') && (e.sourcePort === 'h' || e.sourcePort === 'c'))
        return want === 'sequence' ? `connect the port 'out' of ${name} (with returnSequences true) instead of its final state '${e.sourcePort}'` : undefined;
      if (typeof params.returnSequences === 'boolean') return `set returnSequences to ${want === 'sequence'} on ${name}`;
      if (block.type === 'lastStep') return want === 'sequence' ? `remove the last-step block ${name} and connect what feeds it directly` : undefined;
      if (block.type === 'input') return `set sequence to ${want === 'sequence'} on the input block ${name}`;
      return undefined;
    };
    const fix = own();
    if (fix) return fix;
    const have = carried(e)?.kind;
    for (const p of block.inputs) {
      const upstream = incoming.get(e.source)?.get(p.name);
      if (upstream && carried(upstream)?.kind === have) {
        const found = kindFix(upstream, want, seen);
        if (found) return found;
      }
    }
    return undefined;
  };

  /** Which block and param set the number of features leaving `source` by `port`, for size messages. */
  const sizeSource = (source: string, port: string, seen = new Set<string>()): string | undefined => {
    const info = valid.get(source);
    const size = nodes.get(source)?.outputs?.[port]?.size;
    if (!info || size === undefined || seen.has(source)) return undefined;
    seen.add(source);
    const { block, params } = info;
    const from = `the ${size} features come from '${source}'`;
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
    const cell = typeof params.cell === 'object' && params.cell !== null ? (params.cell as Record<string, unknown>) : undefined;
    const units = num(params.units) ?? num(cell?.units);
    const layers = num(params.layers) ?? num(cell?.layers) ?? 1;
    const unitsName = cell ? 'cell.units' : 'units';
    if (units !== undefined && (port === 'h' || port === 'c'))
      return `${from} (its final state: ${[...(cell ? ['2 directions'] : []), ...(layers > 1 ? [`${layers} layers`] : []), `${unitsName} ${units}`].join(' × ')})`;
    if (cell && port === 'out') return `${from} (${unitsName} ${units}, merge '${String(params.merge)}')`;
    for (const key of ['outputUnits', 'units', 'dim', 'size'] as const)
      if (num(params[key]) === size && (key !== 'outputUnits' || block.type === 'jordan')) return `${from} (${key} ${size})`;
    if (units === size) return `${from} (${unitsName} ${units})`;
    // A block that passes its input's size on: look further up.
    for (const p of block.inputs) {
      const upstream = incoming.get(source)?.get(p.name);
      if (upstream && carried(upstream)?.size === size) return sizeSource(upstream.source, upstream.sourcePort, seen);
    }
    return undefined;
  };

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

  // A loop must run one way in time: every step of it is computed after the step before it in
  // that direction, so a block on it whose own recurrence runs the other way (or both ways, as a
  // bidirectional block does) would need a step that is not computed yet.
  for (const problem of mixedDirectionLoops(valid, usable)) report({ code: 'time-direction', ...problem });

  // 4. Shape inference, repeated until no type changes (a delay's input type is known only after
  //    the loop it closes), then once more to report.
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
        const problem = checkPort(block, port.name, t, () => {
          const want = t.kind === 'sequence' ? 'vector' : 'sequence';
          // Into a start state (h0, c0): the final state of the block the sequence comes from is often what was meant.
          const state = port.name.endsWith('0') ? port.name.slice(0, -1) : '';
          const statePort =
            want === 'vector' && state && e.sourcePort !== state && valid.get(e.source)?.block.outputs.some((o) => o.name === state)
              ? `connect port '${state}' of '${e.source}' (its final state) instead`
              : undefined;
          return [kindFix(e, want), statePort].filter((x) => x !== undefined).join(', or ') || undefined;
        });
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
          const edge = e.port === undefined ? undefined : incoming.get(id)?.get(e.port);
          const where = edge && e.code === 'size-mismatch' ? sizeSource(edge.source, edge.sourcePort) : undefined;
          if (final) report({ code: e.code, nodeId: id, port: e.port, edgeId: edge?.id, message: where ? `${e.message}; ${where}` : e.message });
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

  // Ports that exist only for some params (a bidirectional block's 'c' with an LSTM cell).
  for (const e of usable) {
    const source = nodes.get(e.source);
    if (!source?.outputs || e.sourcePort in source.outputs) continue;
    const only = source.block.outputs.find((o) => o.name === e.sourcePort)?.only;
    report({
      code: 'unknown-port',
      nodeId: e.source,
      port: e.sourcePort,
      edgeId: e.id,
      message: `edge '${e.id}': output '${e.sourcePort}' of '${source.block.type}' does not exist with its params${only ? ` (${only.en})` : ''}; connect another port or change the params of '${e.source}'`,
    });
  }

  // 5. The graph against the dataset, and whether it trains at all.
  const outputsBlocks = [...valid.entries()].filter(([, n]) => n.block.type === 'output');
  if (doc.nodes.length === 0) report({ code: 'no-output', message: 'the graph is empty: add an input, a recurrent block and an "Output + loss" block' });
  else if (outputsBlocks.length === 0 && ![...doc.nodes].some((n) => n.type === 'output'))
    report({ code: 'no-output', message: 'the graph has no output block, so there is no loss to train; add an "Output + loss" block' });
  for (const [id, n] of nodes) {
    if (n.block.type === 'input' && streams.x && n.outputs?.out) {
      const stream = n.params.stream === 'decoderInput' ? 'decoderInput' : 'x';
      const data = streams[stream];
      if (data) mismatch(report, id, 'out', 'reads', n.outputs.out, data, stream);
      else
        report({
          code: 'dataset-mismatch',
          nodeId: id,
          port: 'out',
          message: `'${id}' reads the stream '${stream}', which this dataset does not have: only sequence-to-sequence datasets (such as sequence-copy) do; read 'x', or choose such a dataset`,
        });
    }
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

/**
 * Whether input `portName` of `block` takes `t`. A kind mismatch says how to fix it: `fix()` names
 * the upstream block and param to change, when there is one.
 */
function checkPort(block: AnyBlock, portName: string, t: PortType, fix: () => string | undefined): Omit<Diagnostic, 'severity'> | null {
  const port = block.inputs.find((p) => p.name === portName)!;
  if (!port.accepts.includes(t.kind)) {
    const upstream = fix();
    const hint =
      t.kind === 'vector'
        ? (upstream ?? 'feed it a sequence (the output of a recurrent block with returnSequences true, or an input block with sequence true)')
        : `add a last-step block before it${upstream ? `, or ${upstream}` : ''}`;
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

/**
 * Loops whose blocks run both ways in time: on a loop through a backward delay, a block with a
 * forward recurrence (an LSTM, a forward delay) would need its own next step first, and the
 * other way round; a bidirectional block needs both. One problem per offending loop.
 */
function mixedDirectionLoops(valid: ReadonlyMap<string, { block: AnyBlock; params: Record<string, unknown> }>, edges: readonly GraphEdge[]): Omit<Diagnostic, 'severity' | 'code'>[] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  const reach = (from: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [...(next.get(from) ?? [])];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(next.get(id) ?? []));
    }
    return seen;
  };
  const reached = new Map([...valid.keys()].map((id) => [id, reach(id)]));
  const runs = (id: string) => {
    const { block, params } = valid.get(id)!;
    return block.runs?.(params) ?? [];
  };
  const problems: Omit<Diagnostic, 'severity' | 'code'>[] = [];
  const done = new Set<string>();
  for (const id of valid.keys()) {
    if (done.has(id) || !reached.get(id)!.has(id)) continue;
    const loop = [...valid.keys()].filter((other) => reached.get(id)!.has(other) && reached.get(other)!.has(id));
    for (const member of loop) done.add(member);
    const both = loop.find((member) => runs(member).length > 1);
    const backward = loop.find((member) => runs(member).includes('backward'));
    const forward = loop.find((member) => member !== backward && runs(member).includes('forward'));
    const fix = 'a loop must run one way: make its delays and recurrent blocks run the same way, or take the block off the loop';
    if (both) problems.push({ nodeId: both, message: `'${both}' runs both forward and backward in time, and it is on a loop (${loop.join(', ')}): no step of the loop could be computed first; ${fix}` });
    else if (backward && forward)
      problems.push({ nodeId: backward, message: `'${backward}' runs backward in time, on a loop with '${forward}', which runs forward: each would need the other's next step first; ${fix}` });
  }
  return problems;
}
