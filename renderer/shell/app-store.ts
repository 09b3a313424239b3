/**
 * The app's UI state, apart from the document: which panel each area shows, what the view is
 * asked to bring into focus, and what is highlighted. Everything that points the user at
 * something (the Problems list today, a guided workshop later) does it through these actions,
 * and reads back from the same state what the user opened.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { PANEL_AREAS, type PanelArea, type PanelId, type PanelRegistry } from './panel-registry.ts';

/** Something on screen to bring into view. */
export type FocusTarget = { readonly kind: 'block'; readonly blockId: string } | { readonly kind: 'edge'; readonly edgeId: string };

/** Something on screen to point at. */
export type HighlightTarget =
  | { readonly kind: 'block'; readonly blockId: string }
  | { readonly kind: 'port'; readonly blockId: string; readonly port: string }
  | { readonly kind: 'panel'; readonly panel: PanelId };

export interface AreaState {
  /** The panel shown (the active tab); null when the area has none. */
  readonly active: PanelId | null;
  readonly collapsed: boolean;
}

export interface FocusRequest {
  readonly target: FocusTarget;
  /** Counts requests, so asking twice for the same target brings it into view twice. */
  readonly serial: number;
}

export interface AppState {
  readonly areas: Readonly<Record<PanelArea, AreaState>>;
  readonly focus: FocusRequest | null;
  readonly highlights: readonly HighlightTarget[];
  /** Shows the panel: makes it its area's active tab and expands the area. */
  openPanel(id: PanelId): void;
  setCollapsed(area: PanelArea, collapsed: boolean): void;
  /** Asks the view to bring `target` into view. */
  focusOn(target: FocusTarget): void;
  /** Adds targets to what is highlighted (each at most once). */
  highlight(targets: readonly HighlightTarget[]): void;
  clearHighlights(): void;
}

export type AppStore = StoreApi<AppState>;

const sameTarget = (a: HighlightTarget, b: HighlightTarget): boolean => {
  switch (a.kind) {
    case 'block':
      return b.kind === 'block' && b.blockId === a.blockId;
    case 'port':
      return b.kind === 'port' && b.blockId === a.blockId && b.port === a.port;
    case 'panel':
      return b.kind === 'panel' && b.panel === a.panel;
  }
};

/** Each area starts on its first panel, expanded. */
export function createAppStore(panels: PanelRegistry): AppStore {
  const areas = Object.fromEntries(PANEL_AREAS.map((area) => [area, { active: panels.inArea(area)[0]?.id ?? null, collapsed: false }])) as Record<PanelArea, AreaState>;
  return createStore<AppState>()((set, get) => ({
    areas,
    focus: null,
    highlights: [],
    openPanel(id) {
      const area = panels.get(id).area;
      const current = get().areas[area];
      if (current.active === id && !current.collapsed) return;
      set({ areas: { ...get().areas, [area]: { active: id, collapsed: false } } });
    },
    setCollapsed(area, collapsed) {
      const current = get().areas[area];
      if (current.collapsed === collapsed) return;
      set({ areas: { ...get().areas, [area]: { ...current, collapsed } } });
    },
    focusOn(target) {
      set({ focus: { target, serial: (get().focus?.serial ?? 0) + 1 } });
    },
    highlight(targets) {
      const next = [...get().highlights];
      for (const t of targets) if (!next.some((h) => sameTarget(h, t))) next.push(t);
      if (next.length !== get().highlights.length) set({ highlights: next });
    },
    clearHighlights() {
      if (get().highlights.length > 0) set({ highlights: [] });
    },
  }));
}

/** Whether `target` is among the highlights (for a selector). */
export const isHighlighted = (highlights: readonly HighlightTarget[], target: HighlightTarget): boolean => highlights.some((h) => sameTarget(h, target));
