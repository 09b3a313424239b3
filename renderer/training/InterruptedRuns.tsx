/**
 * Runs a crash of the engine interrupted, from the checkpoints the host left: asked for whenever
 * the host (re)starts, each offered to Resume (its graph and weights become the run on show, and
 * training goes on from where it stood), Export (its weights as a model file) or Discard.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { serializeGraph } from '../../engine/graph/document.ts';
import type { CheckpointInfo } from '../../engine/protocol/messages.ts';
import { useEngine } from '../connection/context.tsx';
import { useDocumentStore } from '../store/context.tsx';
import { Button } from '../ui/Button.tsx';
import { useToasts } from '../ui/toasts.tsx';
import { startTraining } from './RunControls.tsx';
import { useRunSession } from './run-session-context.tsx';
import { documentIdOf, isActive } from './run-store.ts';
import { formatLoss } from './run-text.ts';
import { saveModelText } from './save-model.ts';

export function InterruptedRuns() {
  const { t, i18n } = useTranslation('training');
  const savedAt = (iso: string) => new Date(iso).toLocaleString(i18n.language);
  const { client, host } = useEngine();
  const runSession = useRunSession();
  const store = useDocumentStore();
  const toasts = useToasts();
  const [checkpoints, setCheckpoints] = useState<readonly CheckpointInfo[]>([]);
  const [busy, setBusy] = useState(false);
  const showError = useCallback((message: string) => toasts.show({ kind: 'error', message }), [toasts]);

  const refresh = useCallback(async () => {
    const reply = await runSession.listCheckpoints();
    if (reply.ok) setCheckpoints(reply.value.checkpoints);
    else if (reply.error.code !== 'host-unavailable') showError(t('interrupted.listFailed', { message: reply.error.message }));
  }, [runSession, showError, t]);

  // A host that restarted after a crash is a new process: ask it what the old one left.
  useEffect(() => {
    if (client && host.state === 'ready') void refresh();
  }, [client, host.state, host.pid, refresh]);

  const act = (action: () => Promise<void>) => async () => {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
      await refresh();
    }
  };

  const resume = (c: CheckpointInfo) =>
    act(async () => {
      if (isActive(runSession.store.getState().phase)) return showError(t('interrupted.busy'));
      const opened = await runSession.openCheckpoint(c.id);
      if (!opened.ok) return showError(t('interrupted.openFailed', { message: opened.error.message }));
      const { doc, dirty } = store.getState();
      // The document on show is kept when it is the graph the run trained; another one is replaced
      // only when nothing in it would be lost.
      if (serializeGraph(doc) !== serializeGraph(opened.value.doc)) {
        if (dirty) return showError(t('interrupted.unsaved'));
        store.getState().load(opened.value.doc, opened.value.run.documentPath);
      }
      const current = store.getState();
      runSession.adopt(opened.value, documentIdOf(current.path, current.loads));
      await startTraining(runSession, current, showError, t, true);
    });

  const exportModel = (c: CheckpointInfo) =>
    act(async () => {
      const opened = await runSession.openCheckpoint(c.id);
      const reply = opened.ok ? await runSession.exportRun(opened.value.run.runId) : opened;
      if (!reply.ok) return showError(t('model.exportFailed', { message: reply.error.message }));
      const saved = await saveModelText(reply.value.text, reply.value.suggestedName);
      if (saved.kind === 'saved') toasts.show({ kind: 'success', message: t('model.saved', { path: saved.path }) });
      else if (saved.kind === 'downloaded') toasts.show({ kind: 'success', message: t('model.downloaded', { name: saved.name }) });
      else if (saved.kind === 'failed') showError(t('model.exportFailed', { message: saved.message }));
    });

  const discard = (c: CheckpointInfo) =>
    act(async () => {
      const reply = await runSession.discardCheckpoint(c.id);
      if (!reply.ok) showError(t('interrupted.discardFailed', { message: reply.error.message }));
    });

  if (checkpoints.length === 0) return null;
  return (
    <section className="interrupted-runs" data-testid="interrupted-runs" aria-labelledby="interrupted-runs-heading">
      <h3 id="interrupted-runs-heading" className="training-heading">
        {t('interrupted.title')}
      </h3>
      <ul>
        {checkpoints.map((c) => (
          <li key={c.id} data-testid="interrupted-run" data-id={c.id} data-epoch={c.epoch} data-step={c.step}>
            <p>
              {c.problem === null
                ? t('interrupted.summary', { name: c.graphName ?? t('interrupted.unnamed'), epoch: c.epoch, step: c.step, loss: formatLoss(c.loss), saved: savedAt(c.savedAt) })
                : t('interrupted.damaged', { saved: savedAt(c.savedAt), problem: c.problem })}
            </p>
            <div className="run-buttons">
              {c.problem === null && (
                <>
                  <Button variant="primary" size="sm" data-testid="interrupted-resume" disabled={busy} title={t('interrupted.resumeTitle')} onClick={() => void resume(c)()}>
                    {t('interrupted.resume')}
                  </Button>
                  <Button size="sm" data-testid="interrupted-export" disabled={busy} title={t('interrupted.exportTitle')} onClick={() => void exportModel(c)()}>
                    {t('interrupted.export')}
                  </Button>
                </>
              )}
              <Button variant="danger" size="sm" data-testid="interrupted-discard" disabled={busy} onClick={() => void discard(c)()}>
                {t('interrupted.discard')}
              </Button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
