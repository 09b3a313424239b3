/**
 * What a block is: ports, params (one zod schema with defaults and ranges, help in English and
 * Chinese), weights in the Keras layout, shape inference over port types, and lowering to the
 * primitive cell graph. Every block kind is one module; `registry.ts` lists them.
 */
import type { z } from 'zod';
import type { CellBuilder, CellRef, TimeDirection } from '../cell/cell.ts';
import type { Shape } from '../ir/types.ts';
import type { OpenPlan } from './step.ts';

export interface Text {
  readonly en: string;
  readonly zh: string;
}

/** 'sequence': a value at every time step. 'vector': one value per sequence. */
export type PortKind = 'sequence' | 'vector';

/** What flows along an edge (per example; the batch is implicit). */
export interface PortType {
  readonly kind: PortKind;
  /** Features, or the vocabulary size for token ids. */
  readonly size: number;
  /** Integer token ids rather than real features. */
  readonly tokens: boolean;
}

export interface InputPort {
  readonly name: string;
  readonly label: Text;
  readonly accepts: readonly PortKind[];
  /** Whether token ids are required ('only'), refused ('never') or both fine. */
  readonly tokens: 'only' | 'never' | 'either';
  readonly optional?: boolean;
}

export interface OutputPort {
  readonly name: string;
  readonly label: Text;
  /**
   * When the port exists only for some params (a bidirectional block's `c` needs an LSTM cell):
   * the condition, in words. `infer` leaves such a port out of its result when it does not apply,
   * and the validator reports an edge that leaves from it.
   */
  readonly only?: Text;
}

/** How a weight starts (engine/model/init.ts draws it, deterministic by seed). */
export type Initializer =
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heUniform'
  | 'heNormal'
  | 'orthogonal'
  | 'identity'
  | 'zeros'
  | 'ones'
  | 'constant'
  | 'forgetBias'
  | 'uniform';

/** A trainable weight, named as Keras names it (kernel, recurrentKernel, bias, …). */
export interface WeightSpec {
  readonly name: string;
  readonly shape: Shape;
  readonly init: Initializer;
  /**
   * The width of one gate block: for 'forgetBias' (a bias laid out in gates i, f, c, o) and for
   * 'identity' (an identity matrix in every gate block of H columns).
   */
  readonly units?: number;
  /** Every initial value is multiplied by this (default 1). */
  readonly gain?: number;
  /** For 'constant': the value every element starts at. */
  readonly value?: number;
}

/** A problem found while inferring shapes, reported on the block and port it names. */
export class BlockIssue extends Error {
  constructor(
    readonly code: 'kind-mismatch' | 'size-mismatch' | 'token-mismatch' | 'param-invalid' | 'shape-unknown',
    message: string,
    readonly port?: string,
  ) {
    super(message);
  }
}

export interface InferContext {
  /** Types of the connected inputs (absent: not connected or not yet known). */
  readonly inputs: Readonly<Record<string, PortType | undefined>>;
}

export interface LowerContext {
  readonly cell: CellBuilder;
  readonly nodeId: string;
  readonly inputs: Readonly<Record<string, CellRef | undefined>>;
  /** The types inferred for this block's inputs. */
  readonly types: Readonly<Record<string, PortType | undefined>>;
  /** The weight `name` of this block (declared by `weights`) as a cell param. */
  weight(name: string): CellRef;
}

export interface BlockDef<P> {
  readonly type: string;
  readonly category: 'data' | 'recurrent' | 'layer' | 'primitive' | 'output';
  readonly label: Text;
  readonly help: Text;
  readonly params: z.ZodType<P>;
  readonly paramHelp: { readonly [K in keyof P]-?: Text };
  readonly inputs: readonly InputPort[];
  readonly outputs: readonly OutputPort[];
  /** Output types from input types; throws BlockIssue. Called only when required inputs are known. */
  infer(p: P, cx: InferContext): Readonly<Record<string, PortType>>;
  /** Trainable weights, given the inferred input types. */
  weights(p: P, cx: InferContext): readonly WeightSpec[];
  /** Emits the block's cell: returns one cell value per output port. */
  lower(p: P, cx: LowerContext): Readonly<Record<string, CellRef>>;
  /**
   * The ways in time the block's own recurrences run (absent: it has none). The validator refuses
   * a loop of blocks that would need both (a backward delay around an LSTM, a bidirectional block
   * on a loop): no step of it could be computed first.
   */
  runs?(p: P): readonly TimeDirection[];
  /** How the block opens into primitive blocks (absent: it is not made of a cell that can be drawn). */
  opens?(p: P): OpenPlan;
}

/** A block of any param type, as the registry holds it. */
export type AnyBlock = BlockDef<Record<string, unknown>>;

export const defineBlock = <P>(def: BlockDef<P>): AnyBlock => def as unknown as AnyBlock;
