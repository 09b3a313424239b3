/**
 * Cell math that reads like the equations: `const [i, f, g, o] = m.split(z, 4)`.
 * Every helper emits primitive cell-graph ops, so a macro block lowers to exactly what a user
 * could wire by hand.
 */
import type { CellBuilder, CellRef } from '../cell/cell.ts';
import { z } from 'zod';

export const Activation = z.enum(['tanh', 'sigmoid', 'relu', 'linear']);
export type Activation = z.infer<typeof Activation>;

export class CellMath {
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
  /** Splits [B, n·H] into n values of [B, H] (gate order as laid out in the weights). */
  split(x: CellRef, n: number): CellRef[] {
    const width = this.cell.get(x).shape[1] / n;
    return Array.from({ length: n }, (_, i) => this.cols(x, i * width, (i + 1) * width));
  }
  /** Row `r` of a [R, F] weight as a [F] vector (for biases stored as [2, 3H]). */
  row(w: CellRef, r: number): CellRef {
    const [, f] = this.cell.get(w).shape;
    return this.cell.op({ type: 'reshape', shape: [f] }, [this.cell.op({ type: 'slice', axis: 0, start: r, end: r + 1 }, [w])]);
  }
}
