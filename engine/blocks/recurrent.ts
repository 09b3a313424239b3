/**
 * What the recurrent blocks share: one sequence input, a hidden size, an output that is either
 * the whole sequence of h or its last step, the choice of how their kernels start, and, for the
 * cells that can be stacked and run backward (Elman, LSTM, GRU, peephole LSTM, CTRNN), the layers,
 * the initial-state ports and the naming of weights per layer and direction.
 *
 * Stacking (`layers: L`): layer k reads the hidden sequence of layer k − 1 and has weights of its
 * own, so an L-layer block unrolls exactly like L one-layer blocks chained (the lower ones
 * returning sequences); `returnSequences` applies to the top layer. Weight names: layer 0 keeps
 * the names of a one-layer block (`kernel`, `recurrentKernel`, `bias`, …), layer k ≥ 1 adds
 * `_l<k>` (`kernel_l1`). The bidirectional block puts `forward_` or `backward_` in front
 * (`backward_kernel_l1`). A layer k ≥ 1 of a bidirectional block reads both directions of layer
 * k − 1, concatenated (as PyTorch does), so its kernel has 2·units rows.
 *
 * `dropout` (while training only): layer k ≥ 1 reads its input through inverted dropout, whose
 * mask is the data input `mask:<node>.l<k>` ([B, in] per step; for a bidirectional block, both
 * directions of layer k − 1 concatenated share one mask).
 *
 * Initial and final states: `h0` (and `c0` for LSTM cells) take one vector per example holding
 * the start state of every layer and direction, `h` (and `c`) give the state each one ends with,
 * in PyTorch's h_n order: layer by layer, forward before backward, units features each.
 */
import { z } from 'zod';
import type { CellRef, TimeDirection } from '../cell/cell.ts';
import { dropoutRate } from './dropout.ts';
import { CellMath } from './math.ts';
import { dense, inputType, seqPort, T } from './ports.ts';
import type { LaneMerge, OpenPlan, StepContext, StepResult } from './step.ts';
import { BlockIssue, type InferContext, type Initializer, type InputPort, type LowerContext, type OutputPort, type PortType, type Text, type WeightSpec } from './types.ts';

export const recurrentInputs = [seqPort('in', T.in)];
export const recurrentOutputs = [{ name: 'out', label: T.out }];

export const inputSize = (cx: InferContext): number => inputType(cx, 'in').size;

/** The block's sequence input, required by the validator before lowering. */
export function sequenceIn(cx: LowerContext): CellRef {
  const x = cx.inputs.in;
  if (x === undefined) throw new Error(`block '${cx.nodeId}': input 'in' is not connected`);
  return x;
}

export const finish = (cx: LowerContext, h: CellRef, returnSequences: boolean): Record<string, CellRef> => ({
  out: returnSequences ? h : cx.cell.lastStep(h),
});

/** The initialisers a user may choose for a kernel or a recurrent kernel (Keras's names, in camelCase). */
export const MatrixInitializer = z.enum(['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'orthogonal', 'identity', 'zeros']) satisfies z.ZodType<Initializer>;
export type MatrixInitializer = z.infer<typeof MatrixInitializer>;

/**
 * The params `kernelInitializer`, `recurrentInitializer` and `recurrentGain`. Keras starts
 * kernels Glorot-uniform and recurrent kernels orthogonal; `recurrentDefault` exists for the
 * Jordan block, whose recurrent kernel has always started Glorot-uniform.
 */
export const initializerParams = (recurrentDefault: MatrixInitializer = 'orthogonal') => ({
  kernelInitializer: MatrixInitializer.default('glorotUniform'),
  recurrentInitializer: MatrixInitializer.default(recurrentDefault),
  recurrentGain: z.number().min(0).max(10).default(1),
});

const INITIALIZERS_EN =
  'glorotUniform: uniform in ±√(6 / (fan_in + fan_out)); glorotNormal: truncated normal, std √(2 / (fan_in + fan_out)); heUniform / heNormal: the same with fan_in only (for relu); orthogonal: orthonormal rows or columns; identity: the identity matrix in each gate block; zeros.';
const INITIALIZERS_ZH =
  'glorotUniform：在 ±√(6 / (fan_in + fan_out)) 内均匀分布；glorotNormal：截断正态分布，标准差 √(2 / (fan_in + fan_out))；heUniform / heNormal：同上但只用 fan_in（适合 relu）；orthogonal：行或列两两正交的单位向量；identity：每个门块为单位矩阵；zeros：全零。';

export const initializerHelp = (recurrentDefault: MatrixInitializer = 'orthogonal'): Record<'kernelInitializer' | 'recurrentInitializer' | 'recurrentGain', Text> => ({
  kernelInitializer: {
    en: `How the input kernel W starts (Keras default glorotUniform). ${INITIALIZERS_EN}`,
    zh: `输入权重矩阵 W 的初始化方式（Keras 默认 glorotUniform）。${INITIALIZERS_ZH}`,
  },
  recurrentInitializer: {
    en:
      recurrentDefault === 'orthogonal'
        ? 'How the recurrent kernel U starts (Keras default orthogonal, which keeps the repeated product with U from shrinking or growing at first). identity with relu activation and zero bias makes an IRNN.'
        : 'How the recurrent kernel U starts (default glorotUniform, as this block has always started; orthogonal is what Keras uses for its recurrent layers).',
    zh:
      recurrentDefault === 'orthogonal'
        ? '循环权重矩阵 U 的初始化方式（Keras 默认 orthogonal：正交矩阵使反复乘以 U 时一开始既不衰减也不放大）。identity 加上 relu 激活和零偏置即为 IRNN。'
        : '循环权重矩阵 U 的初始化方式（默认 glorotUniform，与本模块一直以来的做法相同；Keras 的循环层默认用 orthogonal）。',
  },
  recurrentGain: {
    en: 'Every initial value of the recurrent kernel U is multiplied by this gain (Keras: the gain of Identity and Orthogonal); e.g. identity with gain 0.5 starts U at 0.5·I.',
    zh: '循环权重矩阵 U 的每个初始值都乘以这个增益（对应 Keras 中 Identity、Orthogonal 的 gain）；例如 identity 配合增益 0.5，U 的初值为 0.5·I。',
  },
});

// ── Stackable cells ──────────────────────────────────────────────────────────────────────────

/** The most layers a block stacks. */
export const MAX_LAYERS = 8;

/** The `layers` param: how many copies of the cell are stacked, each reading the one below. */
export const layersParam = z.int().min(1).max(MAX_LAYERS).default(1);

export const layersHelp: Text = {
  en: 'Stacked layers (1–8): layer k reads the hidden sequence of layer k − 1, so the block is the same as that many blocks in a chain; returnSequences applies to the top layer. Layer 0 keeps the weight names of one layer, layer k ≥ 1 adds _l<k> (kernel_l1, …).',
  zh: '堆叠的层数（1–8）：第 k 层读取第 k − 1 层的隐状态序列，相当于把这么多个模块串起来；returnSequences 作用于最上面一层。第 0 层的权重沿用单层的名字，第 k ≥ 1 层加后缀 _l<k>（kernel_l1 等）。',
};

/** The `dropout` param of the stackable recurrent blocks. */
export const dropoutParam = dropoutRate.default(0);

export const dropoutHelp: Text = {
  en: 'Dropout between stacked layers, as PyTorch’s dropout argument: while training, each element of every layer’s output except the top one’s is zeroed with this probability (the rest scaled by 1 / (1 − rate)) before the next layer reads it; evaluation and prediction use no dropout. Needs layers ≥ 2 to do anything.',
  zh: '堆叠层之间的 dropout，与 PyTorch 的 dropout 参数相同：训练时，除最上层外每一层输出的每个元素以此概率被置零（其余元素乘以 1 / (1 − rate)），然后才交给下一层；评估和预测时不做 dropout。layers ≥ 2 时才起作用。',
};

/** The params every stackable recurrent block ends with: layers, dropout between them, initialisers. */
export const stackingParams = () => ({ layers: layersParam, dropout: dropoutParam, ...initializerParams() });

export const stackingHelp = () => ({ layers: layersHelp, dropout: dropoutHelp, ...initializerHelp() });

/** A recurrent state: the hidden state h, and the cell state c of LSTM cells. */
export type StateName = 'h' | 'c';

/** One step's new states: h always, c for LSTM cells. */
export type CellStates<V> = { readonly h: V; readonly c?: V };

/** The params every stackable cell has. */
export interface StackParams {
  readonly units: number;
  readonly layers: number;
  /** Dropout rate on the input of every layer k ≥ 1, while training (absent: none). */
  readonly dropout?: number;
}

/** A cell that can be stacked and run in either direction: its states, the weights of one layer, and one step. */
export interface RecurrentCell<P extends StackParams> {
  readonly type: string;
  /** ['h'], or ['h', 'c'] for LSTM cells. */
  readonly states: readonly StateName[];
  /** The weights of one layer whose input has `inputSize` features, under their one-layer names, in file order. */
  weights(p: P, inputSize: number): WeightSpec[];
  /** One step of one layer: the new states from x_t and the previous states. */
  step<V>(p: P, s: StepContext<V, StateName>): CellStates<V>;
}

/** What is known of a cell without its params: its name and states. */
export type CellInfo = Pick<RecurrentCell<StackParams>, 'type' | 'states'>;

/** A cell of any param type, as the bidirectional block picks one by name. */
export type AnyCell = RecurrentCell<StackParams & Record<string, unknown>>;

export const defineCell = <P extends StackParams>(cell: RecurrentCell<P>): AnyCell => cell as unknown as AnyCell;

/** One direction of a (possibly bidirectional) stack, and the prefix of its weight and state names. */
export interface Lane {
  readonly direction: TimeDirection;
  readonly prefix: string;
}

export const ONE_WAY: readonly Lane[] = [{ direction: 'forward', prefix: '' }];
export const BOTH_WAYS: readonly Lane[] = [
  { direction: 'forward', prefix: 'forward_' },
  { direction: 'backward', prefix: 'backward_' },
];

/** `kernel` of layer 0, `kernel_l2` of layer 2, `backward_kernel_l2` of its backward direction. */
export const layerName = (name: string, layer: number, prefix = ''): string => `${prefix}${name}${layer === 0 ? '' : `_l${layer}`}`;

/** The weights of every layer and lane: layer by layer, lane by lane within a layer. */
export function stackWeights<P extends StackParams>(cell: RecurrentCell<P>, p: P, inputSize: number, lanes: readonly Lane[] = ONE_WAY): WeightSpec[] {
  const out: WeightSpec[] = [];
  for (let layer = 0; layer < p.layers; layer++) {
    const rows = layer === 0 ? inputSize : lanes.length * p.units;
    for (const lane of lanes) out.push(...cell.weights(p, rows).map((w) => ({ ...w, name: layerName(w.name, layer, lane.prefix) })));
  }
  return out;
}

const STATE_PORT_LABELS: Readonly<Record<StateName, { start: Text; end: Text }>> = {
  h: { start: { en: 'initial h', zh: '初始隐状态 h' }, end: { en: 'final h', zh: '最终隐状态 h' } },
  c: { start: { en: 'initial c', zh: '初始细胞状态 c' }, end: { en: 'final c', zh: '最终细胞状态 c' } },
};

/** `in`, then `h0` (and `c0`): optional start states, one vector per example. */
export const stackInputs = (states: readonly StateName[]): InputPort[] => [
  seqPort('in', T.in),
  ...states.map((s): InputPort => ({ name: `${s}0`, label: STATE_PORT_LABELS[s].start, accepts: ['vector'], tokens: 'never', optional: true })),
];

/** `out`, then `h` (and `c`): the state every layer ends with. */
export const stackOutputs = (states: readonly StateName[], only: Partial<Record<StateName, Text>> = {}): OutputPort[] => [
  { name: 'out', label: T.out },
  ...states.map((s): OutputPort => ({ name: s, label: STATE_PORT_LABELS[s].end, ...(only[s] ? { only: only[s] } : {}) })),
];

/** How many features a state port carries (units per layer and lane), and that product in words. */
function stateSize(p: StackParams, lanes: number): { size: number; formula: string } {
  const factors = [...(lanes > 1 ? [`${lanes} directions`] : []), ...(p.layers > 1 ? [`${p.layers} layers`] : []), `${p.units} units`];
  return { size: lanes * p.layers * p.units, formula: factors.join(' × ') };
}

/**
 * Checks the state inputs `h0` / `c0` against the cell and returns the state outputs' types.
 * Throws BlockIssue: 'size-mismatch' when a start state has the wrong size, 'param-invalid' when
 * `c0` is connected to a cell without a cell state.
 */
export function stateTypes(cell: CellInfo, p: StackParams, cx: InferContext, lanes: number): Record<string, PortType> {
  const { size, formula } = stateSize(p, lanes);
  const of = lanes * p.layers === 1 ? '' : ` of every layer${lanes > 1 ? ' and direction' : ''}`;
  const out: Record<string, PortType> = {};
  for (const s of ['h', 'c'] as const) {
    const start = cx.inputs[`${s}0`];
    const has = cell.states.includes(s);
    if (start && !has)
      throw new BlockIssue('param-invalid', `${s}0 is the start of an LSTM's cell state, and a '${cell.type}' cell has none: disconnect it, or choose an lstm or peepholeLstm cell`, `${s}0`);
    if (start && start.size !== size) throw new BlockIssue('size-mismatch', `${s}0 is the start state ${s}${of}: expected ${size} features (${formula}), got ${start.size}`, `${s}0`);
    if (has) out[s] = dense('vector', size);
  }
  return out;
}

/** Everything a stack lowered to: each lane's top-layer hidden sequence, and every final state in h_n order. */
export interface Stack {
  /** The top layer's hidden sequence, one per lane. */
  readonly top: readonly CellRef[];
  /** The state each layer and lane ends with (t = T − 1 forward, t = 0 backward), layer by layer, lane by lane. */
  readonly finals: Readonly<Record<StateName, readonly CellRef[]>>;
}

/**
 * Lowers `p.layers` layers of `cell` in every lane. Each layer's delays start at their slice of
 * `h0` / `c0` when connected (zeros otherwise). Layer k ≥ 1 reads layer k − 1: its hidden
 * sequence, or both lanes' concatenated.
 */
export function lowerStack<P extends StackParams>(cell: RecurrentCell<P>, p: P, cx: LowerContext, lanes: readonly Lane[] = ONE_WAY): Stack {
  const m = new CellMath(cx.cell);
  const shape = [cx.cell.batch, p.units];
  const parts = lanes.length * p.layers;
  /** Slice `index` of the start state `s`, or null for zeros. */
  const start = (s: StateName, index: number): CellRef | null => {
    const all = cx.inputs[`${s}0`];
    if (all === undefined) return null;
    return parts === 1 ? all : m.cols(all, index * p.units, (index + 1) * p.units);
  };
  const finals: Record<StateName, CellRef[]> = { h: [], c: [] };
  let x = sequenceIn(cx);
  let top: CellRef[] = [];
  for (let layer = 0; layer < p.layers; layer++) {
    // As PyTorch's dropout argument: every layer's output but the top one's, as the next layer reads it.
    if (layer > 0) x = cx.cell.dropout(x, p.dropout ?? 0, `${cx.nodeId}.l${layer}`);
    top = lanes.map((lane, l) => {
      const delays = new Map<StateName, CellRef>();
      const states = cell.step(p, {
        m,
        x,
        weight: (name) => cx.weight(layerName(name, layer, lane.prefix)),
        previous: (s) => {
          let d = delays.get(s);
          if (d === undefined) {
            d = cx.cell.delay(`${cx.nodeId}.${layerName(s, layer, lane.prefix)}`, shape, start(s, layer * lanes.length + l), lane.direction);
            delays.set(s, d);
          }
          return d;
        },
      });
      for (const [s, d] of delays) {
        const next = states[s];
        if (next === undefined) throw new Error(`cell '${cell.type}' reads state '${s}' but does not return it`);
        cx.cell.connectDelay(d, next);
      }
      for (const s of cell.states) finals[s].push(cx.cell.finalStep(states[s]!, lane.direction));
      return states.h;
    });
    x = top.length === 1 ? top[0] : m.concat(top);
  }
  return { top, finals };
}

/** `h` (and `c`): the final states as one vector each, h_n order. */
export function stateOutputs(cell: CellInfo, stack: Stack, cx: LowerContext): Record<string, CellRef> {
  const m = new CellMath(cx.cell);
  const out: Record<string, CellRef> = {};
  for (const s of cell.states) {
    const all = stack.finals[s];
    out[s] = all.length === 1 ? all[0] : m.concat(all);
  }
  return out;
}

/** A step's states as the block's output (h) and what the states take. */
const asResult = <V>({ h, c }: CellStates<V>): StepResult<V> => ({ out: h, next: c === undefined ? { h } : { h, c } });

/** How a stack of `cell` opens; `bothWays` for the bidirectional block. */
export function openStack<P extends StackParams>(cell: RecurrentCell<P>, p: P, returnSequences: boolean, bothWays?: { merge: LaneMerge | null }): OpenPlan {
  return {
    ok: true,
    step: (s) => asResult(cell.step(p, s)),
    layers: p.layers,
    dropout: p.dropout ?? 0,
    returnSequences,
    ...(bothWays ? { bothWays } : {}),
  };
}

/** infer, weights, lower and opens of a one-direction block made of `cell` (whose params are the block's without returnSequences). */
export function stackedBlock<C extends StackParams>(cell: RecurrentCell<C>) {
  type P = C & { readonly returnSequences: boolean };
  return {
    inputs: stackInputs(cell.states),
    outputs: stackOutputs(cell.states),
    infer: (p: P, cx: InferContext): Record<string, PortType> => {
      inputType(cx, 'in');
      return { out: dense(p.returnSequences ? 'sequence' : 'vector', p.units), ...stateTypes(cell, p, cx, 1) };
    },
    weights: (p: P, cx: InferContext): WeightSpec[] => stackWeights(cell, p, inputSize(cx)),
    runs: (): readonly TimeDirection[] => ['forward'],
    lower: (p: P, cx: LowerContext): Record<string, CellRef> => {
      const stack = lowerStack(cell, p, cx);
      const states = stateOutputs(cell, stack, cx);
      return { out: p.returnSequences ? stack.top[0] : stack.finals.h[stack.finals.h.length - 1], ...states };
    },
    opens: (p: P): OpenPlan => openStack(cell, p, p.returnSequences),
  };
}

/** The params of a cell without `returnSequences`: what the bidirectional block nests under `cell`. */
export function cellShape<S extends { returnSequences: z.ZodType }>(shape: S): Omit<S, 'returnSequences'> {
  const { returnSequences: _, ...rest } = shape;
  return rest;
}
