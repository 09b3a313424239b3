/**
 * What every transport keeps the same way: message listeners (with messages that arrive before
 * anyone listens held back, since the host greets with its status at once), close listeners, and
 * the reason the connection ended.
 */
import type { Transport } from '../../engine/protocol/client.ts';

export interface TransportListeners extends Pick<Transport, 'onMessage' | 'onClose'> {
  /** Why the connection ended, or null while it is open. */
  readonly closedReason: string | null;
  deliver(raw: unknown): void;
  /** Ends the connection once; later calls are ignored. Returns whether this call ended it. */
  end(reason: string): boolean;
}

export function transportListeners(): TransportListeners {
  const messageListeners: ((raw: unknown) => void)[] = [];
  const closeListeners: ((reason: string) => void)[] = [];
  const early: unknown[] = [];
  let closed: string | null = null;
  return {
    get closedReason() {
      return closed;
    },
    deliver(raw) {
      if (closed !== null) return;
      if (messageListeners.length === 0) early.push(raw);
      else for (const l of messageListeners) l(raw);
    },
    end(reason) {
      if (closed !== null) return false;
      closed = reason;
      for (const l of closeListeners.splice(0)) l(reason);
      return true;
    },
    onMessage(listener) {
      messageListeners.push(listener);
      // Handed over after the caller has finished setting up (its event handlers included).
      if (early.length > 0) queueMicrotask(() => early.splice(0).forEach((raw) => listener(raw)));
    },
    onClose(listener) {
      if (closed !== null) listener(closed);
      else closeListeners.push(listener);
    },
  };
}
