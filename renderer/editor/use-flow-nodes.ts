/**
 * The canvas's nodes and edges, derived from the store. A node or edge whose drawn state is the
 * same as before is handed to React Flow as the same object, so dragging a block re-renders that
 * block only and typing the graph's name re-renders none: with hundreds of blocks, rebuilding
 * every node on each pointer move costs more than a frame.
 */
import { useMemo, useRef } from 'react';
import type { Analysis } from '../../engine/compiler/validate.ts';
import type { GraphDocument, GraphNode } from '../../engine/graph/schema.ts';
import type { Diagnostic } from '../../engine/protocol/messages.ts';
import { sameValue } from '../store/same-value.ts';
import { type BlockFlowEdge, type BlockFlowNode, type BlockNodeData, blockNodeData, diagnosticsByNode, type Language, toFlowEdges } from './flow-model.ts';

export type Measured = Readonly<Record<string, { width: number; height: number }>>;

interface CachedNode {
  readonly node: GraphNode;
  readonly flow: BlockFlowNode;
}

const NO_DIAGNOSTICS: readonly Diagnostic[] = [];

/** `next`, or `previous` where it draws the same (the data is compared by value: a new analysis often infers the same types). */
export function sameFlowNode(previous: BlockFlowNode | undefined, next: BlockFlowNode): BlockFlowNode {
  if (
    previous &&
    previous.position === next.position &&
    previous.selected === next.selected &&
    previous.measured === next.measured &&
    (previous.data === next.data || sameValue(previous.data, next.data))
  )
    return previous;
  return next;
}

export function sameFlowEdge(previous: BlockFlowEdge | undefined, next: BlockFlowEdge): BlockFlowEdge {
  if (
    previous &&
    previous.source === next.source &&
    previous.sourceHandle === next.sourceHandle &&
    previous.target === next.target &&
    previous.targetHandle === next.targetHandle &&
    previous.selected === next.selected &&
    previous.className === next.className
  )
    return previous;
  return next;
}

export function useFlowNodes(
  doc: GraphDocument,
  analysis: Analysis | null,
  diagnostics: readonly Diagnostic[],
  selectedNodes: readonly string[],
  measured: Measured,
  language: Language,
): BlockFlowNode[] {
  const cache = useRef({ analysis, diagnostics, language, nodes: new Map<string, CachedNode>() });
  return useMemo(() => {
    const before = cache.current;
    // Only the node objects changed (a move): each node's data can be kept if its block is the same object.
    const sameContext = before.analysis === analysis && before.diagnostics === diagnostics && before.language === language;
    let byNode: Map<string, Diagnostic[]> | null = null;
    const diagnosticsOf = (id: string) => (byNode ??= diagnosticsByNode(diagnostics)).get(id) ?? NO_DIAGNOSTICS;
    const selected = new Set(selectedNodes);
    const next = new Map<string, CachedNode>();
    const nodes = doc.nodes.map((n): BlockFlowNode => {
      const hit = before.nodes.get(n.id);
      const keepData = sameContext && hit && hit.node.type === n.type && hit.node.params === n.params && hit.node.label === n.label;
      const data: BlockNodeData = keepData ? hit.flow.data : blockNodeData(n, analysis, diagnosticsOf(n.id), language);
      const flow = sameFlowNode(hit?.flow, { id: n.id, type: 'block', position: n.position, data, selected: selected.has(n.id), measured: measured[n.id] });
      next.set(n.id, { node: n, flow });
      return flow;
    });
    cache.current = { analysis, diagnostics, language, nodes: next };
    return nodes;
  }, [doc.nodes, analysis, diagnostics, selectedNodes, measured, language]);
}

export function useFlowEdges(doc: GraphDocument, analysis: Analysis | null, diagnostics: readonly Diagnostic[], selectedEdges: readonly string[]): BlockFlowEdge[] {
  const cache = useRef(new Map<string, BlockFlowEdge>());
  // The edges are read from the document whole, but only change when its edges, analysis or diagnostics do.
  const { edges } = doc;
  return useMemo(() => {
    const next = toFlowEdges({ edges }, analysis, diagnostics, selectedEdges).map((e) => sameFlowEdge(cache.current.get(e.id), e));
    cache.current = new Map(next.map((e) => [e.id, e]));
    return next;
  }, [edges, analysis, diagnostics, selectedEdges]);
}
