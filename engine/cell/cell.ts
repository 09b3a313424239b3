/**
 * The cell graph: what blocks lower to. Primitive IR ops evaluated once per time step, plus
 * Delay nodes (z⁻¹, the only source of recurrence) and the few nodes that move values between
 * "every step" and "once per sequence". Unrolling it over T gives the forward IR.
 *
 * Shapes here are per step and include the batch: a sequence of features F is [B, F] at each step.
 */
import { inferShape } from '../ir/ops.ts';
import type { DType, IrOp, Shape } from '../ir/types.ts';
import type { DiagnosticCode } from '../graph/diagnostics.ts';

export type CellRef = number;
/** 'step': a value at every time step; 'once': one value for the whole sequence. */
export type Domain = 'step' | 'once';
/**
 * Which way a delay carries its value: 'forward' (z⁻¹) from step t − 1 to t, 'backward' (z⁺¹)
 * from step t + 1 to t. A loop through backward delays runs from t = T − 1 down to 0.
 */
export type TimeDirection = 'forward' | 'backward';

interface Common {
  readonly id: CellRef;
  readonly block: string;
  readonly shape: Shape;
  readonly dtype: DType;
  readonly domain: Domain;
}

export type CellNode =
  | (Common & { kind: 'op'; op: IrOp; inputs: readonly CellRef[] })
  | (Common & { kind: 'param'; name: string })
  /** Data; per step it is row t of a time-major [T, ...shape] input. */
  | (Common & { kind: 'input'; name: string })
  /**
   * Forward: the value of `input` at t − 1, and at t = 0 the value of `init` (zeros when null).
   * Backward: the value of `input` at t + 1, and at t = T − 1 the value of `init`.
   */
  | (Common & { kind: 'delay'; name: string; input: CellRef | null; init: CellRef | null; direction: TimeDirection })
  | (Common & { kind: 'lastStep'; input: CellRef })
  /** The value at t = 0: where a backward loop ends. */
  | (Common & { kind: 'firstStep'; input: CellRef })
  | (Common & { kind: 'meanOverTime'; input: CellRef })
  /** One value per sequence, the same at every step (a vector repeated over time). */
  | (Common & { kind: 'repeat'; input: CellRef })
  /**
   * Every step of a sequence at once, batch-major: a per-step [B, ...] becomes [B, T, ...]. What
   * attention reads its keys and values from (each query step sees all source steps).
   */
  | (Common & { kind: 'allSteps'; input: CellRef });

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A value a block shows without a port (an attention block's weights), for tools that draw it. */
export interface CellProbe {
  readonly block: string;
  readonly name: string;
  readonly ref: CellRef;
}

/**
 * A dropout mask the trainer feeds: data input `name` (per step [B, F] or once [B, F]) holding
 * m / (1 − rate), m ~ Bernoulli(1 − rate). The IR only multiplies by it, so it stays deterministic.
 */
export interface CellMask {
  readonly name: string;
  readonly rate: number;
}

export interface CellGraph {
  readonly nodes: readonly CellNode[];
  readonly batch: number;
  readonly probes?: readonly CellProbe[];
  /** Dropout masks, only in a cell lowered for training. */
  readonly masks?: readonly CellMask[];
}

/** A problem found while building or unrolling the cell graph, pinned to the block it came from. */
export class CellError extends Error {
  constructor(
    message: string,
    readonly block: string,
    readonly code: DiagnosticCode = 'shape-unknown',
  ) {
    super(message);
  }
}

export class CellBuilder {
  readonly nodes: CellNode[] = [];
  readonly probes: CellProbe[] = [];
  readonly masks: CellMask[] = [];
  /** Whether some block lowered differently for training than for evaluation (dropout, teacher forcing). */
  modal = false;
  /**
   * Set by the compiler: the target, at every step, of the one output block that `block`'s output
   * reaches ([B, size]; class ids one-hot). Throws CellError when there is none to use.
   */
  targets?: (block: string, size: number) => CellRef;
  block = '';
  /** Each param's node by name: a block reads its weights often, and a graph can hold hundreds of blocks. */
  private readonly params = new Map<string, CellRef>();

  /**
   * `steps`: the T the cell will be unrolled over, when known (allSteps and repeat need or check it).
   * `training`: lowered for the train step (dropout multiplies by masks); otherwise for evaluation.
   * `stepsKnown`: false when `steps` stands in for a T not yet known (validation): blocks that need
   * a T get it, and nothing is checked against it.
   */
  constructor(
    readonly batch: number,
    readonly steps?: number,
    readonly training = false,
    readonly stepsKnown = true,
  ) {}

  /** Attributes every node created inside `f` to `block`. */
  forBlock<R>(block: string, f: () => R): R {
    const saved = this.block;
    this.block = block;
    try {
      return f();
    } finally {
      this.block = saved;
    }
  }

  op(op: IrOp, inputs: readonly CellRef[]): CellRef {
    const xs = inputs.map((i) => this.get(i));
    let typed;
    try {
      typed = inferShape(op, xs);
    } catch (e) {
      throw new CellError(e instanceof Error ? e.message : String(e), this.block);
    }
    const domain: Domain = xs.some((x) => x.domain === 'step') ? 'step' : 'once';
    return this.push({ kind: 'op', op, inputs: [...inputs], ...typed, domain });
  }

  param(name: string, shape: Shape): CellRef {
    const known = this.params.get(name);
    if (known !== undefined) return known;
    const id = this.push({ kind: 'param', name, shape, dtype: 'float32', domain: 'once' });
    this.params.set(name, id);
    return id;
  }

  /** A data input; `perStep` inputs are sequences (their per-step shape is given). */
  input(name: string, shape: Shape, dtype: DType, perStep: boolean): CellRef {
    const known = this.nodes.find((n) => n.kind === 'input' && n.name === name);
    if (known) {
      if (known.shape.join() !== shape.join() || known.dtype !== dtype || (known.domain === 'step') !== perStep)
        throw new CellError(`data input '${name}' is read with two different shapes`, this.block);
      return known.id;
    }
    return this.push({ kind: 'input', name, shape, dtype, domain: perStep ? 'step' : 'once' });
  }

  /**
   * Gives the data input `ref` another name, so that a later read of its old name makes a new
   * input: prediction feeds each source block its own data where training feeds one stream.
   */
  renameInput(ref: CellRef, name: string): void {
    const node = this.get(ref);
    if (node.kind !== 'input') throw new Error(`cell node ${ref} is not a data input`);
    this.nodes[ref] = { ...node, name };
  }

  /**
   * A z⁻¹ (or, running backward, a z⁺¹) whose input is connected later with `connectDelay` (it
   * usually closes a cycle). `init`, one value per sequence of `shape`, is where it starts instead
   * of zeros.
   */
  delay(name: string, shape: Shape, init: CellRef | null = null, direction: TimeDirection = 'forward'): CellRef {
    if (init !== null) {
      const start = this.get(init);
      if (start.shape.join() !== shape.join())
        throw new CellError(`delay '${name}': initial value is [${start.shape.join(', ')}], expected [${shape.join(', ')}]`, this.block);
      if (start.domain !== 'once') throw new CellError(`delay '${name}': its initial value must be one value per sequence, not a sequence`, this.block);
    }
    return this.push({ kind: 'delay', name, input: null, init, direction, shape, dtype: 'float32', domain: 'step' });
  }

  connectDelay(delay: CellRef, input: CellRef): void {
    const node = this.get(delay);
    if (node.kind !== 'delay') throw new Error(`cell node ${delay} is not a delay`);
    const x = this.get(input);
    if (x.shape.join() !== node.shape.join())
      throw new CellError(`delay '${node.name}': input is [${x.shape.join(', ')}], expected [${node.shape.join(', ')}]`, node.block);
    if (x.domain !== 'step') throw new CellError(`delay '${node.name}': its input must be a sequence`, node.block);
    this.nodes[delay] = { ...node, input };
  }

  lastStep(input: CellRef): CellRef {
    const x = this.stepValue(input, 'last step');
    return this.push({ kind: 'lastStep', input, shape: x.shape, dtype: x.dtype, domain: 'once' });
  }

  firstStep(input: CellRef): CellRef {
    const x = this.stepValue(input, 'first step');
    return this.push({ kind: 'firstStep', input, shape: x.shape, dtype: x.dtype, domain: 'once' });
  }

  /** Where a recurrence running in `direction` ends: the last step forward, the first step backward. */
  finalStep(input: CellRef, direction: TimeDirection): CellRef {
    return direction === 'forward' ? this.lastStep(input) : this.firstStep(input);
  }

  meanOverTime(input: CellRef): CellRef {
    const x = this.stepValue(input, 'mean over time');
    return this.push({ kind: 'meanOverTime', input, shape: x.shape, dtype: x.dtype, domain: 'once' });
  }

  /**
   * A value per sequence repeated at every step (one-to-many). `times` > 0 must equal the steps
   * the cell is built for; throws CellError ('param-invalid') when it does not.
   */
  repeat(input: CellRef, times = 0): CellRef {
    const x = this.get(input);
    if (x.domain !== 'once') throw new CellError('repeat needs one value per sequence, not a sequence', this.block);
    if (times > 0 && this.steps !== undefined && this.stepsKnown && times !== this.steps)
      throw new CellError(
        `repeats its input ${times} times, but the graph runs over ${this.steps} steps (the dataset's T, or the chunk of truncated BPTT); set steps to 0 (as many as the graph runs) or to ${this.steps}`,
        this.block,
        'param-invalid',
      );
    return this.push({ kind: 'repeat', input, shape: x.shape, dtype: x.dtype, domain: 'step' });
  }

  /** Every step of the sequence `input` ([B, ...] per step) as one value [B, T, ...]. Throws CellError when T is not known. */
  allSteps(input: CellRef): CellRef {
    const x = this.stepValue(input, 'reading every step');
    if (this.steps === undefined) throw new CellError('reading every step of a sequence needs the number of steps, and this cell graph was built without it', this.block);
    const [batch, ...rest] = x.shape;
    return this.push({ kind: 'allSteps', input, shape: [batch, this.steps, ...rest], dtype: x.dtype, domain: 'once' });
  }

  /**
   * Inverted dropout of `input` ([B, F], per step or once): in a training cell x ⊙ mask, where the
   * data input `mask:<name>` of the same shape holds m / (1 − rate), fed fresh every step by the
   * trainer; in an evaluation cell, or with rate 0, `input` itself (no node at all).
   */
  dropout(input: CellRef, rate: number, name: string): CellRef {
    if (!(rate >= 0 && rate < 1)) throw new CellError(`dropout rate must be in [0, 1), got ${rate}`, this.block, 'param-invalid');
    if (rate === 0) return input;
    return this.byMode(
      () => this.masked(input, name, rate),
      () => input,
    );
  }

  /** The per-step target that `this.block`'s output learns, [B, size] (what teacher forcing feeds back). Throws CellError when there is none. */
  target(size: number): CellRef {
    if (!this.targets) throw new CellError('teacher forcing needs the targets of an output block, and this cell graph is built without them', this.block, 'param-invalid');
    return this.targets(this.block, size);
  }

  /** `train()` in a cell lowered for training, `evaluate()` otherwise; either way the two cells now differ. */
  byMode<R>(train: () => R, evaluate: () => R): R {
    this.modal = true;
    return this.training ? train() : evaluate();
  }

  private masked(input: CellRef, name: string, rate: number): CellRef {
    const x = this.get(input);
    if (x.dtype !== 'float32') throw new CellError('dropout needs real features, not token ids', this.block);
    const maskName = `mask:${name}`;
    if (this.masks.some((m) => m.name === maskName)) throw new Error(`internal: dropout mask '${maskName}' made twice`);
    this.masks.push({ name: maskName, rate });
    const mask = this.input(maskName, x.shape, 'float32', x.domain === 'step');
    return this.op({ type: 'mul' }, [input, mask]);
  }

  /** Records `ref` as the value `name` of the current block, shown by tools (not a port). */
  probe(name: string, ref: CellRef): void {
    this.get(ref);
    this.probes.push({ block: this.block, name, ref });
  }

  get(ref: CellRef): CellNode {
    const n = this.nodes[ref];
    if (!n) throw new Error(`no cell node ${ref}`);
    return n;
  }

  finish(): CellGraph {
    for (const n of this.nodes) if (n.kind === 'delay' && n.input === null) throw new CellError(`delay '${n.name}' has no input`, n.block);
    return {
      nodes: [...this.nodes],
      batch: this.batch,
      ...(this.probes.length ? { probes: [...this.probes] } : {}),
      ...(this.masks.length ? { masks: [...this.masks] } : {}),
    };
  }

  private stepValue(input: CellRef, what: string): CellNode {
    const x = this.get(input);
    if (x.domain !== 'step') throw new CellError(`${what} needs a sequence`, this.block);
    return x;
  }

  private push(n: DistributiveOmit<CellNode, 'id' | 'block'>): CellRef {
    const id = this.nodes.length;
    this.nodes.push({ ...n, id, block: this.block } as CellNode);
    return id;
  }
}
