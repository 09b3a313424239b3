/**
 * The right-hand panel. With one block selected: its label, help, params, inferred types and
 * problems. With a connection: what it carries. With nothing: the graph's name and description.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { expandNode, OPENABLE_BLOCKS } from '../../engine/blocks/expand.ts';
import { getBlock } from '../../engine/blocks/registry.ts';
import type { GraphNode } from '../../engine/graph/schema.ts';
import { shallowEqual, useDocument, useDocumentStore } from '../store/context.tsx';
import { sameStructure } from '../store/structure-key.ts';
import { Button } from '../ui/Button.tsx';
import { useLanguage } from '../ui/use-language.ts';
import { CollapseButton } from './CollapseButton.tsx';
import { DiagnosticList } from './DiagnosticList.tsx';
import { ParamsForm } from './ParamsForm.tsx';
import { describeType } from './type-text.ts';
import { useAnalysis } from './use-analysis.ts';
import { useArrange } from './use-arrange.ts';

/** The inspector shows no position, so a block being dragged does not re-render it. */
function sameButPosition(a: GraphNode | undefined, b: GraphNode | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.id === b.id && a.type === b.type && a.params === b.params && a.label === b.label);
}

export function Inspector() {
  const { t } = useTranslation('editor');
  const selection = useDocument((s) => s.selection);
  const node = useDocument((s) => (s.selection.nodes.length === 1 && s.selection.edges.length === 0 ? s.doc.nodes.find((n) => n.id === s.selection.nodes[0]) : undefined), sameButPosition);
  const count = selection.nodes.length + selection.edges.length;
  let body;
  if (node) body = <NodeInspector node={node} />;
  else if (selection.nodes.length === 0 && selection.edges.length === 1) body = <EdgeInspector edgeId={selection.edges[0]} />;
  else if (count > 1) body = <MultiInspector count={count} />;
  else body = <GraphInspector />;
  return (
    <aside className="inspector" data-testid="inspector" aria-label={t('inspector.title')}>
      <div className="panel-header">
        <h2>{t('inspector.title')}</h2>
      </div>
      <div className="inspector-body">{body}</div>
    </aside>
  );
}

function NodeInspector({ node }: { node: GraphNode }) {
  const { t } = useTranslation('editor');
  const language = useLanguage();
  const store = useDocumentStore();
  const analysis = useAnalysis();
  const diagnostics = useDocument((s) => s.diagnostics.filter((d) => d.nodeId === node.id), shallowEqual);
  const block = getBlock(node.type);
  const info = analysis?.nodes.get(node.id);
  return (
    <div className="inspector-node">
      <div className="inspector-title">
        <span className={`category-dot category-${block?.category ?? 'unknown'}`} aria-hidden="true" />
        <div>
          <strong>{block?.label[language] ?? node.type}</strong>
          <div className="muted mono">
            {node.type} · {t('inspector.id')} {node.id}
          </div>
        </div>
      </div>
      <label className="field-label" htmlFor="node-label">
        {t('inspector.label')}
      </label>
      <input
        id="node-label"
        data-testid="node-label"
        className="field-input"
        value={node.label ?? ''}
        placeholder={block?.label[language] ?? node.type}
        onChange={(e) => store.getState().setLabel(node.id, e.target.value)}
      />
      {block ? (
        <>
          <p className="inspector-help">{block.help[language]}</p>
          <section className="inspector-section">
            <h3>{t('inspector.params')}</h3>
            {Object.keys(block.paramHelp).length === 0 ? <p className="muted">{t('inspector.noParams')}</p> : <ParamsForm node={node} block={block} />}
          </section>
          <section className="inspector-section">
            <h3>{t('inspector.types')}</h3>
            <dl className="type-list">
              {block.inputs.map((p) => (
                <div key={`in-${p.name}`} data-testid={`type-in-${p.name}`}>
                  <dt>
                    {t('inspector.inputs')} · {p.label[language]}
                  </dt>
                  <dd>{describeType(t, info?.inputs[p.name])}</dd>
                </div>
              ))}
              {block.outputs.map((p) => (
                <div key={`out-${p.name}`} data-testid={`type-out-${p.name}`}>
                  <dt>
                    {t('inspector.outputs')} · {p.label[language]}
                  </dt>
                  <dd>{describeType(t, info?.outputs?.[p.name])}</dd>
                </div>
              ))}
            </dl>
          </section>
        </>
      ) : (
        <p className="inspector-warning">{t('inspector.unknownBlock', { type: node.type })}</p>
      )}
      <section className="inspector-section">
        <h3>{t('inspector.problems')}</h3>
        {diagnostics.length === 0 ? <p className="muted">{t('inspector.noProblems')}</p> : <DiagnosticList diagnostics={diagnostics} />}
      </section>
      {OPENABLE_BLOCKS.has(node.type) && <OpenButton nodeId={node.id} />}
      <CollapseButton nodeId={node.id} />
      <Button variant="danger" size="sm" onClick={() => store.getState().removeNodes([node.id])}>
        {t('inspector.remove')}
      </Button>
    </div>
  );
}

/** "Open as primitives": enabled when the block's params and connections can be expressed by primitives, else why not. */
function OpenButton({ nodeId }: { nodeId: string }) {
  const { t } = useTranslation('editor');
  const arrange = useArrange();
  // Opening depends on the graph's structure only: moving a block does not check it again.
  const doc = useDocument((s) => s.doc, sameStructure);
  const check = useMemo(() => expandNode(doc, nodeId), [doc, nodeId]);
  return (
    <section className="inspector-section">
      <Button size="sm" data-testid="expand-node" disabled={!check.ok} title={t('inspector.openTitle')} onClick={() => arrange.openAsPrimitives(nodeId)}>
        {t('inspector.open')}
      </Button>
      {!check.ok && (
        <p className="muted" data-testid="expand-node-reason">
          {t('inspector.cannotOpen', { reason: check.reason })}
        </p>
      )}
    </section>
  );
}

function EdgeInspector({ edgeId }: { edgeId: string }) {
  const { t } = useTranslation('editor');
  const store = useDocumentStore();
  const analysis = useAnalysis();
  const edge = useDocument((s) => s.doc.edges.find((e) => e.id === edgeId));
  const diagnostics = useDocument((s) => s.diagnostics.filter((d) => d.edgeId === edgeId), shallowEqual);
  if (!edge) return null;
  return (
    <div className="inspector-edge">
      <h3>
        {t('inspector.edge')} <span className="mono muted">{edge.id}</span>
      </h3>
      <dl className="type-list">
        <div>
          <dt>{t('inspector.edgeFrom')}</dt>
          <dd className="mono">
            {edge.source}.{edge.sourcePort}
          </dd>
        </div>
        <div>
          <dt>{t('inspector.edgeTo')}</dt>
          <dd className="mono">
            {edge.target}.{edge.targetPort}
          </dd>
        </div>
        <div>
          <dt>{t('inspector.carries')}</dt>
          <dd>{describeType(t, analysis?.nodes.get(edge.source)?.outputs?.[edge.sourcePort])}</dd>
        </div>
      </dl>
      {diagnostics.length > 0 && <DiagnosticList diagnostics={diagnostics} />}
      <Button variant="danger" size="sm" onClick={() => store.getState().removeEdges([edge.id])}>
        {t('inspector.removeEdge')}
      </Button>
    </div>
  );
}

function MultiInspector({ count }: { count: number }) {
  const { t } = useTranslation('editor');
  const store = useDocumentStore();
  return (
    <div>
      <p>{t('inspector.multi', { count })}</p>
      <Button variant="danger" size="sm" onClick={() => store.getState().removeSelection()}>
        {t('inspector.removeSelection')}
      </Button>
    </div>
  );
}

function GraphInspector() {
  const { t } = useTranslation('editor');
  const store = useDocumentStore();
  const name = useDocument((s) => s.doc.name);
  const description = useDocument((s) => s.doc.description ?? '');
  const counts = useDocument((s) => [s.doc.nodes.length, s.doc.edges.length] as const, shallowEqual);
  const dataset = useDocument((s) => s.doc.dataset?.type ?? null);
  const path = useDocument((s) => s.path);
  return (
    <div className="inspector-graph">
      <h3>{t('inspector.graph')}</h3>
      <label className="field-label" htmlFor="graph-name">
        {t('inspector.name')}
      </label>
      <input id="graph-name" data-testid="graph-name" className="field-input" value={name} onChange={(e) => store.getState().setName(e.target.value)} />
      <label className="field-label" htmlFor="graph-description">
        {t('inspector.description')}
      </label>
      <textarea
        id="graph-description"
        data-testid="graph-description"
        className="field-input field-textarea"
        rows={5}
        value={description}
        placeholder={t('inspector.descriptionPlaceholder')}
        onChange={(e) => store.getState().setDescription(e.target.value)}
      />
      <dl className="type-list">
        <div>
          <dt>{t('inspector.graph')}</dt>
          <dd>{t('inspector.counts', { nodes: counts[0], edges: counts[1] })}</dd>
        </div>
        <div>
          <dt>{t('inspector.dataset')}</dt>
          <dd className={dataset ? 'mono' : 'muted'}>{dataset ?? t('inspector.noDataset')}</dd>
        </div>
        <div>
          <dt>{t('inspector.file')}</dt>
          <dd className={path ? 'mono path' : 'muted'}>{path ?? t('inspector.notSaved')}</dd>
        </div>
      </dl>
      <p className="muted">{t('inspector.selectHint')}</p>
    </div>
  );
}
