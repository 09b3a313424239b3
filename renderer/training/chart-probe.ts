/**
 * Records for measuring how soon a step's loss reaches the screen: `window.__rnnStudioPointsArrived`
 * gets an entry each time a batch of step points arrives from the host (the run store's
 * ArrivalLog), `window.__rnnStudioChartDrawn` each time the loss chart draws. An end-to-end test
 * pairs them by `points`. Only the last 100 of each are kept.
 */

export interface ChartDrawRecord {
  /** Step points held (by the chart when it drew, or by the store once a batch arrived). */
  readonly points: number;
  /** `performance.now()` of the draw or the arrival. */
  readonly at: number;
}

declare global {
  interface Window {
    __rnnStudioChartDrawn?: ChartDrawRecord[];
    __rnnStudioPointsArrived?: ChartDrawRecord[];
  }
}

export const KEPT_DRAW_RECORDS = 100;

function keep(records: ChartDrawRecord[], record: ChartDrawRecord): void {
  records.push(record);
  if (records.length > KEPT_DRAW_RECORDS) records.splice(0, records.length - KEPT_DRAW_RECORDS);
}

export function recordChartDraw(points: number, at: number = performance.now()): void {
  keep((window.__rnnStudioChartDrawn ??= []), { points, at });
}

/** `points`: step points held once the batch is in; `at`: when it arrived. */
export function recordPointsArrived(points: number, at: number): void {
  keep((window.__rnnStudioPointsArrived ??= []), { points, at });
}
