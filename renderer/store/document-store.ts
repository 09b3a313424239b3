/**
 * The document store: the engine's GraphDocument is the source of truth, changed only through the
 * actions below. Every change to the document goes through Immer's `produceWithPatches`, and the
 * patches make undo/redo (one entry per user action: a whole drag is one entry). Selection,
 * diagnostics and the saved-state marker live outside the history.
 */
import { applyPatches, current, type Draft, enablePatches, original, produce, produceWithPatches } from 'immer';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { expandNode, type WeightPiece } from '../../engine/blocks/expand.ts';
import { getBlock } from '../../engine/blocks/registry.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument, type GraphEdge, type GraphNode } from '../../engine/graph/schema.ts';
import type { Diagnostic } from '../../engine/protocol/messages.ts';
import { checkConnection, type ConnectionRequest } from './connection-rules.ts';
import { PatchHistory } from './history.ts';
import { freshEdgeId, freshNodeId } from './ids.ts';
import { type Collapse, collapseOpening, recordOpening, withoutGoneOpenings } from './opened-blocks.ts';
import { sameValue } from './same-value.ts';

enablePatches();

export type XY = { x: number; y: number };

export type ConnectResult = { ok: true; edgeId: string } | { ok: false; reason: string; code: string };

/** What opening a block gave: its new nodes and where each of their weights comes from in the block's. */
export type ExpandResult = { ok: true; nodes: readonly string[]; weights: readonly WeightPiece[] } | { ok: false; reason: string };

export interface Selection {
  readonly nodes: string[];
  readonly edges: string[];
}

export interface DocumentState {
  doc: GraphDocument;
  /** Where it was opened from / saved to; sent as documentPath to the host. */
  path: string | null;
  /** Differs from what was last loaded or saved. */
  dirty: boolean;
  selection: Selection;
  /** Latest diagnostics for `doc` (from the engine, or from the local analysis while it is away). */
  diagnostics: Diagnostic[];
  canUndo: boolean;
  canRedo: boolean;
  /** How many documents were loaded since the store was made; the canvas fits its view to each. */
  loads: number;
  /**
   * Replaces the document. `unsaved`: it is not what is on disk (an import, a restored backup), so
   * it stays dirty until saved, even when every edit since is undone.
   */
  load(doc: GraphDocument, path: string | null, options?: { readonly unsaved?: boolean }): void;
  markSaved(path: string): void;
  addNode(type: string, position: XY): string;
  connect(c: ConnectionRequest): ConnectResult;
  removeNodes(ids: string[]): void;
  removeEdges(ids: string[]): void;
  /** Nodes and edges together, as one undo step (edges of removed nodes go with them). */
  removeElements(nodes: string[], edges: string[]): void;
  removeSelection(): void;
  moveNodes(positions: Record<string, XY>, phase: 'drag' | 'end'): void;
  /**
   * Moves nodes as one undo step (tidy up, room for new blocks). With `joining`, the document the
   * previous action made: if nothing changed since, the move joins that action's undo step.
   */
  arrangeNodes(positions: Record<string, XY>, joining?: GraphDocument): void;
  /**
   * Moves blocks aside to make room for blocks that grew (error callouts): a consequence of
   * whatever changed what they show, never an undo step of its own (undo takes back the change,
   * and the blocks stay where there is room).
   */
  makeRoom(positions: Record<string, XY>): void;
  /** Places nodes of the document `loaded` as part of loading it: no undo step, no unsaved change; nothing if it was edited since. */
  settleLoaded(positions: Record<string, XY>, loaded: GraphDocument): void;
  setParams(nodeId: string, params: Record<string, unknown>): void;
  setLabel(nodeId: string, label: string | undefined): void;
  /** Replaces a macro block by its cell of primitive blocks, as one undo step; selects the new nodes. */
  expandNode(nodeId: string): ExpandResult;
  /** Puts back the block that `blockId`'s primitives were opened from, as one undo step; selects it. */
  collapseOpened(blockId: string): Collapse;
  /** Adds blocks and edges (already given fresh ids) as one undo step and selects them. */
  insertElements(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): void;
  setName(name: string): void;
  setDescription(description: string | undefined): void;
  setDataset(spec: GraphDocument['dataset']): void;
  setTraining(settings: GraphDocument['training']): void;
  select(nodes: string[], edges?: string[]): void;
  setDiagnostics(d: Diagnostic[]): void;
  undo(): void;
  redo(): void;
}

export interface DocumentStoreOptions {
  /** Clock for merging quick successive edits of one field (tests pass their own). */
  readonly now?: () => number;
}

export type DocumentStore = StoreApi<DocumentState>;

/** The name a new graph starts with (document data, like any name the user types). */
export const NEW_GRAPH_NAME = 'Untitled';

/** What File ▸ New gives, and what a store starts with when given nothing. */
export const emptyDocument = (name = NEW_GRAPH_NAME): GraphDocument => ({ format: GRAPH_FORMAT, version: GRAPH_VERSION, name, nodes: [], edges: [] });

const EMPTY_SELECTION: Selection = { nodes: [], edges: [] };

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Selection restricted to what exists in `doc`. */
function within(doc: GraphDocument, s: Selection): Selection {
  const nodes = s.nodes.filter((id) => doc.nodes.some((n) => n.id === id));
  const edges = s.edges.filter((id) => doc.edges.some((e) => e.id === id));
  return nodes.length === s.nodes.length && edges.length === s.edges.length ? s : { nodes, edges };
}

function setUi(d: Draft<GraphDocument>, ui: GraphDocument['ui']): void {
  if (ui === undefined) {
    if (d.ui !== undefined) delete d.ui;
  } else if (!sameValue(d.ui, ui)) d.ui = structuredClone(ui);
}

/**
 * Moves blocks of a fresh draft. The blocks are read from the draft's original: reading them
 * through the draft would make a proxy of every block, which in a graph of hundreds costs more
 * than the move itself.
 */
function placeNodes(d: Draft<GraphDocument>, positions: Record<string, XY>): void {
  const { nodes } = original(d) ?? d;
  nodes.forEach((node, i) => {
    const p = positions[node.id];
    if (p && (node.position.x !== p.x || node.position.y !== p.y)) d.nodes[i].position = { x: p.x, y: p.y };
  });
}

export function createDocumentStore(initial: GraphDocument = emptyDocument(), options: DocumentStoreOptions = {}): DocumentStore {
  const now = options.now ?? (() => Date.now());
  const history = new PatchHistory();
  /** What is on disk; null when nothing is (the loaded document was marked unsaved). */
  let saved: GraphDocument | null = structuredClone(initial);
  /** The document as it was when the current drag began; null when no drag is under way. */
  let dragBase: GraphDocument | null = null;

  return createStore<DocumentState>()((set, get) => {
    const status = (doc: GraphDocument) => ({ dirty: saved === null || !sameValue(doc, saved), canUndo: history.canUndo, canRedo: history.canRedo });

    /** A drag interrupted by another action still becomes its own undo step. */
    const settleDrag = () => {
      if (dragBase === null) return;
      const base = dragBase;
      dragBase = null;
      const moved = get().doc;
      const [next, patches, inverse] = produceWithPatches(base, (d) => {
        placeNodes(d, Object.fromEntries(moved.nodes.map((n) => [n.id, n.position])));
      });
      if (patches.length > 0) history.record(patches, inverse, null, now());
      set({ doc: next, ...status(next) });
    };

    /** Applies one user action to the document as one undo step; false when nothing changed. */
    const commit = (recipe: (d: Draft<GraphDocument>) => void, coalesceKey: string | null = null): boolean => {
      settleDrag();
      const [next, patches, inverse] = produceWithPatches(get().doc, recipe);
      if (patches.length === 0) return false;
      history.record(patches, inverse, coalesceKey, now());
      set({ doc: next, selection: within(next, get().selection), ...status(next) });
      return true;
    };

    const step = (direction: 'undo' | 'redo') => {
      settleDrag();
      const entry = direction === 'undo' ? history.undo() : history.redo();
      if (!entry) return;
      const next = applyPatches(get().doc, direction === 'undo' ? entry.inverse : entry.patches);
      set({ doc: next, selection: within(next, get().selection), ...status(next) });
    };

    return {
      doc: structuredClone(initial),
      path: null,
      dirty: false,
      selection: EMPTY_SELECTION,
      diagnostics: [],
      canUndo: false,
      canRedo: false,
      loads: 0,

      load(doc, path, options = {}) {
        dragBase = null;
        history.clear();
        const unsaved = options.unsaved === true;
        saved = unsaved ? null : structuredClone(doc);
        set({ doc: structuredClone(doc), path, dirty: unsaved, selection: EMPTY_SELECTION, diagnostics: [], canUndo: false, canRedo: false, loads: get().loads + 1 });
      },

      markSaved(path) {
        settleDrag();
        saved = get().doc;
        history.seal();
        set({ path, dirty: false });
      },

      addNode(type, position) {
        const block = getBlock(type);
        if (!block) throw new Error(`addNode: unknown block type '${type}'`);
        const id = freshNodeId(type, get().doc.nodes);
        const params = block.params.parse({}) as Record<string, unknown>;
        commit((d) => {
          d.nodes.push({ id, type, params, position: { x: position.x, y: position.y } });
        });
        set({ selection: { nodes: [id], edges: [] } });
        return id;
      },

      connect(c) {
        settleDrag();
        const doc = get().doc;
        const edgeId = freshEdgeId(doc.edges);
        const check = checkConnection(doc, c, edgeId);
        if (!check.ok) return check;
        commit((d) => {
          d.edges.push({ id: edgeId, source: c.source, sourcePort: c.sourcePort, target: c.target, targetPort: c.targetPort });
        });
        return { ok: true, edgeId };
      },

      removeElements(nodeIds, edgeIds) {
        const nodes = new Set(nodeIds);
        const edges = new Set(edgeIds);
        const keepEdge = (e: { id: string; source: string; target: string }) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target);
        const { doc } = get();
        if (doc.nodes.every((n) => !nodes.has(n.id)) && doc.edges.every(keepEdge)) return;
        commit((d) => {
          d.nodes = d.nodes.filter((n) => !nodes.has(n.id));
          d.edges = d.edges.filter(keepEdge);
          setUi(d, withoutGoneOpenings(current(d)));
        });
      },
      removeNodes(ids) {
        get().removeElements(ids, []);
      },
      removeEdges(ids) {
        get().removeElements([], ids);
      },
      removeSelection() {
        const { nodes, edges } = get().selection;
        get().removeElements(nodes, edges);
      },

      moveNodes(positions, phase) {
        if (phase === 'drag') {
          if (dragBase === null) dragBase = get().doc;
          const next = produce(get().doc, (d) => placeNodes(d, positions));
          set({ doc: next, ...status(next) });
          return;
        }
        const base = dragBase ?? get().doc;
        const moved = produce(get().doc, (d) => placeNodes(d, positions));
        dragBase = null;
        const [next, patches, inverse] = produceWithPatches(base, (d) => {
          placeNodes(d, Object.fromEntries(moved.nodes.map((n) => [n.id, n.position])));
        });
        if (patches.length > 0) history.record(patches, inverse, null, now());
        set({ doc: next, ...status(next) });
      },

      arrangeNodes(positions, joining) {
        settleDrag();
        const doc = get().doc;
        // Undo and redo put blocks back where they were, laid out for what they showed then: a
        // move joining "the previous action" after one would join an unrelated entry and drop redo.
        if (joining === doc && history.justTravelled) return;
        const [next, patches, inverse] = produceWithPatches(doc, (d) => placeNodes(d, positions));
        if (patches.length === 0) return;
        if (joining === doc) history.amend(patches, inverse, now());
        else history.record(patches, inverse, null, now());
        set({ doc: next, ...status(next) });
      },

      makeRoom(positions) {
        const doc = get().doc;
        const next = produce(doc, (d) => placeNodes(d, positions));
        if (next !== doc) set({ doc: next, ...status(next) });
      },

      settleLoaded(positions, loaded) {
        if (get().doc !== loaded || history.canUndo) return;
        const next = produce(loaded, (d) => placeNodes(d, positions));
        // As saved as it was when loaded: an opened file's saved state includes the layout, an import stays unsaved.
        if (!get().dirty) saved = next;
        set({ doc: next });
      },

      setParams(nodeId, params) {
        commit((d) => {
          const node = d.nodes.find((n) => n.id === nodeId);
          if (node && !sameValue(node.params, params)) node.params = structuredClone(params);
        }, `params:${nodeId}`);
      },

      setLabel(nodeId, label) {
        const text = label?.trim() ? label : undefined;
        commit((d) => {
          const node = d.nodes.find((n) => n.id === nodeId);
          if (!node || node.label === text) return;
          if (text === undefined) delete node.label;
          else node.label = text;
        }, `label:${nodeId}`);
      },

      expandNode(nodeId) {
        settleDrag();
        const opened = expandNode(get().doc, nodeId);
        if (!opened.ok) return opened;
        const ui = recordOpening(get().doc, nodeId, opened.doc, opened.nodes);
        commit((d) => {
          d.nodes = structuredClone(opened.doc.nodes);
          d.edges = structuredClone(opened.doc.edges);
          setUi(d, ui);
        });
        set({ selection: within(get().doc, { nodes: [...opened.nodes], edges: [] }) });
        return { ok: true, nodes: opened.nodes, weights: opened.weights };
      },

      collapseOpened(blockId) {
        settleDrag();
        const closed = collapseOpening(get().doc, blockId);
        if (!closed.ok) return closed;
        commit((d) => {
          d.nodes = structuredClone(closed.doc.nodes);
          d.edges = structuredClone(closed.doc.edges);
          setUi(d, closed.doc.ui);
        });
        set({ selection: within(get().doc, { nodes: [blockId], edges: [] }) });
        return closed;
      },

      insertElements(nodes, edges) {
        if (nodes.length === 0) return;
        commit((d) => {
          d.nodes.push(...structuredClone(nodes));
          d.edges.push(...structuredClone(edges));
        });
        set({ selection: within(get().doc, { nodes: nodes.map((n) => n.id), edges: edges.map((e) => e.id) }) });
      },

      setName(name) {
        commit((d) => {
          d.name = name;
        }, 'name');
      },

      setDescription(description) {
        const text = description?.trim() ? description : undefined;
        commit((d) => {
          if (d.description === text) return;
          if (text === undefined) delete d.description;
          else d.description = text;
        }, 'description');
      },

      setDataset(spec) {
        commit((d) => {
          if (sameValue(d.dataset, spec)) return;
          if (spec === undefined) delete d.dataset;
          else d.dataset = structuredClone(spec);
        }, 'dataset');
      },

      setTraining(settings) {
        commit((d) => {
          if (sameValue(d.training, settings)) return;
          if (settings === undefined) delete d.training;
          else d.training = structuredClone(settings);
        }, 'training');
      },

      select(nodes, edges = []) {
        const current = get().selection;
        if (sameIds(current.nodes, nodes) && sameIds(current.edges, edges)) return;
        set({ selection: within(get().doc, { nodes: [...nodes], edges: [...edges] }) });
      },

      setDiagnostics(diagnostics) {
        if (sameValue(get().diagnostics, diagnostics)) return;
        set({ diagnostics });
      },

      undo: () => step('undo'),
      redo: () => step('redo'),
    };
  });
}
