/**
 * One row per finished epoch, newest first: mean loss, each metric the run reports (accuracy for
 * classifiers) and the time it took. A long run shows its last rows only.
 */
import { useTranslation } from 'react-i18next';
import { formatLoss } from './run-text.ts';
import { useRun } from './use-run.ts';

const SHOWN_ROWS = 100;

const formatMetric = (name: string, value: number): string =>
  Number.isNaN(value) ? '–' : name === 'accuracy' ? `${(value * 100).toFixed(1)} %` : formatLoss(value);

export function EpochTable() {
  const { t, i18n } = useTranslation('training');
  // The table is rebuilt only when an epoch ends (the version changes), not per step.
  useRun((s) => s.epochsVersion);
  const epochs = useRun((s) => s.epochs);
  const total = epochs.length;
  const metrics = epochs.metricNames;
  const metricLabel = (name: string) => (i18n.exists(`epochs.${name}`, { ns: 'training' }) ? t(`epochs.${name}`) : name);
  const rows: number[] = [];
  for (let i = total - 1; i >= Math.max(0, total - SHOWN_ROWS); i--) rows.push(i);

  if (total === 0) return <p className="muted epoch-empty">{t('epochs.none')}</p>;
  return (
    <div className="epoch-table-wrap">
      <table className="epoch-table" data-testid="epoch-table" data-epochs={total}>
        <thead>
          <tr>
            <th scope="col">{t('epochs.epoch')}</th>
            <th scope="col">{t('epochs.loss')}</th>
            {metrics.map((m) => (
              <th scope="col" key={m}>
                {metricLabel(m)}
              </th>
            ))}
            <th scope="col">{t('epochs.seconds')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => (
            <tr key={epochs.epoch.at(i)} data-testid="epoch-row">
              <td>{epochs.epoch.at(i)}</td>
              <td>{formatLoss(epochs.loss.at(i))}</td>
              {metrics.map((m) => (
                <td key={m}>{formatMetric(m, epochs.metric(m)?.at(i) ?? Number.NaN)}</td>
              ))}
              <td>{epochs.seconds.at(i).toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > SHOWN_ROWS && <p className="muted">{t('epochs.showingLast', { shown: SHOWN_ROWS, total })}</p>}
    </div>
  );
}
