/**
 * The app shell: top bar; palette, canvas and inspector side by side; the bottom tabs. Everything
 * reads the document store and the engine connection provided above it (see main.tsx).
 */
import { ReactFlowProvider } from '@xyflow/react';
import { BottomPanel } from './editor/BottomPanel.tsx';
import { Canvas } from './editor/Canvas.tsx';
import { HostBanner } from './editor/HostBanner.tsx';
import { Inspector } from './editor/Inspector.tsx';
import { Palette } from './editor/Palette.tsx';
import { TopBar } from './editor/TopBar.tsx';
import { useEditCommands } from './editor/use-edit-commands.ts';
import { useLiveValidation } from './connection/use-live-validation.ts';
import { useDocumentState } from './platform/use-desktop-document-state.ts';

function Shell() {
  useLiveValidation();
  useEditCommands();
  useDocumentState();
  return (
    <div className="app">
      <TopBar />
      <main className="workspace">
        <Palette />
        <div className="canvas-area">
          <HostBanner />
          <Canvas />
        </div>
        <Inspector />
      </main>
      <BottomPanel />
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
