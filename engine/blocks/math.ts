/**
 * Cell math that reads like the equations: `const [i, f, g, o] = m.split(z, ['i', 'f', 'g', 'o'])`.
 *
 * A cell's step is written once against `StepMath`. `CellMath` computes it: every helper emits
 * primitive cell-graph ops, so a macro block lowers to exactly what a user could wire by hand.
 * `DrawMath` (draw-math.ts) draws the same step as primitive blocks, which is how a block opens.
 */
import type { CellBuilder, CellRef } from '../cell/cell.ts';
import { z } from 'zod';

export const Activation = z.enum(['tanh', 'sigmoid', 'relu', 'linear']);
export type Activation = z.infer<typeof Activation>;

/**
 * A learned rate α = Δt / τ per feature, τ = Δt + softplus(ρ) ≥ Δt so 0 < α ≤ 1; ρ starts at
 * softplus⁻¹(tauInit − Δt). The params of the rateScale block.
 */
export interface Rate {
  readonly dt: number;
  readonly tauInit: number;
}

/** The math a cell's step is written in, over values V ([B, F] at every step, or weights). */
export interface StepMath<V> {
  /** x[B, in] · W[in, out] */
  matmul(x: V, w: V): V;
  add(a: V, b: V): V;
  /** a ⊙ b, elementwise (either may be a vector weight [F] or a constant). */
  mul(a: V, b: V): V;
  constant(value: number): V;
  /** 1 − x */
  oneMinus(x: V): V;
  act(name: Activation, x: V): V;
  /** [a, b, …] along the features. */
  concat(xs: readonly V[]): V;
  /** Splits [B, n·H] (or a weight's n·H columns) into one value per gate, in the order the weights lay them out. */
  split(x: V, gates: readonly string[]): V[];
  row(w: V, r: number): V;
  /** α = Δt / (Δt + softplus(ρ)) from the raw weight ρ [F]. */
  rate(rho: V, rate: Rate): V;
  /** Gives x a symbol for formulas ('i') and a label for people ('input gate i'); computes nothing. */
  name(x: V, symbol: string, label: string): V;
}

export class CellMath implements StepMath<CellRef> {
  constructor(readonly cell: CellBuilder) {}

  /** x[B, in] · W[in, out] */
  matmul(x: CellRef, w: CellRef): CellRef {
    return this.cell.op({ type: 'matmul', transA: false, transB: false }, [x, w]);
  }
  add(a: CellRef, b: CellRef): CellRef {
    return this.cell.op({ type: 'add' }, [a, b]);
  }
  sub(a: CellRef, b: CellRef): CellRef {
    return this.cell.op({ type: 'sub' }, [a, b]);
  }
  mul(a: CellRef, b: CellRef): CellRef {
    return this.cell.op({ type: 'mul' }, [a, b]);
  }
  constant(value: number): CellRef {
    return this.cell.op({ type: 'const', value }, []);
  }
  /** 1 − x */
  oneMinus(x: CellRef): CellRef {
    return this.sub(this.constant(1), x);
  }
  tanh(x: CellRef): CellRef {
    return this.cell.op({ type: 'tanh' }, [x]);
  }
  sigmoid(x: CellRef): CellRef {
    return this.cell.op({ type: 'sigmoid' }, [x]);
  }
  relu(x: CellRef): CellRef {
    return this.cell.op({ type: 'relu' }, [x]);
  }
  neg(x: CellRef): CellRef {
    return this.cell.op({ type: 'neg' }, [x]);
  }
  exp(x: CellRef): CellRef {
    return this.cell.op({ type: 'exp' }, [x]);
  }
  log(x: CellRef): CellRef {
    return this.cell.op({ type: 'log' }, [x]);
  }
  /** log(1 + eˣ), computed stably; > 0 for every x. */
  softplus(x: CellRef): CellRef {
    return this.cell.op({ type: 'softplus' }, [x]);
  }
  act(name: Activation, x: CellRef): CellRef {
    switch (name) {
      case 'tanh':
        return this.tanh(x);
      case 'sigmoid':
        return this.sigmoid(x);
      case 'relu':
        return this.relu(x);
      case 'linear':
        return x;
    }
  }
  concat(xs: readonly CellRef[]): CellRef {
    return this.cell.op({ type: 'concat', axis: 1 }, xs);
  }
  /** Feature slice [start, end) of a [B, F] value. */
  cols(x: CellRef, start: number, end: number): CellRef {
    return this.cell.op({ type: 'slice', axis: 1, start, end }, [x]);
  }
  split(x: CellRef, gates: readonly string[]): CellRef[] {
    const width = this.cell.get(x).shape[1] / gates.length;
    return gates.map((_, i) => this.cols(x, i * width, (i + 1) * width));
  }
  row(w: CellRef, r: number): CellRef {
    const [, f] = this.cell.get(w).shape;
    return this.cell.op({ type: 'reshape', shape: [f] }, [this.cell.op({ type: 'slice', axis: 0, start: r, end: r + 1 }, [w])]);
  }
  /** As the CTRNN and rateScale blocks compute it: α = Δt·exp(−log τ) (the IR has no division). */
  rate(rho: CellRef, { dt }: Rate): CellRef {
    const step = this.constant(dt);
    return this.mul(step, this.exp(this.neg(this.log(this.add(step, this.softplus(rho))))));
  }
  name(x: CellRef): CellRef {
    return x;
  }
}
