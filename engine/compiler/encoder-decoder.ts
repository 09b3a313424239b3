/**
 * An encoder–decoder compiled for greedy decoding. While training, the decoder reads the target
 * one step late (the stream 'decoderInput', teacher forcing), so the whole graph unrolls over T at
 * once. When it decodes, the decoder's input at step t is its own prediction at t − 1, which does
 * not exist before step t − 1 has run; so the cell graph is cut in two:
 *
 *   - the encoder: every cell node the decoder's input does not reach. It runs once over the
 *     source's T steps (the encode IR);
 *   - the decoder: the nodes the input 'decoderInput' reaches and the prediction needs. It runs one
 *     step at a time (the step IR), each of its delays carrying its state from step to step, and
 *     starting where the graph starts it (an encoder's final state h → the decoder's h0).
 *
 * What crosses the cut are bridges: values once per sequence that the decoder reads from the
 * encoder (a final state, the whole output sequence that attention reads, or anything computed
 * from those). A value the encoder has at every step cannot cross: it would tie decoder step t to
 * source step t, which one-step-at-a-time decoding past the source's end could not honour.
 */
import { DECODER_STREAM } from '../blocks/types.ts';
import type { GraphDocument } from '../graph/schema.ts';
import { IrBuilder } from '../ir/builder.ts';
import type { IrGraph, NodeId, Shape } from '../ir/types.ts';
import { prune, verifyIr } from '../ir/verify.ts';
import type { CellGraph, CellNode, CellRef } from '../cell/cell.ts';
import type { DataInput, WeightInfo } from './compile.ts';
import { lowerToCell } from './lower.ts';
import { CompileError, type DiagnosticCode } from '../graph/diagnostics.ts';
import { dependencies, unrollCell } from './unroll.ts';
import { analyzeGraph } from './validate.ts';

export interface EncoderDecoderOptions {
  /** T of the source. */
  readonly sourceSteps: number;
  readonly batch: number;
  /** The output block to decode; default: the one output block the decoder's input reaches. */
  readonly output?: string;
}

export interface DecoderState {
  /** The delay's name ('<block>.h'); fed as 'state:<name>', read back as 'final:<name>'. */
  readonly name: string;
  readonly shape: Shape;
  /** The encode IR outputs 'start:<name>', where the graph starts this state (else it starts at zeros). */
  readonly started: boolean;
}

export interface EncoderDecoder {
  readonly sourceSteps: number;
  readonly batch: number;
  readonly weights: readonly WeightInfo[];
  /** The output block whose prediction is decoded, and its number of classes. */
  readonly output: string;
  readonly classes: number;
  /** What the encode IR reads: the source streams ([T, B] token ids, or [T, B, F]). */
  readonly sourceInputs: readonly DataInput[];
  /** The encoder over the source: outputs 'bridge:<k>' and 'start:<delay>'. */
  readonly encode: IrGraph;
  /**
   * One decoder step. Reads 'decoderInput' [1, B], 'bridge:<k>', 'state:<delay>' and the weights;
   * outputs 'prediction' [B, classes], 'final:<delay>', and 'probe:<block>.<name>' (an attention
   * block's weights [B, T_source]).
   */
  readonly step: IrGraph;
  readonly states: readonly DecoderState[];
  /** The probes the step IR outputs, as 'probe:<block>.<name>'. */
  readonly probes: readonly { readonly block: string; readonly name: string }[];
}

function refuse(nodeId: string | undefined, message: string, code: DiagnosticCode = 'time-direction'): never {
  throw new CompileError([{ severity: 'error', code, ...(nodeId === undefined ? {} : { nodeId }), message }]);
}

/** Every node reachable from `from` along the users of each node (only through nodes `through` allows). */
function downstream(cell: CellGraph, from: readonly CellRef[], through: (n: CellNode) => boolean = () => true): Set<CellRef> {
  const users = cell.nodes.map((): CellRef[] => []);
  for (const n of cell.nodes) for (const d of dependencies(n)) users[d].push(n.id);
  const seen = new Set<CellRef>();
  const stack = [...from];
  while (stack.length) {
    const ref = stack.pop()!;
    if (seen.has(ref) || !through(cell.nodes[ref])) continue;
    seen.add(ref);
    for (const user of users[ref]) stack.push(user);
  }
  return seen;
}

/** `n` with its references renumbered by `to`, as node `id` of a smaller cell graph. */
function renumbered(n: CellNode, id: CellRef, to: (ref: CellRef) => CellRef): CellNode {
  switch (n.kind) {
    case 'op':
      return { ...n, id, inputs: n.inputs.map(to) };
    case 'param':
    case 'input':
      return { ...n, id };
    case 'delay':
      // The state is fed from outside at every step, the first one included.
      return { ...n, id, input: n.input === null ? null : to(n.input), init: null };
    case 'lastStep':
    case 'firstStep':
    case 'meanOverTime':
    case 'repeat':
    case 'allSteps':
      return { ...n, id, input: to(n.input) };
  }
}

/**
 * The encode and step IRs of `doc` for a source of `o.sourceSteps` steps and batch `o.batch`.
 * Throws CompileError for an invalid graph; for a decoder that cannot run one step at a time
 * (code 'time-direction', naming the block): one that reads an encoder value at every step, or
 * whose prediction needs its whole output sequence (a last step, attention over its own outputs);
 * for a graph without an input block on the stream 'decoderInput' ('dataset-mismatch'); and when
 * it cannot tell which output block to decode ('no-output').
 */
export function compileEncoderDecoder(doc: GraphDocument, o: EncoderDecoderOptions): EncoderDecoder {
  const analysis = analyzeGraph(doc);
  const { cell, predictions } = lowerToCell(doc, analysis, o.batch, { steps: o.sourceSteps });
  const { nodes } = cell;
  const decoderInput = nodes.find((n) => n.kind === 'input' && n.name === DECODER_STREAM);
  if (!decoderInput) refuse(undefined, `the graph has no input block reading the stream '${DECODER_STREAM}', so there is no decoder to feed its own predictions`, 'dataset-mismatch');
  const decoderSide = downstream(cell, [decoderInput.id]);
  const sources = nodes.filter((n) => n.kind === 'input' && n.id !== decoderInput.id).map((n) => n.id);
  const sourceSide = downstream(cell, sources);
  /** What varies from source step to source step (a repeated final state does not). */
  const perSourceStep = downstream(cell, sources, (n) => n.domain === 'step');

  const decoded = [...predictions].filter(([id, ref]) => decoderSide.has(ref) && (o.output === undefined || id === o.output));
  if (decoded.length !== 1) {
    const names = [...predictions].filter(([, ref]) => decoderSide.has(ref)).map(([id]) => `'${id}'`);
    if (o.output !== undefined) refuse(o.output, `'${o.output}' is not an output block that the decoder feeds (${names.length ? `those are ${names.join(', ')}` : 'none is'})`, 'no-output');
    refuse(undefined, names.length ? `the decoder feeds ${names.length} output blocks (${names.join(', ')}): name the one to decode` : 'no output block is fed by the decoder', 'no-output');
  }
  const [[output, prediction]] = decoded;
  const probes = (cell.probes ?? []).filter((p) => decoderSide.has(p.ref));

  // The decoder's side of the cut: walk back from what one step must output.
  const inStep = new Set<CellRef>();
  const bridges = new Set<CellRef>();
  const starts = new Map<string, CellRef>();
  const visit = (ref: CellRef): void => {
    if (inStep.has(ref) || bridges.has(ref)) return;
    const n = nodes[ref];
    if (!decoderSide.has(ref) && sourceSide.has(ref)) {
      if (perSourceStep.has(ref))
        refuse(n.block, `the decoder reads '${n.block}' at every step, a value the encoder has per source step: it can only read the encoder's final state or attend over its whole output, so the graph cannot be decoded one step at a time`);
      if (n.domain === 'once') {
        bridges.add(ref);
        return;
      }
    }
    inStep.add(ref);
    if (decoderSide.has(ref) && (n.kind === 'lastStep' || n.kind === 'firstStep' || n.kind === 'meanOverTime' || n.kind === 'allSteps'))
      refuse(n.block, `'${n.block}' needs the decoder's whole output sequence, which greedy decoding writes one step at a time`);
    if (n.kind === 'delay') {
      if (n.init !== null) {
        if (decoderSide.has(n.init)) refuse(n.block, `the start state of '${n.name}' depends on the decoder's own input`);
        starts.set(n.name, n.init);
      }
      if (n.input !== null) visit(n.input);
      return;
    }
    for (const d of dependencies(n)) visit(d);
  };
  visit(prediction);
  for (const p of probes) visit(p.ref);

  // Encode: the whole graph over the source, keeping only what the decoder is handed.
  const bridgeName = new Map([...bridges].sort((a, b) => a - b).map((ref, k) => [ref, `bridge:${k}`]));
  const eb = new IrBuilder();
  const encoder = unrollCell(cell, eb, { steps: o.sourceSteps });
  const encodeOutputs: Record<string, NodeId> = {};
  for (const [ref, name] of bridgeName) encodeOutputs[name] = encoder.at(ref, 0);
  for (const [name, init] of starts) encodeOutputs[`start:${name}`] = encoder.at(init, 0);
  const encode = prune(eb.finish(encodeOutputs));
  verifyIr(encode);

  // Step: the decoder's side alone, bridges fed as inputs, states fed at every step.
  const kept = [...inStep, ...bridges].sort((a, b) => a - b);
  const index = new Map(kept.map((ref, i) => [ref, i]));
  const to = (ref: CellRef): CellRef => index.get(ref)!;
  const stepCell: CellGraph = {
    batch: cell.batch,
    nodes: kept.map((ref, i): CellNode => {
      const n = nodes[ref];
      const bridge = bridgeName.get(ref);
      return bridge === undefined ? renumbered(n, i, to) : { kind: 'input', id: i, block: n.block, name: bridge, shape: n.shape, dtype: n.dtype, domain: 'once' };
    }),
  };
  const sb = new IrBuilder();
  const decoder = unrollCell(stepCell, sb, { steps: 1, stateful: true });
  const stepOutputs: Record<string, NodeId> = { prediction: decoder.at(to(prediction), 0) };
  for (const [name, id] of decoder.finalStates) stepOutputs[`final:${name}`] = id;
  for (const p of probes) stepOutputs[`probe:${p.block}.${p.name}`] = decoder.at(to(p.ref), 0);
  const step = prune(sb.finish(stepOutputs));
  verifyIr(step);

  const states = stepCell.nodes.flatMap((n) => (n.kind === 'delay' ? [{ name: n.name, shape: n.shape, started: starts.has(n.name) }] : []));
  const weights: WeightInfo[] = analysis.order.flatMap((id) =>
    analysis.nodes.get(id)!.weights.map((w) => ({ param: `${id}.${w.name}`, node: id, name: w.name, shape: w.shape, init: w.init, units: w.units, gain: w.gain, value: w.value })),
  );
  const sourceInputs = encode.nodes.flatMap((n) => (n.op.type === 'input' ? [{ name: n.op.name, shape: n.shape, dtype: n.dtype }] : []));
  return {
    sourceSteps: o.sourceSteps,
    batch: o.batch,
    weights,
    output,
    classes: nodes[prediction].shape[1],
    sourceInputs,
    encode,
    step,
    states,
    probes: probes.map(({ block, name }) => ({ block, name })),
  };
}
