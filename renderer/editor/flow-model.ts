/**
 * React Flow nodes and edges derived from the document, the engine's analysis and its
 * diagnostics. The document stays the source of truth; nothing here is stored back.
 */
import type { Edge, Node } from '@xyflow/react';
import { getBlock } from '../../engine/blocks/registry.ts';
import type { Analysis } from '../../engine/compiler/validate.ts';
import type { GraphDocument, GraphNode } from '../../engine/graph/schema.ts';
import type { Diagnostic } from '../../engine/protocol/messages.ts';
import { type Category, inputPortKind, kindOfType, type ParamEntry, paramSummary, type PortKindClass } from './block-catalog.ts';

export type Severity = 'error' | 'warning';
export type Language = 'en' | 'zh';

export type PortView = {
  readonly name: string;
  readonly label: string;
  readonly kind: PortKindClass;
  readonly optional: boolean;
  /** The worst diagnostic naming this port. */
  readonly severity: Severity | null;
};

export type BlockNodeData = {
  readonly nodeId: string;
  readonly type: string;
  /** The user's label, or the block's name. */
  readonly title: string;
  /** The block's name in the UI language (null: a type the engine does not know). */
  readonly blockLabel: string | null;
  readonly category: Category | null;
  readonly inputs: readonly PortView[];
  readonly outputs: readonly PortView[];
  readonly summary: readonly ParamEntry[];
  readonly diagnostics: readonly Diagnostic[];
  readonly severity: Severity | null;
};

export type BlockFlowNode = Node<BlockNodeData, 'block'>;

export type EdgeData = { readonly kind: PortKindClass; readonly severity: Severity | null };
export type BlockFlowEdge = Edge<EdgeData>;

const worst = (ds: readonly Diagnostic[]): Severity | null =>
  ds.some((d) => d.severity === 'error') ? 'error' : ds.some((d) => d.severity === 'warning') ? 'warning' : null;

export function diagnosticsByNode(diagnostics: readonly Diagnostic[]): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) if (d.nodeId) out.set(d.nodeId, [...(out.get(d.nodeId) ?? []), d]);
  return out;
}

/** The data drawn inside one node. */
export function blockNodeData(node: GraphNode, analysis: Analysis | null, diagnostics: readonly Diagnostic[], language: Language): BlockNodeData {
  const block = getBlock(node.type);
  const info = analysis?.nodes.get(node.id);
  const portSeverity = (port: string) => worst(diagnostics.filter((d) => d.port === port));
  const inputs: PortView[] =
    block?.inputs.map((p) => ({ name: p.name, label: p.label[language], kind: inputPortKind(p, info?.inputs[p.name]), optional: p.optional ?? false, severity: portSeverity(p.name) })) ?? [];
  const outputs: PortView[] =
    block?.outputs.map((p) => ({ name: p.name, label: p.label[language], kind: kindOfType(info?.outputs?.[p.name]), optional: false, severity: portSeverity(p.name) })) ?? [];
  return {
    nodeId: node.id,
    type: node.type,
    title: node.label ?? block?.label[language] ?? node.type,
    blockLabel: block?.label[language] ?? null,
    category: block?.category ?? null,
    inputs,
    outputs,
    summary: block ? paramSummary(block, node.params) : [],
    diagnostics,
    severity: worst(diagnostics),
  };
}

/** Edges coloured by the kind of value they carry, marked where a diagnostic names them. */
export function toFlowEdges(doc: Pick<GraphDocument, 'edges'>, analysis: Analysis | null, diagnostics: readonly Diagnostic[], selected: readonly string[]): BlockFlowEdge[] {
  const chosen = new Set(selected);
  return doc.edges.map((e) => {
    const kind = kindOfType(analysis?.nodes.get(e.source)?.outputs?.[e.sourcePort]);
    const severity = worst(diagnostics.filter((d) => d.edgeId === e.id));
    return {
      id: e.id,
      source: e.source,
      sourceHandle: e.sourcePort,
      target: e.target,
      targetHandle: e.targetPort,
      selected: chosen.has(e.id),
      className: `edge-kind-${kind}${severity ? ` edge-${severity}` : ''}`,
      data: { kind, severity },
    };
  });
}
