/**
 * Their side: the same model in TF.js Layers on the WebAssembly backend, one
 * `model.trainOnBatch(x, y)` with Adam per step.
 *
 * @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm are dev dependencies, imported dynamically
 * so that a checkout without them still runs our half of the benchmark.
 *
 * Which wasm binary: Node 20 loads `tfjs-backend-wasm-simd.wasm` (SIMD, one thread). The
 * threaded SIMD binary does not load in Node out of the box: tfjs-backend-wasm starts its
 * pthread workers from `blob:` URLs, which node:worker_threads rejects (ERR_WORKER_PATH). We
 * switch multithreading off explicitly so a Node that reports SharedArrayBuffer support does not
 * try it and fail.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type { Optimizer } from '../graph/schema.ts';
import type { Dims, ModelSpec } from './models.ts';

type Tf = typeof import('@tensorflow/tfjs');
type TfWasm = typeof import('@tensorflow/tfjs-backend-wasm');
type Sequential = ReturnType<Tf['sequential']>;
type Tensor = ReturnType<Tf['tensor']>;

export interface TfjsInfo {
  readonly version: string;
  readonly backend: string;
  /** The .wasm binary in use. */
  readonly binary: string;
  readonly threads: number;
}

export type TfjsLoad = { ok: true; tf: Tf; info: TfjsInfo } | { ok: false; reason: string };

/** A dynamic import of a CommonJS bundle: the named exports, or the same under `default`. */
function namespace<T extends object>(mod: T, probe: string): T {
  if (probe in mod) return mod;
  const fallback = (mod as { default?: T }).default;
  return fallback !== undefined && probe in fallback ? fallback : mod;
}

export async function loadTfjs(): Promise<TfjsLoad> {
  let tf: Tf;
  let wasm: TfWasm;
  try {
    tf = namespace(await import('@tensorflow/tfjs'), 'sequential');
    wasm = namespace(await import('@tensorflow/tfjs-backend-wasm'), 'setWasmPaths');
  } catch (e) {
    return {
      ok: false,
      reason:
        `@tensorflow/tfjs and @tensorflow/tfjs-backend-wasm (dev dependencies) could not be loaded: ${e instanceof Error ? e.message : String(e)}. ` +
        'Run `npm install` (without --omit=dev) to compare against TF.js.',
    };
  }
  const dir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  const binaries = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'];
  if (!binaries.some((b) => existsSync(join(dir, b)))) return { ok: false, reason: `no TF.js .wasm binaries in ${dir}` };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasm.setWasmPaths(dir + sep);
  let ok = false;
  try {
    ok = await tf.setBackend('wasm');
    await tf.ready();
  } catch (e) {
    return { ok: false, reason: `the TF.js wasm backend did not start: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!ok || tf.getBackend() !== 'wasm') return { ok: false, reason: `the TF.js wasm backend did not start (backend is '${tf.getBackend()}')` };
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  return { ok: true, tf, info: { version: tf.version.tfjs, backend: 'wasm', binary: simd ? binaries[1] : binaries[0], threads: wasm.getThreadsCount() } };
}

export interface TheirStep {
  readonly loss: number;
  readonly ms: number;
}

export class TheirModel {
  private readonly model: Sequential;
  private readonly x: Tensor;
  private readonly y: Tensor;

  /**
   * `weights` in Keras order (kernel, recurrentKernel, bias, head kernel, head bias): ours, so both
   * sides start from the same point. `x` is example-major [B, T, F], `y` is [B, O].
   */
  constructor(
    private readonly tf: Tf,
    spec: ModelSpec,
    d: Dims,
    optimizer: Optimizer,
    weights: readonly { shape: readonly number[]; data: Float32Array }[],
    x: Float32Array,
    y: Float32Array,
  ) {
    if (!spec.tfjs) throw new Error(`TF.js Layers cannot build ${spec.label}`);
    if (optimizer.type !== 'adam') throw new Error('the TF.js side uses Adam only');
    // TF.js defaults the recurrent activation to hardSigmoid; ours (and Keras's) is sigmoid.
    // Its GRU is always resetAfter false (it throws on true).
    // Zero initialisers skip TF.js's slow orthogonal init: the weights are set just below.
    const common = {
      units: d.units,
      returnSequences: false,
      inputShape: [d.steps, d.features],
      activation: 'tanh' as const,
      recurrentActivation: 'sigmoid' as const,
      kernelInitializer: 'zeros' as const,
      recurrentInitializer: 'zeros' as const,
    };
    const rnn = spec.cell === 'lstm' ? tf.layers.lstm({ ...common, unitForgetBias: false }) : tf.layers.gru(common);
    this.model = tf.sequential({ layers: [rnn, tf.layers.dense({ units: d.outputs })] });
    this.model.compile({ optimizer: tf.train.adam(optimizer.learningRate, optimizer.beta1, optimizer.beta2, optimizer.epsilon), loss: 'meanSquaredError' });
    const theirs = this.model.getWeights();
    if (theirs.length !== weights.length || theirs.some((t, i) => t.shape.join() !== weights[i].shape.join()))
      throw new Error(`TF.js weights ${theirs.map((t) => `[${t.shape.join(', ')}]`).join(' ')} do not line up with ours ${weights.map((w) => `[${w.shape.join(', ')}]`).join(' ')}`);
    // getWeights() hands out the layers' own variables: not ours to dispose.
    const mine = weights.map((w) => tf.tensor(w.data, [...w.shape]));
    this.model.setWeights(mine);
    tf.dispose(mine);
    this.x = tf.tensor(x, [d.batch, d.steps, d.features]);
    this.y = tf.tensor(y, [d.batch, d.outputs]);
  }

  async step(): Promise<TheirStep> {
    const t0 = performance.now();
    const result = await this.model.trainOnBatch(this.x, this.y);
    const ms = performance.now() - t0;
    return { loss: Array.isArray(result) ? result[0] : result, ms };
  }

  /** Tensors alive in the TF.js engine (to check that a step leaks none). */
  tensors(): number {
    return this.tf.memory().numTensors;
  }

  dispose(): void {
    this.model.dispose();
    this.tf.dispose([this.x, this.y]);
  }
}
