/**
 * What a finished run leaves: "Export model…" (the graph and its trained weights as a model file),
 * "Export as ONNX…" (OnnxExport.tsx) and, for a character model, a box that samples text from it; for an encoder–decoder, a box
 * that decodes a source and shows its attention. Only for the open document's run (`useRun`);
 * a run of an earlier version of the graph exports that version, and its button says so.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDocument } from '../store/context.tsx';
import { Button } from '../ui/Button.tsx';
import { useToasts } from '../ui/toasts.tsx';
import { canDecode } from './decode-source.ts';
import { DecodeBox } from './DecodeBox.tsx';
import { OnnxExportButton } from './OnnxExport.tsx';
import { useRunSession } from './run-session-context.tsx';
import { saveModelText } from './save-model.ts';
import { runForDocument } from './run-store.ts';
import { useRun } from './use-run.ts';

const TEMPERATURE = { min: 0, max: 10 };
const TOP_K = { min: 0, max: 100_000 };
const LENGTH = { min: 1, max: 10_000 };

export function ModelSection() {
  const { t } = useTranslation('training');
  const phase = useRun((s) => s.phase);
  const runId = useRun((s) => s.runId);
  const datasetType = useRun((s) => s.datasetType);
  const decodable = useDocument((s) => canDecode(datasetType, s.doc));
  const relation = useRun(runForDocument);
  if (phase !== 'ended' || runId === null) return null;
  return (
    <section className="training-section model-section" aria-labelledby="training-model-heading">
      <h3 id="training-model-heading" className="training-heading">
        {t('section.model')}
      </h3>
      <div className="model-exports">
        <ExportButton earlier={relation === 'earlier'} />
        <OnnxExportButton earlier={relation === 'earlier'} />
      </div>
      {datasetType === 'text' && <SampleBox key={runId} />}
      {decodable && <DecodeBox key={runId} />}
    </section>
  );
}

function ExportButton({ earlier }: { readonly earlier: boolean }) {
  const runSession = useRunSession();
  const { t } = useTranslation('training');
  const toasts = useToasts();
  const [busy, setBusy] = useState(false);
  const exportModel = async () => {
    setBusy(true);
    try {
      const reply = await runSession.exportModel();
      if (!reply.ok) {
        toasts.show({ kind: 'error', message: t('model.exportFailed', { message: reply.error.message }) });
        return;
      }
      const saved = await saveModelText(reply.value.text, reply.value.suggestedName);
      if (saved.kind === 'saved') toasts.show({ kind: 'success', message: t('model.saved', { path: saved.path }) });
      else if (saved.kind === 'downloaded') toasts.show({ kind: 'success', message: t('model.downloaded', { name: saved.name }) });
      else if (saved.kind === 'failed') toasts.show({ kind: 'error', message: t('model.exportFailed', { message: saved.message }) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button data-testid="train-export" data-version={earlier ? 'earlier' : 'current'} title={earlier ? t('model.exportEarlierTitle') : undefined} disabled={busy} onClick={() => void exportModel()}>
      {busy ? t('model.exporting') : earlier ? t('model.exportEarlier') : t('model.export')}
    </Button>
  );
}

function SampleBox() {
  const runSession = useRunSession();
  const { t } = useTranslation('training');
  const [prime, setPrime] = useState('');
  const [temperature, setTemperature] = useState('0.7');
  const [length, setLength] = useState('200');
  const [topK, setTopK] = useState('0');
  const [busy, setBusy] = useState(false);
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const temp = Number(temperature);
  const len = Number(length);
  const tempInvalid = !(temp >= TEMPERATURE.min && temp <= TEMPERATURE.max);
  const lenInvalid = !(Number.isInteger(len) && len >= LENGTH.min && len <= LENGTH.max);
  const k = Number(topK);
  const topKInvalid = !(Number.isInteger(k) && k >= TOP_K.min && k <= TOP_K.max);

  const generate = async () => {
    setBusy(true);
    setError(null);
    try {
      const reply = await runSession.sample({ prime, temperature: temp, topK: k, length: len });
      if (reply.ok) setText(reply.value.text);
      else setError(t('sample.failed', { message: reply.error.message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="sample-box" data-testid="sample-box">
      <h4 className="training-subheading">{t('sample.title')}</h4>
      <div className="sample-fields">
        <label className="field">
          <span className="field-label">{t('sample.prime')}</span>
          <input className="field-input" data-testid="sample-prime" value={prime} placeholder={t('sample.primePlaceholder')} onChange={(e) => setPrime(e.target.value)} />
        </label>
        <label className="field field-narrow">
          <span className="field-label">{t('sample.temperature')}</span>
          <input className="field-input" data-testid="sample-temperature" inputMode="decimal" value={temperature} title={t('sample.temperatureHelp')} aria-invalid={tempInvalid || undefined} onChange={(e) => setTemperature(e.target.value)} />
        </label>
        <label className="field field-narrow">
          <span className="field-label">{t('sample.topK')}</span>
          <input className="field-input" data-testid="sample-top-k" inputMode="numeric" value={topK} title={t('sample.topKHelp')} aria-invalid={topKInvalid || undefined} onChange={(e) => setTopK(e.target.value)} />
        </label>
        <label className="field field-narrow">
          <span className="field-label">{t('sample.length')}</span>
          <input className="field-input" data-testid="sample-length" inputMode="numeric" value={length} aria-invalid={lenInvalid || undefined} onChange={(e) => setLength(e.target.value)} />
        </label>
        <Button variant="primary" data-testid="sample-generate" disabled={busy || tempInvalid || lenInvalid || topKInvalid} onClick={() => void generate()}>
          {busy ? t('sample.generating') : t('sample.generate')}
        </Button>
      </div>
      {tempInvalid && <p className="field-error">{t('sample.invalid', { field: t('sample.temperature'), min: TEMPERATURE.min, max: TEMPERATURE.max })}</p>}
      {topKInvalid && <p className="field-error">{t('sample.invalid', { field: t('sample.topK'), min: TOP_K.min, max: TOP_K.max })}</p>}
      {lenInvalid && <p className="field-error">{t('sample.invalid', { field: t('sample.length'), min: LENGTH.min, max: LENGTH.max })}</p>}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {text !== null && (
        <pre className="sample-text" data-testid="sample-text">
          {text}
        </pre>
      )}
    </div>
  );
}
