/**
 * What a block is: its role and capabilities (what `roles.ts` answers questions from), ports,
 * params (one zod schema with defaults and ranges, help in English and Chinese), weights in the
 * Keras layout, shape inference over port types, and lowering to the primitive cell graph. Every
 * block kind is one module; `registry.ts` lists them.
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

/**
 * What a block is, as the compiler, inference and the app ask it:
 * - source: reads a dataset stream; it has no inputs and one output;
 * - recurrent: carries its own state from step to step;
 * - layer: maps its input at each step (or once per sequence), with weights or without;
 * - output: turns logits into a prediction and compares them with a target stream (the loss);
 * - delay: its output is its input one step away, the one way to close a loop;
 * - primitive: one op a user wires a cell from by hand.
 */
export type BlockRole = 'source' | 'recurrent' | 'layer' | 'output' | 'delay' | 'primitive';

/** The stream a decoder reads: the previous target token while training, its own previous prediction when decoding. */
export const DECODER_STREAM = 'decoderInput';
/** The dataset streams a source block may read: the inputs, or a decoder's input (teacher forcing). */
export type SourceStream = 'x' | typeof DECODER_STREAM;
/** The dataset streams an output block may compare its logits with. */
export type TargetStream = 'y';

/** The role, with what that role needs to answer. */
export type RoleSpec<P> =
  | {
      readonly role: 'source';
      /** The dataset stream the block reads, given its params. */
      reads(p: P): SourceStream;
    }
  | {
      readonly role: 'output';
      /** The input port with the logits, which the loss compares with the target. */
      readonly logits: string;
      /** The target stream, and the type it must have for logits of type `logits` (token ids: class ids). */
      target(p: P, logits: PortType): { readonly stream: TargetStream; readonly type: PortType };
    }
  | { readonly role: 'recurrent' | 'layer' | 'delay' | 'primitive' };

/**
 * How a block decides whether its output is a sequence or one vector, which a kind-mismatch
 * diagnostic suggests changing: a boolean `param` (true: the output `port` is a sequence, and the
 * block's other outputs are final states), or, for a block that only turns sequences into vectors,
 * removing it. `noun` is how the fix names the block before its id ('the input block').
 */
export type SequenceSwitch<P> =
  | { readonly param: keyof P & string; readonly port: string; readonly noun?: string }
  | { readonly remove: true; readonly noun: string };

export interface BlockBase<P, T extends string> {
  readonly type: T;
  /** The palette group it is listed in (an embedding is listed with the data, a delay with the primitives). */
  readonly category: 'data' | 'recurrent' | 'layer' | 'primitive' | 'output';
  readonly label: Text;
  readonly help: Text;
  readonly params: z.ZodType<P>;
  readonly paramHelp: { readonly [K in keyof P]-?: Text };
  readonly inputs: readonly InputPort[];
  readonly outputs: readonly OutputPort[];
  readonly sequenceSwitch?: SequenceSwitch<P>;
  /** The param that sets how many features the block puts out, named by a size-mismatch diagnostic. */
  readonly sizeParam?: keyof P & string;
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

export type BlockDef<P, T extends string = string> = BlockBase<P, T> & RoleSpec<P>;

/** A block of any param type, as the registry holds it. */
export type AnyBlock = BlockDef<Record<string, unknown>>;

/**
 * Keeps the literal `type` (the registry derives the union of block types from it) and the params
 * type, which comes from `params` alone: every other member is checked against it.
 */
export const defineBlock = <const T extends string, P>(def: BlockDef<NoInfer<P>, T> & { readonly params: z.ZodType<P> }): BlockDef<P, T> => def;
