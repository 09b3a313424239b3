/** Panels with the app's ids and trivial content, for tests that must not load the real components. */
import type { PanelArea, PanelContribution, PanelId } from '../../../renderer/shell/panel-registry.ts';

const Icon = () => null;

export function fakePanel(id: PanelId, area: PanelArea, order: number): PanelContribution<PanelId> {
  return { id, area, order, title: { ns: 'app', key: 'title' }, icon: Icon, render: () => id };
}

/** The app's layout: palette left, inspector right, three tabs below (registered out of order). */
export const appLikePanels = (): PanelContribution<PanelId>[] => [
  fakePanel('problems', 'bottom', 30),
  fakePanel('inspector', 'right', 10),
  fakePanel('training', 'bottom', 10),
  fakePanel('palette', 'left', 10),
  fakePanel('unrolled', 'bottom', 20),
];
