/** The Unrolled tab: the graph drawn as blocks × time steps. */
import { definePanel } from '../shell/panel-registry.ts';
import { UnrolledIcon } from '../ui/icons.tsx';
import { UnrolledView } from './UnrolledView.tsx';

export const unrolledPanel = definePanel({
  id: 'unrolled',
  area: 'bottom',
  title: { ns: 'unrolled', key: 'title' },
  icon: UnrolledIcon,
  order: 20,
  render: () => <UnrolledView />,
});

export const panels = [unrolledPanel];

declare module '../shell/panel-registry.ts' {
  interface PanelIds {
    [unrolledPanel.id]: typeof unrolledPanel;
  }
}
