/**
 * "Opening" a macro block: the block is replaced, in the document, by the primitive blocks its
 * cell is made of (linear, add, multiply, oneMinus, scale, constantScale, concat, tanh, sigmoid,
 * relu, delay, lastStep, firstStep, dropout), wired as a user would wire them by hand, so that
 * the new graph computes exactly what the block did. Nothing here knows any cell: each block says
 * how it opens (`opens`: its step and how many layers and directions of it), and the step, run
 * against `DrawMath` (draw-math.ts), draws itself.
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
 * params the block says it cannot draw (Jordan with teacher forcing feeds back targets, which no
 * primitive reads), a step that computes something no primitive block does, and blocks that are
 * not made of a cell.
 */
import type { TimeDirection } from '../cell/cell.ts';
import type { GraphDocument, GraphEdge } from '../graph/schema.ts';
import type { Shape } from '../ir/types.ts';
import { DrawError, DrawMath, drawStep } from './draw-math.ts';
import { CellDraft, type Cut, type Part, ROOT_SCOPE, type Source, type WeightPiece } from './expand-draft.ts';
import { dense } from './ports.ts';
import { layerName } from './recurrent.ts';
import { BLOCKS, getBlock } from './registry.ts';
import type { OpenPlan, StepResult } from './step.ts';

export type { WeightPiece } from './expand-draft.ts';

/** The blocks `expandNode` can open (given params they can draw). */
export const OPENABLE_BLOCKS: ReadonlySet<string> = new Set(BLOCKS.filter((b) => b.opens).map((b) => b.type));

export type Expansion =
  | { readonly ok: true; readonly doc: GraphDocument; readonly nodes: readonly string[]; readonly weights: readonly WeightPiece[] }
  | { readonly ok: false; readonly reason: string };

type Plan = Extract<OpenPlan, { ok: true }>;
type OutputName = 'out' | 'h' | 'c' | 'forward' | 'backward';
type Outputs = Partial<Record<OutputName, Part>>;

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

/** What a stack drew: each lane's top-layer output sequence, and every layer's and lane's steps, h_n order. */
interface Stack {
  readonly top: readonly Part[];
  readonly steps: readonly (StepResult<Part> & { readonly direction: TimeDirection; readonly part: string })[];
}

/** `plan.layers` layers of the step in every lane, layer k ≥ 1 reading layer k − 1 (both lanes concatenated), through dropout when the rate is not 0. */
function drawStack(d: CellDraft, plan: Plan, shapes: ReadonlyMap<string, Shape>): Stack {
  const lanes = plan.bothWays ? BOTH_WAYS : ONE_WAY;
  const steps: Stack['steps'][number][] = [];
  let x: Source = 'input';
  let top: Part[] = [];
  for (let layer = 0; layer < plan.layers; layer++) {
    d.scope = ROOT_SCOPE;
    if (layer > 0 && plan.dropout > 0) x = d.apply('dropout', { rate: plan.dropout }, x, `dropout into layer ${layer}`, `dropout_l${layer}`);
    const input = x;
    top = lanes.map((lane, band) => {
      const where = [...(plan.layers > 1 ? [`layer ${layer}`] : []), ...(lane.label ? [lane.label] : [])];
      const part = `${lane.part}${layer === 0 ? '' : `l${layer}_`}`;
      d.scope = { direction: lane.direction, part, label: where.length ? ` · ${where.join(', ')}` : '', band };
      const cut = (name: string): Cut => {
        const source = layerName(name, layer, lane.prefix);
        const shape = shapes.get(source);
        if (!shape) throw new Error(`expand: the step reads a weight '${source}' the block does not declare`);
        return { source, shape, columns: [0, shape[shape.length - 1]] };
      };
      const step = drawStep(d, plan.step, input, cut);
      steps.push({ ...step, direction: lane.direction, part });
      return step.out;
    });
    d.scope = ROOT_SCOPE;
    if (layer < plan.layers - 1) x = top.length === 1 ? top[0] : d.join('concat', top[0], top[1], `[→h; ←h] · layer ${layer}`, `l${layer}_both`);
  }
  return { top, steps };
}

/** The macro's output ports as parts of the drawn stack, only those an edge reads. */
function outputsOf(d: CellDraft, doc: GraphDocument, macroId: string, stack: Stack, plan: Plan): Outputs {
  const used = (port: string) => doc.edges.some((e) => e.source === macroId && e.sourcePort === port);
  const finals = new Map<Part, Part>();
  /** The value a sequence ends with: its last step forward, its first step backward. */
  const final = (seq: Part, direction: TimeDirection, part: string, name: string): Part => {
    let f = finals.get(seq);
    if (!f) {
      const forward = direction === 'forward';
      f = d.apply(forward ? 'lastStep' : 'firstStep', {}, seq, `${forward ? 'last' : 'first'} step of ${name}`, `${part}${forward ? 'last' : 'first'}_${name}`);
      finals.set(seq, f);
    }
    return f;
  };
  const out: Outputs = {};
  const tops = stack.steps.slice(-stack.top.length);
  const lane = (l: number) => (plan.returnSequences ? tops[l].out : final(tops[l].out, tops[l].direction, tops[l].part, 'h'));
  for (const s of ['h', 'c'] as const) {
    if (!used(s)) continue;
    const parts = stack.steps.flatMap((st) => {
      const seq = st.next[s];
      return seq ? [final(seq, st.direction, st.part, s)] : [];
    });
    if (parts.length === 0) continue;
    out[s] = parts.slice(1).reduce((all, next, k) => d.join('concat', all, next, `final ${s} of layers and directions, up to ${k + 2}`, `${s}_n${k + 1}`), parts[0]);
  }
  if (!plan.bothWays) {
    if (used('out')) out.out = lane(0);
    return out;
  }
  if (used('forward')) out.forward = lane(0);
  if (used('backward')) out.backward = lane(1);
  const merge = plan.bothWays.merge;
  if (merge && used('out')) {
    const m = new DrawMath(d);
    const merged = m.draw(merge(m, m.source(lane(0), '→h', null), m.source(lane(1), '←h', null)));
    if (merged !== 'input') out.out = merged;
  }
  return out;
}

/** Why `nodeId` cannot be opened, or how it opens. */
function planOf(doc: GraphDocument, nodeId: string): { plan: Plan; shapes: Map<string, Shape> } | string {
  const macro = doc.nodes.find((n) => n.id === nodeId);
  if (!macro) return `there is no block '${nodeId}' in this graph`;
  const block = getBlock(macro.type);
  if (!block) return `'${macro.type}' is not a known block type`;
  if (block.category === 'primitive') return `'${macro.type}' is already a primitive block: there is no cell inside it to open`;
  if (!block.opens) return `a '${macro.type}' block is not built from primitive blocks, so there is no cell to open`;
  const parsed = block.params.safeParse(macro.params);
  if (!parsed.success) return `its params are not valid (${parsed.error.issues[0]?.message ?? 'see the Problems list'}): fix them first`;
  const plan = block.opens(parsed.data);
  if (!plan.ok) return `'${macro.id}' cannot be opened: ${plan.refused}`;
  for (const e of doc.edges)
    if (e.target === macro.id && e.targetPort !== 'in')
      return `'${macro.id}' cannot be opened: its initial state '${e.targetPort}' is connected (edge '${e.id}'), and a delay block always starts at zeros: disconnect it first`;
  // Columns and bias rows never depend on the input's size, so any size gives the pieces' shapes.
  const weights = block.weights(parsed.data, { inputs: { in: dense('sequence', 1) } });
  return { plan, shapes: new Map(weights.map((w) => [w.name, w.shape])) };
}

/**
 * `doc` with the block `nodeId` replaced by its cells of primitive blocks: new ids `<nodeId>_<part>`,
 * laid out around the block's position, edges into and out of it moved to the primitive ports
 * (the edge into `in` fans out to every node that reads x; edges out keep their ids). Never
 * throws for a block that cannot be opened: `{ ok: false, reason }` says why.
 */
export function expandNode(doc: GraphDocument, nodeId: string): Expansion {
  const how = planOf(doc, nodeId);
  if (typeof how === 'string') return { ok: false, reason: how };
  const { plan, shapes } = how;
  const macro = doc.nodes.find((n) => n.id === nodeId)!;
  const d = new CellDraft();
  let outputs: Outputs;
  try {
    outputs = outputsOf(d, doc, macro.id, drawStack(d, plan, shapes), plan);
  } catch (e) {
    if (e instanceof DrawError) return { ok: false, reason: `'${macro.id}' cannot be opened: its cell ${e.message}` };
    throw e;
  }
  for (const e of doc.edges.filter((x) => x.source === macro.id))
    if (!outputs[e.sourcePort as OutputName]) return { ok: false, reason: `edge '${e.id}' leaves from port '${e.sourcePort}', which the opened cell does not have` };
  const drawing = d.finish(doc, macro.id);

  // Centre the cluster on where the block was.
  const xs = drawing.nodes.map((n) => n.position.x);
  const ys = drawing.nodes.map((n) => n.position.y);
  const [cx, cy] = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
  for (const n of drawing.nodes) n.position = { x: macro.position.x + n.position.x - cx, y: macro.position.y + n.position.y - cy };

  const edges: GraphEdge[] = [];
  for (const e of doc.edges) {
    if (e.target === macro.id) drawing.inputUses.forEach((use, k) => edges.push({ id: k === 0 ? e.id : drawing.edgeId(), source: e.source, sourcePort: e.sourcePort, target: use.node, targetPort: use.port }));
    else if (e.source === macro.id) edges.push({ ...e, source: drawing.idOf(outputs[e.sourcePort as OutputName]!), sourcePort: 'out' });
    else edges.push(e);
  }
  const at = doc.nodes.indexOf(macro);
  const nodes = [...doc.nodes.slice(0, at), ...drawing.nodes, ...doc.nodes.slice(at + 1)];
  return { ok: true, doc: { ...doc, nodes, edges: [...edges, ...drawing.edges] }, nodes: drawing.nodes.map((n) => n.id), weights: drawing.pieces };
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
