/**
 * The Training tab: the document's dataset and training settings on the left, the run (controls,
 * status, and the loss or gradients-over-time chart) in the middle, the trained model and the
 * epochs on the right.
 *
 * The run lives in the window's run session, outside this tab: it keeps streaming while the tab is hidden.
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useEngine } from '../connection/context.tsx';
import { useDocumentStore } from '../store/context.tsx';
import { useToasts } from '../ui/toasts.tsx';
import { DatasetSection } from './DatasetSection.tsx';
import { EpochTable } from './EpochTable.tsx';
import { InterruptedRuns } from './InterruptedRuns.tsx';
import { ModelSection } from './ModelSection.tsx';
import { RunCharts } from './RunCharts.tsx';
import { RunControls, startTraining } from './RunControls.tsx';
import { useRunSession } from './run-session-context.tsx';
import { isActive } from './run-store.ts';
import { SettingsSection } from './SettingsSection.tsx';
import './training.css';

/**
 * Keeps the window's run session on the app's current engine connection and host state. Mounted
 * by the Training tab; safe to mount elsewhere as well (attaching the same client is a no-op).
 */
export function useRunSessionConnection(): void {
  const { client, host } = useEngine();
  const runSession = useRunSession();
  useEffect(() => runSession.attach(client), [runSession, client]);
  useEffect(() => runSession.hostStatus(host.state, host.pid, host.message), [runSession, host.state, host.pid, host.message]);
}

/**
 * The problems the host found when it refused to train: shown in the Problems tab the refusal
 * points to, even when the live validation has not caught up with the last edit yet.
 */
function useTrainDiagnostics(): void {
  const { client } = useEngine();
  const store = useDocumentStore();
  useEffect(() => {
    if (!client) return;
    return client.on('diagnostics', (e) => {
      if (e.source === 'train') store.getState().setDiagnostics(e.diagnostics);
    });
  }, [client, store]);
}

/** The native menu's Train ▸ Start / Stop (Electron). */
function useTrainMenuCommands(): void {
  const { t } = useTranslation('training');
  const store = useDocumentStore();
  const runSession = useRunSession();
  const toasts = useToasts();
  useEffect(() => {
    const desktop = window.rnnStudio;
    if (!desktop) return;
    return desktop.onMenuCommand((command) => {
      const phase = runSession.store.getState().phase;
      if (command === 'train.start' && !isActive(phase)) {
        void startTraining(runSession, store.getState(), (message) => toasts.show({ kind: 'error', message }), t);
      } else if (command === 'train.stop' && (phase === 'running' || phase === 'paused')) {
        void runSession.stop().then((r) => {
          if (!r.ok) toasts.show({ kind: 'error', message: t('error.stopFailed', { message: r.error.message }) });
        });
      }
    });
  }, [store, runSession, toasts, t]);
}

export function TrainingPanel() {
  const { t } = useTranslation('training');
  useRunSessionConnection();
  useTrainDiagnostics();
  useTrainMenuCommands();
  return (
    <div className="training-panel" data-testid="training-panel">
      <div className="training-settings">
        <DatasetSection />
        <SettingsSection />
      </div>
      <div className="training-run">
        <InterruptedRuns />
        <RunControls />
        <RunCharts />
      </div>
      <div className="training-results">
        <ModelSection />
        <section className="training-section" aria-labelledby="training-epochs-heading">
          <h3 id="training-epochs-heading" className="training-heading">
            {t('section.epochs')}
          </h3>
          <EpochTable />
        </section>
      </div>
    </div>
  );
}
