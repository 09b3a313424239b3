/**
 * Float64 kernels for the reference interpreter: plain loops, written for clarity, not speed.
 * Integer ids are held as integral doubles.
 */
import { type Shape, sizeOf } from './types.ts';

export interface Tensor64 {
  readonly shape: Shape;
  readonly data: Float64Array;
}

export const tensor = (shape: Shape, data?: ArrayLike<number>): Tensor64 => {
  const out = new Float64Array(sizeOf(shape));
  if (data) {
    if (data.length !== out.length) throw new Error(`tensor of shape [${shape.join(', ')}] needs ${out.length} values, got ${data.length}`);
    out.set(data);
  }
  return { shape, data: out };
};

/** numpy broadcasting of two shapes; throws when they are incompatible. */
export function broadcastShapes(a: Shape, b: Shape): Shape {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Strides of `shape` seen from an output of rank `rank`, zero on broadcast axes. */
function broadcastStrides(shape: Shape, out: Shape): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = out.length - shape.length + i;
    strides[o] = shape[i] === 1 && out[o] !== 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

/** Calls f(outIndex, aIndex, bIndex) for every element of the broadcast output. */
function forEachBroadcast(a: Shape, b: Shape, out: Shape, f: (o: number, ia: number, ib: number) => void): void {
  const sa = broadcastStrides(a, out);
  const sb = broadcastStrides(b, out);
  const n = sizeOf(out);
  const idx = new Array<number>(out.length).fill(0);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < n; o++) {
    f(o, ia, ib);
    for (let d = out.length - 1; d >= 0; d--) {
      idx[d]++;
      ia += sa[d];
      ib += sb[d];
      if (idx[d] < out[d]) break;
      ia -= sa[d] * out[d];
      ib -= sb[d] * out[d];
      idx[d] = 0;
    }
  }
}

export function binary(a: Tensor64, b: Tensor64, f: (x: number, y: number) => number): Tensor64 {
  const shape = broadcastShapes(a.shape, b.shape);
  const out = tensor(shape);
  forEachBroadcast(a.shape, b.shape, shape, (o, ia, ib) => {
    out.data[o] = f(a.data[ia], b.data[ib]);
  });
  return out;
}

export function expand(x: Tensor64, shape: Shape): Tensor64 {
  return binary(x, tensor(shape), (v) => v);
}

export const unary = (x: Tensor64, f: (v: number) => number): Tensor64 => ({ shape: x.shape, data: x.data.map(f) });

export function matmul(a: Tensor64, b: Tensor64, transA: boolean, transB: boolean): Tensor64 {
  const [m, k] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const n = transB ? b.shape[0] : b.shape[1];
  const out = tensor([m, n]);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a.data[p * m + i] : a.data[i * k + p];
        const bv = transB ? b.data[j * k + p] : b.data[p * n + j];
        s += av * bv;
      }
      out.data[i * n + j] = s;
    }
  }
  return out;
}

/** Splits a shape around `axis` into (outer, dim, inner) element counts. */
const around = (shape: Shape, axis: number) => ({
  outer: sizeOf(shape.slice(0, axis)),
  dim: shape[axis],
  inner: sizeOf(shape.slice(axis + 1)),
});

export function concat(xs: readonly Tensor64[], axis: number): Tensor64 {
  const total = xs.reduce((s, x) => s + x.shape[axis], 0);
  const shape = xs[0].shape.map((d, i) => (i === axis ? total : d));
  const out = tensor(shape);
  const { outer, inner } = around(shape, axis);
  let offset = 0;
  for (const x of xs) {
    const width = x.shape[axis] * inner;
    for (let o = 0; o < outer; o++) out.data.set(x.data.subarray(o * width, (o + 1) * width), o * total * inner + offset);
    offset += width;
  }
  return out;
}

export function slice(x: Tensor64, axis: number, start: number, end: number): Tensor64 {
  const { outer, dim, inner } = around(x.shape, axis);
  const shape = x.shape.map((d, i) => (i === axis ? end - start : d));
  const out = tensor(shape);
  const width = (end - start) * inner;
  for (let o = 0; o < outer; o++) out.data.set(x.data.subarray(o * dim * inner + start * inner, o * dim * inner + start * inner + width), o * width);
  return out;
}

export function pad(x: Tensor64, axis: number, before: number, after: number): Tensor64 {
  const { outer, dim, inner } = around(x.shape, axis);
  const full = before + dim + after;
  const out = tensor(x.shape.map((d, i) => (i === axis ? full : d)));
  for (let o = 0; o < outer; o++) out.data.set(x.data.subarray(o * dim * inner, (o + 1) * dim * inner), (o * full + before) * inner);
  return out;
}

export function reduceSum(x: Tensor64, axes: readonly number[], keepDims: boolean): Tensor64 {
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = tensor(keptShape);
  forEachBroadcast(keptShape, x.shape, x.shape, (_o, io, ix) => {
    out.data[io] += x.data[ix];
  });
  return keepDims ? out : { shape: x.shape.filter((_, i) => !axes.includes(i)), data: out.data };
}

/** Row-wise over the last axis. */
function rows(x: Tensor64, f: (row: Float64Array, out: Float64Array) => void): Tensor64 {
  const n = x.shape[x.shape.length - 1];
  const out = tensor(x.shape);
  for (let r = 0; r < x.data.length / n; r++) f(x.data.subarray(r * n, (r + 1) * n), out.data.subarray(r * n, (r + 1) * n));
  return out;
}

export const logSoftmax = (x: Tensor64): Tensor64 =>
  rows(x, (row, out) => {
    let max = -Infinity;
    for (const v of row) if (v > max) max = v;
    let s = 0;
    for (const v of row) s += Math.exp(v - max);
    const lse = max + Math.log(s);
    for (let i = 0; i < row.length; i++) out[i] = row[i] - lse;
  });

export const softmax = (x: Tensor64): Tensor64 => unary(logSoftmax(x), Math.exp);

export function oneHot(ids: Tensor64, depth: number): Tensor64 {
  const out = tensor([...ids.shape, depth]);
  ids.data.forEach((id, i) => {
    if (Number.isInteger(id) && id >= 0 && id < depth) out.data[i * depth + id] = 1;
  });
  return out;
}

export function stack(xs: readonly Tensor64[]): Tensor64 {
  const out = tensor([xs.length, ...xs[0].shape]);
  xs.forEach((x, i) => out.data.set(x.data, i * x.data.length));
  return out;
}

export function index(x: Tensor64, i: number): Tensor64 {
  const inner = sizeOf(x.shape.slice(1));
  return { shape: x.shape.slice(1), data: x.data.slice(i * inner, (i + 1) * inner) };
}

export const softplus = (v: number): number => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
export const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
