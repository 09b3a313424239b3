/**
 * Gradients over time: for a training step that measured them, ‖∂loss/∂h_t‖ against the time step
 * t, one line per recurrent state, on a log scale, so the user sees the gradient fade towards
 * early steps (vanishing, as in an Elman network) or blow up (exploding). A slider looks back
 * through the last measured steps; at its right end the chart follows the newest one.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useDocument } from '../store/context.tsx';
import { buildGradientFlow, type FlowChart, formatFactor, type GradientSnapshot, pickSnapshot, summarizeFlow } from './gradient-flow.ts';
import { isActive, type RunPhase } from './run-store.ts';
import { formatLoss } from './run-text.ts';
import { useRun } from './use-run.ts';

const COLORS = ['#3d83c9', '#e06a1b', '#2f9e5b', '#9b4dca', '#c2410c', '#0e8a8a', '#b8860b', '#d6336c'];
const MIN_WIDTH = 120;
const MIN_HEIGHT = 60;

/** Tick labels of the log axis: powers of ten as 1e-7, plain numbers in between. */
const tickText = (v: number): string => (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4) ? v.toExponential(0) : String(Number(v.toPrecision(3))));

function useGradientPlot(host: HTMLDivElement | null, legendSlot: HTMLDivElement | null, chart: FlowChart): void {
  const { t } = useTranslation('training');
  const plotRef = useRef<uPlot | null>(null);
  const chartRef = useRef(chart);
  chartRef.current = chart;
  // The plot's series follow the states; a run with other states gets a new plot.
  const statesKey = chart.lines.map((l) => l.delay).join('\n');

  useEffect(() => {
    if (!host || !legendSlot) return;
    const text = getComputedStyle(host).color || '#333';
    const grid = { stroke: 'rgba(128, 128, 128, 0.18)', width: 1 };
    const sizeOf = () => ({ width: Math.max(MIN_WIDTH, host.clientWidth), height: Math.max(MIN_HEIGHT, host.clientHeight) });
    const delays = statesKey === '' ? [] : statesKey.split('\n');
    const plot = new uPlot(
      {
        ...sizeOf(),
        scales: { x: { time: false }, y: { distr: 3, log: 10 } },
        axes: [
          // The legend names the x values ("Time step t"), so the x axis keeps its height for the plot.
          { stroke: text, grid, ticks: grid, size: 26, font: '11px sans-serif' },
          { stroke: text, grid, ticks: grid, size: 48, label: t('gradients.norm'), labelSize: 16, labelFont: '11px sans-serif', font: '11px sans-serif', values: (_u, splits) => splits.map((v: number | null) => (v === null ? '' : tickText(v))) },
        ],
        series: [
          { label: t('gradients.time'), value: (_u, v) => (v === null ? '–' : String(v)) },
          ...delays.map((delay, i) => ({
            label: delay,
            stroke: COLORS[i % COLORS.length],
            width: 2,
            points: { show: true, size: 4, fill: COLORS[i % COLORS.length] },
            value: (_u: uPlot, v: number | null) => formatLoss(v),
          })),
        ],
        legend: { show: true, live: true, mount: (_u, el) => legendSlot.replaceChildren(el) },
      },
      [chartRef.current.x, ...chartRef.current.lines.map((l) => l.values)],
      host,
    );
    plotRef.current = plot;
    const resize = new ResizeObserver(() => plot.setSize(sizeOf()));
    resize.observe(host);
    return () => {
      resize.disconnect();
      plot.destroy();
      plotRef.current = null;
      legendSlot.replaceChildren();
    };
  }, [host, legendSlot, statesKey, t]);

  useEffect(() => {
    plotRef.current?.setData([chart.x, ...chart.lines.map((l) => l.values)]);
  }, [chart, statesKey]);
}

type EmptyReason = 'off' | 'ready' | 'waiting' | 'none';

/** Why there is nothing to draw: the setting is off, on but no run measured yet, a run is on its way, or it ended without any. */
function emptyReason(measures: boolean, phase: RunPhase, settingOn: boolean): EmptyReason {
  if (measures && isActive(phase)) return 'waiting';
  if (measures && phase === 'ended') return 'none';
  return settingOn ? 'ready' : 'off';
}

export function GradientFlow() {
  const { t } = useTranslation('training');
  const history = useRun((s) => s.gradientHistory);
  const measures = useRun((s) => s.measuresGradients);
  const phase = useRun((s) => s.phase);
  const settingOn = useDocument((s) => (s.doc.training?.gradientNormsOverTime ?? false) !== false);
  const [pinned, setPinned] = useState<number | null>(null);
  const [host, setHost] = useState<HTMLDivElement | null>(null);
  const [legendSlot, setLegendSlot] = useState<HTMLDivElement | null>(null);

  const snapshot: GradientSnapshot | null = pickSnapshot(history, pinned);
  const chart = useMemo(() => buildGradientFlow(snapshot), [snapshot]);
  useGradientPlot(host, legendSlot, chart);

  const index = snapshot ? history.indexOf(snapshot) : -1;
  const following = pinned === null || index === history.length - 1;
  const empty: EmptyReason | null = snapshot ? null : emptyReason(measures, phase, settingOn);
  const summaries = (snapshot?.states ?? []).map(summarizeFlow).filter((s) => s !== null);

  return (
    <div className="gradient-flow" data-testid="gradient-flow" data-steps={chart.x.length} data-states={chart.lines.length} data-step={snapshot?.step ?? ''}>
      <div className="loss-chart-toolbar">
        <div className="loss-chart-legend" ref={setLegendSlot} aria-label={t('chart.view.gradients')} />
        {snapshot && (
          <span className="gradient-flow-measured" data-testid="gradient-flow-measured">
            {snapshot.chunk === null
              ? t('gradients.measured', { step: snapshot.step, epoch: snapshot.epoch })
              : t('gradients.measuredChunk', { step: snapshot.step, epoch: snapshot.epoch, chunk: snapshot.chunk })}
          </span>
        )}
        {history.length > 1 && (
          <label className="gradient-flow-history">
            <span>{t('gradients.history')}</span>
            <input
              type="range"
              data-testid="gradient-flow-history"
              min={0}
              max={history.length - 1}
              value={index}
              onChange={(e) => {
                const i = Number(e.target.value);
                setPinned(i === history.length - 1 ? null : history[i].step);
              }}
            />
            {!following && (
              <button type="button" className="link-button" onClick={() => setPinned(null)}>
                {t('gradients.latest')}
              </button>
            )}
          </label>
        )}
      </div>
      <div className="loss-chart-body">
        <div className="loss-chart-plot" ref={setHost} />
        {empty && (
          <p className="loss-chart-empty gradient-flow-empty" data-testid="gradient-flow-empty" data-reason={empty}>
            {t(`gradients.${empty}`)}
          </p>
        )}
      </div>
      {summaries.length > 0 && (
        <ul className="gradient-flow-summary" data-testid="gradient-flow-summary">
          {summaries.map((s) => (
            <li key={s.delay} data-kind={s.kind}>
              {t(`gradients.${s.kind}`, { state: s.delay, first: s.first, last: s.last, factor: formatFactor(s.ratio < 1 ? 1 / s.ratio : s.ratio) })}
            </li>
          ))}
        </ul>
      )}
      <p className="gradient-flow-caption">{t('gradients.caption')}</p>
    </div>
  );
}
