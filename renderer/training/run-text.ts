/**
 * How the run's numbers and problems read on screen. Pure (the translate function comes in), so
 * the wording for each failure is tested without a browser.
 */
import type { ExecutorStatus } from '../../engine/protocol/messages.ts';
import type { CatalogLanguage } from '../ui/use-language.ts';
import type { RunFailure, RunEnd } from './run-store.ts';

export type Translate = (key: string, values?: Record<string, string | number>) => string;

/** Four significant digits; exponent notation for very small or very large losses. */
export function formatLoss(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5)) return value.toExponential(3);
  return value.toPrecision(4);
}

/** A learning rate: three significant digits, no trailing zeros (0.01, 0.00125, 2.50e-5). */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value !== 0 && Math.abs(value) < 1e-4) return value.toExponential(2);
  return String(Number(value.toPrecision(3)));
}

/** A metric's name split into the output block it belongs to (with several outputs) and the metric. */
export function metricParts(name: string): { readonly node: string | null; readonly metric: string } {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? { node: null, metric: name } : { node: name.slice(0, dot), metric: name.slice(dot + 1) };
}

/** A metric's value as the epochs table shows it: accuracy in percent, others like a loss. */
export function formatMetric(name: string, value: number): string {
  if (Number.isNaN(value)) return '–';
  return metricParts(name).metric === 'accuracy' ? `${(value * 100).toFixed(1)} %` : formatLoss(value);
}

export function formatSpeed(stepsPerSecond: number): string {
  return stepsPerSecond >= 100 ? Math.round(stepsPerSecond).toString() : stepsPerSecond.toFixed(1);
}

/** What went wrong, in the UI language, with the host's own words where it gave them. */
export function failureText(t: Translate, failure: RunFailure): string {
  const message = failure.message ?? '';
  switch (failure.code) {
    case 'graph-has-errors':
      return t('error.graph-has-errors', { message });
    case 'host-crashed':
      return message ? t('error.host-crashed', { message }) : t('error.host-crashed-silent');
    case 'connection-lost':
      return t('error.connection-lost');
    case 'busy':
      return t('error.busy', { message });
    case 'dataset':
      return t('error.dataset', { message });
    case 'ended':
      return t('error.generic', { message: `${t('end.failed')}: ${message}` });
    default:
      return t('error.startFailed', { message: message || failure.code });
  }
}

/** The epoch an early-stopped run kept, and the loss it was judged by; null when there is none. */
export function bestText(t: Translate, end: RunEnd): string | null {
  if (!end.best) return null;
  return t(`best.${end.best.monitor}`, { epoch: end.best.epoch, loss: formatLoss(end.best.loss) });
}

/** "Completed — trained 60 epochs": the reason in the UI language, then the host's detail. */
export function endText(t: Translate, end: RunEnd): string {
  return end.message ? `${t(`end.${end.reason}`)} — ${end.message}` : t(`end.${end.reason}`);
}

/** One executor's line: whether it can run on the engine's machine and, if not, why not. */
export function executorStatusText(t: Translate, status: ExecutorStatus, language: CatalogLanguage): string {
  const label = status.label[language];
  return status.available ? t('executors.available', { label }) : t('executors.unavailable', { label, reason: status.reason ?? '–' });
}

/** "Executors on this machine: 1 of 2 can run". */
export function executorSummaryText(t: Translate, statuses: readonly ExecutorStatus[]): string {
  return t('executors.summary', { available: statuses.filter((s) => s.available).length, total: statuses.length });
}
