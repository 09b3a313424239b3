/**
 * One row per finished epoch, newest first: mean loss, each metric the run reports (accuracy for
 * classifiers), the loss and metrics on the held-out examples (under the training values) when
 * the run has a validation split, the learning rate the epoch trained with, and the time it took. A metric that only
 * repeats its loss (MSE of a model trained on MSE) is left out, so the table fits its column. A
 * long run shows its last rows only.
 */
import { useTranslation } from 'react-i18next';
import { sameValues } from './columns.ts';
import { formatLoss, formatMetric, formatRate, metricParts } from './run-text.ts';
import { useRun } from './use-run.ts';

const SHOWN_ROWS = 100;

export function EpochTable() {
  const { t, i18n } = useTranslation('training');
  // The table is rebuilt only when an epoch ends (the version changes), not per step.
  useRun((s) => s.epochsVersion);
  const epochs = useRun((s) => s.epochs);
  const total = epochs.length;
  const repeatsLoss = (column: ReturnType<typeof epochs.metric>, loss: typeof epochs.loss) => column !== undefined && sameValues(column, loss);
  const metrics = epochs.metricNames.filter((m) => !repeatsLoss(epochs.metric(m), epochs.loss));
  const validationMetrics = epochs.hasValidation ? epochs.validationMetricNames.filter((m) => !repeatsLoss(epochs.validationMetric(m), epochs.validationLoss)) : [];
  const metricLabel = (name: string) => {
    const { node, metric } = metricParts(name);
    const text = i18n.exists(`epochs.${metric}`, { ns: 'training' }) ? t(`epochs.${metric}`) : metric;
    return node === null ? text : `${node} · ${text}`;
  };
  const rows: number[] = [];
  for (let i = total - 1; i >= Math.max(0, total - SHOWN_ROWS); i--) rows.push(i);

  if (total === 0) return <p className="muted epoch-empty">{t('epochs.none')}</p>;
  // A held-out value sits under the value it is compared with, not in a column of its own: with
  // a validation split a classifier has seven values per epoch, more columns than the panel's
  // width holds.
  const heldOut = (text: string) => (
    <span className="epoch-validation" title={t('epochs.validationTitle')}>
      {text}
    </span>
  );
  const onlyHeldOut = validationMetrics.filter((m) => !metrics.includes(m));
  return (
    <div className="epoch-table-wrap">
      <table className="epoch-table" data-testid="epoch-table" data-epochs={total}>
        <thead>
          <tr>
            <th scope="col">{t('epochs.epoch')}</th>
            <th scope="col">
              {t('epochs.loss')}
              {epochs.hasValidation && heldOut(t('epochs.validationLine'))}
            </th>
            {metrics.map((m) => (
              <th scope="col" key={m}>
                {metricLabel(m)}
                {validationMetrics.includes(m) && heldOut(t('epochs.validationLine'))}
              </th>
            ))}
            {onlyHeldOut.map((m) => (
              <th scope="col" key={`validation-${m}`}>
                {heldOut(t('epochs.validationOf', { name: metricLabel(m) }))}
              </th>
            ))}
            {epochs.hasLearningRate && (
              <th scope="col" title={t('epochs.learningRateTitle')}>
                {t('epochs.learningRate')}
              </th>
            )}
            <th scope="col">{t('epochs.seconds')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => (
            <tr key={epochs.epoch.at(i)} data-testid="epoch-row">
              <td>{epochs.epoch.at(i)}</td>
              <td>
                {formatLoss(epochs.loss.at(i))}
                {epochs.hasValidation && (
                  <span className="epoch-validation" data-testid="epoch-validation-loss">
                    {Number.isNaN(epochs.validationLoss.at(i)) ? '–' : formatLoss(epochs.validationLoss.at(i))}
                  </span>
                )}
              </td>
              {metrics.map((m) => (
                <td key={m}>
                  {formatMetric(m, epochs.metric(m)?.at(i) ?? Number.NaN)}
                  {validationMetrics.includes(m) && heldOut(formatMetric(m, epochs.validationMetric(m)?.at(i) ?? Number.NaN))}
                </td>
              ))}
              {onlyHeldOut.map((m) => (
                <td key={`validation-${m}`}>{heldOut(formatMetric(m, epochs.validationMetric(m)?.at(i) ?? Number.NaN))}</td>
              ))}
              {epochs.hasLearningRate && <td data-testid="epoch-learning-rate">{formatRate(epochs.learningRate.at(i))}</td>}
              <td>{Number.isFinite(epochs.seconds.at(i)) ? epochs.seconds.at(i).toFixed(2) : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > SHOWN_ROWS && <p className="muted">{t('epochs.showingLast', { shown: SHOWN_ROWS, total })}</p>}
    </div>
  );
}
