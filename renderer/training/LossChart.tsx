/**
 * The loss of the current run, drawn by uPlot: the loss of every step, and each epoch's mean loss
 * (and, with a validation split, its validation loss) at the step that ended it. Points stream into the run store; this component never re-renders
 * for them. It subscribes to the store, and at most once per animation frame hands uPlot views of
 * the typed columns (decimated to about two points per pixel column once they outnumber that).
 * Dragging across the plot zooms in (the view then stays put while points stream); a double
 * click zooms back out.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useStore } from 'zustand';
import { buildChartSeries } from './chart-data.ts';
import { recordChartDraw, recordPointsArrived } from './chart-probe.ts';
import { formatLoss } from './run-text.ts';
import { shownRun } from './run-store.ts';
import { useRunSession } from './run-session-context.tsx';

/** Step numbers are whole: ticks every 1, 2, 5, 10, 20, 50, … steps, never 2.5. */
const STEP_INCREMENTS = Array.from({ length: 27 }, (_, i) => [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3));

const STEP_COLOR = '#3d83c9';
const EPOCH_COLOR = '#e06a1b';
const VALIDATION_COLOR = '#2f9e5b';
const MIN_WIDTH = 120;
const MIN_HEIGHT = 60;
/** The log-scale choice outlives the window, like the language. */
const LOG_SCALE_KEY = 'rnn-studio.lossChart.logScale';

export function LossChart() {
  const store = useRunSession().store;
  const { t } = useTranslation('training');
  const [log, setLog] = useState(() => globalThis.localStorage?.getItem(LOG_SCALE_KEY) === 'true');
  const containerRef = useRef<HTMLDivElement>(null);
  const plotHostRef = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);
  // Only the open document's run is drawn (`shownRun`).
  const empty = useStore(store, (s) => shownRun(s).series.length === 0);
  // Known when the run starts; the plot is rebuilt with a third series for it.
  const validation = useStore(store, (state) => {
    const s = shownRun(state);
    return (s.info?.validationExamples ?? 0) > 0 || s.epochs.hasValidation;
  });

  useEffect(() => {
    const container = containerRef.current;
    const host = plotHostRef.current;
    const legendSlot = legendRef.current;
    if (!container || !host || !legendSlot) return;
    let frame = 0;
    let zoomed = false;
    /** What the data handed to uPlot last held, for the draw record. */
    let handed = { points: 0, lastLoss: undefined as number | undefined };
    const text = getComputedStyle(container).color || '#333';
    const grid = { stroke: 'rgba(128, 128, 128, 0.18)', width: 1 };

    const sizeOf = (): { width: number; height: number } => ({ width: Math.max(MIN_WIDTH, host.clientWidth), height: Math.max(MIN_HEIGHT, host.clientHeight) });

    const onDrawn = (): void => {
      recordChartDraw(handed.points);
      container.dataset.points = String(handed.points);
      if (handed.lastLoss === undefined) delete container.dataset.lastLoss;
      else container.dataset.lastLoss = String(handed.lastLoss);
    };

    const options: uPlot.Options = {
      ...sizeOf(),
      scales: { x: { time: false }, y: log ? { distr: 3, log: 10 } : { distr: 1 } },
      axes: [
        // The legend names the series; the axes keep their room for numbers.
        { stroke: text, grid, ticks: grid, size: 28, incrs: STEP_INCREMENTS },
        { stroke: text, grid, ticks: grid, size: 52 },
      ],
      series: [
        { label: t('chart.step'), value: (_u, v) => (v === null ? '–' : String(v)) },
        // A line needs two points; the first step alone is drawn as a dot.
        { label: t('chart.stepLoss'), stroke: STEP_COLOR, width: 1, points: { show: (_u, _s, first, last) => last - first < 1, size: 5, fill: STEP_COLOR }, value: (_u, v) => formatLoss(v) },
        {
          label: t('chart.epochLoss'),
          stroke: EPOCH_COLOR,
          width: 2,
          spanGaps: true,
          points: { show: true, size: 6, fill: EPOCH_COLOR },
          value: (_u, v) => formatLoss(v),
        },
        ...(validation
          ? [
              {
                label: t('chart.validationLoss'),
                stroke: VALIDATION_COLOR,
                width: 2,
                dash: [6, 3],
                spanGaps: true,
                points: { show: true, size: 6, fill: VALIDATION_COLOR },
                value: (_u: uPlot, v: number | null) => formatLoss(v),
              },
            ]
          : []),
      ],
      cursor: { drag: { x: true, y: false, setScale: true } },
      // In the toolbar, so the plot gets the panel's height.
      legend: { show: true, live: true, mount: (_u, el) => legendSlot.replaceChildren(el) },
      hooks: {
        draw: [onDrawn],
        setSelect: [
          (u) => {
            if (u.select.width > 0) zoomed = true;
          },
        ],
      },
    };
    const plot = new uPlot(options, validation ? [new Float64Array(0), new Float64Array(0), [], []] : [new Float64Array(0), new Float64Array(0), []], host);

    const draw = (): void => {
      frame = 0;
      const s = shownRun(store.getState());
      const width = plot.bbox.width > 0 ? plot.bbox.width / uPlot.pxRatio : host.clientWidth;
      const series = buildChartSeries({
        steps: s.series.step.view(),
        losses: s.series.loss.view(),
        epochSteps: s.epochs.step.view(),
        epochLosses: s.epochs.loss.view(),
        epochValidationLosses: validation ? s.epochs.validationLoss.view() : undefined,
        width,
        log,
      });
      handed = { points: s.series.length, lastLoss: s.series.loss.last() };
      const data: uPlot.AlignedData = series.validationLoss ? [series.x, series.loss, series.epochLoss, series.validationLoss] : [series.x, series.loss, series.epochLoss];
      plot.setData(data, !zoomed || series.x.length === 0);
    };
    const schedule = (): void => {
      if (frame === 0) frame = requestAnimationFrame(draw);
    };

    const unsubscribe = store.subscribe((state, before) => {
      const s = shownRun(state);
      const prev = shownRun(before);
      if (s.series !== prev.series) zoomed = false; // a new run
      else if (s.pointsVersion !== prev.pointsVersion) recordPointsArrived(s.series.length, s.arrivals.at.last() ?? performance.now());
      if (s.pointsVersion !== prev.pointsVersion || s.epochsVersion !== prev.epochsVersion || s.series !== prev.series) schedule();
    });
    const resize = new ResizeObserver(() => {
      plot.setSize(sizeOf());
      schedule(); // the number of pixel columns decides the decimation
    });
    resize.observe(host);
    const unzoom = (): void => {
      zoomed = false;
      schedule();
    };
    plot.over.addEventListener('dblclick', unzoom);
    schedule();

    return () => {
      unsubscribe();
      resize.disconnect();
      plot.over.removeEventListener('dblclick', unzoom);
      if (frame !== 0) cancelAnimationFrame(frame);
      plot.destroy();
      legendSlot.replaceChildren();
    };
  }, [store, log, t, validation]);

  return (
    <div className="loss-chart" data-testid="loss-chart" data-points="0" ref={containerRef}>
      <div className="loss-chart-toolbar">
        <div className="loss-chart-legend" ref={legendRef} aria-label={t('chart.title')} />
        <label className="loss-chart-log">
          <input
            type="checkbox"
            data-testid="loss-chart-log"
            checked={log}
            onChange={(e) => {
              setLog(e.target.checked);
              globalThis.localStorage?.setItem(LOG_SCALE_KEY, String(e.target.checked));
            }}
          />
          {t('chart.logScale')}
        </label>
      </div>
      <div className="loss-chart-body">
        <div className="loss-chart-plot" ref={plotHostRef} />
        {empty && <p className="loss-chart-empty">{t('chart.empty')}</p>}
      </div>
    </div>
  );
}
