/**
 * The cells `expandNode` (expand.ts) opens a block into, one function per kind, each drawing one
 * layer in one direction out of primitive blocks into a `CellDraft`. A draft's `scope` says which
 * layer and direction is being drawn: what the cell reads as x, which way its delays run, the
 * prefix of its ids and labels, the names of its weights in the macro (`kernel_l1`,
 * `backward_kernel`) and where on the grid it goes.
 *
 * Each gate gets its own linear maps: x·W_g + b_g (with the gate's bias) and h₋₁·U_g (without),
 * so a weight of the block (Keras layout, gates side by side along the columns) becomes one
 * column block per gate; an elementwise learned vector (peephole p, CTRNN rate) becomes the γ of
 * a `scale` block.
 */
import type { TimeDirection } from '../cell/cell.ts';
import type { GraphDocument, GraphEdge, GraphNode } from '../graph/schema.ts';
import { Id } from '../graph/schema.ts';
import type { Activation } from './math.ts';

/**
 * One weight of a new primitive node and the part of the macro's weight it holds: columns
 * [from, to) of every row of `source` (a bias [n] is one row), or of row `row` only (the GRU's
 * [2, 3H] bias).
 */
export interface WeightPiece {
  /** The macro's weight, by its name in the block ('kernel', 'recurrentKernel_l1', 'backward_bias', …). */
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

/** A place a value can be read from: an output port of a node. */
export interface Port {
  readonly node: string;
  readonly port: string;
}

/** The layer and direction a draft is drawing. */
export interface Scope {
  /** What the cell reads as x_t: the macro's input, or the layer below. */
  readonly x: Port | 'input';
  readonly direction: TimeDirection;
  /** Put in front of every id part ('l1_', 'bwd_l1_'). */
  readonly part: string;
  /** Put after every label (' · layer 1, backward'). */
  readonly label: string;
  /** The macro's name of the one-layer weight `name` in this layer and direction. */
  readonly weight: (name: string) => string;
  /** Grid cell added to every position. */
  readonly origin: readonly [number, number];
}

export const COLUMN_WIDTH = 200;
export const ROW_HEIGHT = 110;

export const ROOT_SCOPE: Scope = { x: 'input', direction: 'forward', part: '', label: '', weight: (name) => name, origin: [0, 0] };

/** Collects the new nodes, edges and weight pieces of one expansion. */
export class CellDraft {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  readonly pieces: WeightPiece[] = [];
  /** Where the macro's `in` goes: every port that reads it. */
  readonly inputUses: { node: string; port: string }[] = [];
  scope: Scope = ROOT_SCOPE;
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

  /** A new node `<macro id>_<scope part><part>` at grid cell (col, row) of the scope. */
  node(part: string, type: string, params: Record<string, unknown>, label: string, [col, row]: readonly [number, number]): Port {
    const [x, y] = [col + this.scope.origin[0], row + this.scope.origin[1]];
    const cell = `${x},${y}`;
    if (this.cells.has(cell)) throw new Error(`expand: two parts of '${this.macro.id}' at grid cell ${cell}`);
    this.cells.add(cell);
    const id = fresh(`${this.macro.id}_${this.scope.part}${part}`, this.taken);
    this.nodes.push({ id, type, params, label: label + this.scope.label, position: { x: x * COLUMN_WIDTH, y: y * ROW_HEIGHT } });
    return { node: id, port: 'out' };
  }

  /** A delay of `size` features running in the scope's direction. */
  delay(part: string, size: number, label: string, at: readonly [number, number]): Port {
    const backward = this.scope.direction === 'backward';
    return this.node(part, 'delay', backward ? { size, direction: 'backward' } : { size }, backward ? label.replace('z⁻¹', 'z⁺¹') : label, at);
  }

  wire(from: Port | 'input', to: Port, port = 'in'): void {
    if (from === 'input') this.inputUses.push({ node: to.node, port });
    else this.edges.push({ id: this.edgeId(), source: from.node, sourcePort: from.port, target: to.node, targetPort: port });
  }

  edgeId(): string {
    return fresh(`${this.macro.id}_e${this.edges.length}`, this.edgeIds);
  }

  /** Records that `target`'s `weight` is columns [from, to) of the scope's weight `source`. */
  piece(source: string, sourceColumns: number, sourceRows: number | null, columns: readonly [number, number], target: Port, weight: string, row?: number): void {
    const from = this.scope.weight(source);
    this.pieces.push({ source: from, sourceColumns, sourceRows, columns, target: { node: target.node, weight }, ...(row === undefined ? {} : { row }) });
  }

  /** `f(x)` as a primitive node, or x itself for 'linear'. */
  act(fn: Activation, x: Port, part: string, label: string, at: readonly [number, number]): Port {
    if (fn === 'linear') return x;
    const out = this.node(part, fn, {}, label, at);
    this.wire(x, out);
    return out;
  }

  /** A one-input primitive of x. */
  apply(type: string, params: Record<string, unknown>, x: Port, part: string, label: string, at: readonly [number, number]): Port {
    const out = this.node(part, type, params, label, at);
    this.wire(x, out);
    return out;
  }

  /** A two-input primitive (add, multiply, concat) of a and b. */
  join(type: 'add' | 'multiply' | 'concat', a: Port, b: Port, part: string, label: string, at: readonly [number, number]): Port {
    const out = this.node(part, type, {}, label, at);
    this.wire(a, out, 'a');
    this.wire(b, out, 'b');
    return out;
  }

  /** x ⊙ γ with γ the whole vector weight `source` [size] of the macro. */
  scaleBy(source: string, size: number, x: Port, part: string, label: string, at: readonly [number, number]): Port {
    const out = this.apply('scale', {}, x, part, label, at);
    this.piece(source, size, 1, [0, size], out, 'gamma');
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

/** The sequences one layer in one direction computes: h at every step, and c for LSTM cells. */
export interface CellPorts {
  readonly h: Port;
  readonly c?: Port;
}

export type Params = Record<string, unknown>;
const num = (p: Params, k: string) => p[k] as number;
const bool = (p: Params, k: string) => p[k] as boolean;
const fn = (p: Params, k: string) => p[k] as Activation;

/** Columns a cell takes on the grid (a layer's cells are this far apart) and rows (a direction's). */
export const CELL_COLUMNS = 9;
export const CELL_ROWS = 7;

function elmanCell(d: CellDraft, p: Params): CellPorts {
  const H = num(p, 'units');
  const dh = d.delay('h_prev', H, 'z⁻¹ h', [1, 1]);
  const xw = linearPiece(d, d.scope.x, 'xW', 'x·W + b', [0, 0], H, { name: 'kernel', columns: H, rows: null, at: 0 }, { name: 'bias', columns: H, rows: 1, at: 0 });
  const hu = linearPiece(d, dh, 'hU', 'h₋₁·U', [2, 1], H, { name: 'recurrentKernel', columns: H, rows: H, at: 0 });
  const pre = d.join('add', xw, hu, 'pre', 'x·W + b + h₋₁·U', [3, 0]);
  const h = d.act(fn(p, 'activation'), pre, 'h', 'hidden state h', [4, 0]);
  d.wire(h, dh);
  return { h };
}

/** Jordan: the context s_t = α·s_{t−1} + y_{t−1} (or h·V + c fed back), a delay with a constant scale on its loop when α ≠ 0. */
function jordanCell(d: CellDraft, p: Params): CellPorts {
  const [H, Y, decay] = [num(p, 'units'), num(p, 'outputUnits'), num(p, 'contextDecay')];
  const output = p.feedback === 'output';
  const ds = d.delay('context', Y, decay === 0 ? (output ? 'z⁻¹ y' : 'z⁻¹ (h·V + c)') : 'context s (z⁻¹)', [1, 1]);
  const xw = linearPiece(d, d.scope.x, 'xW', 'x·W + b', [0, 0], H, { name: 'kernel', columns: H, rows: null, at: 0 }, { name: 'bias', columns: H, rows: 1, at: 0 });
  const su = linearPiece(d, ds, 'sU', 's·U', [2, 1], H, { name: 'recurrentKernel', columns: H, rows: Y, at: 0 });
  const pre = d.join('add', xw, su, 'pre', 'x·W + b + s·U', [3, 0]);
  const h = d.act(fn(p, 'activation'), pre, 'h', 'hidden state h', [4, 0]);
  const hv = linearPiece(d, h, 'hV', 'h·V + c', [5, 0], Y, { name: 'outputKernel', columns: Y, rows: H, at: 0 }, { name: 'outputBias', columns: Y, rows: 1, at: 0 });
  const y = d.act(fn(p, 'outputActivation'), hv, 'y', 'output y', [6, 0]);
  const fed = output ? y : hv;
  if (decay === 0) d.wire(fed, ds);
  else {
    const faded = d.apply('constantScale', { factor: decay }, ds, 'decay', `α·s₋₁ (α = ${decay})`, [2, 2]);
    d.wire(d.join('add', faded, fed, 'context_next', output ? 'α·s₋₁ + y' : 'α·s₋₁ + h·V + c', [6, 2]), ds);
  }
  return { h: y };
}

const LSTM_GATES = [
  { key: 'i', label: 'input gate i', peephole: 'peepholeInput' },
  { key: 'f', label: 'forget gate f', peephole: 'peepholeForget' },
  { key: 'c', label: 'candidate c̃', peephole: null },
  { key: 'o', label: 'output gate o', peephole: 'peepholeOutput' },
] as const;

/** LSTM, and with `peephole` the peephole LSTM: i and f also see p ⊙ c₋₁, o sees p_o ⊙ c. */
function lstmLike(d: CellDraft, p: Params, peephole: boolean): CellPorts {
  const H = num(p, 'units');
  const dh = d.delay('h_prev', H, 'z⁻¹ h', [0, 4]);
  const dc = d.delay('c_prev', H, 'z⁻¹ c', [3, 4]);
  const gate: Record<string, Port> = {};
  const z: Record<string, Port> = {};
  LSTM_GATES.forEach(({ key }, k) => {
    const x = linearPiece(d, d.scope.x, `x${key}`, `x·W_${key} + b_${key}`, [0, k], H, { name: 'kernel', columns: 4 * H, rows: null, at: k * H }, { name: 'bias', columns: 4 * H, rows: 1, at: k * H });
    const u = linearPiece(d, dh, `u${key}`, `h₋₁·U_${key}`, [1, k], H, { name: 'recurrentKernel', columns: 4 * H, rows: H, at: k * H });
    z[key] = d.join('add', x, u, `z${key}`, `z_${key}`, [2, k]);
  });
  const gateFn = fn(p, 'recurrentActivation');
  for (const [k, { key, label, peephole: weight }] of LSTM_GATES.entries()) {
    if (key === 'o') continue;
    let pre = z[key];
    if (peephole && weight) {
      const seen = d.scaleBy(weight, H, dc, `peep_${key}`, `p_${key} ⊙ c₋₁`, [2, 5 + k]);
      pre = d.join('add', z[key], seen, `zp${key}`, `z_${key} + p_${key} ⊙ c₋₁`, [3, 5 + k]);
    }
    gate[key] = d.act(key === 'c' ? fn(p, 'activation') : gateFn, pre, key === 'c' ? 'candidate' : `gate_${key}`, label, [4, k]);
  }
  const keep = d.join('multiply', gate.f, dc, 'keep', 'f ⊙ c₋₁', [5, 0]);
  const write = d.join('multiply', gate.i, gate.c, 'write', 'i ⊙ c̃', [5, 2]);
  const c = d.join('add', keep, write, 'c', 'cell state c', [6, 1]);
  let zo = z.o;
  if (peephole) {
    const seen = d.scaleBy('peepholeOutput', H, c, 'peep_o', 'p_o ⊙ c', [5, 4]);
    zo = d.join('add', z.o, seen, 'zpo', 'z_o + p_o ⊙ c', [6, 4]);
  }
  const o = d.act(gateFn, zo, 'gate_o', 'output gate o', [4, 3]);
  const squashed = d.act(fn(p, 'activation'), c, 'c_act', `${fn(p, 'activation')} c`, [6, 3]);
  const h = d.join('multiply', o, squashed, 'h', 'hidden state h', [7, 3]);
  d.wire(h, dh);
  d.wire(c, dc);
  return { h, c };
}

const GRU_GATES = [
  { key: 'z', label: 'update gate z' },
  { key: 'r', label: 'reset gate r' },
  { key: 'h', label: 'candidate h̃' },
] as const;

function gruCell(d: CellDraft, p: Params): CellPorts {
  const H = num(p, 'units');
  const after = bool(p, 'resetAfter');
  const gateFn = fn(p, 'recurrentActivation');
  const dh = d.delay('h_prev', H, 'z⁻¹ h', [0, 3]);
  const kernel = (k: number) => ({ name: 'kernel', columns: 3 * H, rows: null, at: k * H });
  const recurrent = (k: number) => ({ name: 'recurrentKernel', columns: 3 * H, rows: H, at: k * H });
  // resetAfter: bias [2, 3H], row 0 with x·W, row 1 with h·U; otherwise one bias [3H] with x·W.
  const bias = (k: number, row: number) => (after ? { name: 'bias', columns: 3 * H, rows: 2, row, at: k * H } : { name: 'bias', columns: 3 * H, rows: 1, at: k * H });
  const xs = GRU_GATES.map(({ key }, k) => linearPiece(d, d.scope.x, `x${key}`, `x·W_${key} + b_${key}`, [0, k], H, kernel(k), bias(k, 0)));
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
  const complement = d.apply('oneMinus', {}, z, 'one_minus_z', '1 − z', [4, 1]);
  const write = d.join('multiply', complement, candidate, 'write', '(1 − z) ⊙ h̃', [5, 1]);
  const h = d.join('add', keep, write, 'h', 'hidden state h', [6, 0]);
  d.wire(h, dh);
  return { h };
}

/** CTRNN: h = (1 − α) ⊙ h₋₁ + α ⊙ f(x·W + h₋₁·U + b), the rate α of two rateScale blocks, both holding the macro's ρ. */
function ctrnnCell(d: CellDraft, p: Params): CellPorts {
  const H = num(p, 'units');
  const rate = { dt: num(p, 'dt'), tauInit: num(p, 'tauInit') };
  const dh = d.delay('h_prev', H, 'z⁻¹ h', [1, 1]);
  const xw = linearPiece(d, d.scope.x, 'xW', 'x·W + b', [0, 0], H, { name: 'kernel', columns: H, rows: null, at: 0 }, { name: 'bias', columns: H, rows: 1, at: 0 });
  const hu = linearPiece(d, dh, 'hU', 'h₋₁·U', [2, 1], H, { name: 'recurrentKernel', columns: H, rows: H, at: 0 });
  const pre = d.join('add', xw, hu, 'pre', 'x·W + b + h₋₁·U', [3, 0]);
  const target = d.act(fn(p, 'activation'), pre, 'target', 'target f(…)', [4, 0]);
  const keep = d.apply('rateScale', { ...rate, complement: true }, dh, 'keep', '(1 − α) ⊙ h₋₁', [4, 2]);
  const move = d.apply('rateScale', { ...rate, complement: false }, target, 'move', 'α ⊙ f(…)', [5, 0]);
  for (const scaled of [keep, move]) d.piece('tauRaw', H, 1, [0, H], scaled, 'rho');
  const h = d.join('add', keep, move, 'h', 'hidden state h', [6, 1]);
  d.wire(h, dh);
  return { h };
}

function denseCell(d: CellDraft, p: Params): CellPorts {
  const units = num(p, 'units');
  const useBias = bool(p, 'useBias');
  const xw = linearPiece(d, d.scope.x, 'xW', useBias ? 'x·W + b' : 'x·W', [0, 0], units, { name: 'kernel', columns: units, rows: null, at: 0 }, useBias ? { name: 'bias', columns: units, rows: 1, at: 0 } : undefined);
  return { h: d.act(fn(p, 'activation'), xw, 'act', `${fn(p, 'activation')}`, [1, 0]) };
}

/** The cell of each kind that opens, by block type (a bidirectional block's `cell.type`). */
export const CELLS: Readonly<Record<string, (d: CellDraft, p: Params) => CellPorts>> = {
  elman: elmanCell,
  jordan: jordanCell,
  lstm: (d, p) => lstmLike(d, p, false),
  peepholeLstm: (d, p) => lstmLike(d, p, true),
  gru: gruCell,
  ctrnn: ctrnnCell,
  dense: denseCell,
};
