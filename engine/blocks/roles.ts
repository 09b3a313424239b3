/**
 * What the compiler, inference, the host and the app ask about the blocks of a graph (which read
 * the dataset, which give a loss, which close loops), answered from the role and capabilities each
 * block declares, never from its type string: a new source or output block needs only its own
 * module and a registry entry.
 */
import type { GraphDocument, GraphNode } from '../graph/schema.ts';
import { type BlockOf, type BlockType, getBlock, type ParamsOf } from './registry.ts';
import { type AnyBlock, DECODER_STREAM, type PortType, type SourceStream } from './types.ts';

export type SourceBlock = Extract<AnyBlock, { readonly role: 'source' }>;
export type OutputBlock = Extract<AnyBlock, { readonly role: 'output' }>;

/** Whether the block reads a dataset stream (it has no inputs and one output). */
export const isSource = (block: AnyBlock): block is SourceBlock => block.role === 'source';

/** Whether the block gives a prediction and a loss against a target stream. */
export const isOutput = (block: AnyBlock): block is OutputBlock => block.role === 'output';

/** Whether the block's output is its input one step away: an edge into it may close a loop, so it is lowered after the rest. */
export const isDelay = (block: AnyBlock): boolean => block.role === 'delay';

/** Whether nodes of `type` are output blocks, whatever their params. */
export function isOutputType(type: string): boolean {
  const block = getBlock(type);
  return block !== undefined && isOutput(block);
}

/** The one output port of a source block. */
export const sourcePort = (block: SourceBlock): string => block.outputs[0].name;

/** A node of a document seen through its block: `type` is one of the registry's, `params` are parsed (defaults applied). */
export type BlockNode = { [K in BlockType]: { readonly id: string; readonly type: K; readonly block: BlockOf<K>; readonly params: ParamsOf<K> } }[BlockType];

/**
 * `node` seen through its block, so that a `switch` on `type` narrows `block` and `params` and is
 * checked for exhaustiveness. Undefined when the type is unknown or the params do not parse (the
 * validator reports both).
 */
export function blockNode(node: GraphNode): BlockNode | undefined {
  const block = getBlock(node.type);
  const parsed = block?.params.safeParse(node.params);
  if (!block || !parsed?.success) return undefined;
  // The block was looked up by this type and parsed these params: they belong together, which
  // TypeScript cannot follow through the lookup.
  return { id: node.id, type: block.type, block, params: parsed.data } as BlockNode;
}

/** A source node of a document, what it reads and what it puts out. */
export interface Source {
  readonly id: string;
  readonly stream: SourceStream;
  /** A sequence or one vector per example, of `size` features or of token ids from a vocabulary of `size`. */
  readonly type: PortType;
}

/** The source nodes of `doc` whose params are valid, in document order. */
export function sources(doc: Pick<GraphDocument, 'nodes'>): Source[] {
  return doc.nodes.flatMap((node) => {
    const block = getBlock(node.type);
    if (!block || !isSource(block)) return [];
    const parsed = block.params.safeParse(node.params);
    if (!parsed.success) return [];
    return [{ id: node.id, stream: block.reads(parsed.data), type: block.infer(parsed.data, { inputs: {} })[sourcePort(block)] }];
  });
}

/** The source a decoder reads (the stream 'decoderInput'), which makes the graph an encoder–decoder; undefined when it has none. */
export const decoderSource = (doc: Pick<GraphDocument, 'nodes'>): Source | undefined => sources(doc).find((s) => s.stream === DECODER_STREAM);
