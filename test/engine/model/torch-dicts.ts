/**
 * PyTorch-style state dicts for tests, built the way torch.nn.RNN / LSTM / GRU name and shape
 * their parameters (weight_ih_l<k>[_reverse] [G·H, in or D·H], weight_hh_… [G·H, H], bias_ih_…,
 * bias_hh_… [G·H]), written as scripts/export-pytorch-weights.py writes them, together with the
 * same numbers as the float64 parameters test/helpers/torch-reference.ts consumes.
 *
 * Nothing here comes from engine/model/pytorch.ts: the names and shapes follow PyTorch's
 * documentation, as torch-reference.ts does.
 */
import { GATES, type TorchConfig, type TorchParams, torchSuffix } from '../../helpers/torch-reference.ts';

export interface DictCase extends TorchConfig {
  readonly bias: boolean;
}

export interface JsonTensor {
  shape: number[];
  data: number[];
}

export interface BuiltDict {
  /** The file's JSON: { format, tensors, modules? }. */
  readonly json: { format: string; tensors: Record<string, JsonTensor>; modules?: Record<string, Record<string, unknown>> };
  /** The module's parameters as the reference takes them (zeros for the biases of bias=False). */
  readonly params: TorchParams;
}

/**
 * Values with at most 12 significant bits, in [−0.5, 0.5]: exact in float32, and so is the sum of
 * two of them, so folding b_ih + b_hh into our one float32 bias loses nothing and the import can
 * be checked to 1e-9. (`arbitrary` draws ordinary float32 values instead.)
 */
export const dyadic = (rng: () => number): number => Math.round((2 * rng() - 1) * 2048) / 4096;
export const arbitrary = (rng: () => number): number => Math.fround(rng() - 0.5);

/**
 * The state dict of `c` under `prefix` ('rnn.', '' …), values drawn by `draw`, plus a few
 * tensors of other modules (`head.weight`, `head.bias`, `<prefix>cell.scale`) that an import must
 * leave alone. `record` adds the `modules` entry the export script writes.
 */
export function torchDict(c: DictCase, rng: () => number, options: { prefix?: string; draw?: (rng: () => number) => number; record?: Record<string, unknown> } = {}): BuiltDict {
  const prefix = options.prefix ?? 'rnn.';
  const draw = options.draw ?? dyadic;
  const D = c.bidirectional ? 2 : 1;
  const GH = GATES[c.kind] * c.hiddenSize;
  const tensors: Record<string, JsonTensor> = {};
  const params: Record<string, Float64Array> = {};
  const add = (name: string, shape: number[], keep = true) => {
    const data = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => draw(rng));
    if (keep) tensors[`${prefix}${name}`] = { shape, data };
    params[name] = keep ? Float64Array.from(data) : new Float64Array(data.length);
  };
  for (let l = 0; l < c.numLayers; l++)
    for (let d = 0; d < D; d++) {
      const s = torchSuffix(l, d);
      add(`weight_ih${s}`, [GH, l === 0 ? c.inputSize : D * c.hiddenSize]);
      add(`weight_hh${s}`, [GH, c.hiddenSize]);
      add(`bias_ih${s}`, [GH], c.bias);
      add(`bias_hh${s}`, [GH], c.bias);
    }
  tensors['head.weight'] = { shape: [2, D * c.hiddenSize], data: Array.from({ length: 2 * D * c.hiddenSize }, () => draw(rng)) };
  tensors['head.bias'] = { shape: [2], data: [draw(rng), draw(rng)] };
  tensors[`${prefix}cell.scale`] = { shape: [], data: [1] };
  const record = options.record && { [prefix.replace(/\.$/, '')]: { type: c.kind, input_size: c.inputSize, hidden_size: c.hiddenSize, num_layers: c.numLayers, bias: c.bias, bidirectional: c.bidirectional, ...options.record } };
  return { json: { format: 'pytorch-state-dict', tensors, ...(record ? { modules: record } : {}) }, params };
}

/** `weight_ih_l0` → `weight_ih_l0_reverse` and back: the two directions' tensors swapped. */
export function mirrored(params: TorchParams): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k.endsWith('_reverse') ? k.slice(0, -'_reverse'.length) : `${k}_reverse`, v]));
}
