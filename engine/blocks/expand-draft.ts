/**
 * What an expansion draws into: `CellDraft` collects parts (new primitive nodes), the wires
 * between them and the `WeightPiece`s that say which part of the macro's weights each new weight
 * holds. Ids and positions are given only when the drawing is done (`finish`), because a part is
 * often named after it is drawn (`m.name(σ(…), 'i', 'input gate i')`).
 *
 * Layout: a part's column is the length of the longest path of wires leading to it (wires into a
 * delay close a loop and do not count), so the cell reads left to right in the order it computes;
 * then each part moves right to stand just before the first part that reads it. Within a column, parts stack in the order they were drawn, each band (a direction of a
 * bidirectional block) below the one before.
 */
import type { TimeDirection } from '../cell/cell.ts';
import type { GraphDocument, GraphEdge, GraphNode } from '../graph/schema.ts';
import { Id } from '../graph/schema.ts';

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
  /** Rows of `source`; null when the piece holds every row (a kernel, whose rows are the input's features). */
  readonly sourceRows: number | null;
  readonly row?: number;
  readonly columns: readonly [from: number, to: number];
  /** The new node and the name of its weight. */
  readonly target: { readonly node: string; readonly weight: string };
}

/** Where the drawing is: the layer and direction parts belong to. */
export interface Scope {
  readonly direction: TimeDirection;
  /** Put in front of every id ('l1_', 'bwd_l1_'). */
  readonly part: string;
  /** Put after every label (' · layer 1, backward'). */
  readonly label: string;
  /** Which band of rows its parts go in. */
  readonly band: number;
}

export const ROOT_SCOPE: Scope = { direction: 'forward', part: '', label: '', band: 0 };

/** A new primitive node; its id and label may still change until the draft is finished. */
export class Part {
  constructor(
    readonly index: number,
    readonly type: string,
    readonly params: Record<string, unknown>,
    public label: string,
    /** What its id is made from, after the scope's prefix. */
    public idPart: string,
    readonly scope: Scope,
  ) {}
}

/** A value a part reads: another part's output, or the macro's input. */
export type Source = Part | 'input';

/** A piece of a macro weight, by the name of the weight in this layer and direction. */
export interface Cut {
  readonly source: string;
  readonly shape: readonly number[];
  readonly columns: readonly [number, number];
  readonly row?: number;
}

const COLUMN_WIDTH = 200;
const ROW_HEIGHT = 110;

export interface Drawing {
  /** The new nodes, positioned around (0, 0). */
  readonly nodes: GraphNode[];
  /** Wires between new nodes. */
  readonly edges: GraphEdge[];
  readonly pieces: WeightPiece[];
  /** Every port that reads the macro's input. */
  readonly inputUses: readonly { readonly node: string; readonly port: string }[];
  /** The id `part` got. */
  idOf(part: Part): string;
  /** A fresh edge id. */
  edgeId(): string;
}

export class CellDraft {
  readonly parts: Part[] = [];
  private readonly wires: { from: Source; to: Part; port: string }[] = [];
  private readonly cuts: { cut: Cut; target: Part; weight: string }[] = [];
  scope: Scope = ROOT_SCOPE;

  node(type: string, params: Record<string, unknown>, label: string, idPart: string): Part {
    const part = new Part(this.parts.length, type, params, label, idPart, this.scope);
    this.parts.push(part);
    return part;
  }

  /** A one-input primitive reading `from`. */
  apply(type: string, params: Record<string, unknown>, from: Source, label: string, idPart: string): Part {
    const out = this.node(type, params, label, idPart);
    this.wire(from, out);
    return out;
  }

  /** A two-input primitive (add, multiply, concat) of a and b. */
  join(type: 'add' | 'multiply' | 'concat', a: Source, b: Source, label: string, idPart: string): Part {
    const out = this.node(type, {}, label, idPart);
    this.wire(a, out, 'a');
    this.wire(b, out, 'b');
    return out;
  }

  /** A delay carrying the state `state`, running in the scope's direction; its size is set when the loop closes. */
  delay(state: string): Part {
    const backward = this.scope.direction === 'backward';
    return this.node('delay', backward ? { direction: 'backward' } : {}, `${backward ? 'z⁺¹' : 'z⁻¹'} ${state}`, `${state}_prev`);
  }

  wire(from: Source, to: Part, port = 'in'): void {
    this.wires.push({ from, to, port });
  }

  /** Records that `target`'s weight `weight` is the piece `cut` of a macro weight. */
  piece(cut: Cut, target: Part, weight: string): void {
    this.cuts.push({ cut, target, weight });
  }

  /** Ids (`<macro id>_<scope part><part>`, unique in `doc`), positions, edges and pieces. */
  finish(doc: GraphDocument, macroId: string): Drawing {
    const taken = new Set(doc.nodes.map((n) => n.id));
    const edgeIds = new Set(doc.edges.map((e) => e.id));
    const ids = this.parts.map((p) => fresh(`${macroId}_${p.scope.part}${p.idPart}`, taken));
    const at = layout(this.parts, this.wires);
    const nodes = this.parts.map((p, k): GraphNode => ({ id: ids[k], type: p.type, params: p.params, label: p.label + p.scope.label, position: at[k] }));
    let count = 0;
    const edgeId = () => fresh(`${macroId}_e${count++}`, edgeIds);
    const edges: GraphEdge[] = [];
    const inputUses: { node: string; port: string }[] = [];
    for (const w of this.wires) {
      if (w.from === 'input') inputUses.push({ node: ids[w.to.index], port: w.port });
      else edges.push({ id: edgeId(), source: ids[w.from.index], sourcePort: 'out', target: ids[w.to.index], targetPort: w.port });
    }
    const pieces = this.cuts.map(({ cut, target, weight }): WeightPiece => {
      const columns = cut.shape[cut.shape.length - 1];
      const rows = cut.shape.length === 1 ? 1 : cut.row === undefined ? null : cut.shape[0];
      return { source: cut.source, sourceColumns: columns, sourceRows: rows, columns: cut.columns, target: { node: ids[target.index], weight }, ...(cut.row === undefined ? {} : { row: cut.row }) };
    });
    return { nodes, edges, pieces, inputUses, idOf: (part) => ids[part.index], edgeId };
  }
}

/** Positions by longest path over the wires (loops through delays cut), bands one below another. */
function layout(parts: readonly Part[], wires: readonly { from: Source; to: Part }[]): { x: number; y: number }[] {
  const inputs = parts.map((): Part[] => []);
  for (const w of wires) if (w.from !== 'input' && w.to.type !== 'delay') inputs[w.to.index].push(w.from);
  const column: number[] = [];
  const columnOf = (p: Part): number => (column[p.index] ??= inputs[p.index].reduce((c, q) => Math.max(c, columnOf(q) + 1), 0));
  parts.forEach(columnOf);
  // Then every part moves right to just before its first reader, so a delay and what it feeds stand
  // beside the layer they belong to, not at the far left. Readers come later in the draft.
  const readers = parts.map((): Part[] => []);
  for (const w of wires) if (w.from !== 'input' && w.to.type !== 'delay') readers[w.from.index].push(w.to);
  for (const p of [...parts].reverse())
    if (readers[p.index].length > 0) column[p.index] = Math.min(...readers[p.index].map((r) => column[r.index])) - 1;
  // Rows within each band and column, then bands stacked with a free row between them.
  const rowInBand = new Map<string, number>();
  const bandHeight = new Map<number, number>();
  const row = parts.map((p) => {
    const key = `${p.scope.band},${column[p.index]}`;
    const r = rowInBand.get(key) ?? 0;
    rowInBand.set(key, r + 1);
    bandHeight.set(p.scope.band, Math.max(bandHeight.get(p.scope.band) ?? 0, r + 1));
    return r;
  });
  const bands = [...bandHeight.keys()].sort((a, b) => a - b);
  const top = new Map<number, number>();
  bands.reduce((y, band) => (top.set(band, y), y + bandHeight.get(band)! + 1), 0);
  return parts.map((p, k) => ({ x: column[k] * COLUMN_WIDTH, y: (top.get(p.scope.band)! + row[k]) * ROW_HEIGHT }));
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
