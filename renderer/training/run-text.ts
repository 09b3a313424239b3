/**
 * How the run's numbers and problems read on screen. Pure (the translate function comes in), so
 * the wording for each failure is tested without a browser.
 */
import type { RunFailure, RunEnd } from './run-store.ts';

export type Translate = (key: string, values?: Record<string, string | number>) => string;

/** Four significant digits; exponent notation for very small or very large losses. */
export function formatLoss(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5)) return value.toExponential(3);
  return value.toPrecision(4);
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

/** "Completed — trained 60 epochs": the reason in the UI language, then the host's detail. */
export function endText(t: Translate, end: RunEnd): string {
  return end.message ? `${t(`end.${end.reason}`)} — ${end.message}` : t(`end.${end.reason}`);
}
