/**
 * An Elman network written out by hand in float64, as an oracle for the trainer that shares no
 * code with the engine: the forward pass, BPTT by the textbook recursion, and the loss with any
 * h_t nudged (for finite differences).
 *
 *   h_t   = f(x_t·K + h_{t−1}·R + b)          f = tanh or identity, h_{−1} = h0
 *   out_t = h_t·Wd + bd
 *   loss  = mean over t, b, o of (out_t − y_t)²     (perStep)
 *         = mean over b, o of (out_{L−1} − y)²      (one target per sequence)
 *
 *   ∂L/∂h_t = ∂L/∂out_t·Wdᵀ + ∂L/∂a_{t+1}·Rᵀ,   ∂L/∂a_t = ∂L/∂h_t ⊙ f′(a_t)
 *
 * Layouts are those of the engine's feeds: x [L, B, I], y [L, B, O] or [B, O], h0 [B, H], K [I, H],
 * R [H, H], b [H], Wd [H, O], bd [O], all row-major.
 */

export interface ElmanWeights {
  readonly K: ArrayLike<number>;
  readonly R: ArrayLike<number>;
  readonly b: ArrayLike<number>;
  readonly Wd: ArrayLike<number>;
  readonly bd: ArrayLike<number>;
}

export interface ElmanProblem {
  readonly steps: number;
  readonly batch: number;
  readonly inputs: number;
  readonly units: number;
  readonly outputs: number;
  readonly activation: 'tanh' | 'linear';
  /** A target at every step ([L, B, O]) or one per sequence ([B, O]). */
  readonly perStep: boolean;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  /** The state before step 0 ([B, H]); zeros when absent. */
  readonly h0?: ArrayLike<number>;
}

export interface Nudge {
  readonly t: number;
  /** Flat index into h_t ([B, H]). */
  readonly index: number;
  readonly delta: number;
}

interface Forward {
  loss: number;
  /** h_t for every t, [B·H] each. */
  h: Float64Array[];
  /** ∂loss/∂out_t for every t that has a target, [B·O] (zeros elsewhere). */
  dOut: Float64Array[];
}

function forward(p: ElmanProblem, w: ElmanWeights, nudge?: Nudge): Forward {
  const { steps: L, batch: B, inputs: I, units: H, outputs: O } = p;
  const h: Float64Array[] = [];
  const dOut: Float64Array[] = [];
  let prev = Float64Array.from(p.h0 ?? new Float64Array(B * H));
  let loss = 0;
  const scale = 1 / (B * O * (p.perStep ? L : 1));
  for (let t = 0; t < L; t++) {
    const ht = new Float64Array(B * H);
    for (let bi = 0; bi < B; bi++)
      for (let j = 0; j < H; j++) {
        let a = w.b[j];
        for (let i = 0; i < I; i++) a += p.x[(t * B + bi) * I + i] * w.K[i * H + j];
        for (let k = 0; k < H; k++) a += prev[bi * H + k] * w.R[k * H + j];
        ht[bi * H + j] = p.activation === 'tanh' ? Math.tanh(a) : a;
      }
    if (nudge && nudge.t === t) ht[nudge.index] += nudge.delta;
    h.push(ht);
    const d = new Float64Array(B * O);
    if (p.perStep || t === L - 1) {
      for (let bi = 0; bi < B; bi++)
        for (let o = 0; o < O; o++) {
          let out = w.bd[o];
          for (let j = 0; j < H; j++) out += ht[bi * H + j] * w.Wd[j * O + o];
          const target = p.perStep ? p.y[(t * B + bi) * O + o] : p.y[bi * O + o];
          loss += scale * (out - target) ** 2;
          d[bi * O + o] = 2 * scale * (out - target);
        }
    }
    dOut.push(d);
    prev = ht;
  }
  return { loss, h, dOut };
}

/** h_t for every t ([B·H] each). */
export const elmanStates = (p: ElmanProblem, w: ElmanWeights): Float64Array[] => forward(p, w).h;

/** The loss, with h_t[index] moved by delta when `nudge` is given. */
export const elmanLoss = (p: ElmanProblem, w: ElmanWeights, nudge?: Nudge): number => forward(p, w, nudge).loss;

export interface ElmanGradients {
  readonly loss: number;
  readonly K: Float64Array;
  readonly R: Float64Array;
  readonly b: Float64Array;
  readonly Wd: Float64Array;
  readonly bd: Float64Array;
  /** ∂loss/∂h_t for every t, [B·H] each. */
  readonly dh: Float64Array[];
}

/** The loss and every gradient by backpropagation through time. */
export function elmanBptt(p: ElmanProblem, w: ElmanWeights): ElmanGradients {
  const { steps: L, batch: B, inputs: I, units: H, outputs: O } = p;
  const { loss, h, dOut } = forward(p, w);
  const g = { K: new Float64Array(I * H), R: new Float64Array(H * H), b: new Float64Array(H), Wd: new Float64Array(H * O), bd: new Float64Array(O) };
  const dh: Float64Array[] = new Array<Float64Array>(L);
  let dNext = new Float64Array(B * H); // ∂L/∂a_{t+1}
  const h0 = Float64Array.from(p.h0 ?? new Float64Array(B * H));
  for (let t = L - 1; t >= 0; t--) {
    const d = new Float64Array(B * H);
    for (let bi = 0; bi < B; bi++)
      for (let j = 0; j < H; j++) {
        let s = 0;
        for (let o = 0; o < O; o++) s += dOut[t][bi * O + o] * w.Wd[j * O + o];
        for (let k = 0; k < H; k++) s += dNext[bi * H + k] * w.R[j * H + k];
        d[bi * H + j] = s;
      }
    dh[t] = d;
    const da = d.map((v, i) => (p.activation === 'tanh' ? v * (1 - h[t][i] ** 2) : v));
    const hPrev = t === 0 ? h0 : h[t - 1];
    for (let bi = 0; bi < B; bi++) {
      for (let o = 0; o < O; o++) {
        g.bd[o] += dOut[t][bi * O + o];
        for (let j = 0; j < H; j++) g.Wd[j * O + o] += h[t][bi * H + j] * dOut[t][bi * O + o];
      }
      for (let j = 0; j < H; j++) {
        const v = da[bi * H + j];
        g.b[j] += v;
        for (let i = 0; i < I; i++) g.K[i * H + j] += p.x[(t * B + bi) * I + i] * v;
        for (let k = 0; k < H; k++) g.R[k * H + j] += hPrev[bi * H + k] * v;
      }
    }
    dNext = da;
  }
  return { loss, ...g, dh };
}

/** ‖v‖₂ */
export const norm = (v: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
};
