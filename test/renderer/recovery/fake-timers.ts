/** A clock the test moves by hand: timers run when `advance` passes their time, in order. */
import type { Timers } from '../../../renderer/recovery/backup-scheduler.ts';

export interface FakeClock extends Timers {
  /** Moves the clock on by `ms`, running every timer that falls due, then lets their promises settle. */
  advance(ms: number): Promise<void>;
}

export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function fakeClock(start = 1_000_000): FakeClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  return {
    now: () => now,
    setTimeout(run, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].run();
        await settle();
      }
      now = end;
      await settle();
    },
  };
}
