/**
 * Undo/redo as Immer patches on the graph document. One entry per user action; consecutive edits
 * of the same field (typing into a param, renaming) within a short window merge into one entry so
 * that undo takes back the whole edit rather than one keystroke.
 */
import type { Patch } from 'immer';

export interface HistoryEntry {
  patches: Patch[];
  inverse: Patch[];
  /** Edits with the same key close together in time merge into one entry. */
  readonly key: string | null;
  at: number;
}

/** Edits of one field closer together than this merge into one undo step. */
export const COALESCE_MS = 1000;

export class PatchHistory {
  private past: HistoryEntry[] = [];
  private future: HistoryEntry[] = [];
  /** Set after undo, redo or save: the next edit starts a new entry even with the same key. */
  private sealed = true;
  /** The last change was an undo or a redo (not an action): nothing since may join an entry. */
  private travelled = false;

  constructor(private readonly limit = 500) {}

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  record(patches: Patch[], inverse: Patch[], key: string | null, at: number): void {
    this.future = [];
    const last = this.past[this.past.length - 1];
    if (!this.sealed && key !== null && last && last.key === key && at - last.at < COALESCE_MS) {
      last.patches = [...last.patches, ...patches];
      last.inverse = [...inverse, ...last.inverse];
      last.at = at;
      return;
    }
    this.past.push({ patches, inverse, key, at });
    if (this.past.length > this.limit) this.past.shift();
    this.sealed = false;
    this.travelled = false;
  }

  /** Whether the document is as an undo or redo left it, with no action since. */
  get justTravelled(): boolean {
    return this.travelled;
  }

  /** Adds to the last entry (an action finished in two parts is still one undo step); a new entry when there is none. */
  amend(patches: Patch[], inverse: Patch[], at: number): void {
    this.travelled = false;
    const last = this.past[this.past.length - 1];
    if (!last) return this.record(patches, inverse, null, at);
    this.future = [];
    last.patches = [...last.patches, ...patches];
    last.inverse = [...inverse, ...last.inverse];
  }

  /** The entry to take back (its `inverse` patches), moved to the redo stack. */
  undo(): HistoryEntry | undefined {
    const entry = this.past.pop();
    if (entry) this.future.push(entry);
    this.sealed = true;
    this.travelled = entry !== undefined;
    return entry;
  }

  /** The entry to apply again (its `patches`), moved back to the undo stack. */
  redo(): HistoryEntry | undefined {
    const entry = this.future.pop();
    if (entry) this.past.push(entry);
    this.sealed = true;
    this.travelled = entry !== undefined;
    return entry;
  }

  seal(): void {
    this.sealed = true;
  }

  clear(): void {
    this.past = [];
    this.future = [];
    this.sealed = true;
  }
}
