/**
 * Starts the app: language, a document store holding the example graph, the engine connection,
 * toasts, then the shell. In Electron the engine's port may be posted before React renders, so
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
import { DocumentStoreProvider } from './store/context.tsx';
import { createDocumentStore } from './store/document-store.ts';
import { exampleGraph } from './store/example-graph.ts';
import { ToastProvider } from './ui/toasts.tsx';

const ports = window.rnnStudio ? listenForEnginePorts(window) : undefined;
const store = createDocumentStore(exampleGraph());

void initI18n().then(() => {
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <DocumentStoreProvider store={store}>
        <EngineProvider ports={ports}>
          <ToastProvider>
            <App />
          </ToastProvider>
        </EngineProvider>
      </DocumentStoreProvider>
    </StrictMode>,
  );
});
