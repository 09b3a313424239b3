/**
 * The decode box's logic, kept out of the component: an example source drawn from the document's
 * sequence-copy dataset, what the typed source becomes in the request, and the attention map's
 * cells.
 */
import { copyReverseParams, generateCopyReverse } from '../../engine/datasets/copy-reverse.ts';
import { decoderSource } from '../../engine/blocks/roles.ts';
import { finish } from '../../engine/ir/work.ts';
import type { DatasetSpec, GraphDocument } from '../../engine/graph/schema.ts';

/** Whether a finished run can be decoded: a sequence-copy dataset, or a graph with a decoder input. */
export function canDecode(datasetType: string | null, graph: GraphDocument): boolean {
  return datasetType === 'sequence-copy' || decoderSource(graph) !== undefined;
}

/**
 * One random source of the dataset, as the symbols it is written with ('' when the dataset is not
 * sequence-copy or its params do not parse). `seed` picks which.
 */
export function exampleSource(dataset: DatasetSpec | undefined, seed: number): string {
  if (dataset?.type !== 'sequence-copy') return '';
  const params = copyReverseParams.safeParse(dataset.params);
  if (!params.success) return '';
  const one = finish(generateCopyReverse({ ...params.data, samples: 1, seed }));
  const vocabulary = one.vocabulary ?? [];
  return Array.from(one.x.data, (id) => vocabulary[id] ?? '').join('');
}

/**
 * What the request's `source` is: text with spaces is a list of tokens (for vocabularies with
 * longer tokens); text without them is sent as it is, one character per token. Null when empty.
 */
export function sourceParam(text: string): string | string[] | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /\s/.test(trimmed) ? trimmed.split(/\s+/) : trimmed;
}

export interface AttentionCell {
  readonly row: number;
  readonly col: number;
  readonly weight: number;
  /** 0 … 1 of the darkest shade: the weight relative to the map's largest. */
  readonly shade: number;
}

/** The cells of an attention map, row by row; shades scale so the largest weight is darkest. */
export function attentionCells(weights: readonly (readonly number[])[]): AttentionCell[] {
  const largest = Math.max(0, ...weights.flat());
  return weights.flatMap((row, r) => row.map((weight, c) => ({ row: r, col: c, weight, shade: largest > 0 ? weight / largest : 0 })));
}
