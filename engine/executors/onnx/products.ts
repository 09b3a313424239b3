/**
 * Float64 matrix products on ONNX Runtime's CPU provider, for the linear algebra that would take
 * minutes in plain JavaScript (the blocked Householder QR of the orthogonal initialiser). Two
 * tiny models with dynamic dimensions are built once and their sessions reused for every call.
 *
 * Float64 rather than float32: ORT's CPU provider runs Gemm and MatMul in double, and the QR
 * then matches the plain-JavaScript routine to float64 rounding and keeps Q orthogonal to 1e-15,
 * so a seed gives the same float32 weights whichever routine made them; float32 products would
 * round the matrix at every update. The price: double runs at a third to a half of float32's
 * speed (docs/benchmarks.md).
 *
 * ONNX Runtime's `run` holds the JavaScript thread for the whole product, so callers keep each
 * product small enough to stay responsive (a fraction of a second).
 */
import { availableParallelism } from 'node:os';
import onnxProto from 'onnx-proto';
import type { InferenceSession } from 'onnxruntime-node';
import type { onnx as P } from 'onnx-proto';
import { loadOnnxRuntime, type Ort } from './ort.ts';
import { ONNX_IR_VERSION, ONNX_OPSET } from './emit.ts';

const { onnx } = onnxProto;
const DOUBLE = onnx.TensorProto.DataType.DOUBLE;
const { INT, FLOAT } = onnx.AttributeProto.AttributeType;

/** Row-major float64 matrix products the blocked QR is written in. */
export interface MatrixProducts {
  /**
   * Y = X − ((X Vᵀ) S) V for X [rows, len], V [width, len], S [width, width]: a block of
   * Householder reflectors, I − VᵀSV in compact-WY form, applied to every row of X.
   */
  applyBlock(x: Float64Array, v: Float64Array, s: Float64Array, rows: number, width: number, len: number): Promise<Float64Array>;
  /** A Bᵀ for A [p, len] and B [q, len]: the [p, q] inner products of their rows. */
  crossRows(a: Float64Array, b: Float64Array, p: number, q: number, len: number): Promise<Float64Array>;
}

type Dims = readonly [string, string];

const valueInfo = (name: string, [rows, cols]: Dims): P.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType: DOUBLE, shape: { dim: [{ dimParam: rows }, { dimParam: cols }] } } },
});

const model = (name: string, node: P.INodeProto[], inputs: Record<string, Dims>, output: Dims): Uint8Array =>
  onnx.ModelProto.encode({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'rnn-studio',
    graph: { name, node, input: Object.entries(inputs).map(([n, d]) => valueInfo(n, d)), output: [valueInfo('y', output)] },
  }).finish();

const APPLY_BLOCK = model(
  'apply_block',
  [
    { opType: 'Gemm', input: ['x', 'v'], output: ['xv'], attribute: [{ name: 'transB', type: INT, i: 1 }] },
    { opType: 'MatMul', input: ['xv', 's'], output: ['xvs'] },
    {
      opType: 'Gemm',
      input: ['xvs', 'v', 'x'],
      output: ['y'],
      attribute: [
        { name: 'alpha', type: FLOAT, f: -1 },
        { name: 'beta', type: FLOAT, f: 1 },
      ],
    },
  ],
  { x: ['rows', 'len'], v: ['width', 'len'], s: ['width', 'width'] },
  ['rows', 'len'],
);

const CROSS_ROWS = model(
  'cross_rows',
  [{ opType: 'Gemm', input: ['a', 'b'], output: ['y'], attribute: [{ name: 'transB', type: INT, i: 1 }] }],
  { a: ['p', 'len'], b: ['q', 'len'] },
  ['p', 'q'],
);

class OrtMatrixProducts implements MatrixProducts {
  constructor(
    private readonly ort: Ort,
    private readonly apply: InferenceSession,
    private readonly cross: InferenceSession,
  ) {}

  async applyBlock(x: Float64Array, v: Float64Array, s: Float64Array, rows: number, width: number, len: number): Promise<Float64Array> {
    const out = await this.apply.run({ x: this.tensor(x, rows, len), v: this.tensor(v, width, len), s: this.tensor(s, width, width) });
    return out.y.data as Float64Array;
  }

  async crossRows(a: Float64Array, b: Float64Array, p: number, q: number, len: number): Promise<Float64Array> {
    const out = await this.cross.run({ a: this.tensor(a, p, len), b: this.tensor(b, q, len) });
    return out.y.data as Float64Array;
  }

  /** Wraps the first rows·cols values (callers pass views of reused scratch buffers). */
  private tensor(data: Float64Array, rows: number, cols: number) {
    if (data.length < rows * cols) throw new Error(`matrix product: [${rows}, ${cols}] needs ${rows * cols} values, got ${data.length}`);
    return new this.ort.Tensor('float64', data.length === rows * cols ? data : data.subarray(0, rows * cols), [rows, cols]);
  }
}

let products: Promise<MatrixProducts | string> | undefined;

/**
 * The products on ONNX Runtime, made once per process; a string saying why when ONNX Runtime
 * cannot be loaded here (callers then stay with plain JavaScript).
 */
export function onnxMatrixProducts(): Promise<MatrixProducts | string> {
  products ??= (async () => {
    const loaded = await loadOnnxRuntime();
    if (!loaded.ok) return loaded.reason;
    // No spinning: between products the JavaScript thread gathers the next one, and ORT's
    // workers spinning meanwhile would take the cores it needs (2.5× slower on a busy 2-core machine).
    const options: InferenceSession.SessionOptions = {
      intraOpNumThreads: availableParallelism(),
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    try {
      const [apply, cross] = await Promise.all([loaded.ort.InferenceSession.create(APPLY_BLOCK, options), loaded.ort.InferenceSession.create(CROSS_ROWS, options)]);
      return new OrtMatrixProducts(loaded.ort, apply, cross);
    } catch (err) {
      return `ONNX Runtime could not build its float64 matrix products: ${err instanceof Error ? err.message : String(err)}`;
    }
  })();
  return products;
}
