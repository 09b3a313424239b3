/**
 * Validation and shape inference over the block graph. Never throws on a bad graph: every
 * problem becomes a Diagnostic naming the node, port or edge, and inference carries on around it
 * so one mistake does not hide the next.
 */
import { getBlock } from '../blocks/registry.ts';
import { isDelay, isOutput, isOutputType, isSource, sourcePort } from '../blocks/roles.ts';
import { type AnyBlock, BlockIssue, type PortType, type SourceStream, type TargetStream, type WeightSpec } from '../blocks/types.ts';
import { formatPath } from '../graph/document.ts';
import type { GraphDocument, GraphEdge } from '../graph/schema.ts';
import { CompileError, type Diagnostic, hasErrors } from '../graph/diagnostics.ts';
import { asCompileError, lowerToCell } from './lower.ts';
import { checkLoops } from './unroll.ts';
import { type Budgets, DEFAULT_BUDGETS, parameterBudgetMessage, parameterCount } from './budgets.ts';
import { checkPort, describe, type GraphView, kindFix, sizeSource, type ValidNode } from './hints.ts';

/**
 * What the dataset provides, in port terms, by stream: x, y, and for sequence-to-sequence datasets
 * only, decoderInput (the targets shifted right behind a start token, which a decoder reads).
 */
export type StreamTypes = Readonly<Partial<Record<SourceStream | TargetStream, PortType>>>;

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

type Report = (d: Omit<Diagnostic, 'severity'> & { severity?: Diagnostic['severity'] }) => void;

/** How the valid nodes are wired. */
interface Wiring {
  /** The one edge into each connected input, by node and port. */
  readonly incoming: ReadonlyMap<string, ReadonlyMap<string, GraphEdge>>;
  /** Edges between valid nodes and ports. */
  readonly usable: readonly GraphEdge[];
  /** Usable edges, and edges between existing nodes of which one is invalid: they still connect (no false "missing" or "unused"). */
  readonly connected: readonly GraphEdge[];
}

/**
 * Every problem of `doc` (against the dataset's `streams`, when given), and what lowering needs.
 * The phases run in order, each reporting what it finds: blocks and params, wiring, order and
 * loops, types, the graph against the dataset, the parameter budget, then lowering.
 */
export function analyzeGraph(doc: GraphDocument, streams: StreamTypes = {}, budgets: Pick<Budgets, 'parameters'> = DEFAULT_BUDGETS): Analysis {
  const diagnostics: Diagnostic[] = [];
  const report: Report = (d) => diagnostics.push({ severity: 'error', ...d });
  const valid = checkBlocks(doc, report);
  const wiring = checkWiring(doc, valid, report);
  const { order, feedback } = orderNodes(valid, wiring.usable, report);
  const nodes = inferTypes(valid, wiring, order, report);
  checkTraining(doc, valid, nodes, wiring.connected, streams, report);
  const tooMany = parameterBudgetMessage(parameterCount({ nodes }), budgets.parameters);
  if (tooMany) report({ code: 'too-large', message: tooMany });
  const analysis = { diagnostics, nodes, order, feedback };
  if (!hasErrors(diagnostics)) checkLowering(doc, analysis);
  return analysis;
}

/** The T validation lowers with: any would do, as nothing is checked against it. */
const STAND_IN_STEPS = 2;

/**
 * Phase 6: the graph lowers to a cell, for the train step and for evaluation, and its loops can
 * be unrolled, as compiling it will need. Lowering checks what only the cell shows (one data
 * input read with two shapes, a delay fed a value of another shape); its errors become
 * diagnostics here, so that a graph that validates compiles. T is not known yet: a stand-in
 * serves, and the checks against T (a repeat count) wait for compilation.
 */
function checkLowering(doc: GraphDocument, analysis: Analysis): void {
  const lower = (training: boolean) => lowerToCell(doc, analysis, 1, { steps: STAND_IN_STEPS, stepsKnown: false, training });
  try {
    const trained = lower(true);
    checkLoops(trained.cell);
    if (trained.modal) checkLoops(lower(false).cell);
  } catch (e) {
    const error = asCompileError(e);
    if (!(error instanceof CompileError)) throw error;
    analysis.diagnostics.push(...error.diagnostics);
  }
}

/** Phase 1: each node's block exists and its params parse. */
function checkBlocks(doc: GraphDocument, report: Report): Map<string, ValidNode> {
  const valid = new Map<string, ValidNode>();
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
  return valid;
}

/** Phase 2: edges join existing nodes and ports, one edge per input port, and every required input is connected. */
function checkWiring(doc: GraphDocument, valid: ReadonlyMap<string, ValidNode>, report: Report): Wiring {
  const ids = new Set(doc.nodes.map((n) => n.id));
  const incoming = new Map<string, Map<string, GraphEdge>>();
  const usable: GraphEdge[] = [];
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
  return { incoming, usable, connected };
}

/**
 * Phase 3: the lowering order, edges into delays set apart as feedback. A cycle with no delay in
 * it is an algebraic loop; a loop must run one way in time: every step of it is computed after the
 * step before it in that direction, so a block on it whose own recurrence runs the other way (or
 * both ways, as a bidirectional block does) would need a step that is not computed yet.
 */
function orderNodes(valid: ReadonlyMap<string, ValidNode>, usable: readonly GraphEdge[], report: Report): { order: string[]; feedback: GraphEdge[] } {
  const intoDelay = (e: GraphEdge) => {
    const target = valid.get(e.target);
    return target !== undefined && isDelay(target.block);
  };
  const feedback = usable.filter(intoDelay);
  const ordering = usable.filter((e) => !intoDelay(e));
  const order = topologicalOrder([...valid.keys()], ordering);
  for (const id of valid.keys()) {
    if (order.includes(id)) continue;
    // Left out of the order: on a cycle, or downstream of one (those are not reported).
    const cycle = findCycle(id, ordering);
    if (cycle)
      report({ code: 'algebraic-loop', nodeId: id, message: `'${id}' is on a cycle with no delay (${cycle.join(' → ')}): a value would depend on itself at the same step; put a delay block on the loop` });
  }
  for (const problem of mixedDirectionLoops(valid, usable)) report({ code: 'time-direction', ...problem });
  return { order, feedback };
}

/**
 * Phase 4: shape inference, repeated until no type changes (a delay's input type is known only
 * after the loop it closes), then once more to report; then edges from ports that exist only for
 * some params (a bidirectional block's 'c' with an LSTM cell).
 */
function inferTypes(valid: ReadonlyMap<string, ValidNode>, { incoming, usable }: Wiring, order: readonly string[], report: Report): Map<string, NodeInfo> {
  const nodes = new Map<string, NodeInfo>();
  const view: GraphView = { valid, nodes, incoming };
  const signature = () => JSON.stringify([...nodes].map(([id, n]) => [id, n.outputs]));
  const infer = (final: boolean) => {
    for (const id of order) {
      const { block, params } = valid.get(id)!;
      // A delay closes a loop: it may infer from its own size before its input's type is known.
      const delay = isDelay(block);
      const inputs: Record<string, PortType | undefined> = {};
      let complete = true;
      let refused = false;
      for (const port of block.inputs) {
        const e = incoming.get(id)?.get(port.name);
        const t = e && nodes.get(e.source)?.outputs?.[e.sourcePort];
        if (!t) {
          if (!port.optional && (!delay || !e)) complete = false;
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
          return [kindFix(view, e, want), statePort].filter((x) => x !== undefined).join(', or ') || undefined;
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
      if (complete || (delay && !refused)) {
        try {
          outputs = { ...block.infer(params, { inputs }) };
          weights = block.weights(params, { inputs });
        } catch (e) {
          if (!(e instanceof BlockIssue)) throw e;
          const edge = e.port === undefined ? undefined : incoming.get(id)?.get(e.port);
          const where = edge && e.code === 'size-mismatch' ? sizeSource(view, edge.source, edge.sourcePort) : undefined;
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
  return nodes;
}

/**
 * Phase 5: whether the graph trains at all (it has an output block, and every block leads to
 * one), and the streams its sources read and its output blocks compare with, against the dataset.
 */
function checkTraining(
  doc: GraphDocument,
  valid: ReadonlyMap<string, ValidNode>,
  nodes: ReadonlyMap<string, NodeInfo>,
  connected: readonly GraphEdge[],
  streams: StreamTypes,
  report: Report,
): void {
  const outputs = [...valid.values()].filter((n) => isOutput(n.block));
  if (doc.nodes.length === 0) report({ code: 'no-output', message: 'the graph is empty: add an input, a recurrent block and an "Output + loss" block' });
  else if (outputs.length === 0 && !doc.nodes.some((n) => isOutputType(n.type)))
    report({ code: 'no-output', message: 'the graph has no output block, so there is no loss to train; add an "Output + loss" block' });
  for (const [id, { block, params, inputs, outputs: made }] of nodes) {
    if (isSource(block) && streams.x) {
      const port = sourcePort(block);
      const have = made?.[port];
      const stream = block.reads(params);
      const data = streams[stream];
      if (have && data) mismatch(report, id, port, 'reads', have, data, stream);
      else if (have)
        report({
          code: 'dataset-mismatch',
          nodeId: id,
          port,
          message: `'${id}' reads the stream '${stream}', which this dataset does not have: only sequence-to-sequence datasets (such as sequence-copy) do; read 'x', or choose such a dataset`,
        });
    }
    const logits = isOutput(block) ? inputs[block.logits] : undefined;
    if (isOutput(block) && logits) {
      const target = block.target(params, logits);
      const data = streams[target.stream];
      if (data) mismatch(report, id, block.logits, 'needs targets', target.type, data, target.stream);
    }
  }
  const used = reachesOutput(valid, connected);
  for (const id of nodes.keys())
    if (!used.has(id) && outputs.length > 0)
      report({ severity: 'warning', code: 'unused-block', nodeId: id, message: `'${id}' does not lead to an output block, so it does not affect training` });
}

function mismatch(report: Report, nodeId: string, port: string, verb: string, have: PortType, data: PortType, stream: string): void {
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

function reachesOutput(nodes: ReadonlyMap<string, ValidNode>, edges: readonly GraphEdge[]): Set<string> {
  const used = new Set([...nodes].filter(([, n]) => isOutput(n.block)).map(([id]) => id));
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
function mixedDirectionLoops(valid: ReadonlyMap<string, ValidNode>, edges: readonly GraphEdge[]): Omit<Diagnostic, 'severity' | 'code'>[] {
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
