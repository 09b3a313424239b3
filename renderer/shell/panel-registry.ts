/**
 * Panels as contributions: each feature folder declares its panels in its own `panel.tsx` (id,
 * title, icon, order, where it goes, and a factory for its content) and the shell lays them out.
 * Nobody edits a central switch to add one.
 *
 * A feature also adds its panels' ids to `PanelIds`, keyed by the contribution's own `id`
 * (`interface PanelIds { [trainingPanel.id]: typeof trainingPanel }`), so `PanelId` is the
 * union of the registered ids, written once, and a `Record<PanelId, …>` is checked for all of them.
 */
import type { ComponentType, ReactNode } from 'react';
import type { NAMESPACES } from '../i18n/index.ts';

/** Filled in by each feature's panel.tsx (declaration merging). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PanelIds {}
export type PanelId = keyof PanelIds & string;

/** Bottom panels share one tabbed area; left and right panels sit beside the canvas. */
export const PANEL_AREAS = ['left', 'right', 'bottom'] as const;
export type PanelArea = (typeof PANEL_AREAS)[number];

type Namespaces = typeof NAMESPACES;
export type Namespace = keyof Namespaces;
/** The dotted keys of a strings tree's texts: `panel.title`, … */
type Keys<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Keys<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
/** An i18n key that exists in its namespace (the strings tests check that Chinese has it too). */
export type TextKey = { [N in Namespace]: { readonly ns: N; readonly key: Keys<Namespaces[N]['en']> } }[Namespace];

/** What a panel's tab may show beside its title: a count, and whether any of it is an error. */
export interface PanelCount {
  readonly count: number;
  readonly alert: boolean;
}

export interface PanelContribution<Id extends string = string> {
  readonly id: Id;
  readonly area: PanelArea;
  readonly title: TextKey;
  /** The title with `{{count}}`, shown instead of `title` while the count is above zero. */
  readonly titleWithCount?: TextKey;
  /** A hook giving the count its tab shows (the Problems tab's number of problems). */
  readonly useCount?: () => PanelCount;
  readonly icon: ComponentType;
  /** Place within its area, lowest first. */
  readonly order: number;
  /** The panel's content. The shell keeps it mounted while hidden, so it keeps its state. */
  readonly render: () => ReactNode;
}

/** Keeps the literal id, so the feature can key `PanelIds` by it. */
export const definePanel = <const Id extends string>(panel: PanelContribution<Id>): PanelContribution<Id> => panel;

export interface PanelRegistry {
  readonly all: readonly PanelContribution<PanelId>[];
  /** The panels of one area, in order. */
  inArea(area: PanelArea): readonly PanelContribution<PanelId>[];
  get(id: PanelId): PanelContribution<PanelId>;
  has(id: string): id is PanelId;
}

/** Throws on two panels with one id, or two in one area with the same order (their place would be a coin toss). */
export function createPanelRegistry(contributions: readonly PanelContribution[]): PanelRegistry {
  const byId = new Map<string, PanelContribution<PanelId>>();
  for (const panel of contributions) {
    if (byId.has(panel.id)) throw new Error(`two panels are registered as '${panel.id}'`);
    const clash = [...byId.values()].find((p) => p.area === panel.area && p.order === panel.order);
    if (clash) throw new Error(`panels '${clash.id}' and '${panel.id}' both ask for place ${panel.order} in the ${panel.area} area`);
    byId.set(panel.id, panel as PanelContribution<PanelId>);
  }
  const all = [...byId.values()].sort((a, b) => a.order - b.order);
  const areas = new Map(PANEL_AREAS.map((area) => [area, all.filter((p) => p.area === area)]));
  const has = (id: string): id is PanelId => byId.has(id);
  return {
    all,
    inArea: (area) => areas.get(area) ?? [],
    has,
    get(id) {
      const panel = byId.get(id);
      if (!panel) throw new Error(`no panel is registered as '${id}'`);
      return panel;
    },
  };
}
