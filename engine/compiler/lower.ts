/**
 * Lowering: every block of an analysed graph to the cell graph of primitives and delays. The
 * compiler lowers to unroll; validation lowers too (with a stand-in T), so that a check made
 * while lowering, such as one data input read with two shapes, is a diagnostic before it is a
 * compile error.
 */
import { isDelay, isOutput, isSource, type OutputBlock, sourcePort } from '../blocks/roles.ts';
import type { LowerContext, PortType } from '../blocks/types.ts';
import { CellBuilder, CellError, type CellGraph, type CellRef } from '../cell/cell.ts';
import { CompileError, hasErrors } from '../graph/diagnostics.ts';
import type { GraphDocument } from '../graph/schema.ts';
import type { Analysis } from './validate.ts';

/** The data input a source block reads when compiled with `sourcesByNode`. */
export const sourceFeed = (nodeId: string): string => `source:${nodeId}`;

export interface Lowered {
  readonly cell: CellGraph;
  readonly losses: CellRef[];
  readonly predictions: Map<string, CellRef>;
  /** Some block lowers differently for training (dropout, teacher forcing): the other mode's cell is not this one. */
  readonly modal: boolean;
}

export interface LowerOptions {
  /** The T the cell will be unrolled over, when known. */
  readonly steps?: number;
  /** false: `steps` stands in for a T not yet known (validation); nothing is checked against it. */
  readonly stepsKnown?: boolean;
  /** Lowered for the train step (dropout, teacher forcing); otherwise for evaluation. */
  readonly training?: boolean;
  /** Each source block reads `sourceFeed(its id)` instead of its stream. */
  readonly sourcesByNode?: boolean;
}

/**
 * Lowers every block to the cell graph, for the train step (`training`) or for evaluation.
 * Throws CompileError when the analysis found errors.
 */
export function lowerToCell(doc: GraphDocument, analysis: Analysis, batch: number, options: LowerOptions = {}): Lowered {
  const { steps, stepsKnown = true, training = false, sourcesByNode = false } = options;
  if (hasErrors(analysis.diagnostics)) throw new CompileError(analysis.diagnostics);
  const cell = new CellBuilder(batch, steps, training, stepsKnown);
  cell.targets = (block, size) => targetOf(doc, analysis, cell, block, size);
  const made = new Map<string, Readonly<Record<string, CellRef>>>();
  const edgesInto = (id: string) => doc.edges.filter((e) => e.target === id);
  const losses: CellRef[] = [];
  const predictions = new Map<string, CellRef>();
  try {
    for (const id of analysis.order) {
      const info = analysis.nodes.get(id)!;
      const feedback = isDelay(info.block);
      const inputs: Record<string, CellRef | undefined> = {};
      if (!feedback) for (const e of edgesInto(id)) inputs[e.targetPort] = made.get(e.source)?.[e.sourcePort];
      const weightSpecs = new Map(info.weights.map((w) => [w.name, w]));
      const cx: LowerContext = {
        cell,
        nodeId: id,
        inputs,
        types: info.inputs,
        weight: (name) => {
          const spec = weightSpecs.get(name);
          if (!spec) throw new Error(`block '${id}' (${info.block.type}) uses weight '${name}' that it does not declare`);
          return cell.param(`${id}.${name}`, spec.shape);
        },
      };
      const outputs = cell.forBlock(id, () => info.block.lower(info.params, cx));
      if (sourcesByNode && isSource(info.block)) cell.renameInput(outputs[sourcePort(info.block)], sourceFeed(id));
      made.set(id, outputs);
      if (outputs.loss !== undefined) losses.push(outputs.loss);
      if (isOutput(info.block) && outputs.prediction !== undefined) predictions.set(id, outputs.prediction);
    }
    for (const e of analysis.feedback) {
      const source = made.get(e.source)?.[e.sourcePort];
      const delay = made.get(e.target)?.out;
      if (source === undefined || delay === undefined) throw new CellError(`edge '${e.id}' into a delay could not be connected`, e.target);
      cell.connectDelay(delay, source);
    }
    return { cell: cell.finish(), losses, predictions, modal: cell.modal };
  } catch (e) {
    throw asCompileError(e);
  }
}

/**
 * The target stream, per step, of the one output block downstream of `block` ([B, size] float32;
 * class ids one-hot). Throws CellError ('param-invalid') when no output block or several are
 * downstream, or its target is not one per step of `size` features or classes.
 */
function targetOf(doc: GraphDocument, analysis: Analysis, cell: CellBuilder, block: string, size: number): CellRef {
  const seen = new Set([block]);
  const queue = [block];
  const outputs: { id: string; block: OutputBlock; params: Record<string, unknown>; logits: PortType | undefined }[] = [];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const e of doc.edges)
      if (e.source === id && !seen.has(e.target)) {
        seen.add(e.target);
        const info = analysis.nodes.get(e.target);
        if (info && isOutput(info.block)) outputs.push({ id: e.target, block: info.block, params: info.params, logits: info.inputs[info.block.logits] });
        else queue.push(e.target);
      }
  }
  if (outputs.length !== 1)
    throw new CellError(
      `teacher forcing feeds back the target of the output block this block leads to, and ${outputs.length === 0 ? 'it leads to none' : `it leads to ${outputs.length} (${outputs.map((o) => `'${o.id}'`).join(', ')})`}`,
      block,
      'param-invalid',
    );
  const [output] = outputs;
  const type = output.logits;
  if (type?.kind !== 'sequence') throw new CellError(`teacher forcing needs a target at every step, and output block '${output.id}' has one per sequence`, block, 'param-invalid');
  if (type.size !== size)
    throw new CellError(`teacher forcing feeds back output block '${output.id}'s target of ${type.size} features or classes, in place of this block's output of ${size}: make them equal`, block, 'param-invalid');
  const target = output.block.target(output.params, type);
  if (target.type.tokens) return cell.op({ type: 'oneHot', depth: size }, [cell.input(target.stream, [cell.batch], 'int32', true)]);
  return cell.input(target.stream, [cell.batch, size], 'float32', true);
}

/** A CellError as the CompileError it means. */
export const asCompileError = (e: unknown): unknown =>
  e instanceof CellError ? new CompileError([{ severity: 'error', code: e.code, nodeId: e.block, message: e.message }]) : e;

