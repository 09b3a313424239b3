/**
 * TensorFlow.js export: a model file as a Layers model (`model.json` + float32 weight shards) that
 * `tf.loadLayersModel` loads, for graphs that are one chain from one input to one output through
 * blocks TF.js Layers has:
 *
 *   input (dense or tokens)   → InputLayer, time left open (any length)
 *   embedding                 → Embedding
 *   elman / lstm / gru        → SimpleRNN / LSTM / GRU (gru only with resetAfter false); a block
 *                               of L layers is L layers, the lower ones returning sequences
 *   bidirectional             → Bidirectional(cell) per layer, lower layers concatenated as ours
 *   dense                     → Dense on vectors, TimeDistributed(Dense) on sequences
 *   activation, dropout       → Activation, Dropout (identity when predicting, as ours)
 *   output                    → softmax / sigmoid Activation, or nothing for mean squared error
 *
 * Our weights are already in Keras's layout (kernel [in, G·H], recurrentKernel [H, G·H], bias;
 * LSTM gates i, f, c, o; GRU z, r, h), so they go into the shards unchanged. Any other block
 * (Jordan, CTRNN, peephole LSTM, attention, a GRU with resetAfter true, …) or any other wiring is
 * refused with a TfjsExportError whose one-line message names the block and why.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { getBlock } from '../../blocks/registry.ts';
import type { GraphDocument } from '../../graph/schema.ts';
import { saveFileAtomic } from '../atomic.ts';
import { type ModelFile, weightsToMap } from '../file.ts';

/** The Keras model config (Python's snake_case keys, as Keras writes it and TF.js reads it). */
export type KerasLayer = { class_name: string; config: Record<string, unknown> };

export interface WeightEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32';
}

export interface TfjsModelJson {
  readonly format: 'layers-model';
  readonly generatedBy: string;
  readonly convertedBy: null;
  readonly modelTopology: { class_name: 'Sequential'; config: { name: string; layers: KerasLayer[] }; keras_version: string; backend: string };
  readonly weightsManifest: { paths: string[]; weights: WeightEntry[] }[];
  /** What a caller needs to feed the model and read its answer (TF.js: `model.getUserDefinedMetadata()`). */
  readonly userDefinedMetadata: { rnnStudio: TfjsMetadata };
}

export interface TfjsMetadata {
  readonly graph: string;
  /** The input block the model reads and the output block whose prediction it gives. */
  readonly input: string;
  readonly output: string;
  /** Token id → symbol, for models that read or predict tokens. */
  readonly vocabulary?: readonly string[];
  /** Dense inputs and predictions are on the scale [-1, 1] from [min, max]: raw = min + (v + 1) / 2 · (max − min). */
  readonly normalisation?: { readonly min: number; readonly max: number };
}

export interface TfjsExport {
  /** model.json without the shard paths filled in (writeTfjs names them); weightsManifest[0].paths is empty. */
  readonly modelJson: TfjsModelJson;
  /** Every weight as little-endian float32, in weightsManifest order. */
  readonly weightData: ArrayBuffer;
}

/** Why a model cannot be exported to TF.js Layers; the message is one line naming the block. */
export class TfjsExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TfjsExportError';
  }
}

type Params = Record<string, unknown>;
const KERAS_MERGE: Readonly<Record<string, string>> = { concat: 'concat', sum: 'sum', average: 'ave', multiply: 'mul' };
const RECURRENT: Readonly<Record<string, string>> = { elman: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU' };
const NO_LAYER: Readonly<Record<string, string>> = {
  jordan: 'TF.js Layers has no Jordan network (its output feeds back into the state)',
  ctrnn: 'TF.js Layers has no continuous-time RNN layer',
  peepholeLstm: "TF.js Layers' LSTM has no peephole connections",
  minimalGatedUnit: 'TF.js Layers has no minimal gated unit layer',
  attention: 'TF.js Layers has no attention layer',
};

const num = (p: Params, key: string): number => p[key] as number;
const str = (p: Params, key: string): string => p[key] as string;
const bool = (p: Params, key: string): boolean => p[key] as boolean;

/** The block's params with their defaults filled in; the model file was validated, so they parse. */
function paramsOf(graph: GraphDocument, id: string): { type: string; p: Params } {
  const node = graph.nodes.find((n) => n.id === id)!;
  const block = getBlock(node.type);
  const parsed = block?.params.safeParse(node.params);
  if (!block || !parsed?.success) throw new TfjsExportError(`block '${id}' (${node.type}): its params do not parse; validate the model first`);
  return { type: node.type, p: parsed.data as Params };
}

/** The nodes from the one input block to the one output block, each reading the one before on 'in' from 'out'. */
function chainOf(graph: GraphDocument): string[] {
  const inputs = graph.nodes.filter((n) => n.type === 'input');
  if (inputs.length !== 1)
    throw new TfjsExportError(`the graph has ${inputs.length} input blocks (${inputs.map((n) => n.id).join(', ')}); a TF.js Sequential model reads one input`);
  const chain = [inputs[0].id];
  for (;;) {
    const id = chain[chain.length - 1];
    const leaving = graph.edges.filter((e) => e.source === id);
    if (leaving.length === 0) break;
    if (leaving.length > 1) throw new TfjsExportError(`block '${id}' feeds ${leaving.length} blocks (${leaving.map((e) => e.target).join(', ')}); a TF.js Sequential model is one chain`);
    const [edge] = leaving;
    if (edge.sourcePort !== 'out') throw new TfjsExportError(`block '${id}': its port '${edge.sourcePort}' is wired; TF.js export takes only each block's 'out' (a bidirectional block's merged output)`);
    if (chain.includes(edge.target)) throw new TfjsExportError(`block '${id}' feeds back into '${edge.target}'; a TF.js Sequential model has no loops outside its recurrent layers`);
    chain.push(edge.target);
  }
  for (const edge of graph.edges)
    if (chain.includes(edge.target) && edge.targetPort !== 'in') throw new TfjsExportError(`block '${edge.target}': its port '${edge.targetPort}' is wired; TF.js export takes only each block's 'in'`);
  const left = graph.nodes.filter((n) => !chain.includes(n.id));
  if (left.length > 0) throw new TfjsExportError(`block '${left[0].id}' (${left[0].type}) is not on the chain from '${chain[0]}'; a TF.js Sequential model is one chain`);
  const last = graph.nodes.find((n) => n.id === chain[chain.length - 1])!;
  if (last.type !== 'output') throw new TfjsExportError(`the chain from '${chain[0]}' ends at block '${last.id}' (${last.type}), not at an output block`);
  return chain;
}

/** Refuses the first block TF.js Layers cannot express, naming it and why. */
function checkBlock(id: string, type: string, p: Params): void {
  const refuse = (why: string) => new TfjsExportError(`block '${id}' (${type}): ${why}`);
  if (type in NO_LAYER) throw refuse(NO_LAYER[type]);
  const cell: Params | undefined = type === 'bidirectional' ? (p.cell as Params) : type in RECURRENT ? p : undefined;
  if (type === 'bidirectional') {
    const inner = str(cell!, 'type');
    if (!(inner in RECURRENT)) throw refuse(NO_LAYER[inner] ?? `TF.js Layers has no ${inner} cell`);
  }
  const cellType = cell && (type === 'bidirectional' ? str(cell, 'type') : type);
  if (cell && cellType === 'gru' && bool(cell, 'resetAfter'))
    throw refuse("resetAfter is true (PyTorch's form, bias [2, 3H]), which TF.js Layers' GRU does not support; use resetAfter false");
  const known = ['input', 'embedding', 'dense', 'activation', 'dropout', 'output', 'bidirectional', ...Object.keys(RECURRENT)];
  if (!known.includes(type)) throw refuse('TF.js Layers has no layer for this block');
}

interface Built {
  readonly layers: KerasLayer[];
  readonly weights: { name: string; shape: readonly number[]; values: Float32Array }[];
}

/**
 * The Keras config of one recurrent layer (or one direction of a bidirectional layer). Both
 * activations are set, as TF.js's defaults (hardSigmoid for the gates) are not ours.
 */
function recurrentConfig(cellType: string, cell: Params, name: string, returnSequences: boolean): KerasLayer {
  const config: Record<string, unknown> = { name, trainable: true, units: num(cell, 'units'), activation: str(cell, 'activation'), use_bias: true, return_sequences: returnSequences, return_state: false, go_backwards: false, stateful: false, unroll: false };
  if (cellType !== 'elman') config.recurrent_activation = str(cell, 'recurrentActivation');
  if (cellType === 'lstm') config.unit_forget_bias = bool(cell, 'unitForgetBias');
  if (cellType === 'gru') config.reset_after = false;
  return { class_name: RECURRENT[cellType], config };
}

/**
 * Exports a model file to TF.js Layers. Throws TfjsExportError (one line naming the block) for a
 * graph TF.js Layers cannot express.
 */
export function exportTfjs(model: ModelFile): TfjsExport {
  const graph = model.graph;
  // The wiring first: a graph that is not one chain stays refused whatever its blocks are.
  const chain = chainOf(graph);
  for (const id of chain) {
    const { type, p } = paramsOf(graph, id);
    checkBlock(id, type, p);
  }
  const stored = weightsToMap(model);
  const weight = (node: string, name: string) => {
    const values = stored.get(`${node}.${name}`);
    const shape = stored.shapes.get(`${node}.${name}`);
    if (!values || !shape) throw new TfjsExportError(`block '${node}': the model has no weight '${name}'`);
    return { shape, values };
  };
  const built: Built = { layers: [], weights: [] };
  const add = (name: string, w: { shape: readonly number[]; values: Float32Array }) => built.weights.push({ name, ...w });
  let sequence = true;

  for (const id of chain) {
    const { type, p } = paramsOf(graph, id);
    switch (type) {
      case 'input': {
        sequence = bool(p, 'sequence');
        const tokens = str(p, 'kind') === 'tokens';
        const shape = [null, ...(sequence ? [null] : []), ...(tokens ? [] : [num(p, 'size')])];
        built.layers.push({ class_name: 'InputLayer', config: { name: id, batch_input_shape: shape, dtype: 'float32', sparse: false } });
        break;
      }
      case 'embedding': {
        const embeddings = weight(id, 'embeddings');
        built.layers.push({ class_name: 'Embedding', config: { name: id, trainable: true, input_dim: embeddings.shape[0], output_dim: embeddings.shape[1], mask_zero: false } });
        add(`${id}/embeddings`, embeddings);
        break;
      }
      case 'dense': {
        const kernel = weight(id, 'kernel');
        // On a sequence the Dense sits inside TimeDistributed, which takes the node's name (and so names the weights).
        const config = { name: sequence ? `${id}_step` : id, trainable: true, units: num(p, 'units'), activation: str(p, 'activation'), use_bias: bool(p, 'useBias') };
        built.layers.push(sequence ? { class_name: 'TimeDistributed', config: { name: id, layer: { class_name: 'Dense', config } } } : { class_name: 'Dense', config });
        add(`${id}/kernel`, kernel);
        if (bool(p, 'useBias')) add(`${id}/bias`, weight(id, 'bias'));
        break;
      }
      case 'activation':
        built.layers.push({ class_name: 'Activation', config: { name: id, activation: str(p, 'fn') } });
        break;
      case 'dropout':
        built.layers.push({ class_name: 'Dropout', config: { name: id, rate: num(p, 'rate') } });
        break;
      case 'output': {
        const fn = { softmaxCrossEntropy: 'softmax', binaryCrossEntropy: 'sigmoid', meanSquaredError: null }[str(p, 'loss')];
        if (fn) built.layers.push({ class_name: 'Activation', config: { name: id, activation: fn } });
        break;
      }
      case 'bidirectional': {
        const cell = p.cell as Params;
        const cellType = str(cell, 'type');
        const layers = num(cell, 'layers');
        for (let k = 0; k < layers; k++) {
          const top = k === layers - 1;
          const name = k === 0 ? id : `${id}_l${k}`;
          const suffix = k === 0 ? '' : `_l${k}`;
          const inner = recurrentConfig(cellType, cell, `${name}_cell`, top ? bool(p, 'returnSequences') : true);
          built.layers.push({ class_name: 'Bidirectional', config: { name, trainable: true, layer: inner, merge_mode: top ? KERAS_MERGE[str(p, 'merge')] : 'concat' } });
          for (const direction of ['forward', 'backward'])
            for (const [keras, ours] of [['kernel', 'kernel'], ['recurrent_kernel', 'recurrentKernel'], ['bias', 'bias']])
              add(`${name}/${direction}_${name}_cell/${keras}`, weight(id, `${direction}_${ours}${suffix}`));
        }
        sequence = bool(p, 'returnSequences');
        break;
      }
      default: {
        // elman, lstm, gru: checkBlock refused everything else.
        const layers = num(p, 'layers');
        for (let k = 0; k < layers; k++) {
          const top = k === layers - 1;
          const name = k === 0 ? id : `${id}_l${k}`;
          const suffix = k === 0 ? '' : `_l${k}`;
          built.layers.push(recurrentConfig(type, p, name, top ? bool(p, 'returnSequences') : true));
          for (const [keras, ours] of [['kernel', 'kernel'], ['recurrent_kernel', 'recurrentKernel'], ['bias', 'bias']]) add(`${name}/${keras}`, weight(id, `${ours}${suffix}`));
        }
        sequence = bool(p, 'returnSequences');
      }
    }
  }

  const total = built.weights.reduce((n, w) => n + w.values.length, 0);
  const bytes = new Uint8Array(4 * total);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const w of built.weights) for (const v of w.values) view.setFloat32((at++) * 4, v, true);
  const modelJson: TfjsModelJson = {
    format: 'layers-model',
    generatedBy: 'RNN Studio',
    convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: graph.name, layers: built.layers }, keras_version: 'tfjs-layers', backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: [], weights: built.weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: 'float32' as const })) }],
    userDefinedMetadata: {
      rnnStudio: {
        graph: graph.name,
        input: chain[0],
        output: chain[chain.length - 1],
        ...(model.training?.vocabulary ? { vocabulary: model.training.vocabulary } : {}),
        ...(model.training?.normalisation ? { normalisation: model.training.normalisation } : {}),
      },
    },
  };
  return { modelJson, weightData: bytes.buffer };
}

/** The shards' file names, as the TF.js converter names them. */
const shardName = (i: number, n: number) => `group1-shard${i + 1}of${n}.bin`;

/** Shards of at most this many bytes, as the TF.js converter writes them (4 MiB). */
export const SHARD_BYTES = 4 * 1024 * 1024;

/**
 * Writes `model.json` and its weight shards into `dir` (made if missing), each file atomically;
 * model.json last, so it never names a shard that is not there yet. Returns the files written.
 */
export function writeTfjs(dir: string, exported: TfjsExport, shardBytes = SHARD_BYTES): string[] {
  mkdirSync(dir, { recursive: true });
  const bytes = new Uint8Array(exported.weightData);
  const count = Math.max(1, Math.ceil(bytes.length / shardBytes));
  const paths = Array.from({ length: count }, (_, i) => shardName(i, count));
  paths.forEach((name, i) => saveFileAtomic(join(dir, name), bytes.subarray(i * shardBytes, (i + 1) * shardBytes)));
  const [group] = exported.modelJson.weightsManifest;
  const modelJson: TfjsModelJson = { ...exported.modelJson, weightsManifest: [{ ...group, paths }] };
  saveFileAtomic(join(dir, 'model.json'), `${JSON.stringify(modelJson, null, 2)}\n`);
  return [...paths, 'model.json'].map((name) => join(dir, name));
}
