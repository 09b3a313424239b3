/**
 * Choosing an executor at run time. ONNX Runtime is the fast path; the float64 reference
 * interpreter always works. Whoever runs a model is told which one is in use and, when it is the
 * slow one, why the fast one is not.
 */
import { tensor } from '../ir/tensor64.ts';
import type { IrGraph } from '../ir/types.ts';
import { type Feeds, OrtExecutor, type OrtOutput, loadOnnxRuntime } from './onnx/ort.ts';
import { runReference } from './reference.ts';

export type { Feed, Feeds, OrtOutput as Output } from './onnx/ort.ts';

export interface ExecutorInfo {
  readonly name: string;
  readonly device: string;
  readonly version: string;
}

export interface Executor {
  describe(): ExecutorInfo;
  /** Runs `graph` (compiled once per `key`: the caller keys by graph, T and batch size). */
  run(key: string, graph: IrGraph, feeds: Feeds, outputs?: readonly string[]): Promise<Record<string, OrtOutput>>;
  dispose(): Promise<void>;
}

/** The float64 interpreter behind the Executor interface: exact, and slow. */
export class ReferenceExecutor implements Executor {
  describe(): ExecutorInfo {
    return { name: 'reference-float64', device: 'CPU, one thread, float64', version: '1' };
  }

  async run(_key: string, graph: IrGraph, feeds: Feeds, outputs?: readonly string[]): Promise<Record<string, OrtOutput>> {
    const feeds64 = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, tensor(f.shape, f.data)]));
    const result = runReference(graph, feeds64, outputs);
    return Object.fromEntries(Object.entries(result).map(([k, t]) => [k, { shape: [...t.shape], data: Float32Array.from(t.data) }]));
  }

  async dispose(): Promise<void> {}
}

export type ExecutorChoice = 'auto' | 'onnxruntime' | 'reference';

export interface ChosenExecutor {
  readonly executor: Executor;
  /** Why a faster executor is not in use; null when the fastest available one is. */
  readonly reason: string | null;
}

/** Throws only when 'onnxruntime' is demanded and cannot load. */
export async function chooseExecutor(choice: ExecutorChoice = 'auto', threads?: number): Promise<ChosenExecutor> {
  if (choice === 'reference') return { executor: new ReferenceExecutor(), reason: 'the float64 reference interpreter was requested' };
  const loaded = await loadOnnxRuntime();
  if (!loaded.ok) {
    if (choice === 'onnxruntime') throw new Error(`ONNX Runtime is not available: ${loaded.reason}`);
    return { executor: new ReferenceExecutor(), reason: `ONNX Runtime could not be loaded (${loaded.reason}); using the slow float64 interpreter` };
  }
  return { executor: await OrtExecutor.create({ threads }), reason: null };
}
