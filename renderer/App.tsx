/**
 * The app's layout: top bar; the left panels, the canvas and the right panels side by side; the
 * bottom panels' tabs. Which panels there are is the registry's (shell/panels.ts); everything
 * reads the stores and the engine connection provided above it (see main.tsx).
 */
import { ReactFlowProvider } from '@xyflow/react';
import { Fragment } from 'react';
import { Canvas } from './editor/Canvas.tsx';
import { HostBanner } from './editor/HostBanner.tsx';
import { TopBar } from './editor/TopBar.tsx';
import { useEditCommands } from './editor/use-edit-commands.ts';
import { useLiveValidation } from './connection/use-live-validation.ts';
import { useDocumentState } from './platform/use-desktop-document-state.ts';
import { DocumentRecovery } from './recovery/DocumentRecovery.tsx';
import { BottomPanel } from './shell/BottomPanel.tsx';
import { usePanels } from './shell/context.tsx';
import type { PanelArea } from './shell/panel-registry.ts';

/** The panels of a side area, one under another, as they render themselves. */
function SidePanels({ area }: { area: Exclude<PanelArea, 'bottom'> }) {
  return usePanels()
    .inArea(area)
    .map((panel) => <Fragment key={panel.id}>{panel.render()}</Fragment>);
}

function Shell() {
  useLiveValidation();
  useEditCommands();
  useDocumentState();
  return (
    <div className="app">
      <TopBar />
      <main className="workspace">
        <SidePanels area="left" />
        <div className="canvas-area">
          <HostBanner />
          <Canvas />
        </div>
        <SidePanels area="right" />
      </main>
      <BottomPanel />
      <DocumentRecovery />
    </div>
  );
}

export function App() {
  return (
    <ReactFlowProvider>
      <Shell />
    </ReactFlowProvider>
  );
}
