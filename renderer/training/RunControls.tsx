/**
 * Start, Pause, Resume and Stop (each enabled only when it means something), and the status of
 * the run: its state, what it is setting up before its first step (with a progress bar), epoch,
 * step, loss, speed, and the executor in use with the reason a faster one is not, beside the
 * executors the engine's machine can and cannot run (and why not). A refused start shows its
 * reason here and as a toast.
 */
import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/protocol/client.ts';
import type { Parsed } from '../../engine/protocol/index.ts';
import { useEngine } from '../connection/context.tsx';
import { useHostConstant } from '../connection/use-host-constant.ts';
import { useDocument, useDocumentStore } from '../store/context.tsx';
import { Button } from '../ui/Button.tsx';
import { useToasts } from '../ui/toasts.tsx';
import type { RunSession } from './run-session.ts';
import { useRunSession } from './run-session-context.tsx';
import { documentIdOf, isActive, type RunData, runForDocument } from './run-store.ts';
import { useLanguage } from '../ui/use-language.ts';
import { bestText, endText, executorStatusText, executorSummaryText, failureText, formatLoss, formatSpeed, type Translate } from './run-text.ts';
import { useRun, useStoredRun } from './use-run.ts';
import type { DocumentState } from '../store/document-store.ts';

/** The open document, as the document store holds it. */
type OpenDocumentState = Pick<DocumentState, 'doc' | 'path' | 'loads'>;

/**
 * Starts a run of the open document (from the finished run's weights with `continueFrom`); what
 * went wrong goes to a toast as well as the panel.
 */
export async function startTraining(runSession: RunSession, open: OpenDocumentState, fail: (message: string) => void, t: Translate, continueFrom = false): Promise<void> {
  const reply = await runSession.start(open.doc, open.path, documentIdOf(open.path, open.loads), continueFrom);
  if (!reply.ok) {
    const failure = runSession.store.getState().failure;
    fail(failure ? failureText(t, failure) : t('error.startFailed', { message: reply.error.message }));
  }
}

/** Every executor the engine knows: whether it can run on the engine's machine, and why not. */
function ExecutorAvailability({ client }: { readonly client: EngineClient }) {
  const { t } = useTranslation('training');
  const language = useLanguage();
  const list = useHostConstant(client, 'executors.list');
  if (list.status === 'loading' || list.status === 'unavailable') return <p className="run-executors muted">{t('executors.loading')}</p>;
  if (list.status === 'failed') return <p className="run-executors field-error">{t('executors.failed', { message: list.message })}</p>;
  return (
    <details className="run-executors" data-testid="train-executors">
      <summary>{executorSummaryText(t, list.value.executors)}</summary>
      <ul>
        {list.value.executors.map((s) => (
          <li key={s.id} className={s.available ? undefined : 'muted'} data-testid={`train-executor-${s.id}`} data-available={s.available} title={s.description[language]}>
            {executorStatusText(t, s, language)}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** The setup phase a run is in before its first step, and how far; preparing the executor has no measure, so its bar is indeterminate. */
function SetupStatus({ setup }: { readonly setup: NonNullable<RunData['setup']> }) {
  const { t } = useTranslation('training');
  const phase = t(`setup.${setup.phase}`);
  const measured = setup.phase !== 'prepare';
  const fraction = setup.total > 0 ? Math.min(setup.done / setup.total, 1) : 0;
  const percent = Math.floor(100 * fraction);
  return (
    <span className="run-setup" data-testid="train-setup" data-phase={setup.phase} data-done={fraction} title={measured ? undefined : t('setup.prepareNote')}>
      <span>{measured ? t('setup.progress', { phase, percent }) : `${phase}…`}</span>
      {measured ? <progress max={1} value={fraction} aria-label={phase} /> : <progress aria-label={phase} />}
    </span>
  );
}

export function RunControls() {
  const { t } = useTranslation('training');
  const { client } = useEngine();
  const runSession = useRunSession();
  const toasts = useToasts();
  const store = useDocumentStore();
  const hasDataset = useDocument((s) => s.doc.dataset !== undefined);
  const run = useRun((s) => s);
  const { phase, runId, info } = run;
  const connected = client !== null;
  const relation = useStoredRun(runForDocument);
  // The host trains one run at a time: another document's run blocks Start until it ends.
  const background = useStoredRun((s) => (runForDocument(s) === 'other' && isActive(s.phase) ? s.document : null));

  const showError = (message: string) => toasts.show({ kind: 'error', message });
  const start = (continueFrom: boolean) => () => {
    void startTraining(runSession, store.getState(), showError, t, continueFrom);
  };
  const request = (call: () => Promise<Parsed<unknown>>, failKey: string) => () => {
    void call().then((r) => {
      if (!r.ok) showError(t(failKey, { message: r.error.message }));
    });
  };

  const canStart = connected && hasDataset && !isActive(phase) && background === null;
  const startTitle = !connected ? t('action.notConnected') : !hasDataset ? t('dataset.missing') : t('action.startTitle');

  return (
    <div className="run-controls">
      <div className="run-buttons" role="toolbar" aria-label={t('section.run')}>
        <Button variant="primary" size="sm" data-testid="train-start" disabled={!canStart} title={startTitle} onClick={start(false)}>
          {t('action.start')}
        </Button>
        {phase === 'ended' && runId !== null && (
          <Button
            size="sm"
            data-testid="train-continue"
            data-from={run.origin}
            disabled={!canStart}
            title={run.origin === 'checkpoint' ? t('continue.fromCheckpointTitle', { epoch: run.epochsDone }) : t('continue.fromWeightsTitle')}
            onClick={start(true)}
          >
            {run.origin === 'checkpoint' ? t('continue.fromCheckpoint') : t('continue.fromWeights')}
          </Button>
        )}
        <Button size="sm" data-testid="train-pause" disabled={!connected || phase !== 'running' || runId === null} onClick={request(() => runSession.pause(), 'error.pauseFailed')}>
          {t('action.pause')}
        </Button>
        <Button size="sm" data-testid="train-resume" disabled={!connected || phase !== 'paused'} onClick={request(() => runSession.resume(), 'error.resumeFailed')}>
          {t('action.resume')}
        </Button>
        <Button variant="danger" size="sm" data-testid="train-stop" disabled={!connected || !isActive(phase) || runId === null} onClick={request(() => runSession.stop(), 'error.stopFailed')}>
          {t('action.stop')}
        </Button>
      </div>

      <div className="run-status" data-testid="train-status" data-state={phase} data-step={run.step} role="status">
        {phase === 'ended' && run.origin !== 'trained' ? (
          <span className="run-state run-state-ended" data-testid="train-origin" data-origin={run.origin}>
            {t(`origin.${run.origin}`)}
          </span>
        ) : phase === 'ended' && run.end ? (
          <span className={`run-state run-state-ended run-end-${run.end.reason}`} title={endText(t, run.end)}>
            {t(`end.${run.end.reason}`)}
          </span>
        ) : (
          <span className={`run-state run-state-${phase}`}>{t(`state.${phase}`)}</span>
        )}
        {phase === 'starting' && run.setup && <SetupStatus setup={run.setup} />}
        {info && <span>{t('status.epoch', { done: run.epochsDone, total: info.epochs })}</span>}
        {run.step > 0 && <span>{t('status.step', { step: run.step })}</span>}
        {run.lastLoss !== null && <span className="run-loss">{t('status.loss', { loss: formatLoss(run.lastLoss) })}</span>}
        {info && isActive(phase) && (
          <span data-testid="train-steps-per-second" data-value={run.stepsPerSecond ?? ''}>
            {t('status.stepsPerSecond', { value: run.stepsPerSecond === null ? '–' : formatSpeed(run.stepsPerSecond) })}
          </span>
        )}
        {/* With a best epoch, its translated text says what the host's message would; the message stays in the title. */}
        {phase === 'ended' && run.origin === 'trained' && run.end && !run.end.best && <span className={`run-end-message run-end-${run.end.reason}`}>{run.end.message}</span>}
        {phase === 'ended' && run.end?.best && (
          <span className="run-best" data-testid="train-best" data-epoch={run.end.best.epoch} title={run.end.message}>
            {bestText(t, run.end)}
          </span>
        )}
      </div>

      {info && (
        <div className="run-executor">
          <span data-testid="train-executor" data-name={info.executor.name} data-device={info.executor.device}>
            {t('status.executor', { name: info.executor.name, version: info.executor.version, device: info.executor.device })}
          </span>
          <span className="muted">
            {' · '}
            {t('status.shape', { examples: info.examples, steps: info.steps, batchSize: info.batchSize, parameters: info.parameters.toLocaleString() })}
            {info.validationExamples !== undefined && info.validationExamples > 0 && ` · ${t('status.validation', { count: info.validationExamples })}`}
            {info.chunksPerBatch !== undefined && info.chunksPerBatch > 1 && ` · ${t('status.chunks', { chunks: info.chunksPerBatch })}`}
          </span>
          {info.executorReason && (
            <span className="run-executor-reason" data-testid="train-executor-reason">
              {' · '}
              {t('status.executorReason', { reason: info.executorReason })}
            </span>
          )}
        </div>
      )}
      {client && <ExecutorAvailability client={client} />}

      {relation === 'earlier' && (
        <p className="run-document-notice" role="note" data-testid="run-earlier-version">
          {t('runDocument.earlier')}
        </p>
      )}
      {background && (
        <p className="run-document-notice" data-testid="run-in-background" data-document={background.id}>
          {t('runDocument.background', { name: background.name })}{' '}
          <Button variant="danger" size="sm" data-testid="train-stop-background" disabled={!connected} onClick={request(() => runSession.stop(), 'error.stopFailed')}>
            {t('action.stop')}
          </Button>{' '}
          <span className="muted">{t('runDocument.backgroundHint')}</span>
        </p>
      )}

      {phase === 'failed' && run.failure && (
        <p className="run-failure field-error" role="alert" data-testid="train-error" data-code={run.failure.code}>
          {failureText(t, run.failure)}
        </p>
      )}
    </div>
  );
}
