/**
 * Hot exit for the window's document: while it differs from what is saved it is backed up under
 * this window's backup id (throttled by BackupScheduler); once it is clean again (saved, closed or
 * replaced without changes, discarded) the backup is removed. At start the backups left by other
 * windows, reloads, crashes or kills are offered; restoring one loads it as an unsaved document
 * with its original path, and the window carries on under that backup's id.
 */
import { BACKUP_ID, parseBackupText, serializeBackup } from '../../engine/graph/backup.ts';
import type { BackupSummary } from '../../engine/protocol/messages.ts';
import type { DocumentStore } from '../store/document-store.ts';
import { BackupScheduler, type Timers } from './backup-scheduler.ts';
import type { BackupAnswer, BackupFailure, BackupStorage } from './backup-storage.ts';

export type RestoreOutcome = { readonly ok: true; readonly name: string } | { readonly ok: false; readonly failure: BackupFailure | { readonly kind: 'damaged'; readonly problem: string } };

export interface DocumentBackupsOptions {
  readonly store: DocumentStore;
  readonly storage: BackupStorage;
  /** A write or removal failed (reported once until one succeeds again). */
  readonly onError: (failure: BackupFailure) => void;
  readonly newId?: () => string;
  readonly timers?: Timers;
  readonly delayMs?: number;
  readonly maxWaitMs?: number;
}

/** 32 hex digits from the browser's random source (randomUUID exists only in secure contexts). */
export function randomBackupId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

class BackupFailed extends Error {
  constructor(readonly failure: BackupFailure) {
    super(failure.kind === 'offline' ? 'offline' : failure.message);
  }
}

const orThrow = async <T>(answer: Promise<BackupAnswer<T>>): Promise<T> => {
  const a = await answer;
  if (!a.ok) throw new BackupFailed(a.failure);
  return a.value;
};

export class DocumentBackups {
  private backupId: string;
  private readonly scheduler: BackupScheduler;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: DocumentBackupsOptions) {
    this.backupId = (options.newId ?? randomBackupId)();
    if (!BACKUP_ID.test(this.backupId)) throw new Error(`backup id ${this.backupId} does not match ${BACKUP_ID}`);
    const { store, storage } = options;
    this.scheduler = new BackupScheduler({
      write: async () => {
        const { doc, path } = store.getState();
        const id = this.backupId;
        await orThrow(storage.write(id, serializeBackup({ id, savedAt: options.timers ? options.timers.now() : Date.now(), path, document: doc })));
      },
      remove: async () => {
        await orThrow(storage.remove(this.backupId));
      },
      onError: (e) => options.onError(e instanceof BackupFailed ? e.failure : { kind: 'error', message: e instanceof Error ? e.message : String(e) }),
      ...(options.delayMs !== undefined ? { delayMs: options.delayMs } : {}),
      ...(options.maxWaitMs !== undefined ? { maxWaitMs: options.maxWaitMs } : {}),
      ...(options.timers !== undefined ? { timers: options.timers } : {}),
    });
  }

  /** This window's backup id (a restored backup's, once one is restored). */
  get id(): string {
    return this.backupId;
  }

  /** Starts following the document. */
  start(): void {
    if (this.unsubscribe) return;
    const { store } = this.options;
    this.unsubscribe = store.subscribe((state, previous) => {
      if (state.doc === previous.doc && state.dirty === previous.dirty && state.path === previous.path) return;
      if (state.dirty) this.scheduler.changed();
      else this.scheduler.clean();
    });
    if (store.getState().dirty) this.scheduler.changed();
  }

  /** The page is going away: write what is pending now. */
  flush(): Promise<void> {
    return this.scheduler.flush();
  }

  /**
   * The window is closing and the user has decided about its changes (Electron asks Save / Don't
   * Save / Cancel before it lets a window with changes close): its backup goes with it.
   */
  closedByChoice(): Promise<void> {
    this.scheduler.clean();
    return this.scheduler.flush();
  }

  /** Backups to offer: every one but this window's own. */
  async offers(): Promise<BackupAnswer<readonly BackupSummary[]>> {
    const listed = await this.options.storage.list();
    return listed.ok ? { ok: true, value: listed.value.filter((b) => b.id !== this.backupId) } : listed;
  }

  /**
   * Loads the backup `id` as an unsaved document with its original path; this window then keeps
   * its backup under that id, so saving or discarding it removes that backup.
   */
  async restore(id: string): Promise<RestoreOutcome> {
    const read = await this.options.storage.read(id);
    if (!read.ok) return read;
    const parsed = parseBackupText(read.value);
    if (!parsed.ok) return { ok: false, failure: { kind: 'damaged', problem: parsed.problem } };
    const { document, path } = parsed.backup;
    this.backupId = id;
    // The file is already there: saving or discarding must remove it even before the next write.
    this.scheduler.adopt();
    this.options.store.getState().load(document, path, { unsaved: true });
    return { ok: true, name: document.name };
  }

  discard(id: string): Promise<BackupAnswer<null>> {
    return this.options.storage.remove(id);
  }

  dispose(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.scheduler.dispose();
  }
}
