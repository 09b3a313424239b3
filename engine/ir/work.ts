/**
 * Long compiler passes as work done in pieces: a generator that yields how far it is (a fraction
 * from 0 to 1 that never goes back) and returns its result. The pure code only yields; whoever
 * drives it decides when to give the event loop back, report progress or stop (on Node,
 * engine/trainer/drive.ts). `finish` runs a piece of work to its end at once, so every pass keeps
 * a plain synchronous form with the same result.
 */
export type Work<T> = Generator<number, T, void>;

/** Loops over IR nodes yield once every this many nodes: often enough to stop within milliseconds, rarely enough to cost nothing. */
export const NODES_PER_YIELD = 1024;

/** Runs `work` to its end and returns its result. */
export function finish<T>(work: Work<T>): T {
  let r = work.next();
  while (!r.done) r = work.next();
  return r.value;
}

/** `work`, its progress mapped onto [from, to] of a larger piece of work. */
export function* within<T>(work: Work<T>, from: number, to: number): Work<T> {
  let r = work.next();
  while (!r.done) {
    yield from + (to - from) * r.value;
    r = work.next();
  }
  return r.value;
}
