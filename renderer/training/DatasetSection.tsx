/**
 * The document's dataset: its kind (from the host's `datasets.list`, labelled and explained in
 * the UI language) and its params through SchemaForm. Every change goes to `store.setDataset`, so
 * it is undoable and saved with the graph.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/protocol/client.ts';
import type { DatasetInfo } from '../../engine/protocol/messages.ts';
import { useEngine } from '../connection/context.tsx';
import { SchemaForm } from '../forms/SchemaForm.tsx';
import { useDocument, useDocumentStore } from '../store/context.tsx';
import { useLanguage } from '../ui/use-language.ts';
import { datasetHelpKeys, datasetLabelKey } from './training-form.ts';

type DatasetList =
  | { readonly status: 'unavailable' }
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly datasets: readonly DatasetInfo[] }
  | { readonly status: 'failed'; readonly message: string };

/** One request per connection: the host's dataset kinds do not change while it runs. */
const lists = new WeakMap<EngineClient, Promise<DatasetList>>();

function fetchList(client: EngineClient): Promise<DatasetList> {
  let list = lists.get(client);
  if (!list) {
    list = client.call('datasets.list', {}).then((r) => {
      if (!r.ok) lists.delete(client); // try again on the next mount
      return r.ok ? { status: 'ready', datasets: r.value.datasets } : { status: 'failed', message: r.error.message };
    });
    lists.set(client, list);
  }
  return list;
}

function useDatasetList(client: EngineClient | null): DatasetList {
  const [loaded, setLoaded] = useState<{ client: EngineClient; list: DatasetList } | null>(null);
  useEffect(() => {
    if (!client) return;
    let live = true;
    void fetchList(client).then((list) => {
      if (live) setLoaded({ client, list });
    });
    return () => {
      live = false;
    };
  }, [client]);
  if (!client) return { status: 'unavailable' };
  return loaded?.client === client ? loaded.list : { status: 'loading' };
}

export function DatasetSection() {
  const { t, i18n } = useTranslation('training');
  const language = useLanguage();
  const { client } = useEngine();
  const store = useDocumentStore();
  const dataset = useDocument((s) => s.doc.dataset);
  const list = useDatasetList(client);
  const known = list.status === 'ready' ? list.datasets : [];
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
