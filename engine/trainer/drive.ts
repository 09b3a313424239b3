/**
 * Drives pure work done in pieces (engine/ir/work.ts) on Node: it runs the work in slices, gives
 * the event loop back between them so that a host keeps answering (a stop, other clients), reports
 * how far it is, and stops it once a signal aborts.
 */
import type { Work } from '../ir/work.ts';

export interface DriveOptions {
  /** Checked between slices: once aborted, the promise rejects with the signal's reason and the work is left unfinished. */
  readonly signal?: AbortSignal;
  /** The fraction done (0 to 1, never going back), between slices. */
  readonly onProgress?: (fraction: number) => void;
  /** The longest the event loop is held at a time (default 50 ms). */
  readonly sliceMs?: number;
}

/** The result of `work`, computed in slices. Rejects with `signal.reason` once aborted. */
export async function drive<T>(work: Work<T>, o: DriveOptions = {}): Promise<T> {
  const sliceMs = o.sliceMs ?? 50;
  o.signal?.throwIfAborted();
  let sliceStart = performance.now();
  let r = work.next();
  while (!r.done) {
    if (performance.now() - sliceStart >= sliceMs) {
      o.onProgress?.(r.value);
      await new Promise<void>((resolve) => setImmediate(resolve));
      o.signal?.throwIfAborted();
      sliceStart = performance.now();
    }
    r = work.next();
  }
  return r.value;
}
