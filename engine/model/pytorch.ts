/**
 * PyTorch weights for the recurrent blocks: a `state_dict()` written as JSON by
 * scripts/export-pytorch-weights.py, read and checked here, and mapped onto one graph node's
 * weights in our (Keras) layout.
 *
 * The file: `{ "format": "pytorch-state-dict", "tensors": { name: { "shape": [...], "data": [...] } },
 * "modules"?: { path: { "type": "LSTM", "nonlinearity": …, … } } }`, data row-major (as
 * `tensor.reshape(-1).tolist()`), float32 values as JSON numbers. `modules` (optional) records
 * what a bare state dict does not: each nn.RNN/LSTM/GRU's constructor arguments, by its path in
 * the model ('' for the root, 'encoder.lstm' for a submodule), so an RNN's nonlinearity can be
 * checked against the node's activation.
 *
 * The mapping, per layer k and direction (PyTorch `_l<k>` and `_l<k>_reverse`, ours
 * `<prefix><name><suffix>` with prefix '' or forward_/backward_ and suffix '' or `_l<k>`):
 *   kernel [in, G·H]          = perm(weight_ih_l<k>)ᵀ        (PyTorch W_ih is [G·H, in], computes W·x)
 *   recurrentKernel [H, G·H]  = perm(weight_hh_l<k>)ᵀ
 *   bias (RNN, LSTM) [G·H]    = perm(bias_ih_l<k> + bias_hh_l<k>)   (PyTorch only ever adds the two)
 *   bias (GRU) [2, 3H]        = [perm(bias_ih_l<k>); perm(bias_hh_l<k>)]   (b_hn sits inside r ⊙ (…), so
 *                                                                            it stays apart: resetAfter)
 * perm reorders gate blocks: LSTM i, f, g, o is our i, f, c, o (the identity); GRU r, z, n becomes our
 * z, r, h (blocks 0 and 1 swapped). Without bias (bias=False) our bias is zero.
 */
import { z } from 'zod';
import type { WeightSpec } from '../blocks/types.ts';
import { analyzeGraph, type StreamTypes } from '../compiler/validate.ts';
import { formatPath } from '../graph/document.ts';
import type { GraphDocument } from '../graph/schema.ts';

export const TORCH_STATE_DICT_FORMAT = 'pytorch-state-dict';

export type TorchKind = 'RNN' | 'LSTM' | 'GRU';

/** What export-pytorch-weights.py records of each nn.RNN / LSTM / GRU (its constructor arguments); unknown keys are ignored. */
export const TorchModuleRecord = z.object({
  type: z.enum(['RNN', 'LSTM', 'GRU']),
  input_size: z.int().min(0).optional(),
  hidden_size: z.int().min(0).optional(),
  num_layers: z.int().min(1).optional(),
  bias: z.boolean().optional(),
  bidirectional: z.boolean().optional(),
  batch_first: z.boolean().optional(),
  dropout: z.number().optional(),
  proj_size: z.int().min(0).optional(),
  nonlinearity: z.enum(['tanh', 'relu']).optional(),
});

export const TorchTensor = z.strictObject({
  shape: z.array(z.int().min(0)).describe("Dimensions, outermost first, as tensor.shape."),
  data: z.array(z.number()).describe('Every value, row-major (tensor.reshape(-1).tolist()).'),
});

export const TorchStateDict = z.object({
  format: z.literal(TORCH_STATE_DICT_FORMAT),
  tensors: z.record(z.string(), TorchTensor),
  modules: z.record(z.string(), TorchModuleRecord).optional(),
});

export type TorchTensor = z.infer<typeof TorchTensor>;
export type TorchStateDict = z.infer<typeof TorchStateDict>;
export type TorchModuleRecord = z.infer<typeof TorchModuleRecord>;
export type ParseStateDictResult = { ok: true; dict: TorchStateDict } | { ok: false; errors: string[] };

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const fmtShape = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const tensorPath = (name: string) => `tensors[${JSON.stringify(name)}]`;

/**
 * Reads a state dict from decoded JSON. Every problem is one message naming the tensor:
 * `tensors["rnn.weight_ih_l0"].data: expected 48 values for shape [12, 4], got 47`,
 * `tensors["rnn.bias_hh_l0"].data[3]: null is not a number (…NaN…)`.
 */
export function parseTorchStateDict(json: unknown): ParseStateDictResult {
  if (!isRecord(json)) return { ok: false, errors: ['a PyTorch state dict file is a JSON object { "format": "pytorch-state-dict", "tensors": { … } }'] };
  if (json.format !== TORCH_STATE_DICT_FORMAT) {
    const hint =
      json.format === 'rnn-studio.model'
        ? ' (this is an RNN Studio model file; a state dict comes from scripts/export-pytorch-weights.py)'
        : json.format === undefined
          ? ' (write the file with scripts/export-pytorch-weights.py)'
          : '';
    return { ok: false, errors: [`format: expected "${TORCH_STATE_DICT_FORMAT}", got ${JSON.stringify(json.format ?? null)}${hint}`] };
  }
  if (!isRecord(json.tensors)) return { ok: false, errors: [`tensors: expected an object of tensors by name ({ "rnn.weight_ih_l0": { "shape": [...], "data": [...] }, … }), got ${json.tensors === undefined ? 'nothing' : JSON.stringify(json.tensors).slice(0, 40)}`] };
  const envelope = TorchStateDict.extend({ tensors: z.record(z.string(), z.unknown()) }).safeParse(json);
  const errors = envelope.success ? [] : envelope.error.issues.map((i) => `${formatPath(i.path) || 'state dict'}: ${i.message}`);
  for (const [name, t] of Object.entries(json.tensors)) for (const problem of checkTensor(name, t)) errors.push(problem);
  if (errors.length > 0) return { ok: false, errors };
  const parsed = TorchStateDict.safeParse(json);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`) };
  return { ok: true, dict: parsed.data };
}

/** A tensor's keys, shape, value count, and that every value is a finite float32. */
function checkTensor(name: string, t: unknown): string[] {
  const path = tensorPath(name);
  if (!isRecord(t)) return [`${path}: expected { "shape": [...], "data": [...] }`];
  const errors = Object.keys(t)
    .filter((k) => k !== 'shape' && k !== 'data')
    .map((k) => `${path}.${k}: unknown key (a tensor has "shape" and "data")`);
  const { shape, data } = t;
  if (!Array.isArray(shape)) return [...errors, `${path}.shape: expected an array of sizes, got ${JSON.stringify(shape ?? null)}`];
  const badDim = shape.findIndex((d) => !(typeof d === 'number' && Number.isSafeInteger(d) && d >= 0));
  if (badDim >= 0) return [...errors, `${path}.shape[${badDim}]: expected a size (an integer ≥ 0), got ${JSON.stringify(shape[badDim])}`];
  if (!Array.isArray(data)) return [...errors, `${path}.data: expected an array of numbers, got ${data === undefined ? 'nothing' : JSON.stringify(data).slice(0, 40)}`];
  const count = sizeOf(shape as number[]);
  if (data.length !== count) return [...errors, `${path}.data: expected ${count} values for shape ${fmtShape(shape as number[])}, got ${data.length}`];
  let first = -1;
  let bad = 0;
  for (let i = 0; i < data.length; i++) {
    const v: unknown = data[i];
    if (typeof v === 'number' && Number.isFinite(Math.fround(v))) continue;
    if (bad++ === 0) first = i;
  }
  if (bad > 0) {
    const v: unknown = data[first];
    const why =
      v === null
        ? 'null is not a number (JSON writers put null for NaN or infinity: the tensor was not finite)'
        : typeof v === 'number'
          ? `${v} is outside the float32 range (about ±3.4028235e38)`
          : `expected a number, got ${JSON.stringify(v)}`;
    errors.push(`${path}.data[${first}]: ${why}${bad > 1 ? ` (and ${bad - 1} more bad values)` : ''}`);
  }
  return errors;
}

/** Reads state dict text; a JSON syntax error is one message. */
export function parseTorchStateDictText(text: string): ParseStateDictResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [`not valid JSON: ${e instanceof Error ? e.message : String(e)}`] };
  }
  return parseTorchStateDict(json);
}

// ── The recurrent modules in a state dict ────────────────────────────────────────────────────

/** Gate blocks per kind. */
const GATES: Readonly<Record<TorchKind, number>> = { RNN: 1, LSTM: 4, GRU: 3 };
const KIND_OF_GATES: Readonly<Record<number, TorchKind>> = { 1: 'RNN', 3: 'GRU', 4: 'LSTM' };

/** Our gate block b is PyTorch's gate block ORDER[b]: LSTM i, f, c, o = i, f, g, o; GRU z, r, h = blocks 1, 0, 2 of r, z, n. */
export const GATE_ORDER: Readonly<Record<TorchKind, readonly number[]>> = { RNN: [0], LSTM: [0, 1, 2, 3], GRU: [1, 0, 2] };

/** A parameter of an nn.RNN / LSTM / GRU: `weight_ih_l1`, `bias_hh_l0_reverse`, `weight_hr_l0` (proj_size). */
const PARAM = /^(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l(\d+)(_reverse)?$/;

/** A torch.nn.RNN, LSTM or GRU as its tensors (and its recorded constructor arguments) describe it. */
export interface TorchRecurrentModule {
  /** Where its tensors are: '' or a path ending in '.' ('rnn.', 'encoder.lstm.'). */
  readonly prefix: string;
  readonly kind: TorchKind;
  /** From weight_ih_l0 (undefined when that tensor is missing and the file records no input_size). */
  readonly inputSize?: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly bias: boolean;
  /** RNN only, and only when the file records it (a bare state dict does not). */
  readonly nonlinearity?: 'tanh' | 'relu';
}

/** `LSTM(3, 4, num_layers=2, bidirectional=True)`, as PyTorch prints the module. */
export function describeTorchModule(m: TorchRecurrentModule): string {
  const args = [
    String(m.inputSize ?? '?'),
    String(m.hiddenSize),
    ...(m.numLayers !== 1 ? [`num_layers=${m.numLayers}`] : []),
    ...(m.nonlinearity === 'relu' ? ["nonlinearity='relu'"] : []),
    ...(m.bias ? [] : ['bias=False']),
    ...(m.bidirectional ? ['bidirectional=True'] : []),
  ];
  return `nn.${m.kind}(${args.join(', ')})`;
}

const at = (prefix: string) => (prefix === '' ? 'at the top level' : `at '${prefix}'`);

/** Prefixes ('' or ending in '.') under which the dict holds a `weight_hh_l0`: its recurrent modules. */
export function torchModulePrefixes(dict: TorchStateDict): string[] {
  return Object.keys(dict.tensors).flatMap((name) => {
    const m = /^(.*?)weight_hh_l0$/.exec(name);
    return m && (m[1] === '' || m[1].endsWith('.')) ? [m[1]] : [];
  });
}

type ModuleRead = { ok: true; module: TorchRecurrentModule } | { ok: false; errors: string[] };

/** The module at `prefix`, from its tensors: kind and H from weight_hh_l0, layers, directions, bias, input size. */
export function readTorchModule(dict: TorchStateDict, prefix: string): ModuleRead {
  const params = new Map<string, { layer: number; reverse: boolean; tensor: TorchTensor }>();
  const errors: string[] = [];
  for (const [name, tensor] of Object.entries(dict.tensors)) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    if (rest.includes('.')) continue; // a submodule's tensor
    const m = PARAM.exec(rest);
    if (!m) {
      errors.push(`'${name}' is not a parameter of torch.nn.RNN, LSTM or GRU (they have weight_ih_l<k>, weight_hh_l<k>, bias_ih_l<k> and bias_hh_l<k>, with _reverse for the reverse direction)`);
      continue;
    }
    if (m[1] === 'weight_hr') {
      errors.push(`'${name}': an nn.LSTM with proj_size > 0 projects its hidden state, and no RNN Studio block does; export an LSTM with proj_size=0`);
      continue;
    }
    params.set(rest, { layer: Number(m[2]), reverse: m[3] !== undefined, tensor });
  }
  if (errors.length > 0) return { ok: false, errors };
  const hh = params.get('weight_hh_l0')?.tensor;
  if (!hh) {
    const found = torchModulePrefixes(dict);
    const where = found.length > 0 ? `the state dict has recurrent modules ${found.map(at).join(', ')}` : 'the state dict has no torch.nn.RNN, LSTM or GRU weights (no tensor ending in weight_hh_l0)';
    return { ok: false, errors: [`no tensor '${prefix}weight_hh_l0' (the recurrent weights of layer 0 of an nn.RNN, LSTM or GRU ${at(prefix)}); ${where}`] };
  }
  const [rows, H] = hh.shape;
  const kind = hh.shape.length === 2 && H > 0 && rows % H === 0 ? KIND_OF_GATES[rows / H] : undefined;
  if (!kind) return { ok: false, errors: [`'${prefix}weight_hh_l0' has shape ${fmtShape(hh.shape)}; an nn.RNN, GRU or LSTM with hidden_size H has [H, H], [3H, H] or [4H, H]`] };
  const ih = params.get('weight_ih_l0')?.tensor;
  const layers = 1 + Math.max(...[...params.values()].map((p) => p.layer));
  const record = dict.modules?.[prefix.replace(/\.$/, '')];
  if (record && record.type !== kind) errors.push(`${at(prefix)}: the file records an nn.${record.type}, but its tensors are those of an nn.${kind} (weight_hh_l0 is ${fmtShape(hh.shape)})`);
  if (record?.proj_size) errors.push(`${at(prefix)}: an nn.LSTM with proj_size=${record.proj_size} projects its hidden state, and no RNN Studio block does`);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    module: {
      prefix,
      kind,
      inputSize: ih && ih.shape.length === 2 ? ih.shape[1] : record?.input_size,
      hiddenSize: H,
      numLayers: layers,
      bidirectional: [...params.values()].some((p) => p.reverse),
      bias: [...params.keys()].some((n) => n.startsWith('bias_')),
      ...(kind === 'RNN' && record?.nonlinearity ? { nonlinearity: record.nonlinearity } : {}),
    },
  };
}

// ── The node the weights go to ───────────────────────────────────────────────────────────────

/** The graph node as PyTorch would see it. */
interface Target {
  readonly nodeId: string;
  /** 'an LSTM (lstm block)', 'a bidirectional GRU (bidirectional block, cell gru)'. */
  readonly what: string;
  readonly kind: TorchKind;
  readonly units: number;
  readonly layers: number;
  readonly bidirectional: boolean;
  readonly inputSize: number;
  readonly activation: string;
  readonly weights: readonly WeightSpec[];
}

const KIND_OF_BLOCK: Readonly<Record<string, TorchKind>> = { elman: 'RNN', lstm: 'LSTM', gru: 'GRU' };
const article = (kind: TorchKind) => (kind === 'GRU' ? 'a' : 'an');

function targetOf(doc: GraphDocument, nodeId: string, streams: StreamTypes | undefined): { ok: true; target: Target } | { ok: false; errors: string[] } {
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node) return { ok: false, errors: [`the graph has no node '${nodeId}' (its nodes: ${doc.nodes.map((n) => n.id).join(', ') || 'none'})`] };
  const analysis = analyzeGraph(doc, streams);
  const problems = analysis.diagnostics.filter((d) => d.severity === 'error' && d.nodeId === nodeId);
  const info = analysis.nodes.get(nodeId);
  if (problems.length > 0 || !info)
    return { ok: false, errors: problems.length > 0 ? problems.map((d) => `node '${nodeId}': ${d.message}`) : [`node '${nodeId}': its block could not be analysed`] };
  const bidirectional = node.type === 'bidirectional';
  const params = (bidirectional ? info.params.cell : info.params) as Record<string, unknown>;
  const cellType = String(bidirectional ? params.type : node.type);
  const kind = KIND_OF_BLOCK[cellType];
  const pytorchBlocks = "PyTorch's nn.RNN, nn.LSTM and nn.GRU go into elman, lstm and gru blocks, or a bidirectional block with one of them as its cell";
  if (!kind) return { ok: false, errors: [`node '${nodeId}' is ${bidirectional ? `a bidirectional block with a '${cellType}' cell` : `a '${node.type}' block`}; ${pytorchBlocks}`] };
  const what = bidirectional ? `a bidirectional ${kind} (bidirectional block, cell ${cellType})` : `${article(kind)} ${kind} (${cellType} block)`;
  const errors: string[] = [];
  const { activation, recurrentActivation } = params;
  if (kind === 'RNN' && activation !== 'tanh' && activation !== 'relu')
    errors.push(`node '${nodeId}' uses activation '${String(activation)}'; torch.nn.RNN has only nonlinearity='tanh' or 'relu'`);
  if (kind !== 'RNN' && (activation !== 'tanh' || recurrentActivation !== 'sigmoid'))
    errors.push(`node '${nodeId}' uses activation '${String(activation)}' and recurrentActivation '${String(recurrentActivation)}'; torch.nn.${kind} always uses tanh and sigmoid gates, so set those`);
  if (kind === 'GRU' && params.resetAfter === false)
    errors.push(
      `node '${nodeId}' is a GRU with resetAfter: false, which applies the reset gate before the recurrent matrix product; torch.nn.GRU applies it after (our resetAfter: true) and has no resetAfter: false variant, so its weights would compute something else: set resetAfter: true`,
    );
  if (errors.length > 0) return { ok: false, errors };
  const kernel = info.weights.find((w) => w.name === (bidirectional ? 'forward_kernel' : 'kernel'));
  if (!kernel) throw new Error(`node '${nodeId}': block declares no kernel`);
  return {
    ok: true,
    target: { nodeId, what, kind, units: Number(params.units), layers: Number(params.layers), bidirectional, inputSize: kernel.shape[0], activation: String(activation), weights: info.weights },
  };
}

// ── Import ───────────────────────────────────────────────────────────────────────────────────

export interface TorchImportOptions {
  /**
   * Where the module's tensors are: 'rnn.' for `model.rnn` (a missing final '.' is added), '' for a
   * dict of the module itself. Undefined: the one recurrent module in the dict (an error when there
   * are none or several).
   */
  readonly prefix?: string;
  /** The dataset's streams, for graphs whose input sizes come from it. */
  readonly streams?: StreamTypes;
}

export type TorchImportResult =
  | {
      ok: true;
      /** The node's weights by IR param `<node>.<name>`, in the block's order, shapes as it declares them. */
      weights: Map<string, Float32Array>;
      module: TorchRecurrentModule;
      /** Things worth knowing that did not stop the import (an unrecorded nonlinearity, a bias that is now trainable). */
      notes: string[];
    }
  | { ok: false; errors: string[] };

/** The prefix as given, with its final '.'; or the single module's. */
function resolvePrefix(dict: TorchStateDict, prefix: string | undefined): { ok: true; prefix: string } | { ok: false; errors: string[] } {
  if (prefix !== undefined) return { ok: true, prefix: prefix === '' || prefix.endsWith('.') ? prefix : `${prefix}.` };
  const found = torchModulePrefixes(dict);
  if (found.length === 1) return { ok: true, prefix: found[0] };
  if (found.length === 0) {
    const names = Object.keys(dict.tensors);
    const listed = names.slice(0, 6).map((n) => `'${n}'`).join(', ') + (names.length > 6 ? `, … (${names.length} tensors)` : '');
    return { ok: false, errors: [`the state dict has no torch.nn.RNN, LSTM or GRU weights (no tensor ending in weight_hh_l0); it holds ${listed || 'no tensors'}`] };
  }
  return { ok: false, errors: [`the state dict has ${found.length} recurrent modules, ${found.map(at).join(', ')}: choose one with the prefix (--prefix ${found.find((p) => p !== '') ?? found[0]})`] };
}

/**
 * The weights of graph node `nodeId` (an elman, lstm or gru block, or a bidirectional block of
 * one) from the torch.nn.RNN / LSTM / GRU under `options.prefix` in `dict`. Refuses, with one
 * message per problem: a node PyTorch has no module for (other blocks, activations other than
 * PyTorch's, a GRU with resetAfter: false), a module that does not fit the node (kind, units,
 * layers, directions, input size, RNN nonlinearity when the file records it: what the node has
 * against what the dict has), and missing or mis-shaped tensors. Never throws on bad input.
 */
export function importTorchWeights(doc: GraphDocument, nodeId: string, dict: TorchStateDict, options: TorchImportOptions = {}): TorchImportResult {
  const t = targetOf(doc, nodeId, options.streams);
  if (!t.ok) return t;
  const p = resolvePrefix(dict, options.prefix);
  if (!p.ok) return p;
  const read = readTorchModule(dict, p.prefix);
  if (!read.ok) return read;
  const target = t.target;
  const module = read.module;
  const mismatch = compareShapes(target, module);
  if (mismatch.length > 0) return { ok: false, errors: mismatch };
  const missing = checkTensors(target, module, dict);
  if (missing.length > 0) return { ok: false, errors: missing };

  const notes: string[] = [];
  if (module.kind === 'RNN' && !module.nonlinearity)
    notes.push(`the file does not record the nn.RNN's nonlinearity (a bare state_dict() does not hold it): node '${nodeId}' uses '${target.activation}', which must be what the module was built with`);
  if (!module.bias) notes.push(`the module has bias=False: the node's biases are set to zero (they are trainable in RNN Studio)`);
  const dropout = dict.modules?.[module.prefix.replace(/\.$/, '')]?.dropout ?? 0;
  if (dropout > 0 && module.numLayers > 1)
    notes.push(`the module has dropout=${dropout} between its layers, which PyTorch applies in training only; RNN Studio has none, so outputs match PyTorch's in eval() mode`);
  return { ok: true, weights: convert(target, module, dict), module, notes };
}

/** Kind, units, layers, directions, input size and nonlinearity: node against module. */
function compareShapes(target: Target, m: TorchRecurrentModule): string[] {
  const node = `node '${target.nodeId}'`;
  const torch = `the ${describeTorchModule(m)} ${at(m.prefix)}`;
  const gates = (rows: number) => `weight_hh_l0 is ${fmtShape([rows, m.hiddenSize])}`;
  if (target.kind !== m.kind)
    return [`${node} is ${target.what}; the state dict has an nn.${m.kind} ${at(m.prefix)} (${gates(GATES[m.kind] * m.hiddenSize)}: ${GATES[m.kind]} gate block${m.kind === 'RNN' ? '' : 's'})`];
  const errors: string[] = [];
  if (target.units !== m.hiddenSize) errors.push(`${node} has ${target.units} units; ${torch} has hidden_size ${m.hiddenSize} (${gates(GATES[m.kind] * m.hiddenSize)})`);
  if (target.layers !== m.numLayers) errors.push(`${node} has ${target.layers} layer${target.layers === 1 ? '' : 's'}; ${torch} has num_layers ${m.numLayers}`);
  if (target.bidirectional !== m.bidirectional)
    errors.push(
      target.bidirectional
        ? `${node} is bidirectional; ${torch} runs one direction (no _reverse tensors, bidirectional=False): import it into a plain ${m.kind === 'RNN' ? 'elman' : m.kind.toLowerCase()} block`
        : `${node} runs one direction; ${torch} is bidirectional (it has _reverse tensors): import it into a bidirectional block with cell ${m.kind === 'RNN' ? 'elman' : m.kind.toLowerCase()}`,
    );
  if (m.inputSize !== undefined && target.inputSize !== m.inputSize)
    errors.push(`${node} reads ${target.inputSize} input features; ${torch} has input_size ${m.inputSize} (weight_ih_l0 is ${fmtShape([GATES[m.kind] * m.hiddenSize, m.inputSize])})`);
  if (m.nonlinearity && m.nonlinearity !== target.activation) errors.push(`${node} uses activation '${target.activation}'; ${torch} was built with nonlinearity='${m.nonlinearity}'`);
  return errors;
}

/** The PyTorch name and expected shape of every tensor the node needs, layer by layer, forward before reverse. */
function expectedTensors(target: Target, m: TorchRecurrentModule): { name: string; shape: number[]; role: string }[] {
  const D = m.bidirectional ? 2 : 1;
  const GH = GATES[m.kind] * m.hiddenSize;
  const out: { name: string; shape: number[]; role: string }[] = [];
  for (let l = 0; l < m.numLayers; l++)
    for (let d = 0; d < D; d++) {
      const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
      const of = `layer ${l}${m.bidirectional ? `, ${d === 1 ? 'reverse' : 'forward'} direction` : ''}`;
      const rows = l === 0 ? target.inputSize : D * m.hiddenSize;
      out.push({ name: `weight_ih${suffix}`, shape: [GH, rows], role: `the input weights of ${of}` });
      out.push({ name: `weight_hh${suffix}`, shape: [GH, m.hiddenSize], role: `the recurrent weights of ${of}` });
      if (m.bias) {
        out.push({ name: `bias_ih${suffix}`, shape: [GH], role: `the input bias of ${of}` });
        out.push({ name: `bias_hh${suffix}`, shape: [GH], role: `the recurrent bias of ${of}` });
      }
    }
  return out;
}

function checkTensors(target: Target, m: TorchRecurrentModule, dict: TorchStateDict): string[] {
  const errors: string[] = [];
  const unit = `${article(m.kind)} ${m.kind} with ${m.hiddenSize} units`;
  const expected = expectedTensors(target, m);
  for (const e of expected) {
    const name = `${m.prefix}${e.name}`;
    const tensor = dict.tensors[name];
    const rows = e.shape.length === 2 ? `${GATES[m.kind]} gate block${m.kind === 'RNN' ? '' : 's'} × ${m.hiddenSize} units by ${e.shape[1]} ${e.name.startsWith('weight_hh') ? 'units' : 'input features'}` : `${GATES[m.kind]} × ${m.hiddenSize}`;
    if (!tensor) errors.push(`missing '${name}' (${e.role}: ${fmtShape(e.shape)} for ${unit})`);
    else if (tensor.shape.length !== e.shape.length || tensor.shape.some((s, i) => s !== e.shape[i]))
      errors.push(`'${name}' has shape ${fmtShape(tensor.shape)} where ${fmtShape(e.shape)} was expected for ${unit} (${rows})`);
  }
  return errors;
}

/** Our weights from the checked tensors. */
function convert(target: Target, m: TorchRecurrentModule, dict: TorchStateDict): Map<string, Float32Array> {
  const H = m.hiddenSize;
  const order = GATE_ORDER[m.kind];
  const GH = order.length * H;
  const D = m.bidirectional ? 2 : 1;
  const values = new Map<string, Float32Array>();
  const tensor = (name: string) => dict.tensors[`${m.prefix}${name}`].data;
  for (let l = 0; l < m.numLayers; l++)
    for (let d = 0; d < D; d++) {
      const s = `_l${l}${d === 1 ? '_reverse' : ''}`;
      const lane = m.bidirectional ? (d === 0 ? 'forward_' : 'backward_') : '';
      const ours = (name: string) => `${lane}${name}${l === 0 ? '' : `_l${l}`}`;
      const rows = l === 0 ? target.inputSize : D * H;
      values.set(ours('kernel'), kernelFrom(tensor(`weight_ih${s}`), rows, H, order));
      values.set(ours('recurrentKernel'), kernelFrom(tensor(`weight_hh${s}`), H, H, order));
      const [bih, bhh] = m.bias ? [gateOrder(tensor(`bias_ih${s}`), H, order), gateOrder(tensor(`bias_hh${s}`), H, order)] : [new Float64Array(GH), new Float64Array(GH)];
      // GRU: two rows, b_hn must stay inside r ⊙ (W_hn·h + b_hn). RNN and LSTM: PyTorch adds the two.
      const bias = new Float32Array(m.kind === 'GRU' ? 2 * GH : GH);
      if (m.kind === 'GRU') {
        bias.set(bih);
        bias.set(bhh, GH);
      } else bias.set(bih.map((v, i) => v + bhh[i]));
      values.set(ours('bias'), bias);
    }
  const out = new Map<string, Float32Array>();
  for (const w of target.weights) {
    const v = values.get(w.name);
    if (!v || v.length !== sizeOf(w.shape)) throw new Error(`node '${target.nodeId}': weight '${w.name}' ${fmtShape(w.shape)} has no PyTorch counterpart`);
    out.set(`${target.nodeId}.${w.name}`, v);
    values.delete(w.name);
  }
  if (values.size > 0) throw new Error(`node '${target.nodeId}' does not declare ${[...values.keys()].join(', ')}`);
  return out;
}

/** PyTorch W [G·H, rows] (gate blocks along the rows) → our [rows, G·H]: transposed, block b = PyTorch's block order[b]. */
export function kernelFrom(w: ArrayLike<number>, rows: number, H: number, order: readonly number[]): Float32Array {
  const cols = order.length * H;
  const out = new Float32Array(rows * cols);
  for (let b = 0; b < order.length; b++)
    for (let j = 0; j < H; j++) {
      const from = (order[b] * H + j) * rows;
      for (let r = 0; r < rows; r++) out[r * cols + b * H + j] = w[from + r];
    }
  return out;
}

/** A PyTorch bias [G·H] in our gate order. */
function gateOrder(v: ArrayLike<number>, H: number, order: readonly number[]): Float64Array {
  return Float64Array.from({ length: order.length * H }, (_, i) => v[order[Math.floor(i / H)] * H + (i % H)]);
}
