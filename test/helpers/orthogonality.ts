/** What the orthogonal-initialiser tests measure: the plain-JS QR run to the end, and how far Q is from orthonormal. */
import { Random } from '../../engine/datasets/random.ts';
import { finish } from '../../engine/ir/work.ts';
import { orthogonalMatrix } from '../../engine/model/orthogonal.ts';

/** The unblocked plain-JS routine's Q for `seed`, run without giving the event loop back. */
export const plainOrthogonal = (rows: number, cols: number, seed: number): Float64Array => finish(orthogonalMatrix(rows, cols, new Random(seed)));

/** max |QQᵀ − I| (rows ≤ cols) or |QᵀQ − I| of a row-major [rows, cols] matrix, in float64. */
export function orthonormalityError(q: Float64Array, rows: number, cols: number): number {
  const n = Math.min(rows, cols);
  const m = Math.max(rows, cols);
  const at = (i: number, k: number) => (rows <= cols ? q[i * cols + k] : q[k * cols + i]);
  let worst = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let dot = 0;
      for (let k = 0; k < m; k++) dot += at(i, k) * at(j, k);
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  return worst;
}
