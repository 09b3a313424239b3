/**
 * Gradients over time: the per-time-step gradient norms ‖∂loss/∂h_t‖ that some training steps
 * carry (one list per recurrent state), kept as snapshots, laid out for a log-scale chart, and
 * summed up in words (does the gradient vanish or explode on its way back to t = 0?). Pure, so
 * it is tested without a browser.
 */
import type { StateGradNorms, StepPoint } from '../../engine/protocol/messages.ts';

/** The norms one training step reported. */
export interface GradientSnapshot {
  readonly step: number;
  readonly epoch: number;
  /** Under truncated BPTT: the chunk of the batch the step trained (1-based); otherwise null. */
  readonly chunk: number | null;
  readonly states: readonly StateGradNorms[];
}

/** How many snapshots a run keeps: its first (the untrained network, to compare with) and the latest. */
export const GRADIENT_HISTORY = 30;

/** The snapshots in a batch of step points, in step order. */
export function snapshotsOf(points: readonly StepPoint[]): GradientSnapshot[] {
  return points.flatMap((p) =>
    p.stateGradNorms && p.stateGradNorms.length > 0 ? [{ step: p.step, epoch: p.epoch, chunk: p.chunk ?? null, states: p.stateGradNorms }] : [],
  );
}

/**
 * `history` followed by `added`, keeping the run's first snapshot and the newest `max` − 1 after
 * it; the same array when nothing was added.
 */
export function keepLatest(history: readonly GradientSnapshot[], added: readonly GradientSnapshot[], max = GRADIENT_HISTORY): readonly GradientSnapshot[] {
  if (added.length === 0) return history;
  const all = [...history, ...added];
  return all.length > max ? [all[0], ...all.slice(all.length - (max - 1))] : all;
}

export interface FlowLine {
  readonly delay: string;
  readonly block: string;
  /** One per x; null where the state has no value there or one a log scale cannot show (≤ 0, NaN). */
  readonly values: (number | null)[];
}

export interface FlowChart {
  /** The time steps t drawn, consecutive. */
  readonly x: number[];
  readonly lines: FlowLine[];
  /** Smallest and largest value drawn (null when none can be). */
  readonly range: { readonly min: number; readonly max: number } | null;
}

/** One line per recurrent state over the time steps any of them covers. */
export function buildGradientFlow(snapshot: GradientSnapshot | null): FlowChart {
  const states = snapshot?.states ?? [];
  if (states.length === 0) return { x: [], lines: [], range: null };
  const from = Math.min(...states.map((s) => s.start));
  const to = Math.max(...states.map((s) => s.start + s.norms.length));
  const x = Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
  let min = Infinity;
  let max = -Infinity;
  const lines = states.map((s) => {
    const values = x.map((t): number | null => {
      const v = s.norms[t - s.start];
      if (v === undefined || !(v > 0) || !Number.isFinite(v)) return null;
      if (v < min) min = v;
      if (v > max) max = v;
      return v;
    });
    return { delay: s.delay, block: s.block, values };
  });
  return { x, lines, range: min <= max ? { min, max } : null };
}

export type FlowKind = 'vanishing' | 'exploding' | 'steady';

export interface FlowSummary {
  readonly delay: string;
  readonly kind: FlowKind;
  /** The earliest and latest time steps with a value that can be compared. */
  readonly first: number;
  readonly last: number;
  /** ‖∂loss/∂h_first‖ / ‖∂loss/∂h_last‖. */
  readonly ratio: number;
}

/** Beyond this factor between the last and the first time step, the change is called vanishing or exploding. */
export const FLOW_FACTOR = 10;

/** How the gradient of one state changes from its last time step back to its first. */
export function summarizeFlow(state: StateGradNorms): FlowSummary | null {
  const usable = (v: number | undefined): v is number => v !== undefined && v > 0 && Number.isFinite(v);
  const firstIndex = state.norms.findIndex((v) => usable(v));
  let lastIndex = state.norms.length - 1;
  while (lastIndex > firstIndex && !usable(state.norms[lastIndex])) lastIndex--;
  if (firstIndex < 0 || lastIndex <= firstIndex) return null;
  const ratio = state.norms[firstIndex] / state.norms[lastIndex];
  const kind: FlowKind = ratio < 1 / FLOW_FACTOR ? 'vanishing' : ratio > FLOW_FACTOR ? 'exploding' : 'steady';
  return { delay: state.delay, kind, first: state.start + firstIndex, last: state.start + lastIndex, ratio };
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const superscript = (n: number): string => [...String(n)].map((d) => (d === '-' ? '⁻' : SUPERSCRIPT[Number(d)])).join('');

/** A factor ≥ 1 as people read it: 3.4, 27, 4.1 × 10⁶. */
export function formatFactor(factor: number): string {
  if (!Number.isFinite(factor)) return '∞';
  if (factor < 10) return factor.toFixed(1);
  if (factor < 1000) return String(Math.round(factor));
  let exponent = Math.floor(Math.log10(factor));
  let mantissa = factor / 10 ** exponent;
  if (mantissa >= 9.95) {
    mantissa /= 10;
    exponent += 1;
  }
  return `${mantissa.toFixed(1)} × 10${superscript(exponent)}`;
}

/**
 * The snapshot to draw: the one of step `pinned` when the user picked one that is still kept (one
 * that has rolled off gives the next kept after it), else the latest. A pin beyond the latest step
 * belongs to an earlier run.
 */
export function pickSnapshot(history: readonly GradientSnapshot[], pinned: number | null): GradientSnapshot | null {
  if (history.length === 0) return null;
  const latest = history[history.length - 1];
  if (pinned === null || pinned > latest.step) return latest;
  return history.find((s) => s.step >= pinned) ?? latest;
}
