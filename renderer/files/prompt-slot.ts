/**
 * The one question the File menu has on screen at a time, as a promise for its answer. Asking a
 * new question answers the pending one with its "cancel" value first, so no caller is ever left
 * waiting on a dialog that has gone.
 */

export class PromptSlot<P> {
  private current: { readonly prompt: P; readonly cancel: () => void } | null = null;
  private readonly listeners = new Set<(prompt: P | null) => void>();

  get prompt(): P | null {
    return this.current?.prompt ?? null;
  }

  /** Calls `listener` whenever the question on screen changes; returns the unsubscribe function. */
  subscribe(listener: (prompt: P | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Shows the prompt `build` makes around its `answer` callback, and resolves with the first
   * answer (later ones are ignored) or with `cancelValue` when another question replaces it.
   */
  ask<T>(build: (answer: (value: T) => void) => P, cancelValue: T): Promise<T> {
    this.current?.cancel();
    return new Promise<T>((resolve) => {
      let settled = false;
      const answer = (value: T) => {
        if (settled) return;
        settled = true;
        if (this.current?.prompt === prompt) this.change(null);
        resolve(value);
      };
      const prompt = build(answer);
      this.change({ prompt, cancel: () => answer(cancelValue) });
    });
  }

  /** Answers the question on screen with its cancel value (the component showing it went away). */
  cancel(): void {
    this.current?.cancel();
  }

  private change(next: { readonly prompt: P; readonly cancel: () => void } | null): void {
    this.current = next;
    for (const l of this.listeners) l(next?.prompt ?? null);
  }
}
