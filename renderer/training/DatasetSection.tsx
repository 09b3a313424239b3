/**
 * The document's dataset: its kind (from the host's `datasets.list`, labelled and explained in
 * the UI language) and its params through SchemaForm. Every change goes to `store.setDataset`, so
 * it is undoable and saved with the graph.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useEngine } from '../connection/context.tsx';
import { useHostConstant } from '../connection/use-host-constant.ts';
import { SchemaForm } from '../forms/SchemaForm.tsx';
import { useDocument, useDocumentStore } from '../store/context.tsx';
import { useLanguage } from '../ui/use-language.ts';
import { datasetHelpKeys, datasetLabelKey } from './training-form.ts';

export function DatasetSection() {
  const { t, i18n } = useTranslation('training');
  const language = useLanguage();
  const { client } = useEngine();
  const store = useDocumentStore();
  const dataset = useDocument((s) => s.doc.dataset);
  const list = useHostConstant(client, 'datasets.list');
  const known = list.status === 'ready' ? list.value.datasets : [];
  const info = known.find((d) => d.type === dataset?.type);
  const unknownType = dataset !== undefined && list.status === 'ready' && !info ? dataset.type : null;
  const params = useMemo(() => dataset?.params ?? {}, [dataset]);

  const chooseType = (type: string): void => {
    if (type === '') store.getState().setDataset(undefined);
    else if (type !== dataset?.type) store.getState().setDataset({ type, params: {} });
  };

  const translated = (key: string): string | undefined => (i18n.exists(key, { ns: 'training' }) ? t(key) : undefined);

  return (
    <section className="training-section" aria-labelledby="training-dataset-heading">
      <h3 id="training-dataset-heading" className="training-heading">
        {t('section.dataset')}
      </h3>
      <div className="field">
        <label className="field-label" htmlFor="dataset-type">
          {t('dataset.type')}
        </label>
        <select
          id="dataset-type"
          data-testid="dataset-type"
          className="field-input"
          value={dataset?.type ?? ''}
          disabled={list.status !== 'ready'}
          onChange={(e) => chooseType(e.target.value)}
        >
          <option value="">{t('dataset.none')}</option>
          {known.map((d) => (
            <option key={d.type} value={d.type}>
              {d.label[language]}
            </option>
          ))}
          {(unknownType !== null || (dataset && list.status !== 'ready')) && (
            <option value={dataset?.type} disabled>
              {dataset?.type}
            </option>
          )}
        </select>
        {info && <p className="field-help">{info.help[language]}</p>}
      </div>
      {list.status === 'loading' && <p className="muted">{t('dataset.loading')}</p>}
      {list.status === 'unavailable' && <p className="muted">{t('dataset.unavailable')}</p>}
      {list.status === 'failed' && (
        <p className="field-error" role="alert">
          {t('dataset.listFailed', { message: list.message })}
        </p>
      )}
      {unknownType !== null && (
        <p className="field-error" role="alert">
          {t('dataset.unknown', { type: unknownType })}
        </p>
      )}
      {!dataset && list.status === 'ready' && <p className="muted">{t('dataset.missing')}</p>}
      {info && dataset && (
        <SchemaForm
          key={info.type}
          schema={info.paramsSchema}
          value={params}
          idPrefix="dataset"
          onChange={(next) => store.getState().setDataset({ type: info.type, params: next })}
          label={(key) => translated(datasetLabelKey(key))}
          help={(key) => datasetHelpKeys(info.type, key).map(translated).find((text) => text !== undefined)}
        />
      )}
    </section>
  );
}
