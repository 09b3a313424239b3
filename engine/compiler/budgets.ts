/**
 * Budgets: the sizes the engine refuses before it allocates anything that grows with them. Each
 * refusal names the value, the limit and how to raise it, because a limit that is right for a
 * laptop is wrong for a workstation: the limits are defaults, not truths.
 *
 *   steps       time steps one compile unrolls (the IR grows linearly in T)
 *   parameters  trainable weights, counted from the block specs before any is allocated
 *   inputSteps  the length of an input to predict, forecast or sample
 *   memory      the activation memory of one train step, estimated from the IR, against free memory
 */
import type { IrGraph } from '../ir/types.ts';
import { sizeOf } from '../ir/types.ts';
import type { Analysis } from './validate.ts';

export interface Budgets {
  readonly steps: number;
  readonly parameters: number;
  readonly inputSteps: number;
  /** Bytes one train step's tensors may take; null: whatever memory is free when training starts. */
  readonly memoryBytes: number | null;
}

export type BudgetName = 'steps' | 'parameters' | 'inputSteps' | 'memory';

export const DEFAULT_BUDGETS: Budgets = {
  // Unrolling is linear in T: about 2 kB of IR per node and dozens of nodes per step, so 10,000
  // steps of a stacked LSTM is already hundreds of MB of graph before any tensor exists.
  steps: 10_000,
  // 200 million float32 weights are 800 MB; training holds them with their gradients and two Adam
  // moments (3.2 GB), plus activations. That is what a desktop with 8–16 GB can still train here;
  // models beyond it belong to the exported PyTorch script.
  parameters: 200_000_000,
  // Predict, forecast and sample compile for the input's length, so it shares the steps limit.
  inputSteps: 10_000,
  memoryBytes: null,
};

/** How a user raises each limit: an option of the CLI and an environment variable the engine host reads too. */
export const BUDGET_KNOBS: Readonly<Record<BudgetName, { flag: string; env: string }>> = {
  steps: { flag: '--max-steps', env: 'RNN_STUDIO_MAX_STEPS' },
  parameters: { flag: '--max-parameters', env: 'RNN_STUDIO_MAX_PARAMETERS' },
  inputSteps: { flag: '--max-steps', env: 'RNN_STUDIO_MAX_STEPS' },
  memory: { flag: '--max-memory <MB>', env: 'RNN_STUDIO_MAX_MEMORY_MB' },
};

const raiseHint = (name: BudgetName) => `raise it with ${BUDGET_KNOBS[name].flag} on the command line or the ${BUDGET_KNOBS[name].env} environment variable`;

export class BudgetError extends Error {
  constructor(
    readonly budget: BudgetName,
    message: string,
  ) {
    super(`${message}; ${raiseHint(budget)}`);
  }
}

const count = (n: number) => n.toLocaleString('en-US');
const megabytes = (bytes: number) => `${count(Math.ceil(bytes / 2 ** 20))} MB`;

/** Overrides of the defaults, as the CLI's options and the environment give them. */
export interface BudgetOverrides {
  readonly maxSteps?: number;
  readonly maxParameters?: number;
  /** Megabytes. */
  readonly maxMemory?: number;
}

/**
 * The default budgets with the environment's overrides (RNN_STUDIO_MAX_STEPS, …) and then
 * `overrides` applied. Throws Error naming the variable when one is not a positive integer.
 */
export function budgetsFrom(env: Readonly<Record<string, string | undefined>>, overrides: BudgetOverrides = {}): Budgets {
  const read = (name: 'steps' | 'parameters' | 'memory'): number | undefined => {
    const text = env[BUDGET_KNOBS[name].env];
    if (text === undefined || text === '') return undefined;
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${BUDGET_KNOBS[name].env} must be a positive integer, got '${text}'`);
    return n;
  };
  const steps = overrides.maxSteps ?? read('steps') ?? DEFAULT_BUDGETS.steps;
  const memory = overrides.maxMemory ?? read('memory');
  return {
    steps,
    parameters: overrides.maxParameters ?? read('parameters') ?? DEFAULT_BUDGETS.parameters,
    inputSteps: steps,
    memoryBytes: memory === undefined ? null : memory * 2 ** 20,
  };
}

/** Throws BudgetError when one compile would unroll more than `limit` steps. */
export function checkSteps(steps: number, limit: number = DEFAULT_BUDGETS.steps): void {
  if (steps > limit) throw new BudgetError('steps', `unrolling ${count(steps)} steps exceeds the limit of ${count(limit)} steps per compile`);
}

/** Throws BudgetError when an input to predict, forecast or sample is longer than `limit` steps. */
export function checkInputSteps(steps: number, what: string, limit: number = DEFAULT_BUDGETS.inputSteps): void {
  if (steps > limit) throw new BudgetError('inputSteps', `${what} has ${count(steps)} steps, more than the limit of ${count(limit)}`);
}

/** Trainable weights of the valid nodes of an analysis, from their specs (nothing allocated). */
export function parameterCount(analysis: Pick<Analysis, 'nodes'>): number {
  let total = 0;
  for (const info of analysis.nodes.values()) for (const w of info.weights) total += sizeOf(w.shape);
  return total;
}

/** The refusal for `parameters` weights over `limit`, or null. */
export function parameterBudgetMessage(parameters: number, limit: number = DEFAULT_BUDGETS.parameters): string | null {
  if (parameters <= limit) return null;
  return `the graph has ${count(parameters)} parameters, more than the limit of ${count(limit)} (${megabytes(parameters * 4)} of float32 weights, about four times that to train); ${raiseHint('parameters')}`;
}

const BYTES: Readonly<Record<IrGraph['nodes'][number]['dtype'], number>> = { float32: 4, int32: 4 };

/**
 * The most bytes of tensors alive at once while an executor runs `ir` node by node in its order:
 * a node's value lives from the node to its last reader, inputs and params for the whole run, and
 * the outputs to the end. This is the lower bound an executor cannot beat without recomputing.
 */
export function activationBytes(ir: IrGraph): number {
  const { nodes } = ir;
  const lastUse = new Int32Array(nodes.length).fill(-1);
  for (const n of nodes) for (const i of n.inputs) lastUse[i] = Math.max(lastUse[i], n.id);
  for (const id of Object.values(ir.outputs)) lastUse[id] = nodes.length;
  const bytes = (i: number) => sizeOf(nodes[i].shape) * BYTES[nodes[i].dtype];
  // Deaths per step: a value dies after its last reader has run.
  const dying: number[][] = Array.from({ length: nodes.length }, () => []);
  let live = 0;
  for (const n of nodes) {
    const fed = n.op.type === 'input' || n.op.type === 'param';
    if (fed) {
      live += bytes(n.id);
      continue;
    }
    if (lastUse[n.id] >= 0 && lastUse[n.id] < nodes.length) dying[lastUse[n.id]].push(n.id);
  }
  let peak = live;
  for (const n of nodes) {
    const fed = n.op.type === 'input' || n.op.type === 'param';
    if (!fed) live += bytes(n.id);
    peak = Math.max(peak, live);
    // A node nobody reads is freed at once; inputs and params stay for the whole run.
    if (!fed && lastUse[n.id] < 0) live -= bytes(n.id);
    for (const d of dying[n.id]) live -= bytes(d);
  }
  return peak;
}

/**
 * Throws BudgetError when one train step's estimated activations exceed the budget: `limitBytes`
 * when set, else `freeBytes` (the machine's free memory, which the caller measures).
 */
export function checkActivationMemory(ir: IrGraph, limitBytes: number | null, freeBytes: number): void {
  const estimate = activationBytes(ir);
  const limit = limitBytes ?? freeBytes;
  if (estimate <= limit) return;
  const against = limitBytes === null ? `the ${megabytes(freeBytes)} of memory that is free` : `the limit of ${megabytes(limitBytes)}`;
  throw new BudgetError('memory', `one train step needs an estimated ${megabytes(estimate)} of tensors at once, more than ${against} (use fewer steps, a smaller batch, fewer units or truncated BPTT)`);
}
