/**
 * A record of each time the loss chart drew, on `window.__rnnStudioChartDrawn`, so an end-to-end
 * test can compare it with when the points arrived (the run store's ArrivalLog) and measure how
 * soon a step's loss reaches the screen. Only the last 100 draws are kept.
 */

export interface ChartDrawRecord {
  /** Step points held by the chart when it drew. */
  readonly points: number;
  /** `performance.now()` of the draw. */
  readonly at: number;
}

declare global {
  interface Window {
    __rnnStudioChartDrawn?: ChartDrawRecord[];
  }
}

export const KEPT_DRAW_RECORDS = 100;

export function recordChartDraw(points: number, at: number = performance.now()): void {
  const records = (window.__rnnStudioChartDrawn ??= []);
  records.push({ points, at });
  if (records.length > KEPT_DRAW_RECORDS) records.splice(0, records.length - KEPT_DRAW_RECORDS);
}
