/**
 * The Unrolled tab: the open graph compiled for a few time steps and drawn as blocks × steps, so
 * the user sees what the engine will run: each block's work at each step, the data passed within
 * a step, the state carried from one step to the next (z⁻¹) and, on request, the backward pass.
 *
 * It compiles (debounced) only while the tab is on screen and the graph has no errors. Clicking a
 * cell selects its block on the canvas; the cells of the block selected there are highlighted.
 */
import { Background, Controls, MarkerType, ReactFlow, ReactFlowProvider, useReactFlow, useStore, type NodeMouseHandler } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { type RefObject, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UnrolledView as View } from '../../engine/protocol/messages.ts';
import { useEngine } from '../connection/context.tsx';
import { shallowEqual, useDocument, useDocumentStore } from '../store/context.tsx';
import { structureKey } from '../store/structure-key.ts';
import { initialViewport, layoutSize, layoutUnrolled, type UnrolledEdge, type UnrolledNode } from './layout.ts';
import { edgeTypes, nodeTypes } from './UnrolledParts.tsx';
import './unrolled.css';

export const MIN_STEPS = 1;
export const MAX_STEPS = 16;
const DEFAULT_STEPS = 4;
const COMPILE_DELAY_MS = 300;
/** Below this zoom the counts in the cells are too small to read; the user pans instead. */
const READABLE_ZOOM = 0.6;

type Compiled =
  | { readonly status: 'idle' }
  | { readonly status: 'ready'; readonly view: View }
  | { readonly status: 'has-errors' }
  | { readonly status: 'failed'; readonly message: string };

/** Whether the element is on screen (a hidden tab is not). */
function useVisible(ref: RefObject<HTMLElement | null>): boolean {
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new IntersectionObserver((entries) => setVisible(entries.some((e) => e.isIntersecting)));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return visible;
}

const parseSteps = (text: string): number | null => {
  const n = Number(text);
  return Number.isInteger(n) && n >= MIN_STEPS && n <= MAX_STEPS ? n : null;
};

export function UnrolledView() {
  const { t } = useTranslation('unrolled');
  const { client } = useEngine();
  const store = useDocumentStore();
  const path = useDocument((s) => s.path);
  // What the unrolled graph depends on: moving a block or renaming the graph does not recompile.
  const structure = useDocument((s) => structureKey(s.doc));
  const hasErrors = useDocument((s) => s.diagnostics.some((d) => d.severity === 'error'));
  const rootRef = useRef<HTMLDivElement>(null);
  const visible = useVisible(rootRef);
  const [stepsText, setStepsText] = useState(String(DEFAULT_STEPS));
  const [steps, setSteps] = useState(DEFAULT_STEPS);
  const [showBackward, setShowBackward] = useState(false);
  const [compiled, setCompiled] = useState<Compiled>({ status: 'idle' });
  const [compiling, setCompiling] = useState(false);
  const empty = useDocument((s) => s.doc.nodes.length === 0);

  useEffect(() => {
    if (!visible || !client || hasErrors || empty) return;
    let current = true;
    const timer = setTimeout(() => {
      setCompiling(true);
      void client.call('graph.compile', { graph: store.getState().doc, documentPath: path, steps }).then((r) => {
        if (!current) return;
        setCompiling(false);
        if (r.ok) setCompiled({ status: 'ready', view: r.value.unrolled });
        else if (r.error.code === 'graph-has-errors') setCompiled({ status: 'has-errors' });
        else setCompiled({ status: 'failed', message: r.error.message });
      });
    }, COMPILE_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [visible, client, store, structure, path, steps, hasErrors, empty]);

  const problem = empty ? t('empty') : hasErrors || compiled.status === 'has-errors' ? t('hasErrors') : !client ? t('disconnected') : compiled.status === 'failed' ? t('failed', { message: compiled.message }) : null;
  const view = compiled.status === 'ready' ? compiled.view : null;

  return (
    <div className="unrolled-view" data-testid="unrolled-view" ref={rootRef}>
      <div className="unrolled-toolbar">
        <label className="unrolled-steps" title={t('stepsHelp')}>
          {t('steps')}
          <input
            type="number"
            className="field-input"
            data-testid="unrolled-steps"
            min={MIN_STEPS}
            max={MAX_STEPS}
            step={1}
            value={stepsText}
            aria-invalid={parseSteps(stepsText) === null || undefined}
            onChange={(e) => {
              setStepsText(e.target.value);
              const n = parseSteps(e.target.value);
              if (n !== null) setSteps(n);
            }}
            onBlur={() => setStepsText(String(steps))}
          />
        </label>
        <label className="unrolled-backward" title={t('showBackwardHelp')}>
          <input type="checkbox" data-testid="unrolled-show-backward" checked={showBackward} onChange={(e) => setShowBackward(e.target.checked)} />
          {t('showBackward')}
        </label>
        {compiling && <span className="muted">{t('compiling')}</span>}
        {view && problem === null && (
          <span className="unrolled-legend" aria-hidden="true">
            <span className="unrolled-legend-data">{t('legendData')}</span>
            <span className="unrolled-legend-recurrent">{t('legendRecurrent')}</span>
            {showBackward && <span className="unrolled-legend-gradient">{t('legendGradient')}</span>}
          </span>
        )}
        {view && !problem && (
          <span className="unrolled-totals" data-testid="unrolled-totals">
            {t('totals', { forward: view.totals.forward, backward: view.totals.backward, parameters: view.totals.parameters.toLocaleString() })}
          </span>
        )}
      </div>
      {problem !== null ? (
        <p className="unrolled-problem" data-testid="unrolled-problem" role="status">
          {problem}
        </p>
      ) : (
        view && (
          <ReactFlowProvider>
            <UnrolledFlow view={view} showBackward={showBackward} />
          </ReactFlowProvider>
        )
      )}
    </div>
  );
}

const markerEnd = (edge: UnrolledEdge) => ({
  type: MarkerType.ArrowClosed,
  width: 14,
  height: 14,
  // Plain colours: React Flow builds the marker's element id from them.
  color: edge.data?.kind === 'recurrent' ? '#7048e8' : edge.data?.kind === 'gradient' ? '#e03131' : '#98a2b3',
});

function UnrolledFlow({ view, showBackward }: { readonly view: View; readonly showBackward: boolean }) {
  const store = useDocumentStore();
  const selected = useDocument((s) => s.selection.nodes, shallowEqual);
  const { setViewport } = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const layout = useMemo(() => layoutUnrolled(view, { showBackward, selected: new Set(selected) }), [view, showBackward, selected]);
  const edges = useMemo(() => layout.edges.map((e) => ({ ...e, markerEnd: markerEnd(e) })), [layout]);
  const nodes: UnrolledNode[] = layout.nodes;

  // Reframe when the table changes shape (more steps, other blocks) or the tab changes size, not
  // on every recompile, so the user's panning survives edits to params.
  const { width: contentWidth, height: contentHeight } = layoutSize(layout);
  useEffect(() => {
    if (width <= 0 || height <= 0) return;
    void setViewport(initialViewport({ width: contentWidth, height: contentHeight }, { width, height }, READABLE_ZOOM));
  }, [contentWidth, contentHeight, width, height, setViewport]);

  const onNodeClick: NodeMouseHandler<UnrolledNode> = (_event, node) => {
    const block = node.type === 'cell' || node.type === 'rowLabel' ? node.data.block : null;
    if (block) store.getState().select([block]);
  };

  return (
    <div className="unrolled-flow">
      <ReactFlow<UnrolledNode, UnrolledEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        edgesFocusable={false}
        nodesFocusable={false}
        onNodeClick={onNodeClick}
        minZoom={0.1}
        maxZoom={2}
        panOnScroll
        zoomOnScroll={false}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
