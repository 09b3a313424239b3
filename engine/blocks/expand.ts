/**
 * "Opening" a macro block: the block is replaced, in the document, by the primitive blocks its
 * cell is made of (linear, add, multiply, oneMinus, tanh, sigmoid, relu, delay, lastStep), wired
 * as a user would wire them by hand, so that the new graph computes exactly what the block did.
 *
 * Each gate gets its own linear maps: x·W_g + b_g (with the gate's bias) and h₋₁·U_g (without),
 * so a weight of the block (Keras layout, gates side by side along the columns) becomes one
 * column block per gate. `WeightPiece` records where each new weight comes from; `carryWeights`
 * cuts a trained block's weights into the pieces and `gatherGradients` puts the pieces back.
 *
 * What can be opened: elman, jordan (contextDecay 0), lstm, gru (either resetAfter) and dense.
 * Refused, with the reason: stacked layers (layers > 1), a connected initial state (h0, c0: a
 * delay block starts at zeros), bidirectional blocks, CTRNN and peephole LSTM (their elementwise
 * learned vectors τ and p have no primitive block), and blocks that are not made of primitives.
 */
import type { GraphDocument, GraphEdge, GraphNode } from '../graph/schema.ts';
import { Id } from '../graph/schema.ts';
import type { Activation } from './math.ts';
import { getBlock } from './registry.ts';

/** The blocks `expandNode` can open (given params it can express). */
export const OPENABLE_BLOCKS: ReadonlySet<string> = new Set(['elman', 'jordan', 'lstm', 'gru', 'dense']);

/**
 * One weight of a new primitive node and the part of the macro's weight it holds: columns
 * [from, to) of every row of `source` (a bias [n] is one row), or of row `row` only (the GRU's
 * [2, 3H] bias).
 */
export interface WeightPiece {
  /** The macro's weight, by its name in the block ('kernel', 'recurrentKernel', 'bias', …). */
  readonly source: string;
  /** Columns of `source` (its last dimension). */
  readonly sourceColumns: number;
  /** Rows of `source`; null for a kernel, whose rows are the input's features. */
  readonly sourceRows: number | null;
  readonly row?: number;
  readonly columns: readonly [from: number, to: number];
  /** The new node and the name of its weight. */
  readonly target: { readonly node: string; readonly weight: string };
}

export type Expansion =
  | { readonly ok: true; readonly doc: GraphDocument; readonly nodes: readonly string[]; readonly weights: readonly WeightPiece[] }
  | { readonly ok: false; readonly reason: string };

/** A place a value can be read from: an output port of a node. */
interface Port {
  readonly node: string;
  readonly port: string;
}

const COLUMN_WIDTH = 200;
const ROW_HEIGHT = 110;

/** Collects the new nodes, edges and weight pieces of one expansion. */
class CellDraft {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  readonly pieces: WeightPiece[] = [];
  /** Where the macro's `in` goes: every port that reads it. */
  readonly inputUses: { node: string; port: string }[] = [];
  private readonly taken: Set<string>;
  private readonly edgeIds: Set<string>;
  private readonly cells = new Set<string>();

  constructor(
    readonly doc: GraphDocument,
    readonly macro: GraphNode,
  ) {
    this.taken = new Set(doc.nodes.map((n) => n.id));
    this.edgeIds = new Set(doc.edges.map((e) => e.id));
  }

  /** A new node `<macro id>_<part>` at grid cell (col, row) of the cluster. */
  node(part: string, type: string, params: Record<string, unknown>, label: string, [col, row]: readonly [number, number]): Port {
    const cell = `${col},${row}`;
    if (this.cells.has(cell)) throw new Error(`expand: two parts of '${this.macro.id}' at grid cell ${cell}`);
    this.cells.add(cell);
    const id = fresh(`${this.macro.id}_${part}`, this.taken);
    this.nodes.push({ id, type, params, label, position: { x: col * COLUMN_WIDTH, y: row * ROW_HEIGHT } });
    return { node: id, port: 'out' };
  }

  wire(from: Port | 'input', to: Port, port = 'in'): void {
    if (from === 'input') this.inputUses.push({ node: to.node, port });
    else this.edges.push({ id: this.edgeId(), source: from.node, sourcePort: from.port, target: to.node, targetPort: port });
  }

  edgeId(): string {
    return fresh(`${this.macro.id}_e${this.edges.length}`, this.edgeIds);
  }

  piece(source: string, sourceColumns: number, sourceRows: number | null, columns: readonly [number, number], target: Port, weight: string, row?: number): void {
    this.pieces.push({ source, sourceColumns, sourceRows, columns, target: { node: target.node, weight }, ...(row === undefined ? {} : { row }) });
  }

  /** `f(x)` as a primitive node, or x itself for 'linear'. */
  act(fn: Activation, x: Port, part: string, label: string, at: readonly [number, number]): Port {
    if (fn === 'linear') return x;
    const out = this.node(part, fn, {}, label, at);
    this.wire(x, out);
    return out;
  }

  /** A two-input primitive (add, multiply) of a and b. */
  join(type: 'add' | 'multiply', a: Port, b: Port, part: string, label: string, at: readonly [number, number]): Port {
    const out = this.node(part, type, {}, label, at);
    this.wire(a, out, 'a');
    this.wire(b, out, 'b');
    return out;
  }
}

/** `base`, or `base_2`, `base_3`, … : the first that is a valid id not yet taken (which it then takes). */
function fresh(base: string, taken: Set<string>): string {
  const fit = (s: string, suffix: string) => s.slice(0, 64 - suffix.length) + suffix;
  for (let k = 1; ; k++) {
    const id = fit(base, k === 1 ? '' : `_${k}`);
    if (!taken.has(id) && Id.safeParse(id).success) {
      taken.add(id);
      return id;
    }
  }
}

/** A linear node reading `from`, holding columns [from, to) of the macro's `kernel` (and of its `bias`). */
function linearPiece(
  d: CellDraft,
  from: Port | 'input',
  part: string,
  label: string,
  at: readonly [number, number],
  units: number,
  kernel: { name: string; columns: number; rows: number | null; at: number },
  bias?: { name: string; columns: number; rows: number; row?: number; at: number },
): Port {
  const out = d.node(part, 'linear', { units, useBias: bias !== undefined }, label, at);
  d.wire(from, out);
  d.piece(kernel.name, kernel.columns, kernel.rows, [kernel.at, kernel.at + units], out, 'kernel');
  if (bias) d.piece(bias.name, bias.columns, bias.rows, [bias.at, bias.at + units], out, 'bias', bias.row);
  return out;
}

type Outputs = Partial<Record<'out' | 'h' | 'c', Port>>;

/** The ports the macro's outputs become: `out` (all steps or the last), `h`/`c` (their last step), sharing one lastStep per value. */
function finals(d: CellDraft, h: Port, returnSequences: boolean, at: readonly [number, number], c?: { port: Port; at: readonly [number, number] }): Outputs {
  const used = (port: string) => d.doc.edges.some((e) => e.source === d.macro.id && e.sourcePort === port);
  let lastH: Port | undefined;
  const last = () => {
    if (!lastH) {
      lastH = d.node('last_h', 'lastStep', {}, 'last step of h', at);
      d.wire(h, lastH);
    }
    return lastH;
  };
  const out: Outputs = { out: returnSequences ? h : used('out') ? last() : h };
  if (used('h')) out.h = last();
  if (c && used('c')) {
    out.c = d.node('last_c', 'lastStep', {}, 'last step of c', c.at);
    d.wire(c.port, out.c);
  }
  return out;
}

type Params = Record<string, unknown>;
const num = (p: Params, k: string) => p[k] as number;
const bool = (p: Params, k: string) => p[k] as boolean;
const fn = (p: Params, k: string) => p[k] as Activation;

/**
 * The params each kind's expansion reads or may ignore: initialisers only say how fresh weights
 * start, and dropout between stacked layers does nothing in the one layer that can be opened.
 * Any other param (one added later) must keep its default, or the block is refused.
 */
const INITIALIZERS = ['kernelInitializer', 'recurrentInitializer', 'recurrentGain', 'dropout'];
const HANDLED: Readonly<Record<string, readonly string[]>> = {
  elman: ['units', 'activation', 'returnSequences', 'layers', ...INITIALIZERS],
  lstm: ['units', 'activation', 'recurrentActivation', 'returnSequences', 'unitForgetBias', 'layers', ...INITIALIZERS],
  gru: ['units', 'activation', 'recurrentActivation', 'resetAfter', 'returnSequences', 'layers', ...INITIALIZERS],
  jordan: ['units', 'outputUnits', 'activation', 'outputActivation', 'returnSequences', 'feedback', 'contextDecay', ...INITIALIZERS],
  dense: ['units', 'activation', 'useBias'],
};

const REFUSED: Readonly<Record<string, string>> = {
  bidirectional: 'a bidirectional block runs its cell forward and a copy backward and merges them; opening it is not supported: wire two cells by hand, one through delays with direction backward',
  ctrnn: 'its per-unit time constant (α = dt / (dt + softplus(ρ))) is an elementwise learned vector with softplus and a division, which no primitive block computes',
  peepholeLstm: 'its peephole weights act elementwise (p ⊙ c), which no primitive block computes with the same weights (see the hand-wired peephole test for the diag(p) form)',
};

function elmanCell(d: CellDraft, p: Params): Outputs {
  const H = num(p, 'units');
  const dh = d.node('h_prev', 'delay', { size: H }, 'z⁻¹ h', [1, 1]);
  const xw = linearPiece(d, 'input', 'xW', 'x·W + b', [0, 0], H, { name: 'kernel', columns: H, rows: null, at: 0 }, { name: 'bias', columns: H, rows: 1, at: 0 });
  const hu = linearPiece(d, dh, 'hU', 'h₋₁·U', [2, 1], H, { name: 'recurrentKernel', columns: H, rows: H, at: 0 });
  const pre = d.join('add', xw, hu, 'pre', 'x·W + b + h₋₁·U', [3, 0]);
  const h = d.act(fn(p, 'activation'), pre, 'h', 'hidden state h', [4, 0]);
  d.wire(h, dh);
  return finals(d, h, bool(p, 'returnSequences'), [5, 0]);
}

function jordanCell(d: CellDraft, p: Params): Outputs {
  const [H, Y] = [num(p, 'units'), num(p, 'outputUnits')];
  const output = p.feedback === 'output';
  const ds = d.node('context', 'delay', { size: Y }, output ? 'z⁻¹ y' : 'z⁻¹ (h·V + c)', [1, 1]);
  const xw = linearPiece(d, 'input', 'xW', 'x·W + b', [0, 0], H, { name: 'kernel', columns: H, rows: null, at: 0 }, { name: 'bias', columns: H, rows: 1, at: 0 });
  const su = linearPiece(d, ds, 'sU', 's·U', [2, 1], H, { name: 'recurrentKernel', columns: H, rows: Y, at: 0 });
  const pre = d.join('add', xw, su, 'pre', 'x·W + b + s·U', [3, 0]);
  const h = d.act(fn(p, 'activation'), pre, 'h', 'hidden state h', [4, 0]);
  const hv = linearPiece(d, h, 'hV', 'h·V + c', [5, 0], Y, { name: 'outputKernel', columns: Y, rows: H, at: 0 }, { name: 'outputBias', columns: Y, rows: 1, at: 0 });
  const y = d.act(fn(p, 'outputActivation'), hv, 'y', 'output y', [6, 0]);
  d.wire(output ? y : hv, ds);
  return finals(d, y, bool(p, 'returnSequences'), [7, 0]);
}

const LSTM_GATES = [
  { key: 'i', label: 'input gate i' },
  { key: 'f', label: 'forget gate f' },
  { key: 'c', label: 'candidate c̃' },
  { key: 'o', label: 'output gate o' },
] as const;

function lstmCell(d: CellDraft, p: Params): Outputs {
  const H = num(p, 'units');
  const dh = d.node('h_prev', 'delay', { size: H }, 'z⁻¹ h', [0, 4]);
  const dc = d.node('c_prev', 'delay', { size: H }, 'z⁻¹ c', [3, 4]);
  const gate: Record<string, Port> = {};
  LSTM_GATES.forEach(({ key, label }, k) => {
    const x = linearPiece(d, 'input', `x${key}`, `x·W_${key} + b_${key}`, [0, k], H, { name: 'kernel', columns: 4 * H, rows: null, at: k * H }, { name: 'bias', columns: 4 * H, rows: 1, at: k * H });
    const u = linearPiece(d, dh, `u${key}`, `h₋₁·U_${key}`, [1, k], H, { name: 'recurrentKernel', columns: 4 * H, rows: H, at: k * H });
    const z = d.join('add', x, u, `z${key}`, `z_${key}`, [2, k]);
    gate[key] = d.act(key === 'c' ? fn(p, 'activation') : fn(p, 'recurrentActivation'), z, key === 'c' ? 'candidate' : `gate_${key}`, label, [3, k]);
  });
  const keep = d.join('multiply', gate.f, dc, 'keep', 'f ⊙ c₋₁', [4, 1]);
  const write = d.join('multiply', gate.i, gate.c, 'write', 'i ⊙ c̃', [4, 2]);
  const c = d.join('add', keep, write, 'c', 'cell state c', [5, 1]);
  const squashed = d.act(fn(p, 'activation'), c, 'c_act', `${fn(p, 'activation')} c`, [5, 3]);
  const h = d.join('multiply', gate.o, squashed, 'h', 'hidden state h', [6, 3]);
  d.wire(h, dh);
  d.wire(c, dc);
  return finals(d, h, bool(p, 'returnSequences'), [7, 3], { port: c, at: [7, 1] });
}

const GRU_GATES = [
  { key: 'z', label: 'update gate z' },
  { key: 'r', label: 'reset gate r' },
  { key: 'h', label: 'candidate h̃' },
] as const;

function gruCell(d: CellDraft, p: Params): Outputs {
  const H = num(p, 'units');
  const after = bool(p, 'resetAfter');
  const gateFn = fn(p, 'recurrentActivation');
  const dh = d.node('h_prev', 'delay', { size: H }, 'z⁻¹ h', [0, 3]);
  const kernel = (k: number) => ({ name: 'kernel', columns: 3 * H, rows: null, at: k * H });
  const recurrent = (k: number) => ({ name: 'recurrentKernel', columns: 3 * H, rows: H, at: k * H });
  // resetAfter: bias [2, 3H], row 0 with x·W, row 1 with h·U; otherwise one bias [3H] with x·W.
  const bias = (k: number, row: number) => (after ? { name: 'bias', columns: 3 * H, rows: 2, row, at: k * H } : { name: 'bias', columns: 3 * H, rows: 1, at: k * H });
  const xs = GRU_GATES.map(({ key }, k) => linearPiece(d, 'input', `x${key}`, `x·W_${key} + b_${key}`, [0, k], H, kernel(k), bias(k, 0)));
  const gates = GRU_GATES.slice(0, 2).map(({ key, label }, k) => {
    const u = linearPiece(d, dh, `u${key}`, `h₋₁·U_${key}${after ? ` + b'_${key}` : ''}`, [1, k], H, recurrent(k), after ? bias(k, 1) : undefined);
    return d.act(gateFn, d.join('add', xs[k], u, `a${key}`, `a_${key}`, [2, k]), `gate_${key}`, label, [3, k]);
  });
  const [z, r] = gates;
  let recurrentTerm: Port;
  if (after) {
    const uh = linearPiece(d, dh, 'uh', "h₋₁·U_h + b'_h", [1, 2], H, recurrent(2), bias(2, 1));
    recurrentTerm = d.join('multiply', r, uh, 'reset', "r ⊙ (h₋₁·U_h + b'_h)", [2, 2]);
  } else {
    const reset = d.join('multiply', r, dh, 'reset', 'r ⊙ h₋₁', [1, 2]);
    recurrentTerm = linearPiece(d, reset, 'uh', '(r ⊙ h₋₁)·U_h', [2, 2], H, recurrent(2));
  }
  const pre = d.join('add', xs[2], recurrentTerm, 'ah', 'a_h', [3, 2]);
  const candidate = d.act(fn(p, 'activation'), pre, 'candidate', GRU_GATES[2].label, [4, 2]);
  const keep = d.join('multiply', z, dh, 'keep', 'z ⊙ h₋₁', [4, 0]);
  const complement = d.node('one_minus_z', 'oneMinus', {}, '1 − z', [4, 1]);
  d.wire(z, complement);
  const write = d.join('multiply', complement, candidate, 'write', '(1 − z) ⊙ h̃', [5, 1]);
  const h = d.join('add', keep, write, 'h', 'hidden state h', [6, 0]);
  d.wire(h, dh);
  return finals(d, h, bool(p, 'returnSequences'), [7, 0]);
}

function denseCell(d: CellDraft, p: Params): Outputs {
  const units = num(p, 'units');
  const useBias = bool(p, 'useBias');
  const xw = linearPiece(d, 'input', 'xW', useBias ? 'x·W + b' : 'x·W', [0, 0], units, { name: 'kernel', columns: units, rows: null, at: 0 }, useBias ? { name: 'bias', columns: units, rows: 1, at: 0 } : undefined);
  return { out: d.act(fn(p, 'activation'), xw, 'act', `${fn(p, 'activation')}`, [1, 0]) };
}

const CELLS: Readonly<Record<string, (d: CellDraft, p: Params) => Outputs>> = { elman: elmanCell, jordan: jordanCell, lstm: lstmCell, gru: gruCell, dense: denseCell };

/** Why `node` (with its parsed params `p`) cannot be opened, or null when it can. */
function refusal(doc: GraphDocument, node: GraphNode, p: Params, defaults: Params): string | null {
  const handled = HANDLED[node.type];
  for (const [key, value] of Object.entries(p))
    if (!handled.includes(key) && JSON.stringify(value) !== JSON.stringify(defaults[key])) return `its param '${key}' is ${JSON.stringify(value)}, which the opened cell cannot express`;
  if (typeof p.layers === 'number' && p.layers > 1) return `it stacks ${p.layers} layers: set layers to 1 and chain one block per layer to open each`;
  if (typeof p.contextDecay === 'number' && p.contextDecay !== 0) return `its contextDecay is ${p.contextDecay}: the context s_t = α·s_{t−1} + y_{t−1} needs a fixed scale α, which no primitive block applies`;
  for (const port of ['h0', 'c0']) {
    const e = doc.edges.find((x) => x.target === node.id && x.targetPort === port);
    if (e) return `its initial state '${port}' is connected (edge '${e.id}'), and a delay block always starts at zeros: disconnect it first`;
  }
  return null;
}

/**
 * `doc` with the block `nodeId` replaced by its cell of primitive blocks: new ids `<nodeId>_<part>`,
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
  const refused = REFUSED[macro.type];
  if (refused) return { ok: false, reason: `a '${macro.type}' block cannot be opened: ${refused}` };
  const build = CELLS[macro.type];
  if (!build) return { ok: false, reason: `a '${macro.type}' block is not built from primitive blocks, so there is no cell to open` };
  const parsed = block.params.safeParse(macro.params);
  if (!parsed.success) return { ok: false, reason: `its params are not valid (${parsed.error.issues[0]?.message ?? 'see the Problems list'}): fix them first` };
  const p = parsed.data;
  const why = refusal(doc, macro, p, block.params.parse({}));
  if (why) return { ok: false, reason: `'${macro.id}' cannot be opened: ${why}` };

  const d = new CellDraft(doc, macro);
  const outputs = build(d, p);
  for (const e of doc.edges.filter((x) => x.source === macro.id))
    if (!outputs[e.sourcePort as keyof Outputs]) return { ok: false, reason: `edge '${e.id}' leaves from port '${e.sourcePort}', which the opened cell does not have` };

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
      const from = outputs[e.sourcePort as keyof Outputs]!;
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
