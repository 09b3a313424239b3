/**
 * How much CPU other processes took while we measured: busy time of the whole machine
 * (/proc/stat) less our own process's (process.cpuUsage, every thread, ONNX Runtime's included).
 * On a 2-core machine another process's test run easily doubles our timings; this says so.
 * Linux only: elsewhere it reports nothing.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** USER_HZ: /proc/stat counts in 1/100 s on every Linux that Node supports. */
const TICKS_PER_SECOND = 100;

interface Mark {
  readonly busyS: number;
  readonly wallMs: number;
  readonly ours: NodeJS.CpuUsage;
}

function machineBusySeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const [, ...fields] = line.trim().split(/\s+/);
    const n = fields.map(Number);
    // user nice system idle iowait irq softirq steal …
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
    return (total - n[3] - n[4]) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

export interface Contention {
  /** CPU-seconds other processes used over the interval. */
  readonly othersCpuS: number;
  /** That, as a share of all the machine's CPU time over the interval. */
  readonly othersShare: number;
}

export function mark(): Mark | null {
  const busyS = machineBusySeconds();
  return busyS === null ? null : { busyS, wallMs: performance.now(), ours: process.cpuUsage() };
}

/**
 * Other processes' CPU between two marks. /proc/stat counts whole ticks per CPU, so up to one
 * tick per CPU of what looks like others' time is rounding and is not counted: intervals much
 * shorter than ~0.2 s cannot be judged (see `windows`).
 */
export function between(a: Mark | null, b: Mark | null): Contention | null {
  if (!a || !b) return null;
  const oursS = (b.ours.user - a.ours.user + b.ours.system - a.ours.system) / 1e6;
  const n = cpus().length;
  const othersCpuS = Math.max(0, b.busyS - a.busyS - oursS - n / TICKS_PER_SECOND);
  const capacityS = ((b.wallMs - a.wallMs) / 1000) * n;
  return { othersCpuS, othersShare: capacityS > 0 ? othersCpuS / capacityS : 0 };
}

export const since = (a: Mark | null): Contention | null => between(a, mark());

/**
 * Judges rounds by windows of consecutive rounds at least `minMs` long (the last window takes
 * any short rest): `marks[i]` is taken before round i, `marks[rounds]` after the last. A round is
 * quiet when its window's others' share is at most `maxShare` (always, without /proc/stat).
 */
export function quietRounds(marks: readonly (Mark | null)[], maxShare: number, minMs = 250): boolean[] {
  const rounds = marks.length - 1;
  const quiet: boolean[] = [];
  let from = 0;
  while (from < rounds) {
    let to = from + 1;
    const wall = (i: number) => (marks[i]?.wallMs ?? 0) - (marks[from]?.wallMs ?? 0);
    while (to < rounds && wall(to) < minMs) to++;
    // Fold a short remainder into this window.
    if (to < rounds && (marks[rounds]?.wallMs ?? 0) - (marks[to]?.wallMs ?? 0) < minMs) to = rounds;
    const c = between(marks[from], marks[to]);
    for (let i = from; i < to; i++) quiet.push(c === null || c.othersShare <= maxShare);
    from = to;
  }
  return quiet;
}
