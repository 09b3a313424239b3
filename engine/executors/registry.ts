/**
 * Every executor, by id: whether it can run on this machine (and why not), and how to make one.
 * The ids, their order of preference and their descriptions are data in
 * engine/protocol/executors.ts, which the protocol, the CLI and the UI read; this is the Node side.
 */
import { EXECUTOR_DESCRIPTIONS, EXECUTOR_IDS, type ExecutorChoice, type ExecutorId } from '../protocol/executors.ts';
import { loadOnnxRuntime, OrtExecutor } from './onnx/ort.ts';
import { ReferenceExecutor } from './reference.ts';
import type { Executor } from './types.ts';

export type Availability = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface ExecutorEntry {
  /** Whether it can run here; never throws (a failure to load comes back as the reason). */
  availability(): Promise<Availability>;
  /** Throws an Error saying why when it cannot run here. */
  create(options: { readonly threads?: number }): Promise<Executor>;
}

export const EXECUTORS = {
  onnxruntime: {
    async availability() {
      const loaded = await loadOnnxRuntime();
      return loaded.ok ? { ok: true } : { ok: false, reason: loaded.reason };
    },
    create: (options) => OrtExecutor.create(options),
  },
  reference: {
    availability: async () => ({ ok: true }),
    create: async () => new ReferenceExecutor(),
  },
} satisfies Record<ExecutorId, ExecutorEntry>;

export type Registry = { readonly [K in ExecutorId]: ExecutorEntry };

export interface ExecutorStatus {
  readonly id: ExecutorId;
  readonly available: boolean;
  /** Why it cannot run here; null when it can. */
  readonly reason: string | null;
}

/** Every executor in order of preference, with whether it can run here and why not. */
export async function executorStatuses(registry: Registry = EXECUTORS): Promise<ExecutorStatus[]> {
  return Promise.all(
    EXECUTOR_IDS.map(async (id) => {
      const a = await registry[id].availability();
      return { id, available: a.ok, reason: a.ok ? null : a.reason };
    }),
  );
}

export interface ChosenExecutor {
  readonly executor: Executor;
  /** Why a faster executor is not in use; null when the fastest available one is. */
  readonly reason: string | null;
}

const labelOf = (id: ExecutorId): string => EXECUTOR_DESCRIPTIONS[id].label.en;

export interface ChooseOptions {
  /** CPU threads, for the executors that take them (default: all). */
  readonly threads?: number;
  /** Where the executors come from (default: EXECUTORS). */
  readonly registry?: Registry;
}

/**
 * The executor `choice` names, or for 'auto' the most preferred one that can run here. Throws
 * when the named one cannot run here, or when none can.
 */
export async function chooseExecutor(choice: ExecutorChoice = 'auto', { threads, registry = EXECUTORS }: ChooseOptions = {}): Promise<ChosenExecutor> {
  const fastest = EXECUTOR_IDS[0];
  if (choice !== 'auto') {
    const a = await registry[choice].availability();
    if (!a.ok) throw new Error(`${labelOf(choice)} is not available: ${a.reason}`);
    return { executor: await registry[choice].create({ threads }), reason: choice === fastest ? null : `${labelOf(choice)} was requested` };
  }
  const passedOver: string[] = [];
  for (const id of EXECUTOR_IDS) {
    const a = await registry[id].availability();
    if (!a.ok) {
      passedOver.push(`${labelOf(id)} could not be loaded (${a.reason})`);
      continue;
    }
    return { executor: await registry[id].create({ threads }), reason: passedOver.length ? `${passedOver.join('; ')}; using ${labelOf(id)}` : null };
  }
  throw new Error(`no executor can run here: ${passedOver.join('; ')}`);
}
