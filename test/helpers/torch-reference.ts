/**
 * torch.nn.RNN, torch.nn.LSTM and torch.nn.GRU as PyTorch's documentation defines them, with
 * num_layers and bidirectional, written out as plain float64 loops over arrays. Nothing here
 * comes from the engine (not its cells, ops, kernels or weight layout), so comparing the engine's
 * compiled networks with these functions checks both the math and the documented mapping of our
 * Keras-layout weights onto PyTorch's (docs/model-format.md).
 *
 * From the PyTorch documentation, for one layer and direction (W_ih [G·H, in], W_hh [G·H, H],
 * b_ih and b_hh [G·H], gate blocks along the rows):
 *   RNN   h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)
 *   LSTM  i, f, g, o = the four row blocks of W_ih x_t + b_ih + W_hh h_{t−1} + b_hh
 *         c_t = σ(f) ⊙ c_{t−1} + σ(i) ⊙ tanh(g),   h_t = σ(o) ⊙ tanh(c_t)
 *   GRU   r = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr),   z = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)
 *         n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t−1} + b_hn)),   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 * Layer l ≥ 1 reads the output of layer l − 1 (both directions concatenated when bidirectional,
 * so its W_ih is [G·H, 2H]). The reverse direction (parameters suffixed `_reverse`) reads
 * t = T − 1 … 0; output[t] = [h_fwd_t ; h_rev_t], where h_rev_t has read x_{T−1} … x_t.
 * h_0 and h_n are [num_layers · D, B, H], index layer · D + direction.
 */

export type TorchKind = 'RNN' | 'LSTM' | 'GRU';

export interface TorchConfig {
  readonly kind: TorchKind;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
}

/** PyTorch's parameters by name (weight_ih_l0, bias_hh_l1_reverse, …), row-major. */
export type TorchParams = Readonly<Record<string, Float64Array>>;

export interface TorchResult {
  /** [T, B, D·H], time-major (batch_first=False). */
  readonly output: Float64Array;
  /** [D·L, B, H] */
  readonly hN: Float64Array;
  /** [D·L, B, H], LSTM only. */
  readonly cN?: Float64Array;
}

/** Gate blocks per kind: G. */
export const GATES: Readonly<Record<TorchKind, number>> = { RNN: 1, LSTM: 4, GRU: 3 };

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** W [rows, v.length] · v + b */
function affine(w: Float64Array, v: ArrayLike<number>, b: Float64Array): Float64Array {
  const cols = v.length;
  const out = new Float64Array(b.length);
  for (let r = 0; r < b.length; r++) {
    let sum = b[r];
    for (let c = 0; c < cols; c++) sum += w[r * cols + c] * v[c];
    out[r] = sum;
  }
  return out;
}

/** `_l<layer>` plus `_reverse` for the reverse direction: PyTorch's parameter suffix. */
export const torchSuffix = (layer: number, direction: number): string => `_l${layer}${direction === 1 ? '_reverse' : ''}`;

function param(params: TorchParams, name: string, size: number): Float64Array {
  const p = params[name];
  if (!p) throw new Error(`torch reference: no parameter '${name}'`);
  if (p.length !== size) throw new Error(`torch reference: '${name}' has ${p.length} values, expected ${size}`);
  return p;
}

/** One step of one layer and direction for one example. */
function step(kind: TorchKind, w: { ih: Float64Array; hh: Float64Array; bih: Float64Array; bhh: Float64Array }, x: ArrayLike<number>, h: Float64Array, c: Float64Array) {
  const H = h.length;
  const gi = affine(w.ih, x, w.bih);
  const gh = affine(w.hh, h, w.bhh);
  const hNext = new Float64Array(H);
  const cNext = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    switch (kind) {
      case 'RNN':
        hNext[j] = Math.tanh(gi[j] + gh[j]);
        break;
      case 'LSTM': {
        const [i, f, g, o] = [0, 1, 2, 3].map((k) => gi[k * H + j] + gh[k * H + j]);
        cNext[j] = sigmoid(f) * c[j] + sigmoid(i) * Math.tanh(g);
        hNext[j] = sigmoid(o) * Math.tanh(cNext[j]);
        break;
      }
      case 'GRU': {
        const r = sigmoid(gi[j] + gh[j]);
        const z = sigmoid(gi[H + j] + gh[H + j]);
        const n = Math.tanh(gi[2 * H + j] + r * gh[2 * H + j]);
        hNext[j] = (1 - z) * n + z * h[j];
        break;
      }
    }
  }
  return { h: hNext, c: cNext };
}

/**
 * The module's forward pass: x [T, B, inputSize] time-major, optional h0 (and c0 for LSTM)
 * [D·L, B, H] (zeros when absent). Throws on a missing or mis-sized parameter.
 */
export function torchForward(cfg: TorchConfig, params: TorchParams, x: ArrayLike<number>, steps: number, batch: number, h0?: ArrayLike<number>, c0?: ArrayLike<number>): TorchResult {
  const { kind, hiddenSize: H, numLayers: L } = cfg;
  const D = cfg.bidirectional ? 2 : 1;
  const G = GATES[kind];
  const hN = new Float64Array(D * L * batch * H);
  const cN = new Float64Array(D * L * batch * H);
  let input: ArrayLike<number> = x;
  let width = cfg.inputSize;
  for (let l = 0; l < L; l++) {
    const out = new Float64Array(steps * batch * D * H);
    for (let d = 0; d < D; d++) {
      const s = torchSuffix(l, d);
      const w = {
        ih: param(params, `weight_ih${s}`, G * H * width),
        hh: param(params, `weight_hh${s}`, G * H * H),
        bih: param(params, `bias_ih${s}`, G * H),
        bhh: param(params, `bias_hh${s}`, G * H),
      };
      const state = (l * D + d) * batch;
      for (let b = 0; b < batch; b++) {
        const start = (state + b) * H;
        let h = Float64Array.from({ length: H }, (_, j) => (h0 ? h0[start + j] : 0));
        let c = Float64Array.from({ length: H }, (_, j) => (c0 ? c0[start + j] : 0));
        for (let k = 0; k < steps; k++) {
          const t = d === 0 ? k : steps - 1 - k;
          const xt = Array.from({ length: width }, (_, i) => input[(t * batch + b) * width + i]);
          ({ h, c } = step(kind, w, xt, h, c));
          out.set(h, (t * batch + b) * D * H + d * H);
        }
        hN.set(h, start);
        cN.set(c, start);
      }
    }
    // (PyTorch applies dropout to this output when dropout > 0; these modules have none.)
    input = out;
    width = D * H;
  }
  return { output: Float64Array.from(input), hN, ...(kind === 'LSTM' ? { cN } : {}) };
}

// ── From our Keras layout to PyTorch's (docs/model-format.md, "PyTorch") ────────────────────

/** PyTorch's gate block k is our (Keras's) gate block ORDER[k]: LSTM i, f, g, o = i, f, c, o; GRU r, z, n from z, r, h. */
export const TORCH_ORDER: Readonly<Record<TorchKind, readonly number[]>> = { RNN: [0], LSTM: [0, 1, 2, 3], GRU: [1, 0, 2] };

/** A Keras kernel [rows, G·H] → PyTorch weight [G·H, rows]: transposed, gate blocks reordered. */
export function torchWeight(kernel: ArrayLike<number>, rows: number, order: readonly number[]): Float64Array {
  const cols = kernel.length / rows;
  const h = cols / order.length;
  const out = new Float64Array(kernel.length);
  for (let k = 0; k < order.length; k++)
    for (let j = 0; j < h; j++) for (let r = 0; r < rows; r++) out[(k * h + j) * rows + r] = kernel[r * cols + order[k] * h + j];
  return out;
}

/** Row `row` of a Keras bias [rows, G·H] (or the whole of a [G·H] one) in PyTorch's gate order. */
export function torchBias(bias: ArrayLike<number>, width: number, order: readonly number[], row = 0): Float64Array {
  const h = width / order.length;
  return Float64Array.from({ length: width }, (_, i) => bias[row * width + order[Math.floor(i / h)] * h + (i % h)]);
}

/**
 * Our weights of one block (by weight name: `kernel`, `recurrentKernel_l1`, `backward_bias`, …) as
 * PyTorch's parameters: layer l of direction d is `<prefix><name>` + `_l<l>` for l ≥ 1, with prefix
 * '' for a one-direction block and `forward_` / `backward_` for a bidirectional one. RNN and LSTM
 * have one bias, which PyTorch splits into b_ih + b_hh: `split(name)` gives the b_hh part (zeros
 * when absent), and b_ih gets the rest, so that any split can be checked to give the same network.
 * A GRU (resetAfter: true) stores [2, 3H]: row 0 is b_ih, row 1 b_hh.
 */
export function torchParamsFrom(cfg: TorchConfig, ours: Readonly<Record<string, ArrayLike<number>>>, split?: (name: string, width: number) => Float64Array): Record<string, Float64Array> {
  const { kind, hiddenSize: H } = cfg;
  const D = cfg.bidirectional ? 2 : 1;
  const order = TORCH_ORDER[kind];
  const width = GATES[kind] * H;
  const out: Record<string, Float64Array> = {};
  for (let l = 0; l < cfg.numLayers; l++)
    for (let d = 0; d < D; d++) {
      const prefix = cfg.bidirectional ? (d === 0 ? 'forward_' : 'backward_') : '';
      const name = (base: string) => `${prefix}${base}${l === 0 ? '' : `_l${l}`}`;
      const get = (base: string) => {
        const w = ours[name(base)];
        if (!w) throw new Error(`torchParamsFrom: no weight '${name(base)}'`);
        return w;
      };
      const s = torchSuffix(l, d);
      const rows = l === 0 ? cfg.inputSize : D * H;
      out[`weight_ih${s}`] = torchWeight(get('kernel'), rows, order);
      out[`weight_hh${s}`] = torchWeight(get('recurrentKernel'), H, order);
      const bias = get('bias');
      if (kind === 'GRU') {
        out[`bias_ih${s}`] = torchBias(bias, width, order, 0);
        out[`bias_hh${s}`] = torchBias(bias, width, order, 1);
      } else {
        const hh = split?.(name('bias'), width) ?? new Float64Array(width);
        out[`bias_hh${s}`] = hh;
        out[`bias_ih${s}`] = torchBias(bias, width, order).map((v, i) => v - hh[i]);
      }
    }
  return out;
}

/** Our state vector [B, D·L·H] (h_n order along the features) as PyTorch's [D·L, B, H]. */
export function torchStateFrom(ours: ArrayLike<number>, batch: number, parts: number, H: number): Float64Array {
  const out = new Float64Array(parts * batch * H);
  for (let i = 0; i < parts; i++) for (let b = 0; b < batch; b++) for (let j = 0; j < H; j++) out[(i * batch + b) * H + j] = ours[b * parts * H + i * H + j];
  return out;
}
