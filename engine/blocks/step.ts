/**
 * A cell written once: its step is a function of `StepContext`, generic in the values it works
 * on. The block lowers it with `CellMath` (IR ops); "Open as primitives" runs the same step with
 * `DrawMath` (primitive blocks). `OpenPlan` is what a block tells the opener about itself: the
 * step with its params bound and how many copies of it to draw.
 */
import type { StepMath } from './math.ts';

/** What one step of one layer sees. */
export interface StepContext<V, S extends string = string> {
  readonly m: StepMath<V>;
  /** x_t, this layer's input at the step: [B, in]. */
  readonly x: V;
  /** A weight of this layer and direction, by its one-layer name ('kernel'). */
  weight(name: string): V;
  /** The state `name` at the step before, in the direction the cell runs; the step's `next` closes the loop. */
  previous(name: S): V;
}

/** What one step gives: the block's output at t, and the value every state takes at t. */
export interface StepResult<V> {
  readonly out: V;
  readonly next: Readonly<Record<string, V>>;
}

/** A step with its params bound, for any kind of value. */
export type BoundStep = <V>(s: StepContext<V>) => StepResult<V>;

/** Joins the top layer's two directions into `out`, as the block computes it. */
export type LaneMerge = <V>(m: StepMath<V>, forward: V, backward: V) => V;

/**
 * How a block opens: `layers` copies of the step, layer k ≥ 1 reading layer k − 1 (through
 * dropout at rate `dropout`), in one direction or, with `bothWays`, forward and backward.
 * `refused` says why these params cannot be drawn.
 */
export type OpenPlan =
  | {
      readonly ok: true;
      readonly step: BoundStep;
      readonly layers: number;
      readonly dropout: number;
      /** The output is the whole sequence, not its final step. */
      readonly returnSequences: boolean;
      /** Both directions; `merge` null when the block has no merged `out`. */
      readonly bothWays?: { readonly merge: LaneMerge | null };
    }
  | { readonly ok: false; readonly refused: string };
