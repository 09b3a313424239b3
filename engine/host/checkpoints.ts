/**
 * The host's checkpoint folder: one `<run>.rnn-checkpoint.json` per training run, replaced
 * atomically at most every `everyMs` (at an epoch's end, where a run can be continued exactly)
 * and removed when the run ends. A file still there when a host starts belongs to a run that a
 * crash interrupted: the app offers to resume or export it (`checkpoints.*`).
 */
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { saveFileAtomicAsync } from '../model/atomic.ts';
import { type Checkpoint, CHECKPOINT_SUFFIX, readCheckpointText } from '../model/checkpoint.ts';
import type { WeightInfo } from '../compiler/compile.ts';
import type { Result } from '../protocol/messages.ts';
import type { TrainerPosition } from '../trainer/position.ts';
import { messageOf, RequestError } from './errors.ts';

/** The folder in the workspace checkpoints go to when the host is given no other. */
export const CHECKPOINTS_FOLDER = '.checkpoints';
/** The folder checkpoints go to: the one given (null: none), else `.checkpoints` in the workspace, else none. */
export function checkpointFolderFor(workspace: string | null, given: string | null | undefined): string | null {
  if (given !== undefined) return given;
  return workspace === null ? null : join(workspace, CHECKPOINTS_FOLDER);
}

/** How often a running run's checkpoint is replaced by default. */
export const DEFAULT_CHECKPOINT_SECONDS = 10;
/** A checkpoint file larger than this is not read (the largest model the budgets allow is far smaller as base64). */
const MAX_CHECKPOINT_BYTES = 1024 * 2 ** 20;

/** Checkpoint ids are the run ids the host gives out. */
const ID = /^run-\d+-[0-9a-f]{8}$/;

export type CheckpointSummary = Result<'checkpoints.list'>['checkpoints'][number];

export class CheckpointFolder {
  /** Writes under way, by run id: a new one waits for the last, and removal for both. */
  private readonly writing = new Map<string, Promise<unknown>>();

  constructor(
    /** null: checkpoints are off (no workspace and no folder given). */
    readonly dir: string | null,
    readonly everyMs: number,
  ) {}

  private pathOf(id: string): string {
    if (this.dir === null) throw new RequestError('not-found', 'this engine keeps no checkpoints (it was started without a workspace or a checkpoint folder)');
    if (!ID.test(id)) throw new RequestError('bad-message', `'${id}' is not a checkpoint id (run-<n>-<8 hex digits>)`);
    return join(this.dir, `${id}${CHECKPOINT_SUFFIX}`);
  }

  /**
   * Replaces the run's checkpoint with `text` once the write before it is done. Resolves to
   * whether it was written; a failure is logged, not thrown (training goes on without it).
   */
  save(runId: string, text: () => string): Promise<boolean> {
    if (this.dir === null) return Promise.resolve(false);
    const dir = this.dir;
    const before = this.writing.get(runId) ?? Promise.resolve();
    const next = before.then(async () => {
      try {
        await mkdir(dir, { recursive: true });
        await saveFileAtomicAsync(this.pathOf(runId), text());
        return true;
      } catch (e) {
        process.stderr.write(`engine host: checkpoint of ${runId} not written: ${messageOf(e)}\n`);
        return false;
      }
    });
    this.writing.set(runId, next.then(() => undefined));
    return next;
  }

  /** Removes the run's checkpoint after any write under way. */
  async remove(runId: string): Promise<void> {
    await this.writing.get(runId);
    this.writing.delete(runId);
    await rm(this.pathOf(runId), { force: true });
  }

  /** The interrupted runs, newest first; files that do not read are listed with their problem. */
  async list(): Promise<CheckpointSummary[]> {
    if (this.dir === null) return [];
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const found: CheckpointSummary[] = [];
    for (const name of names) {
      const id = name.slice(0, -CHECKPOINT_SUFFIX.length);
      if (!name.endsWith(CHECKPOINT_SUFFIX) || !ID.test(id) || this.writing.has(id)) continue;
      const info = await stat(join(this.dir, name)).catch(() => null);
      if (!info?.isFile()) continue;
      const read = await this.read(id).catch((e: unknown) => messageOf(e));
      found.push(
        typeof read === 'string'
          ? { id, graphName: null, epoch: 0, step: 0, loss: null, savedAt: info.mtime.toISOString(), problem: read }
          : { id, graphName: read.model.graph.name, epoch: read.position.epoch, step: read.position.step, loss: read.position.history.at(-1)?.loss ?? null, savedAt: info.mtime.toISOString(), problem: null },
      );
    }
    return found.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  async read(id: string): Promise<Checkpoint> {
    const path = this.pathOf(id);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) throw new RequestError('not-found', `no checkpoint '${id}' (it was resumed, discarded or never written)`);
    if (info.size > MAX_CHECKPOINT_BYTES) throw new RequestError('io', `checkpoint '${id}' is ${info.size} bytes, more than the ${MAX_CHECKPOINT_BYTES / 2 ** 20} MiB the engine reads`);
    const read = readCheckpointText(await readFile(path, 'utf8'));
    if (!read.ok) throw new RequestError('io', `checkpoint '${id}' is damaged: ${read.errors.slice(0, 3).map((e) => e.message).join('; ')}`);
    return read.checkpoint;
  }
}

/**
 * One running run's checkpoints: replaced at an epoch's end once `everyMs` has passed since the
 * last; the checkpoint the run went on from (if any) stays until this run has one of its own,
 * and both go when the run ends.
 */
export class RunCheckpoints {
  private last = performance.now();

  constructor(
    private readonly folder: CheckpointFolder,
    private readonly runId: string,
    private source: string | undefined,
    private readonly text: (position: TrainerPosition, weightInfo: readonly WeightInfo[]) => string,
  ) {}

  /** For TrainOptions.onEpochEnd: builds the position only when a checkpoint is due. */
  readonly epochEnded = (position: () => TrainerPosition, weightInfo: readonly WeightInfo[]): void => {
    if (this.folder.dir === null || performance.now() - this.last < this.folder.everyMs) return;
    this.last = performance.now();
    const at = position();
    void this.folder.save(this.runId, () => this.text(at, weightInfo)).then((written) => (written ? this.dropSource() : undefined));
  };

  /** The run ended (its weights are kept, or it failed): nothing is left to resume. */
  async close(): Promise<void> {
    await this.folder.remove(this.runId).catch(() => undefined);
    await this.dropSource();
  }

  private async dropSource(): Promise<void> {
    const id = this.source;
    this.source = undefined;
    if (id !== undefined) await this.folder.remove(id).catch(() => undefined);
  }
}
