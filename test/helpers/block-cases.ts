/**
 * One table of small graphs, at least one per block kind, shared by the gradient check and the
 * executor-parity test: each case is a minimal graph around the block it is about, ending in an
 * output block, with trainable weights before every weightless block so its gradient is checked.
 * `feedsFor` fills a compiled case with seeded random data, float32-exact so that the float64
 * reference and ONNX Runtime see the same numbers.
 */
import { type Compiled, type DataInput, compileGraph } from '../../engine/compiler/compile.ts';
import { type Activation as ActivationName, Activation } from '../../engine/blocks/math.ts';
import { LossKind } from '../../engine/blocks/output.ts';
import { BLOCKS } from '../../engine/blocks/registry.ts';
import { type Tensor64, tensor } from '../../engine/ir/tensor64.ts';
import { sizeOf } from '../../engine/ir/types.ts';
import type { GraphDocument } from '../../engine/graph/schema.ts';
import { mulberry32, randomTensor } from './gradcheck.ts';
import { graph } from './graphs.ts';

export const BATCH = 2;
/** Weights uniform in ±0.5: pre-activations stay around ±1, where tanh and sigmoid are not flat. */
export const WEIGHT_SCALE = 0.5;
const FEATURES = 3;

export interface BlockCase {
  readonly name: string;
  /** The block type the case is about; every type in BLOCKS must have one. */
  readonly block: string;
  readonly graph: GraphDocument;
  readonly steps: number;
  /** Weights uniform in ±weightScale (default WEIGHT_SCALE). */
  readonly weightScale?: number;
}

type Loss = LossKind;
const LOSSES: readonly Loss[] = LossKind.options;
const ACTIVATIONS: readonly ActivationName[] = Activation.options;
/** The losses in turn, so that every recurrent variant meets each of them somewhere. */
const lossAt = (i: number): Loss => LOSSES[i % LOSSES.length];

const x = ['input', { size: FEATURES }] as const;
const out = (loss: Loss) => ['output', { loss }] as const;

/** input → block → output: the recurrent blocks and anything else with one sequence input. */
function around(block: string, params: Record<string, unknown>, loss: Loss, steps = 4): Omit<BlockCase, 'name'> {
  return { block, steps, graph: graph({ x, b: [block, params], o: out(loss) }, ['x -> b', 'b -> o']) };
}

/** input → linear(units) → block → output: for blocks without weights of their own. */
function afterLinear(block: string, params: Record<string, unknown>, units: number, loss: Loss): Omit<BlockCase, 'name'> {
  return { block, steps: 3, graph: graph({ x, w: ['linear', { units }], b: [block, params], o: out(loss) }, ['x -> w', 'w -> b', 'b -> o']) };
}

const json = (p: Record<string, unknown>) => JSON.stringify(p).replace(/"/g, '');

function recurrentCases(): BlockCase[] {
  const cases: BlockCase[] = [];
  const add = (block: string, params: Record<string, unknown>, i: number, weightScale?: number) =>
    cases.push({ name: `${block} ${json(params)}`, weightScale, ...around(block, params, lossAt(i)) });
  let i = 0;
  for (const returnSequences of [true, false]) {
    add('elman', { units: 4, returnSequences }, i++);
    add('jordan', { units: 4, outputUnits: 3, returnSequences }, i++);
    add('lstm', { units: 4, returnSequences }, i++);
    for (const resetAfter of [true, false]) add('gru', { units: 4, resetAfter, returnSequences }, i++);
  }
  for (const activation of ACTIVATIONS) {
    add('elman', { units: 4, activation }, i++);
    add('jordan', { units: 4, outputUnits: 3, activation, outputActivation: ACTIVATIONS[(ACTIVATIONS.indexOf(activation) + 1) % ACTIVATIONS.length] }, i++);
    add('lstm', { units: 4, activation }, i++);
    // relu gates pass only part of already small products (h = o·tanh(c), c = f·c + i·g), so at
    // ±0.5 the recurrent kernel's gradient is ~1e-5 and the finite differences' absolute rounding
    // noise (~1e-10) shows; larger weights keep that gradient well above the noise.
    add('lstm', { units: 4, recurrentActivation: activation }, i++, activation === 'relu' ? 1 : undefined);
    for (const resetAfter of [true, false]) {
      add('gru', { units: 4, activation, resetAfter }, i++);
      add('gru', { units: 4, recurrentActivation: activation, resetAfter }, i++);
    }
  }
  // Blocks and options added later come after the first ones, so that those keep their losses and seeds.
  for (const returnSequences of [true, false]) {
    add('peepholeLstm', { units: 4, returnSequences }, i++);
    add('ctrnn', { units: 4, returnSequences }, i++);
    add('jordan', { units: 4, outputUnits: 3, feedback: 'preActivation', returnSequences }, i++);
    add('jordan', { units: 4, outputUnits: 3, contextDecay: 0.6, returnSequences }, i++);
  }
  for (const activation of ACTIVATIONS) {
    add('peepholeLstm', { units: 4, activation }, i++);
    // As for the LSTM, relu gates need larger weights to keep the gradient above the noise; with 4
    // units every forget gate of this case's draw is shut (relu ≤ 0), so p_f would get no gradient.
    if (activation === 'relu') add('peepholeLstm', { units: 5, recurrentActivation: activation }, i++, 1);
    else add('peepholeLstm', { units: 4, recurrentActivation: activation }, i++);
  }
  for (const activation of ['tanh', 'sigmoid', 'relu'] as const) add('ctrnn', { units: 4, activation, dt: 0.5, tauInit: 2 }, i++);
  add('jordan', { units: 4, outputUnits: 3, feedback: 'preActivation', contextDecay: 0.9, outputActivation: 'sigmoid' }, i++);
  // Stacked layers: each stackable cell with two layers (three for one of them), both output kinds.
  for (const [k, block] of STACKABLE.entries()) add(block, { units: 3, layers: 2, returnSequences: k % 2 === 0 }, i++);
  add('gru', { units: 3, layers: 3, resetAfter: false }, i++);
  // Bidirectional: every merge mode, every cell kind, both output kinds, stacked and not.
  const bi = (cell: Record<string, unknown>, more: Record<string, unknown> = {}) => add('bidirectional', { cell: { units: 3, ...cell }, ...more }, i++);
  bi({ type: 'lstm' });
  bi({ type: 'gru' }, { merge: 'sum', returnSequences: false });
  bi({ type: 'elman', activation: 'relu' }, { merge: 'average' });
  bi({ type: 'peepholeLstm' }, { merge: 'multiply', returnSequences: false });
  bi({ type: 'ctrnn', dt: 0.5, tauInit: 2 }, { merge: 'concat' });
  bi({ type: 'gru', resetAfter: false, layers: 2 }, { merge: 'sum' });
  bi({ type: 'lstm', layers: 2 }, { returnSequences: false });
  cases.push(...bidirectionalApartCases(i), ...stateCases(i + 10));
  return cases;
}

/** The blocks with `layers`, initial-state ports and final-state outputs. */
const STACKABLE = ['elman', 'lstm', 'gru', 'peepholeLstm', 'ctrnn'] as const;
const HAS_CELL_STATE: ReadonlySet<string> = new Set(['lstm', 'peepholeLstm']);

/** merge: 'none': the ports forward and backward, each through its own dense layer, added. */
function bidirectionalApartCases(first: number): BlockCase[] {
  return [true, false].map((returnSequences, k) => ({
    name: `bidirectional merge none, forward and backward apart ${json({ returnSequences })}`,
    block: 'bidirectional',
    steps: 4,
    graph: graph(
      { x, b: ['bidirectional', { cell: { type: 'gru', units: 3 }, merge: 'none', returnSequences }], f: ['dense', { units: 2 }], r: ['dense', { units: 2 }], s: ['add'], o: out(lossAt(first + k)) },
      ['x -> b', 'b.forward -> f', 'b.backward -> r', 'f -> s.a', 'r -> s.b', 's -> o'],
    ),
  }));
}

/**
 * Initial-state ports and final-state outputs: a start state computed from the sequence
 * (x → lastStep → dense → h0, c0), an encoder whose final states start a decoder (enc.h → dec.h0,
 * enc.c → dec.c0), and a final state as the network's output.
 */
function stateCases(first: number): BlockCase[] {
  const cases: BlockCase[] = [];
  let i = first;
  const starts = (block: string, params: Record<string, unknown>, size: number): BlockCase => {
    const lstmLike = block === 'bidirectional' ? HAS_CELL_STATE.has(String((params.cell as { type: string }).type)) : HAS_CELL_STATE.has(block);
    return {
      name: `${block} ${json(params)} from h0${lstmLike ? ', c0' : ''} computed from the sequence`,
      block,
      steps: 4,
      graph: graph(
        { x, l: ['lastStep'], dh: ['dense', { units: size, activation: 'tanh' }], ...(lstmLike ? { dc: ['dense', { units: size }] } : {}), r: [block, params], o: out(lossAt(i++)) },
        ['x -> l', 'l -> dh', 'dh -> r.h0', ...(lstmLike ? ['l -> dc', 'dc -> r.c0'] : []), 'x -> r', 'r -> o'],
      ),
    };
  };
  for (const block of STACKABLE) cases.push(starts(block, { units: 3 }, 3));
  cases.push(starts('lstm', { units: 3, layers: 2, returnSequences: false }, 6));
  cases.push(starts('bidirectional', { cell: { type: 'lstm', units: 2, layers: 2 } }, 8));
  cases.push(starts('bidirectional', { cell: { type: 'elman', units: 3 }, merge: 'sum' }, 6));
  for (const block of STACKABLE) {
    const lstmLike = HAS_CELL_STATE.has(block);
    cases.push({
      name: `${block}: an encoder's final states start a decoder`,
      block,
      steps: 4,
      // The encoder's peepholes reach the loss only through its final states, with a gradient of
      // ~1e-4 at ±0.5, where finite differences' rounding noise (~1e-10) shows; ±1 lifts it.
      ...(block === 'peepholeLstm' ? { weightScale: 1 } : {}),
      graph: graph(
        { x, enc: [block, { units: 3, layers: 2 }], dec: [block, { units: 3, layers: 2 }], o: out(lossAt(i++)) },
        ['x -> enc', 'x -> dec', 'enc.h -> dec.h0', ...(lstmLike ? ['enc.c -> dec.c0'] : []), 'dec -> o'],
      ),
    });
  }
  for (const [block, params] of [
    ['lstm', { units: 3 }],
    ['bidirectional', { cell: { type: 'peepholeLstm', units: 2, layers: 2 } }],
  ] as const) {
    for (const port of ['h', 'c'] as const)
      cases.push({
        name: `${block} ${json(params)}: its final state ${port} as the output`,
        block,
        steps: 4,
        // The final c of the upper backward layer depends on its output peephole only through h
        // one step later: a tiny gradient at ±0.5 (as for the encoder above), so ±1 here.
        ...(block === 'bidirectional' ? { weightScale: 1 } : {}),
        graph: graph({ x, r: [block, params], d: ['dense', { units: 3 }], o: out(lossAt(i++)) }, ['x -> r', `r.${port} -> d`, 'd -> o']),
      });
  }
  return cases;
}

/**
 * A hand-wired Elman cell: h = tanh(x·W + b + h₋₁·U), with the delay's size given (it closes the
 * loop). With `direction` 'backward' the delay is a z⁺¹ and the cell reads the sequence from its end.
 */
export function handWiredElman(units: number, loss: Loss = 'meanSquaredError', direction: 'forward' | 'backward' = 'forward'): GraphDocument {
  return graph(
    {
      x,
      lx: ['linear', { units }],
      d: ['delay', direction === 'forward' ? { size: units } : { size: units, direction }],
      lh: ['linear', { units, useBias: false }],
      sum: ['add'],
      h: ['tanh'],
      o: out(loss),
    },
    ['x -> lx', 'd -> lh', 'lx -> sum.a', 'lh -> sum.b', 'sum -> h', 'h -> d', 'h -> o'],
  );
}

function layerCases(): BlockCase[] {
  const cases: BlockCase[] = [
    {
      name: 'input: one vector per example',
      block: 'input',
      steps: 3,
      graph: graph({ x: ['input', { size: FEATURES, sequence: false }], w: ['dense', { units: 2 }], o: out('binaryCrossEntropy') }, ['x -> w', 'w -> o']),
    },
    {
      name: 'embedding of a token sequence',
      block: 'embedding',
      steps: 4,
      graph: graph({ x: ['input', { kind: 'tokens', size: 5 }], e: ['embedding', { dim: 4 }], o: out('softmaxCrossEntropy') }, ['x -> e', 'e -> o']),
    },
    {
      name: 'embedding of one token per example, into an LSTM',
      block: 'embedding',
      steps: 3,
      graph: graph(
        { x: ['input', { kind: 'tokens', size: 6 }], e: ['embedding', { dim: 3 }], r: ['lstm', { units: 3 }], o: out('meanSquaredError') },
        ['x -> e', 'e -> r', 'r -> o'],
      ),
    },
    { name: 'dense on a sequence', ...around('dense', { units: 3 }, 'softmaxCrossEntropy', 3) },
    { name: 'jordan with teacher forcing (class targets fed back one-hot)', ...around('jordan', { units: 4, outputUnits: 3, teacherForcing: true }, 'softmaxCrossEntropy', 4) },
    { name: 'dropout after a linear map (a fixed mask)', ...afterLinear('dropout', { rate: 0.5 }, 3, 'meanSquaredError') },
    { name: 'lstm of 3 layers with dropout between them (fixed masks)', weightScale: 1, ...around('lstm', { units: 3, layers: 3, dropout: 0.3 }, 'softmaxCrossEntropy', 4) },
    { name: 'bidirectional gru of 2 layers with dropout between them (fixed masks)', ...around('bidirectional', { cell: { type: 'gru', units: 2, layers: 2, dropout: 0.4 } }, 'binaryCrossEntropy', 3) },
    { name: 'dense without bias', ...around('dense', { units: 2, useBias: false }, 'meanSquaredError', 3) },
    {
      name: 'dense on a vector (after lastStep)',
      block: 'dense',
      steps: 4,
      graph: graph({ x, r: ['elman', { units: 4 }], l: ['lastStep'], d: ['dense', { units: 3 }], o: out('binaryCrossEntropy') }, ['x -> r', 'r -> l', 'l -> d', 'd -> o']),
    },
    ...ACTIVATIONS.map((activation, i) => ({ name: `dense activation ${activation}`, ...around('dense', { units: 3, activation }, lossAt(i), 3) })),
    ...ACTIVATIONS.map((fn, i) => ({ name: `activation ${fn}`, ...afterLinear('activation', { fn }, 3, lossAt(i + 1)) })),
    {
      name: 'lastStep of an Elman sequence',
      block: 'lastStep',
      steps: 4,
      graph: graph({ x, r: ['elman', { units: 3 }], l: ['lastStep'], o: out('softmaxCrossEntropy') }, ['x -> r', 'r -> l', 'l -> o']),
    },
  ];
  for (const loss of LOSSES) {
    cases.push({
      name: `output ${loss} on a sequence`,
      block: 'output',
      steps: 3,
      graph: graph({ x, w: ['linear', { units: 3 }], o: out(loss) }, ['x -> w', 'w -> o']),
    });
    cases.push({
      name: `output ${loss} on a vector`,
      block: 'output',
      steps: 3,
      graph: graph({ x, l: ['lastStep'], w: ['linear', { units: 3 }], o: out(loss) }, ['x -> l', 'l -> w', 'w -> o']),
    });
  }
  return cases;
}

function primitiveCases(): BlockCase[] {
  const two = (block: string, loss: Loss, a: number, b: number): Omit<BlockCase, 'name'> => ({
    block,
    steps: 3,
    graph: graph({ x, wa: ['linear', { units: a }], wb: ['linear', { units: b }], b: [block], o: out(loss) }, ['x -> wa', 'x -> wb', 'wa -> b.a', 'wb -> b.b', 'b -> o']),
  });
  return [
    { name: 'delay of a linear map', ...afterLinear('delay', {}, 3, 'meanSquaredError') },
    { name: 'hand-wired Elman cell (delay, linear, add, tanh)', block: 'delay', steps: 4, graph: handWiredElman(4, 'softmaxCrossEntropy') },
    { name: 'hand-wired Elman cell running backward (delay direction backward)', block: 'delay', steps: 4, graph: handWiredElman(4, 'binaryCrossEntropy', 'backward') },
    { name: 'linear', ...around('linear', { units: 3 }, 'binaryCrossEntropy', 3) },
    { name: 'linear without bias', ...around('linear', { units: 2, useBias: false }, 'softmaxCrossEntropy', 3) },
    { name: 'add', ...two('add', 'meanSquaredError', 4, 4) },
    {
      name: 'add: a sequence plus a vector (broadcast over time)',
      block: 'add',
      steps: 3,
      graph: graph(
        { x, wa: ['linear', { units: 3 }], l: ['lastStep'], wb: ['linear', { units: 3 }], b: ['add'], o: out('meanSquaredError') },
        ['x -> wa', 'x -> l', 'l -> wb', 'wa -> b.a', 'wb -> b.b', 'b -> o'],
      ),
    },
    { name: 'multiply', ...two('multiply', 'binaryCrossEntropy', 3, 3) },
    { name: 'concat', ...two('concat', 'softmaxCrossEntropy', 2, 3) },
    { name: 'tanh', ...afterLinear('tanh', {}, 3, 'meanSquaredError') },
    { name: 'sigmoid', ...afterLinear('sigmoid', {}, 3, 'binaryCrossEntropy') },
    { name: 'relu', ...afterLinear('relu', {}, 3, 'softmaxCrossEntropy') },
    { name: 'oneMinus', ...afterLinear('oneMinus', {}, 3, 'meanSquaredError') },
    { name: 'scale', ...afterLinear('scale', {}, 3, 'binaryCrossEntropy') },
    { name: 'constantScale', ...afterLinear('constantScale', { factor: -0.7 }, 3, 'meanSquaredError') },
    { name: 'firstStep', ...afterLinear('firstStep', {}, 3, 'softmaxCrossEntropy') },
    { name: 'rateScale', ...afterLinear('rateScale', { dt: 0.5, tauInit: 2 }, 3, 'binaryCrossEntropy') },
  ];
}

/**
 * One-to-many and sequence to sequence: repeatVector, attention with every score (its weights
 * are upstream: the query and the source come from layers with weights), and encoder–decoders
 * whose decoder reads the stream 'decoderInput' (teacher forcing).
 */
export function sequenceToSequenceCases(): BlockCase[] {
  const tokens = (stream: 'x' | 'decoderInput') => ['input', { kind: 'tokens', size: 5, stream }] as const;
  /** query q (linear 3), source s (elman 3): att(query = q, values = s). */
  const attend = (params: Record<string, unknown>, loss: Loss, more: { keys?: number; values?: number; weightScale?: number } = {}): Omit<BlockCase, 'name'> => ({
    block: 'attention',
    steps: 4,
    ...(more.weightScale ? { weightScale: more.weightScale } : {}),
    graph: graph(
      {
        x,
        q: ['linear', { units: 3 }],
        s: ['elman', { units: more.values ?? 3 }],
        // A bias on the keys adds q·W·b to every score of a query alike, which the softmax takes
        // away: its gradient is exactly zero for dot and general scores, so it has none here.
        ...(more.keys ? { k: ['linear', { units: more.keys, useBias: params.score === 'additive' }] } : {}),
        att: ['attention', params],
        o: out(loss),
      },
      ['x -> q', 'x -> s', 'q -> att.query', 's -> att.values', ...(more.keys ? ['x -> k', 'k -> att.keys'] : []), 'att -> o'],
    ),
  });
  /** src → embedding → GRU encoder; decoderInput → embedding → GRU decoder started at the encoder's h; `head` on top. */
  const encoderDecoder = (head: 'plain' | 'attention' | 'input feeding', loss: Loss): GraphDocument => {
    const common = { src: tokens('x'), se: ['embedding', { dim: 3 }], enc: ['gru', { units: 3 }], prev: tokens('decoderInput'), pe: ['embedding', { dim: 3 }] } as const;
    const encoder = ['src -> se', 'se -> enc', 'prev -> pe', 'enc.h -> dec.h0'];
    switch (head) {
      case 'plain':
        return graph({ ...common, dec: ['gru', { units: 3 }], d: ['dense', { units: 5 }], o: out(loss) }, [...encoder, 'pe -> dec', 'dec -> d', 'd -> o']);
      case 'attention':
        return graph(
          { ...common, dec: ['gru', { units: 3 }], att: ['attention', { score: 'general' }], j: ['concat'], d: ['dense', { units: 5 }], o: out(loss) },
          [...encoder, 'pe -> dec', 'dec -> att.query', 'enc -> att.values', 'dec -> j.a', 'att -> j.b', 'j -> d', 'd -> o'],
        );
      case 'input feeding':
        // Bahdanau: the context of step t comes from the decoder's state at t − 1 and is part of its input at t.
        return graph(
          { ...common, dec: ['gru', { units: 3 }], back: ['delay', { size: 3 }], att: ['attention', { score: 'additive', units: 4 }], j: ['concat'], d: ['dense', { units: 5 }], o: out(loss) },
          [...encoder, 'dec -> back', 'back -> att.query', 'enc -> att.values', 'pe -> j.a', 'att -> j.b', 'j -> dec', 'dec -> d', 'd -> o'],
        );
    }
  };
  return [
    {
      name: 'repeatVector: an encoder\'s last state at every step of a decoder',
      block: 'repeatVector',
      steps: 4,
      graph: graph({ x, enc: ['elman', { units: 3, returnSequences: false }], r: ['repeatVector'], dec: ['gru', { units: 3 }], o: out('softmaxCrossEntropy') }, ['x -> enc', 'enc -> r', 'r -> dec', 'dec -> o']),
    },
    {
      name: 'repeatVector with steps = T',
      block: 'repeatVector',
      steps: 3,
      graph: graph({ x, l: ['lastStep'], w: ['dense', { units: 2 }], r: ['repeatVector', { steps: 3 }], o: out('meanSquaredError') }, ['x -> l', 'l -> w', 'w -> r', 'r -> o']),
    },
    { name: 'attention dot', ...attend({}, 'meanSquaredError') },
    { name: 'attention dot, scaled by 1/√d', ...attend({ score: 'dot', scale: true }, 'softmaxCrossEntropy') },
    { name: 'attention general, keys apart from the values', ...attend({ score: 'general' }, 'binaryCrossEntropy', { keys: 4, values: 2 }) },
    { name: 'attention general, scaled', ...attend({ score: 'general', scale: true }, 'meanSquaredError', { values: 4 }) },
    // At ±0.5 the query reaches the loss through tanh and a softmax over few steps with a gradient
    // of ~1e-4, where finite differences' rounding noise (~1e-10) shows; ±1 lifts it.
    { name: 'attention additive', ...attend({ score: 'additive', units: 4 }, 'softmaxCrossEntropy', { weightScale: 1 }) },
    { name: 'attention additive, keys apart from the values', ...attend({ score: 'additive', units: 2 }, 'meanSquaredError', { keys: 2 }) },
    {
      name: 'attention with one query per example (attention pooling, many-to-one)',
      block: 'attention',
      steps: 4,
      graph: graph(
        { x, s: ['gru', { units: 3 }], l: ['lastStep'], q: ['dense', { units: 3 }], att: ['attention', { scale: true }], o: out('softmaxCrossEntropy') },
        ['x -> s', 'x -> l', 'l -> q', 'q -> att.query', 's -> att.values', 'att -> o'],
      ),
    },
    { name: 'input stream decoderInput: a plain encoder–decoder, teacher forcing', block: 'input', steps: 4, graph: encoderDecoder('plain', 'softmaxCrossEntropy') },
    { name: 'attention in an encoder–decoder (decoder states query the encoder outputs)', block: 'attention', steps: 4, graph: encoderDecoder('attention', 'softmaxCrossEntropy') },
    {
      name: 'attention in an encoder–decoder with input feeding (query from the previous step, on a loop)',
      block: 'attention',
      steps: 4,
      // As above: the query kernel's gradient is ~5e-5 at ±0.5.
      weightScale: 1,
      graph: encoderDecoder('input feeding', 'softmaxCrossEntropy'),
    },
  ];
}

export const BLOCK_CASES: readonly BlockCase[] = [
  ...recurrentCases(),
  ...layerCases(),
  ...primitiveCases(),
  ...sequenceToSequenceCases(),
  ...[true, false].map((returnSequences) => ({ name: `minimalGatedUnit {"units":4,"returnSequences":${returnSequences}}`, ...around('minimalGatedUnit', { units: 4, returnSequences }, lossAt(returnSequences ? 0 : 1)) })),
];

/** Block types in the registry that no case is about (a new block must add its case). */
export const blocksWithoutCase = (): string[] => BLOCKS.map((b) => b.type).filter((type) => !BLOCK_CASES.some((c) => c.block === type));

/** A seed of its own for each case (FNV-1a of its name), so that cases with one graph still see different numbers. */
export function seedOf(c: BlockCase): number {
  let h = 0x811c9dc5;
  for (const ch of c.name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return h >>> 0;
}

/** The case compiled over its steps with batch BATCH, and its feeds. Throws CompileError if the graph is invalid. */
export function compileCase(c: BlockCase): { compiled: Compiled; feeds: Record<string, Tensor64> } {
  const compiled = compileGraph(c.graph, { steps: c.steps, batch: BATCH });
  return { compiled, feeds: feedsFor(compiled, seedOf(c), c.weightScale) };
}

/** Rounds every value to float32, so that both executors are fed exactly the same numbers. */
const float32 = (t: Tensor64): Tensor64 => tensor(t.shape, t.data.map(Math.fround));

const integers = (shape: readonly number[], below: number, rng: () => number): Tensor64 =>
  tensor(shape, Array.from({ length: sizeOf(shape) }, () => Math.floor(rng() * below)));

/**
 * Seeded feeds for every weight and data input of `c`: weights uniform in ±WEIGHT_SCALE, dense x
 * in ±1, token ids below the vocabulary, targets that fit the output's loss (class ids, 0/1, or
 * reals), and start states in ±0.5.
 */
export function feedsFor(c: Compiled, seed: number, weightScale = WEIGHT_SCALE): Record<string, Tensor64> {
  const rng = mulberry32(seed);
  const feeds: Record<string, Tensor64> = {};
  for (const w of c.weights) feeds[w.param] = float32(randomTensor(w.shape, rng, weightScale));
  for (const i of c.inputs) feeds[i.name] = float32(dataFor(c, i, rng));
  return feeds;
}

function dataFor(c: Compiled, i: DataInput, rng: () => number): Tensor64 {
  const nodes = [...c.analysis.nodes.values()];
  const reader = nodes.find((n) => n.block.type === 'input' && n.params.stream === i.name);
  const target = nodes.find((n) => n.block.type === 'output' && n.params.target === i.name);
  if (reader) return i.dtype === 'int32' ? integers(i.shape, reader.outputs!.out.size, rng) : randomTensor(i.shape, rng, 1);
  if (target) {
    switch (target.params.loss as Loss) {
      case 'softmaxCrossEntropy':
        return integers(i.shape, target.inputs.in!.size, rng);
      case 'binaryCrossEntropy':
        return integers(i.shape, 2, rng);
      case 'meanSquaredError':
        return randomTensor(i.shape, rng, 1);
    }
  }
  if (i.name.startsWith('state:')) return randomTensor(i.shape, rng, 0.5);
  if (i.name.startsWith('mask:')) return tensor(i.shape, Array.from({ length: sizeOf(i.shape) }, () => (rng() < 0.5 ? 0 : 2))); // a fixed dropout mask, rate 0.5
  throw new Error(`feedsFor: no block reads data input '${i.name}'`);
}
