/**
 * The chart area of the Training tab: the loss, or the gradients over time, one at a time under
 * a switch, so neither is squeezed. Both stay mounted (the hidden one keeps following the run and
 * is drawn at its size again when shown); the choice outlives the window.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GradientFlow } from './GradientFlow.tsx';
import { LossChart } from './LossChart.tsx';

const VIEWS = ['loss', 'gradients'] as const;
type ChartView = (typeof VIEWS)[number];
const VIEW_KEY = 'rnn-studio.trainingChart';

const storedView = (): ChartView => (globalThis.localStorage?.getItem(VIEW_KEY) === 'gradients' ? 'gradients' : 'loss');

export function RunCharts() {
  const { t } = useTranslation('training');
  const [view, setView] = useState<ChartView>(storedView);
  const choose = (next: ChartView) => {
    setView(next);
    globalThis.localStorage?.setItem(VIEW_KEY, next);
  };

  return (
    <div className="run-charts">
      <div className="chart-views" role="tablist" aria-label={t('chart.views')}>
        {VIEWS.map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            id={`chart-view-${v}`}
            data-testid={`chart-view-${v}`}
            aria-selected={view === v}
            aria-controls={`chart-panel-${v}`}
            className={`chart-view${view === v ? ' chart-view-active' : ''}`}
            onClick={() => choose(v)}
          >
            {t(`chart.view.${v}`)}
          </button>
        ))}
      </div>
      {VIEWS.map((v) => (
        <div key={v} id={`chart-panel-${v}`} role="tabpanel" aria-labelledby={`chart-view-${v}`} className="chart-panel" hidden={view !== v}>
          {v === 'loss' ? <LossChart /> : <GradientFlow />}
        </div>
      ))}
    </div>
  );
}
