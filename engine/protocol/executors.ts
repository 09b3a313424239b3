/**
 * The executors the engine knows, as data: their ids (in order of preference, fastest first) and
 * what each is, in English and Chinese. Pure, so the protocol, the CLI and the renderer derive
 * their choices from it; engine/executors/registry.ts maps each id to the code that runs it.
 */

export const EXECUTOR_IDS = ['onnxruntime', 'reference'] as const;
export type ExecutorId = (typeof EXECUTOR_IDS)[number];

/** What a user may ask for: an executor by id, or 'auto' (the most preferred one that can run here). */
export const EXECUTOR_CHOICES = ['auto', ...EXECUTOR_IDS] as const;
export type ExecutorChoice = (typeof EXECUTOR_CHOICES)[number];

export interface ExecutorDescription {
  readonly label: { readonly en: string; readonly zh: string };
  readonly description: { readonly en: string; readonly zh: string };
}

export const EXECUTOR_DESCRIPTIONS: { readonly [K in ExecutorId]: ExecutorDescription } = {
  onnxruntime: {
    label: { en: 'ONNX Runtime (CPU)', zh: 'ONNX Runtime（CPU）' },
    description: {
      en: 'The train-step graph emitted as ONNX and run by onnxruntime-node in float32 on every CPU core.',
      zh: '训练步的计算图导出为 ONNX，由 onnxruntime-node 在所有 CPU 核心上以 float32 运行。',
    },
  },
  reference: {
    label: { en: 'Reference interpreter (float64)', zh: '参考解释器（float64）' },
    description: {
      en: 'Plain loops in double precision on one thread: exact and always available, and slow.',
      zh: '单线程、双精度的直接循环：结果精确、随处可用，但速度慢。',
    },
  },
};
