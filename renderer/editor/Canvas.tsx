/**
 * The graph editor canvas (React Flow, controlled by the document store). While a block is
 * dragged its position lives here only, and the document takes the final position when the drag
 * ends (one undo step); connections go through `store.connect`, which refuses what
 * the engine would reject, and the reason is shown. While a connection is dragged, ports that
 * would take it are marked.
 */
import {
  Background,
  BackgroundVariant,
  type Connection,
  ControlButton,
  Controls,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  MiniMap,
  type NodeChange,
  type OnConnectStartParams,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react';
import { type MouseEvent as ReactMouseEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type DocumentState, type XY } from '../store/document-store.ts';
import { useDocument, useDocumentStore } from '../store/context.tsx';
import { useToasts } from '../ui/toasts.tsx';
import { useLanguage } from '../ui/use-language.ts';
import { BlockNode } from './BlockNode.tsx';
import { type ConnectionHints, connectionHints, verdictFor } from './connection-hints.ts';
import { ContextMenu, type MenuRequest } from './ContextMenu.tsx';
import type { MenuTarget } from './context-menu.ts';
import type { BlockFlowNode } from './flow-model.ts';
import { ConnectionHintsContext } from './hints-context.ts';
import { roomForGrowth } from './layout/boxes.ts';
import { useAnalysis } from './use-analysis.ts';
import { useClipboard } from './use-clipboard.ts';
import { useArrange } from './use-arrange.ts';
import { useFocusView } from './use-focus-view.ts';
import { type Measured, useFlowEdges, useFlowNodes } from './use-flow-nodes.ts';

const NODE_TYPES = { block: BlockNode };
/** Small graphs are shown at their natural size rather than blown up to fill the canvas. */
const FIT_VIEW = { padding: 0.08, maxZoom: 1 };

const CATEGORY_COLOURS: Readonly<Record<string, string>> = {
  data: '#0e9f6e',
  recurrent: '#4f46e5',
  layer: '#0284c7',
  output: '#c2410c',
  primitive: '#64748b',
};

const selectionOf = (s: DocumentState) => s.selection;
const TIDY_UP_KEYS = typeof navigator !== 'undefined' && /mac/i.test(navigator.platform || navigator.userAgent) ? '⌘⇧L' : 'Ctrl+Shift+L';

/** Three blocks in a row, joined left to right: the picture of a tidy graph. */
function TidyUpIcon() {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <rect x="1" y="2" width="4" height="4" rx="1" fill="currentColor" />
      <rect x="1" y="10" width="4" height="4" rx="1" fill="currentColor" />
      <rect x="11" y="6" width="4" height="4" rx="1" fill="currentColor" />
      <path d="M5 4h3v8H5M8 8h3" stroke="currentColor" strokeWidth="1.2" fill="none" />
    </svg>
  );
}

// React Flow's props are compared by identity: a new object or function on every render of the
// canvas (each pointer move of a drag) would make it redo work for every node of the graph.
const DEFAULT_EDGE_OPTIONS = { type: 'default' };
const MULTI_SELECTION_KEYS = ['Meta', 'Control'];
const MINIMAP_STYLE = { width: 168, height: 108 };
/**
 * From this many blocks on, blocks and connections outside the view are not drawn: each frame of
 * a drag then paints what is on screen only. (Below it, drawing everything costs less than
 * working out what is visible on every pan.)
 */
const DRAW_VISIBLE_ONLY_FROM = 150;
const minimapColour = (n: BlockFlowNode) => CATEGORY_COLOURS[n.data.category ?? ''] ?? '#94a3b8';

function requestOf(c: Connection | Edge) {
  return { source: c.source, sourcePort: c.sourceHandle ?? '', target: c.target, targetPort: c.targetHandle ?? '' };
}

export function Canvas() {
  const { t } = useTranslation('editor');
  const store = useDocumentStore();
  const toasts = useToasts();
  const flow = useReactFlow<BlockFlowNode>();
  const doc = useDocument((s) => s.doc);
  const selection = useDocument(selectionOf);
  const diagnostics = useDocument((s) => s.diagnostics);
  const loads = useDocument((s) => s.loads);
  const language = useLanguage();
  const analysis = useAnalysis();
  const arrange = useArrange();
  useFocusView();
  const [measured, setMeasured] = useState<Measured>({});
  const measuredRef = useRef<Measured>({});
  const [hints, setHints] = useState<ConnectionHints | null>(null);
  const hintsRef = useRef<ConnectionHints | null>(null);
  const clipboard = useClipboard();
  const [menu, setMenu] = useState<MenuRequest | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);

  /** Opens the context menu; a block or edge that is not selected becomes the selection first. */
  const openMenu = useCallback(
    (e: Pick<MouseEvent, 'preventDefault' | 'clientX' | 'clientY' | 'currentTarget'>, target: MenuTarget) => {
      e.preventDefault();
      const s = store.getState();
      if (target.kind === 'block' && !s.selection.nodes.includes(target.id)) s.select([target.id]);
      if (target.kind === 'edge' && !s.selection.edges.includes(target.id)) s.select([], [target.id]);
      // The Menu key and Shift+F10 give no pointer position: open at the element instead.
      const keyboard = e.clientX === 0 && e.clientY === 0;
      const box = e.currentTarget instanceof Element ? e.currentTarget.getBoundingClientRect() : null;
      setMenu({ target, x: keyboard && box ? box.left + 16 : e.clientX, y: keyboard && box ? box.top + 16 : e.clientY });
    },
    [store],
  );
  const onNodeContextMenu = useCallback((e: ReactMouseEvent, node: BlockFlowNode) => openMenu(e, { kind: 'block', id: node.id }), [openMenu]);
  const onEdgeContextMenu = useCallback((e: ReactMouseEvent, edge: Edge) => openMenu(e, { kind: 'edge', id: edge.id }), [openMenu]);
  const onPaneContextMenu = useCallback((e: MouseEvent | ReactMouseEvent) => openMenu(e, { kind: 'canvas' }), [openMenu]);

  // The dragged blocks' positions until the drag ends. A pointer move then redraws those blocks
  // only: through the document it would make a new document, and the analysis, diagnostics,
  // backup, minimap and every other subscriber would redo their work sixty times a second.
  const [dragged, setDragged] = useState<Readonly<Record<string, XY>> | null>(null);
  const draggedRef = useRef<Readonly<Record<string, XY>> | null>(null);
  const documentNodes = useFlowNodes(doc, analysis, diagnostics, selection.nodes, measured, language);
  const nodes = useMemo(() => (dragged ? documentNodes.map((n) => (dragged[n.id] ? { ...n, position: dragged[n.id] } : n)) : documentNodes), [documentNodes, dragged]);
  const edges = useFlowEdges(doc, analysis, diagnostics, selection.edges);

  // A newly loaded document is shown whole (after its nodes have been measured).
  useEffect(() => {
    // An empty document has nothing to fit, and React Flow would hold the request until a node
    // appears: the first block dropped after File > New would then fly away from the pointer.
    if (loads === 0 || store.getState().doc.nodes.length === 0) return;
    const timer = setTimeout(() => void flow.fitView({ ...FIT_VIEW, duration: 200 }), 60);
    return () => clearTimeout(timer);
  }, [loads, flow, store]);

  // A document whose file left positions out has its blocks on one spot: lay them out.
  const stackedCheckedFor = useRef(0);
  useEffect(() => {
    if (loads === 0 || stackedCheckedFor.current === loads) return;
    stackedCheckedFor.current = loads;
    void arrange.placeStacked();
  }, [loads, arrange]);

  const onNodesChange = useCallback(
    (changes: NodeChange<BlockFlowNode>[]) => {
      const s = store.getState();
      const dragging: Record<string, XY> = {};
      const ended: Record<string, XY> = {};
      let endedAny = false;
      const chosen = new Set(s.selection.nodes);
      let selectionChanged = false;
      const sizes: Record<string, { width: number; height: number }> = {};
      for (const c of changes) {
        switch (c.type) {
          case 'position':
            if (c.dragging) {
              if (c.position) dragging[c.id] = c.position;
            } else {
              endedAny = true;
              if (c.position) ended[c.id] = c.position;
            }
            break;
          case 'select':
            if (c.selected) chosen.add(c.id);
            else chosen.delete(c.id);
            selectionChanged = true;
            break;
          case 'dimensions':
            if (c.dimensions) sizes[c.id] = c.dimensions;
            break;
          default:
            // Removal goes through the editor's own Delete handling (one undo step for all of it).
            break;
        }
      }
      if (Object.keys(dragging).length > 0) {
        draggedRef.current = { ...draggedRef.current, ...dragging };
        setDragged(draggedRef.current);
      }
      if (endedAny) {
        // The drop may name no position: the block stays where the last move put it.
        const final = { ...draggedRef.current, ...ended };
        draggedRef.current = null;
        s.moveNodes(final, 'end');
        setDragged(null);
      }
      if (selectionChanged) s.select([...chosen], s.selection.edges);
      if (Object.keys(sizes).length > 0) {
        // Blocks that grew (error callouts) push the blocks below them down (no undo step of its
        // own: see makeRoom); a document just opened is left as its file has it.
        const room = roomForGrowth(s.doc, measuredRef.current, sizes);
        if (Object.keys(room).length > 0 && s.canUndo) s.makeRoom(room);
        measuredRef.current = { ...measuredRef.current, ...sizes };
        setMeasured((m) => {
          const changed = Object.entries(sizes).some(([id, d]) => m[id]?.width !== d.width || m[id]?.height !== d.height);
          return changed ? { ...m, ...sizes } : m;
        });
      }
    },
    [store],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const s = store.getState();
      const chosen = new Set(s.selection.edges);
      let changed = false;
      for (const c of changes)
        if (c.type === 'select') {
          if (c.selected) chosen.add(c.id);
          else chosen.delete(c.id);
          changed = true;
        }
      if (changed) s.select(s.selection.nodes, [...chosen]);
    },
    [store],
  );

  const refuse = useCallback((reason: string) => toasts.show({ kind: 'error', message: t('connect.refused', { reason }) }), [toasts, t]);

  const onConnect = useCallback(
    (c: Connection) => {
      const result = store.getState().connect(requestOf(c));
      if (!result.ok) refuse(result.reason);
    },
    [store, refuse],
  );

  const isValidConnection = useCallback((c: Connection | Edge) => verdictFor(store.getState().doc, hintsRef.current, requestOf(c)).ok, [store]);

  const onConnectStart = useCallback(
    (_event: MouseEvent | TouchEvent, params: OnConnectStartParams) => {
      if (!params.nodeId || !params.handleId || !params.handleType) return;
      const next = connectionHints(store.getState().doc, { nodeId: params.nodeId, port: params.handleId, side: params.handleType });
      hintsRef.current = next;
      setHints(next);
    },
    [store],
  );

  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      const current = hintsRef.current;
      hintsRef.current = null;
      setHints(null);
      // A drop on a port that refuses the connection: say why (valid drops reach onConnect).
      if (state.isValid !== false || !state.fromHandle || !state.toHandle || !state.fromNode || !state.toNode) return;
      const from = { nodeId: state.fromNode.id, port: state.fromHandle.id ?? '' };
      const to = { nodeId: state.toNode.id, port: state.toHandle.id ?? '' };
      const request =
        state.fromHandle.type === 'source'
          ? { source: from.nodeId, sourcePort: from.port, target: to.nodeId, targetPort: to.port }
          : { source: to.nodeId, sourcePort: to.port, target: from.nodeId, targetPort: from.port };
      const verdict = verdictFor(store.getState().doc, current, request);
      if (!verdict.ok) refuse(verdict.reason);
    },
    [store, refuse],
  );

  return (
    <div className="canvas" data-testid="canvas" aria-label={t('canvas.label')}>
      <ConnectionHintsContext.Provider value={hints}>
        <ReactFlow<BlockFlowNode>
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectStart={onConnectStart}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          onNodeContextMenu={onNodeContextMenu}
          onEdgeContextMenu={onEdgeContextMenu}
          onPaneContextMenu={onPaneContextMenu}
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={MULTI_SELECTION_KEYS}
          connectionRadius={24}
          defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
          minZoom={0.2}
          maxZoom={2}
          fitView
          fitViewOptions={FIT_VIEW}
          onlyRenderVisibleElements={doc.nodes.length >= DRAW_VISIBLE_ONLY_FROM}
        >
          <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} color="#c8cfdb" />
          <MiniMap<BlockFlowNode> pannable zoomable style={MINIMAP_STYLE} nodeColor={minimapColour} nodeStrokeWidth={2} maskColor="rgba(241, 244, 249, 0.7)" />
          <Controls showInteractive={false}>
            <ControlButton data-testid="tidy-up" title={t('layout.tidyUpTitle', { shortcut: TIDY_UP_KEYS })} aria-label={t('layout.tidyUp')} disabled={doc.nodes.length === 0} onClick={() => void arrange.tidyUp()}>
              <TidyUpIcon />
            </ControlButton>
          </Controls>
        </ReactFlow>
      </ConnectionHintsContext.Provider>
      {doc.nodes.length === 0 && <div className="canvas-empty">{t('canvas.empty')}</div>}
      {menu && <ContextMenu request={menu} clipboard={clipboard} onClose={closeMenu} />}
    </div>
  );
}
