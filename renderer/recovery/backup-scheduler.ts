/**
 * When the open document is backed up: `delayMs` after the last change, but no later than
 * `maxWaitMs` after the first change not yet backed up, so continuous editing (a long drag, typing)
 * is still backed up every few seconds. One write at a time: a change during a write is written
 * after it. When the document becomes clean (saved, discarded, replaced by a clean one) the pending
 * write is dropped and a backup already written is removed, after any write still under way.
 */

export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface BackupSchedulerOptions {
  /** Writes the document as it is now; rejects when it could not. */
  readonly write: () => Promise<void>;
  /** Removes the backup; rejects when it could not. */
  readonly remove: () => Promise<void>;
  /** A write or removal failed after the previous one succeeded (reported once per run of failures). */
  readonly onError: (error: unknown) => void;
  readonly delayMs?: number;
  readonly maxWaitMs?: number;
  readonly timers?: Timers;
}

export const BACKUP_DELAY_MS = 1000;
export const BACKUP_MAX_WAIT_MS = 4000;

const browserTimers: Timers = {
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export class BackupScheduler {
  private readonly delayMs: number;
  private readonly maxWaitMs: number;
  private readonly timers: Timers;
  private timer: unknown = null;
  /** When the oldest change not yet backed up was made; null when there is none. */
  private pendingSince: number | null = null;
  /** Whether a backup may be on disk (written, or being written). */
  private backedUp = false;
  private failing = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: BackupSchedulerOptions) {
    this.delayMs = options.delayMs ?? BACKUP_DELAY_MS;
    this.maxWaitMs = options.maxWaitMs ?? BACKUP_MAX_WAIT_MS;
    this.timers = options.timers ?? browserTimers;
  }

  /** The document changed and differs from what is saved: back it up soon. */
  changed(): void {
    const now = this.timers.now();
    this.pendingSince ??= now;
    const due = Math.min(now + this.delayMs, this.pendingSince + this.maxWaitMs);
    this.cancelTimer();
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, Math.max(0, due - now));
  }

  /** The document is clean: nothing to back up, and no backup to keep. */
  clean(): void {
    this.cancelTimer();
    this.pendingSince = null;
    if (!this.backedUp) return;
    this.backedUp = false;
    this.enqueue(this.options.remove);
  }

  /** Writes a pending change now (the page is going away); resolves once every queued write is done. */
  flush(): Promise<void> {
    this.cancelTimer();
    if (this.pendingSince !== null) {
      // Changes made while this write runs start a new wait of their own.
      this.pendingSince = null;
      this.backedUp = true;
      this.enqueue(this.options.write);
    }
    return this.queue;
  }

  /** A backup is on disk already (a restored one): a later clean() removes it. */
  adopt(): void {
    this.backedUp = true;
  }

  /** Whether a change is waiting to be written. */
  get pending(): boolean {
    return this.pendingSince !== null;
  }

  /** Stops the timer; what is queued still runs. */
  dispose(): void {
    this.cancelTimer();
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).then(
      () => {
        this.failing = false;
      },
      (e: unknown) => {
        if (!this.failing) this.options.onError(e);
        this.failing = true;
      },
    );
  }

  private cancelTimer(): void {
    if (this.timer === null) return;
    this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
