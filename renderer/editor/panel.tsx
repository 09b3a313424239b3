/** The editor's panels: the palette and the inspector beside the canvas, the Problems tab below. */
import { useDocument } from '../store/context.tsx';
import { definePanel, type PanelCount } from '../shell/panel-registry.ts';
import { InspectorIcon, PaletteIcon, WarningIcon } from '../ui/icons.tsx';
import { Inspector } from './Inspector.tsx';
import { Palette } from './Palette.tsx';
import { ProblemsList } from './ProblemsList.tsx';

export const palettePanel = definePanel({
  id: 'palette',
  area: 'left',
  title: { ns: 'editor', key: 'palette.title' },
  icon: PaletteIcon,
  order: 10,
  render: () => <Palette />,
});

export const inspectorPanel = definePanel({
  id: 'inspector',
  area: 'right',
  title: { ns: 'editor', key: 'inspector.title' },
  icon: InspectorIcon,
  order: 10,
  render: () => <Inspector />,
});

function useProblemCount(): PanelCount {
  const count = useDocument((s) => s.diagnostics.length);
  const alert = useDocument((s) => s.diagnostics.some((d) => d.severity === 'error'));
  return { count, alert };
}

export const problemsPanel = definePanel({
  id: 'problems',
  area: 'bottom',
  title: { ns: 'editor', key: 'problems.title' },
  titleWithCount: { ns: 'editor', key: 'problems.titleWithCount' },
  useCount: useProblemCount,
  icon: WarningIcon,
  order: 30,
  render: () => <ProblemsList />,
});

export const panels = [palettePanel, inspectorPanel, problemsPanel];

declare module '../shell/panel-registry.ts' {
  interface PanelIds {
    [palettePanel.id]: typeof palettePanel;
    [inspectorPanel.id]: typeof inspectorPanel;
    [problemsPanel.id]: typeof problemsPanel;
  }
}
