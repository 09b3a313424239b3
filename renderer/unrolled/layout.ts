/**
 * The unrolled graph laid out as a table: one row per block (graph order), one column per time
 * step, and a first column for work outside time (weights and inputs fed once, the loss summed
 * over all steps). Each (block, t) cell is one node; links become edges whose handles follow the
 * geometry: down a column for data within a step, along a bus above the row for what the outside
 * column feeds into each step, below it for what the steps feed back into it, and a curved edge
 * from step t to t+1 for recurrence. Pure: the view hands these nodes and edges to React Flow.
 */
import type { Edge, Node } from '@xyflow/react';
import type { UnrolledView } from '../../engine/protocol/messages.ts';

export const CELL_WIDTH = 112;
export const CELL_HEIGHT = 52;
export const COLUMN_GAP = 60;
export const ROW_GAP = 44;
export const HEADER_WIDTH = 150;
export const HEADER_HEIGHT = 28;

export type CellKey = { readonly block: string; readonly t: number | null };

export interface CellData extends Record<string, unknown> {
  readonly block: string;
  readonly t: number | null;
  readonly forward: number;
  readonly backward: number;
  readonly showBackward: boolean;
  /** The block is selected on the canvas. */
  readonly highlighted: boolean;
}

export interface RowLabelData extends Record<string, unknown> {
  readonly block: string;
  readonly label: string;
  readonly type: string;
}

export interface ColumnLabelData extends Record<string, unknown> {
  /** null: the column of work outside time. */
  readonly t: number | null;
}

export type CellNode = Node<CellData, 'cell'>;
export type RowLabelNode = Node<RowLabelData, 'rowLabel'>;
export type ColumnLabelNode = Node<ColumnLabelData, 'columnLabel'>;
export type UnrolledNode = CellNode | RowLabelNode | ColumnLabelNode;

/**
 * data: a value computed in one cell read in another of the same step (or fed from / summed into
 * the outside column); recurrent: carried from step t to t+1 through a delay; gradient: the
 * backward pass carrying a recurrent gradient from t+1 back to t (shown with "Show backward").
 */
export type LinkKind = 'data' | 'recurrent' | 'gradient';

export interface LinkData extends Record<string, unknown> {
  readonly kind: LinkKind;
  readonly from: CellKey;
  readonly to: CellKey;
}

export type UnrolledEdge = Edge<LinkData>;

export interface UnrolledLayout {
  readonly nodes: UnrolledNode[];
  readonly edges: UnrolledEdge[];
  /** Column of each t (null: outside time), row of each block id. */
  readonly columns: ReadonlyMap<number | null, number>;
  readonly rows: ReadonlyMap<string, number>;
}

export interface LayoutOptions {
  readonly showBackward: boolean;
  /** Block ids selected on the canvas. */
  readonly selected: ReadonlySet<string>;
}

export const cellId = (c: CellKey): string => `cell:${c.block}@${c.t === null ? 'outside' : c.t}`;

/** Handle ids on every cell (see UnrolledCell). */
export const HANDLES = {
  topIn: 'top-in',
  topOut: 'top-out',
  bottomIn: 'bottom-in',
  bottomOut: 'bottom-out',
  leftIn: 'left-in',
  leftOut: 'left-out',
  rightIn: 'right-in',
  rightOut: 'right-out',
} as const;

export function columnX(column: number): number {
  return HEADER_WIDTH + column * (CELL_WIDTH + COLUMN_GAP);
}

export function rowY(row: number): number {
  return HEADER_HEIGHT + ROW_GAP / 2 + row * (CELL_HEIGHT + ROW_GAP);
}

/** Which handles a data link uses, from where its two cells sit. */
function dataHandles(from: { row: number; column: number }, to: { row: number; column: number }): Pick<Edge, 'sourceHandle' | 'targetHandle' | 'type' | 'className'> {
  if (from.row === to.row) {
    // Same block, different columns: the outside column feeding a step (a bus above the row), or
    // a step feeding the outside column (a bus below it).
    const bus = { type: 'smoothstep', className: 'unrolled-edge unrolled-edge-bus' };
    return from.column < to.column
      ? { sourceHandle: HANDLES.topOut, targetHandle: HANDLES.topIn, ...bus }
      : { sourceHandle: HANDLES.bottomOut, targetHandle: HANDLES.bottomIn, ...bus };
  }
  const data = { type: 'default', className: 'unrolled-edge unrolled-edge-data' };
  return from.row < to.row
    ? { sourceHandle: HANDLES.bottomOut, targetHandle: HANDLES.topIn, ...data }
    : { sourceHandle: HANDLES.topOut, targetHandle: HANDLES.bottomIn, ...data };
}

/** The area the layout covers, from (0, 0): the labels, every column and every row. */
export function layoutSize(layout: Pick<UnrolledLayout, 'columns' | 'rows'>): { width: number; height: number } {
  const columns = Math.max(1, layout.columns.size);
  const rows = Math.max(1, layout.rows.size);
  return { width: columnX(columns - 1) + CELL_WIDTH, height: rowY(rows - 1) + CELL_HEIGHT + ROW_GAP / 2 };
}

/**
 * Where to look at a layout of `content` size in a `view` of the given size: the whole of it when
 * that stays readable, else at `minZoom` from the top left (the user pans to the rest); centred
 * along an axis where it fits.
 */
export function initialViewport(content: { width: number; height: number }, view: { width: number; height: number }, minZoom: number, padding = 12): { x: number; y: number; zoom: number } {
  const fit = Math.min((view.width - 2 * padding) / content.width, (view.height - 2 * padding) / content.height);
  const zoom = Math.min(1, Math.max(minZoom, fit));
  const place = (space: number, size: number) => (size * zoom + 2 * padding <= space ? (space - size * zoom) / 2 : padding);
  return { x: place(view.width, content.width), y: place(view.height, content.height), zoom };
}

export function layoutUnrolled(view: UnrolledView, options: LayoutOptions): UnrolledLayout {
  const rows = new Map<string, number>();
  view.blocks.forEach((b) => {
    if (!rows.has(b.id)) rows.set(b.id, rows.size);
  });
  // A cell of a block the list does not name still gets a row, after the named ones.
  for (const c of view.cells) if (!rows.has(c.block)) rows.set(c.block, rows.size);

  const hasOutside = view.cells.some((c) => c.t === null);
  const times = new Set<number>();
  for (let t = 0; t < view.steps; t++) times.add(t);
  for (const c of view.cells) if (c.t !== null) times.add(c.t);
  const columns = new Map<number | null, number>();
  if (hasOutside) columns.set(null, 0);
  for (const t of [...times].sort((a, b) => a - b)) columns.set(t, columns.size);

  const nodes: UnrolledNode[] = [];
  for (const [t, column] of columns) {
    nodes.push({
      id: `column:${t === null ? 'outside' : t}`,
      type: 'columnLabel',
      position: { x: columnX(column), y: 0 },
      data: { t },
      width: CELL_WIDTH,
      height: HEADER_HEIGHT,
      draggable: false,
      selectable: false,
      connectable: false,
    });
  }
  const labels = new Map(view.blocks.map((b) => [b.id, b]));
  for (const [block, row] of rows) {
    const info = labels.get(block);
    nodes.push({
      id: `row:${block}`,
      type: 'rowLabel',
      position: { x: 0, y: rowY(row) },
      data: { block, label: info?.label ?? block, type: info?.type ?? '' },
      width: HEADER_WIDTH - 24,
      height: CELL_HEIGHT,
      draggable: false,
      selectable: false,
      connectable: false,
    });
  }

  const placed = new Map<string, { row: number; column: number }>();
  for (const c of view.cells) {
    const id = cellId(c);
    if (placed.has(id)) continue; // the host sends each cell once; a repeat would be a second node with the same id
    const where = { row: rows.get(c.block)!, column: columns.get(c.t)! };
    placed.set(id, where);
    nodes.push({
      id,
      type: 'cell',
      position: { x: columnX(where.column), y: rowY(where.row) },
      data: { block: c.block, t: c.t, forward: c.forward, backward: c.backward, showBackward: options.showBackward, highlighted: options.selected.has(c.block) },
      width: CELL_WIDTH,
      height: CELL_HEIGHT,
      draggable: false,
      selectable: false,
      connectable: false,
    });
  }

  const edges: UnrolledEdge[] = [];
  const seen = new Set<string>();
  for (const link of view.links) {
    const source = cellId(link.from);
    const target = cellId(link.to);
    const from = placed.get(source);
    const to = placed.get(target);
    if (!from || !to) continue; // a link to a cell without IR nodes has nothing to attach to
    const id = `${link.kind}:${source}->${target}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const data: LinkData = { kind: link.kind, from: link.from, to: link.to };
    if (link.kind === 'recurrent') {
      edges.push({ id, source, target, sourceHandle: HANDLES.rightOut, targetHandle: HANDLES.leftIn, type: 'recurrent', className: 'unrolled-edge unrolled-edge-recurrent', data, selectable: false });
      if (options.showBackward) {
        edges.push({
          id: `gradient:${target}->${source}`,
          source: target,
          target: source,
          sourceHandle: HANDLES.leftOut,
          targetHandle: HANDLES.rightIn,
          type: 'gradient',
          className: 'unrolled-edge unrolled-edge-gradient',
          data: { kind: 'gradient', from: link.to, to: link.from },
          selectable: false,
        });
      }
    } else {
      edges.push({ id, source, target, ...dataHandles(from, to), data, selectable: false });
    }
  }
  return { nodes, edges, columns, rows };
}
