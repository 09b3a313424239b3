/**
 * The canvas's nodes, derived from the store. Each node's drawn data is reused while its block,
 * params, label, diagnostics, the analysis and the language stay the same, so dragging a block
 * re-renders that block only.
 */
import { useMemo, useRef } from 'react';
import type { Analysis } from '../../engine/compiler/validate.ts';
import type { GraphDocument, GraphNode } from '../../engine/graph/schema.ts';
import type { Diagnostic } from '../../engine/protocol/messages.ts';
import { type BlockFlowNode, type BlockNodeData, blockNodeData, diagnosticsByNode, type Language } from './flow-model.ts';

export type Measured = Readonly<Record<string, { width: number; height: number }>>;

interface CachedData {
  readonly node: Pick<GraphNode, 'type' | 'params' | 'label'>;
  readonly analysis: Analysis | null;
  readonly diagnostics: string;
  readonly language: Language;
  readonly data: BlockNodeData;
}

const NO_DIAGNOSTICS: readonly Diagnostic[] = [];

export function useFlowNodes(
  doc: GraphDocument,
  analysis: Analysis | null,
  diagnostics: readonly Diagnostic[],
  selectedNodes: readonly string[],
  measured: Measured,
  language: Language,
): BlockFlowNode[] {
  const cache = useRef(new Map<string, CachedData>());
  return useMemo(() => {
    const byNode = diagnosticsByNode(diagnostics);
    const selected = new Set(selectedNodes);
    const next = new Map<string, CachedData>();
    const nodes = doc.nodes.map((n): BlockFlowNode => {
      const ds = byNode.get(n.id) ?? NO_DIAGNOSTICS;
      const dsKey = JSON.stringify(ds);
      const hit = cache.current.get(n.id);
      const same =
        hit && hit.node.type === n.type && hit.node.params === n.params && hit.node.label === n.label && hit.analysis === analysis && hit.diagnostics === dsKey && hit.language === language;
      const data = same ? hit.data : blockNodeData(n, analysis, ds, language);
      next.set(n.id, { node: n, analysis, diagnostics: dsKey, language, data });
      return { id: n.id, type: 'block', position: n.position, data, selected: selected.has(n.id), measured: measured[n.id] };
    });
    cache.current = next;
    return nodes;
  }, [doc.nodes, analysis, diagnostics, selectedNodes, measured, language]);
}
