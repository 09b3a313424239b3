/**
 * The executors: the interface every one implements (types.ts), the registry that says which can
 * run here (registry.ts), and the few helpers callers share.
 */
import type { IrGraph } from '../ir/types.ts';
import type { Executor, Outputs, PrepareOptions, Tensors } from './types.ts';

export * from './types.ts';
export { EXECUTORS, chooseExecutor, executorStatuses, type Availability, type ChooseOptions, type ChosenExecutor, type ExecutorEntry, type ExecutorStatus, type Registry } from './registry.ts';
export { ReferenceExecutor } from './reference.ts';
export type { ExecutorChoice, ExecutorId } from '../protocol/executors.ts';

/** Prepares `graph`, runs it once on `feeds` and releases it. Throws what prepare and run throw. */
export async function runOnce(executor: Executor, graph: IrGraph, feeds: Tensors, options: PrepareOptions = {}): Promise<Outputs> {
  const program = await executor.prepare(graph, options);
  try {
    return await program.run(feeds);
  } finally {
    await program.dispose();
  }
}
