/**
 * "Opening" a macro block: the block is replaced, in the document, by the primitive blocks its
 * cell is made of (linear, add, multiply, oneMinus, scale, constantScale, concat, tanh, sigmoid,
 * relu, delay, lastStep, firstStep, dropout), wired as a user would wire them by hand, so that
 * the new graph computes exactly what the block did. The cells themselves are in expand-cells.ts.
 *
 * Stacked layers open into one cell per layer, layer k reading layer k − 1 (through a dropout
 * block when the macro has dropout between its layers). A bidirectional block opens into a
 * forward cell and a backward one (its delays run backward) per layer, each layer k ≥ 1 reading
 * both directions of layer k − 1 concatenated, and its merge becomes a concat, add, multiply or
 * add then constantScale(0.5) block. Final states are last steps (forward) or first steps
 * (backward), concatenated layer by layer, forward before backward, as the block's `h` and `c`.
 *
 * `WeightPiece` records where each new weight comes from; `carryWeights` cuts a trained block's
 * weights into the pieces and `gatherGradients` puts the pieces back.
 *
 * Refused, with the reason: a connected initial state (h0, c0: a delay block starts at zeros),
 * Jordan with teacher forcing (it feeds back targets, which no primitive reads), params the cell
 * cannot express, and blocks that are not made of primitives.
 */
import type { TimeDirection } from '../cell/cell.ts';
import type { GraphDocument, GraphEdge, GraphNode } from '../graph/schema.ts';
import { CELL_COLUMNS, CELL_ROWS, CELLS, CellDraft, type CellPorts, type Params, type Port, ROOT_SCOPE, type WeightPiece } from './expand-cells.ts';
import { layerName } from './recurrent.ts';
import { getBlock } from './registry.ts';

export type { WeightPiece } from './expand-cells.ts';

/** The blocks `expandNode` can open (given params it can express). */
export const OPENABLE_BLOCKS: ReadonlySet<string> = new Set(['elman', 'jordan', 'lstm', 'gru', 'peepholeLstm', 'ctrnn', 'bidirectional', 'dense']);

export type Expansion =
  | { readonly ok: true; readonly doc: GraphDocument; readonly nodes: readonly string[]; readonly weights: readonly WeightPiece[] }
  | { readonly ok: false; readonly reason: string };

type OutputName = 'out' | 'h' | 'c' | 'forward' | 'backward';
type Outputs = Partial<Record<OutputName, Port>>;

/**
 * The params each kind's expansion reads or may ignore: initialisers only say how fresh weights
 * start. Any other param (one added later) must keep its default, or the block is refused.
 */
const INITIALIZERS = ['kernelInitializer', 'recurrentInitializer', 'recurrentGain'];
const STACKED = ['units', 'returnSequences', 'layers', 'dropout', ...INITIALIZERS];
const HANDLED: Readonly<Record<string, readonly string[]>> = {
  elman: [...STACKED, 'activation'],
  lstm: [...STACKED, 'activation', 'recurrentActivation', 'unitForgetBias'],
  peepholeLstm: [...STACKED, 'activation', 'recurrentActivation', 'unitForgetBias', 'peepholeInitializer'],
  gru: [...STACKED, 'activation', 'recurrentActivation', 'resetAfter'],
  ctrnn: [...STACKED, 'activation', 'dt', 'tauInit'],
  jordan: ['units', 'outputUnits', 'activation', 'outputActivation', 'returnSequences', 'feedback', 'contextDecay', ...INITIALIZERS],
  dense: ['units', 'activation', 'useBias'],
  bidirectional: ['cell', 'merge', 'returnSequences'],
};

/** One direction of a stack: the prefix of its weights in the macro, of its ids, and of its labels. */
interface Lane {
  readonly direction: TimeDirection;
  readonly prefix: string;
  readonly part: string;
  readonly label: string;
}
const ONE_WAY: readonly Lane[] = [{ direction: 'forward', prefix: '', part: '', label: '' }];
const BOTH_WAYS: readonly Lane[] = [
  { direction: 'forward', prefix: 'forward_', part: 'fwd_', label: 'forward' },
  { direction: 'backward', prefix: 'backward_', part: 'bwd_', label: 'backward' },
];

/** What a stack drew: each lane's top-layer h sequence, and every layer's and lane's states, h_n order. */
interface Stack {
  readonly layers: number;
  readonly top: readonly Port[];
  readonly states: readonly (CellPorts & { readonly direction: TimeDirection; readonly part: string })[];
}

/** `layers` layers of the cell `type` in every lane, layer k ≥ 1 reading layer k − 1 (both lanes concatenated), through dropout when the rate is not 0. */
function drawStack(d: CellDraft, type: string, p: Params, lanes: readonly Lane[]): Stack {
  const layers = typeof p.layers === 'number' ? p.layers : 1;
  const rate = typeof p.dropout === 'number' ? p.dropout : 0;
  const build = CELLS[type];
  const states: Stack['states'][number][] = [];
  let x: Port | 'input' = 'input';
  let top: Port[] = [];
  for (let layer = 0; layer < layers; layer++) {
    d.scope = ROOT_SCOPE;
    if (layer > 0 && rate > 0 && x !== 'input') x = d.apply('dropout', { rate }, x, `dropout_l${layer}`, `dropout into layer ${layer}`, [layer * CELL_COLUMNS - 1, 0]);
    const input = x;
    top = lanes.map((lane, l) => {
      const where = [...(layers > 1 ? [`layer ${layer}`] : []), ...(lane.label ? [lane.label] : [])];
      const part = `${lane.part}${layer === 0 ? '' : `l${layer}_`}`;
      d.scope = {
        x: input,
        direction: lane.direction,
        part,
        label: where.length ? ` · ${where.join(', ')}` : '',
        weight: (name) => layerName(name, layer, lane.prefix),
        origin: [layer * CELL_COLUMNS, l * CELL_ROWS],
      };
      const cell = build(d, p);
      states.push({ ...cell, direction: lane.direction, part });
      return cell.h;
    });
    d.scope = ROOT_SCOPE;
    if (layer < layers - 1) x = top.length === 1 ? top[0] : d.join('concat', top[0], top[1], `l${layer}_both`, `[→h; ←h] · layer ${layer}`, [(layer + 1) * CELL_COLUMNS - 1, 1]);
  }
  return { layers, top, states };
}

/** The macro's output ports as ports of the drawn stack, only those an edge reads. */
function outputsOf(d: CellDraft, stack: Stack, returnSequences: boolean, merge: string | null): Outputs {
  const used = (port: string) => d.doc.edges.some((e) => e.source === d.macro.id && e.sourcePort === port);
  const column = stack.layers * CELL_COLUMNS;
  let row = 0;
  const at = (offset: number): [number, number] => [column + offset, row++];
  const finals = new Map<string, Port>();
  /** The value a state sequence ends with: its last step forward, its first step backward. */
  const final = (seq: Port, direction: TimeDirection, part: string, name: string): Port => {
    let f = finals.get(seq.node);
    if (!f) {
      const forward = direction === 'forward';
      f = d.apply(forward ? 'lastStep' : 'firstStep', {}, seq, `${part}${forward ? 'last' : 'first'}_${name}`, `${forward ? 'last' : 'first'} step of ${name}`, at(0));
      finals.set(seq.node, f);
    }
    return f;
  };
  const out: Outputs = {};
  const tops = stack.states.slice(-stack.top.length);
  const lane = (l: number) => (returnSequences ? tops[l].h : final(tops[l].h, tops[l].direction, tops[l].part, 'h'));
  for (const s of ['h', 'c'] as const) {
    if (!used(s)) continue;
    const parts = stack.states.flatMap((st) => {
      const seq = st[s];
      return seq ? [final(seq, st.direction, st.part, s)] : [];
    });
    if (parts.length === 0) continue;
    out[s] = parts.slice(1).reduce((all, next, k) => d.join('concat', all, next, `${s}_n${k + 1}`, `final ${s} of layers and directions, up to ${k + 2}`, at(1)), parts[0]);
  }
  if (merge === null) {
    if (used('out')) out.out = lane(0);
    return out;
  }
  if (used('forward')) out.forward = lane(0);
  if (used('backward')) out.backward = lane(1);
  if (merge !== 'none' && used('out')) {
    const [f, b] = [lane(0), lane(1)];
    if (merge === 'concat') out.out = d.join('concat', f, b, 'merge', '[→h; ←h]', at(2));
    else if (merge === 'multiply') out.out = d.join('multiply', f, b, 'merge', '→h ⊙ ←h', at(2));
    else {
      const sum = d.join('add', f, b, merge === 'sum' ? 'merge' : 'merge_sum', '→h + ←h', at(2));
      out.out = merge === 'sum' ? sum : d.apply('constantScale', { factor: 0.5 }, sum, 'merge', '(→h + ←h) / 2', at(3));
    }
  }
  return out;
}

/** Why the params `p` of a block (or a bidirectional block's cell) of `type` cannot be expressed, or null. */
function paramRefusal(type: string, p: Params, defaults: Params): string | null {
  const handled = HANDLED[type];
  for (const [key, value] of Object.entries(p))
    if (key !== 'type' && !handled.includes(key) && JSON.stringify(value) !== JSON.stringify(defaults[key])) return `its param '${key}' is ${JSON.stringify(value)}, which the opened cell cannot express`;
  return null;
}

/** Why `node` (with its parsed params `p`) cannot be opened, or null when it can. */
function refusal(doc: GraphDocument, node: GraphNode, p: Params, defaults: Params): string | null {
  const why = paramRefusal(node.type, p, defaults);
  if (why) return why;
  if (node.type === 'bidirectional') {
    const cell = p.cell as Params & { type: string };
    const block = getBlock(cell.type);
    if (!CELLS[cell.type] || !block) return `its '${cell.type}' cell is not built from primitive blocks, so there is no cell to open`;
    const inner = paramRefusal(cell.type, cell, block.params.parse({}) as Params);
    if (inner) return `in its cell, ${inner}`;
  }
  for (const port of ['h0', 'c0']) {
    const e = doc.edges.find((x) => x.target === node.id && x.targetPort === port);
    if (e) return `its initial state '${port}' is connected (edge '${e.id}'), and a delay block always starts at zeros: disconnect it first`;
  }
  return null;
}

/**
 * `doc` with the block `nodeId` replaced by its cells of primitive blocks: new ids `<nodeId>_<part>`,
 * laid out around the block's position, edges into and out of it moved to the primitive ports
 * (the edge into `in` fans out to every node that reads x; edges out keep their ids). Never
 * throws for a block that cannot be opened: `{ ok: false, reason }` says why.
 */
export function expandNode(doc: GraphDocument, nodeId: string): Expansion {
  const macro = doc.nodes.find((n) => n.id === nodeId);
  if (!macro) return { ok: false, reason: `there is no block '${nodeId}' in this graph` };
  const block = getBlock(macro.type);
  if (!block) return { ok: false, reason: `'${macro.type}' is not a known block type` };
  if (block.category === 'primitive') return { ok: false, reason: `'${macro.type}' is already a primitive block: there is no cell inside it to open` };
  if (!CELLS[macro.type] && macro.type !== 'bidirectional') return { ok: false, reason: `a '${macro.type}' block is not built from primitive blocks, so there is no cell to open` };
  const parsed = block.params.safeParse(macro.params);
  if (!parsed.success) return { ok: false, reason: `its params are not valid (${parsed.error.issues[0]?.message ?? 'see the Problems list'}): fix them first` };
  const p = parsed.data as Params;
  const why = refusal(doc, macro, p, block.params.parse({}) as Params);
  if (why) return { ok: false, reason: `'${macro.id}' cannot be opened: ${why}` };

  const d = new CellDraft(doc, macro);
  const returnSequences = p.returnSequences !== false;
  const outputs =
    macro.type === 'bidirectional'
      ? outputsOf(d, drawStack(d, (p.cell as { type: string }).type, p.cell as Params, BOTH_WAYS), returnSequences, p.merge as string)
      : outputsOf(d, drawStack(d, macro.type, p, ONE_WAY), returnSequences, null);
  for (const e of doc.edges.filter((x) => x.source === macro.id))
    if (!outputs[e.sourcePort as OutputName]) return { ok: false, reason: `edge '${e.id}' leaves from port '${e.sourcePort}', which the opened cell does not have` };

  // Centre the cluster on where the block was.
  const xs = d.nodes.map((n) => n.position.x);
  const ys = d.nodes.map((n) => n.position.y);
  const [cx, cy] = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
  for (const n of d.nodes) n.position = { x: macro.position.x + n.position.x - cx, y: macro.position.y + n.position.y - cy };

  const edges: GraphEdge[] = [];
  for (const e of doc.edges) {
    if (e.target === macro.id) {
      if (e.targetPort !== 'in') return { ok: false, reason: `edge '${e.id}' enters port '${e.targetPort}', which the opened cell does not have` };
      d.inputUses.forEach((use, k) => edges.push({ id: k === 0 ? e.id : d.edgeId(), source: e.source, sourcePort: e.sourcePort, target: use.node, targetPort: use.port }));
    } else if (e.source === macro.id) {
      const from = outputs[e.sourcePort as OutputName]!;
      edges.push({ ...e, source: from.node, sourcePort: from.port });
    } else edges.push(e);
  }
  const at = doc.nodes.indexOf(macro);
  const nodes = [...doc.nodes.slice(0, at), ...d.nodes, ...doc.nodes.slice(at + 1)];
  return { ok: true, doc: { ...doc, nodes, edges: [...edges, ...d.edges] }, nodes: d.nodes.map((n) => n.id), weights: d.pieces };
}

/** Rows and columns of the macro weight a piece cuts, given that weight's length. */
function sourceGrid(piece: WeightPiece, length: number): { rows: number[]; columns: number } {
  const all = length / piece.sourceColumns;
  const rows = piece.row === undefined ? Array.from({ length: all }, (_, r) => r) : [piece.row];
  return { rows, columns: piece.sourceColumns };
}

/**
 * The new nodes' weights (by param `<node>.<weight>`) cut from the macro's (by param
 * `<macroId>.<name>`, row-major Keras layout). Throws when a macro weight is missing.
 */
export function carryWeights<T extends Float32Array | Float64Array>(
  pieces: readonly WeightPiece[],
  macroId: string,
  weights: ReadonlyMap<string, T>,
  make: (length: number) => T,
): Map<string, T> {
  const out = new Map<string, T>();
  for (const piece of pieces) {
    const src = weights.get(`${macroId}.${piece.source}`);
    if (!src) throw new Error(`carryWeights: no weight '${macroId}.${piece.source}'`);
    const { rows, columns } = sourceGrid(piece, src.length);
    const [from, to] = piece.columns;
    const n = to - from;
    const cut = make(rows.length * n);
    rows.forEach((r, i) => {
      for (let j = 0; j < n; j++) cut[i * n + j] = src[r * columns + from + j];
    });
    out.set(`${piece.target.node}.${piece.target.weight}`, cut);
  }
  return out;
}

/**
 * The macro's gradients (by param `<macroId>.<name>`) from the new nodes' (by param
 * `<node>.<weight>`): each piece's gradient added into the part of the macro weight it was cut
 * from. Throws when a piece's gradient is missing.
 */
export function gatherGradients(pieces: readonly WeightPiece[], macroId: string, grads: ReadonlyMap<string, ArrayLike<number>>): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const piece of pieces) {
    const g = grads.get(`${piece.target.node}.${piece.target.weight}`);
    if (!g) throw new Error(`gatherGradients: no gradient for '${piece.target.node}.${piece.target.weight}'`);
    const [from, to] = piece.columns;
    const n = to - from;
    const rows = piece.sourceRows ?? g.length / n;
    const name = `${macroId}.${piece.source}`;
    let sum = out.get(name);
    if (!sum) out.set(name, (sum = new Float64Array(rows * piece.sourceColumns)));
    const { rows: at } = sourceGrid(piece, sum.length);
    at.forEach((r, i) => {
      for (let j = 0; j < n; j++) sum[r * piece.sourceColumns + from + j] += g[i * n + j];
    });
  }
  return out;
}
