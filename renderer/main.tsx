/**
 * Starts the app: language, a document store holding the example graph, the engine connection,
 * the window's run session, the panels and the app's UI state, toasts, then the layout. In Electron the engine's port may be posted before React renders, so
 * listening for it starts first.
 */
import '@xyflow/react/dist/style.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { EngineProvider } from './connection/context.tsx';
import { listenForEnginePorts } from './connection/message-port-transport.ts';
import { initI18n } from './i18n/index.ts';
import { ShellProvider } from './shell/context.tsx';
import { appPanels } from './shell/panels.ts';
import { DocumentStoreProvider } from './store/context.tsx';
import { createDocumentStore } from './store/document-store.ts';
import { exampleGraph } from './store/example-graph.ts';
import { RunSession } from './training/run-session.ts';
import { RunSessionProvider } from './training/run-session-context.tsx';
import { ToastProvider } from './ui/toasts.tsx';

const ports = window.rnnStudio ? listenForEnginePorts(window) : undefined;
const store = createDocumentStore(exampleGraph());
const runSession = new RunSession();
// For the app's lifetime: the run store always knows which document is open.
runSession.follow(store);

void initI18n().then(() => {
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <DocumentStoreProvider store={store}>
        <EngineProvider ports={ports}>
          <RunSessionProvider session={runSession}>
            <ShellProvider panels={appPanels}>
              <ToastProvider>
                <App />
              </ToastProvider>
            </ShellProvider>
          </RunSessionProvider>
        </EngineProvider>
      </DocumentStoreProvider>
    </StrictMode>,
  );
});
