/**
 * "Export as ONNX…": asks the host which lengths the run's model can be exported for, lets the
 * user pick a fixed number of steps or any (an ONNX Scan, where no block needs the whole
 * sequence) and a batch size, then saves the file (a native save dialog on the desktop, a
 * download in a browser). Only for the open document's run, like "Export model…".
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../ui/Button.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { useToasts } from '../ui/toasts.tsx';
import { base64ToBytes, checkOnnxForm, initialOnnxForm, type OnnxChoices, type OnnxForm } from './onnx-export-form.ts';
import { useRunSession } from './run-session-context.tsx';
import { saveModelBytes } from './save-model.ts';

export function OnnxExportButton({ earlier }: { readonly earlier: boolean }) {
  const runSession = useRunSession();
  const { t } = useTranslation('training');
  const toasts = useToasts();
  const [asking, setAsking] = useState(false);
  const [choices, setChoices] = useState<OnnxChoices | null>(null);

  const open = async () => {
    setAsking(true);
    try {
      const reply = await runSession.onnxChoices();
      if (reply.ok) setChoices(reply.value);
      else toasts.show({ kind: 'error', message: t('onnx.failed', { message: reply.error.message }) });
    } finally {
      setAsking(false);
    }
  };
  return (
    <>
      <Button data-testid="train-export-onnx" title={earlier ? t('model.exportEarlierTitle') : undefined} disabled={asking} onClick={() => void open()}>
        {t('onnx.open')}
      </Button>
      {choices && <OnnxExportDialog choices={choices} onClose={() => setChoices(null)} />}
    </>
  );
}

function OnnxExportDialog({ choices, onClose }: { readonly choices: OnnxChoices; readonly onClose: () => void }) {
  const runSession = useRunSession();
  const { t } = useTranslation('training');
  const toasts = useToasts();
  const [form, setForm] = useState<OnnxForm>(() => initialOnnxForm(choices));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const checked = checkOnnxForm(form, choices);
  const invalid = (field: 'steps' | 'batch') => (!checked.ok && checked.field === field ? checked : null);
  const stepsInvalid = invalid('steps');
  const batchInvalid = invalid('batch');

  const exportFile = async () => {
    if (!checked.ok) return;
    setBusy(true);
    setError(null);
    try {
      const reply = await runSession.exportOnnx(checked.request);
      if (!reply.ok) {
        setError(t('onnx.failed', { message: reply.error.message }));
        return;
      }
      const saved = await saveModelBytes(base64ToBytes(reply.value.base64), reply.value.suggestedName);
      if (saved.kind === 'failed') {
        setError(t('onnx.failed', { message: saved.message }));
        return;
      }
      if (saved.kind === 'saved') toasts.show({ kind: 'success', message: t('onnx.saved', { path: saved.path }) });
      else if (saved.kind === 'downloaded') toasts.show({ kind: 'success', message: t('onnx.downloaded', { name: saved.name }) });
      onClose();
    } finally {
      setBusy(false);
    }
  };

  const footer = (
    <>
      <Button onClick={onClose}>{t('onnx.cancel')}</Button>
      <Button variant="primary" data-testid="onnx-export" disabled={busy || !checked.ok} onClick={() => void exportFile()}>
        {busy ? t('model.exporting') : t('onnx.export')}
      </Button>
    </>
  );
  return (
    <Dialog open title={t('onnx.title')} onClose={onClose} footer={footer} testId="onnx-dialog" width={520}>
      <p className="field-help">{t('onnx.intro')}</p>
      {choices.sequences ? (
        <fieldset className="onnx-length">
          <legend className="field-label">{t('onnx.length')}</legend>
          <label className="onnx-choice">
            <input type="radio" name="onnx-length" data-testid="onnx-any" checked={form.length === 'any'} disabled={!choices.anyLength.possible} onChange={() => setForm({ ...form, length: 'any' })} />
            <span>{t('onnx.any')}</span>
          </label>
          {choices.anyLength.possible ? (
            <p className="field-help">{t('onnx.anyHelp')}</p>
          ) : (
            <p className="field-help" data-testid="onnx-any-reason">
              {t('onnx.anyImpossible', { reason: choices.anyLength.reason })}
            </p>
          )}
          <label className="onnx-choice">
            <input type="radio" name="onnx-length" data-testid="onnx-fixed" checked={form.length === 'fixed'} onChange={() => setForm({ ...form, length: 'fixed' })} />
            <span>{t('onnx.fixed')}</span>
            <input
              className="field-input field-narrow"
              data-testid="onnx-steps"
              inputMode="numeric"
              aria-label={t('onnx.steps')}
              value={form.steps}
              disabled={form.length !== 'fixed'}
              aria-invalid={stepsInvalid !== null || undefined}
              onChange={(e) => setForm({ ...form, steps: e.target.value })}
            />
            <span>{t('onnx.stepsUnit')}</span>
          </label>
        </fieldset>
      ) : (
        <p className="field-help">{t('onnx.noSequence')}</p>
      )}
      <label className="field onnx-batch">
        <span className="field-label">{t('onnx.batch')}</span>
        <input className="field-input" data-testid="onnx-batch" inputMode="numeric" value={form.batch} title={t('onnx.batchHelp')} aria-invalid={batchInvalid !== null || undefined} onChange={(e) => setForm({ ...form, batch: e.target.value })} />
      </label>
      {stepsInvalid && <p className="field-error">{t('onnx.invalid', { field: t('onnx.steps'), min: stepsInvalid.min, max: stepsInvalid.max })}</p>}
      {batchInvalid && <p className="field-error">{t('onnx.invalid', { field: t('onnx.batch'), min: batchInvalid.min, max: batchInvalid.max })}</p>}
      {error && (
        <p className="field-error" role="alert" data-testid="onnx-error">
          {error}
        </p>
      )}
    </Dialog>
  );
}
