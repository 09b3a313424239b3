/** The Training tab, first of the bottom panels. */
import { definePanel } from '../shell/panel-registry.ts';
import { TrainingIcon } from '../ui/icons.tsx';
import { TrainingPanel } from './TrainingPanel.tsx';

export const trainingPanel = definePanel({
  id: 'training',
  area: 'bottom',
  title: { ns: 'training', key: 'title' },
  icon: TrainingIcon,
  order: 10,
  render: () => <TrainingPanel />,
});

export const panels = [trainingPanel];

declare module '../shell/panel-registry.ts' {
  interface PanelIds {
    [trainingPanel.id]: typeof trainingPanel;
  }
}
