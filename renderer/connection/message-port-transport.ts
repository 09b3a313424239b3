/**
 * The engine protocol over a MessagePort (inside Electron: main hands one end to the engine host
 * and the other to this window). Messages travel structured-cloned, not as text.
 */
import type { Transport } from '../../engine/protocol/client.ts';
import type { ClientMessage } from '../../engine/protocol/messages.ts';
import { ENGINE_PORT_MESSAGE } from '../platform/desktop-api.ts';
import { transportListeners } from './transport-listeners.ts';

/** The part of MessagePort used here (the DOM's, or Node's in tests). */
export interface PortLike {
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export interface PortTransport extends Transport {
  /** Marks the port dead (the host behind it is gone) and tells the listeners why. */
  end(reason: string): void;
}

export function messagePortTransport(port: PortLike): PortTransport {
  const listeners = transportListeners();
  port.addEventListener('message', (event) => listeners.deliver(event.data));
  port.start();

  const end = (reason: string) => {
    if (listeners.end(reason)) port.close();
  };

  return {
    send(message: ClientMessage) {
      if (listeners.closedReason !== null) throw new Error(listeners.closedReason);
      port.postMessage(message);
    },
    onMessage: listeners.onMessage,
    onClose: listeners.onClose,
    close() {
      end('the connection was closed');
    },
    end,
  };
}

/** Where engine ports arrive. The latest port is kept until someone listens. */
export interface EnginePortSource {
  onPort(listener: (port: MessagePort) => void): () => void;
}

/**
 * Starts listening for engine ports posted to this window (by the preload, once at start and
 * after every restart of the host). Call it as early as possible, before React renders, so that
 * a port posted early is not missed.
 */
export function listenForEnginePorts(win: Window): EnginePortSource {
  let latest: MessagePort | null = null;
  const listeners = new Set<(port: MessagePort) => void>();
  win.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== win || event.data !== ENGINE_PORT_MESSAGE || !event.ports[0]) return;
    const port = event.ports[0];
    if (listeners.size === 0) latest = port;
    for (const l of listeners) l(port);
  });
  return {
    onPort(listener) {
      listeners.add(listener);
      if (latest) {
        const port = latest;
        latest = null;
        listener(port);
      }
      return () => listeners.delete(listener);
    },
  };
}
