/**
 * The engine protocol over a WebSocket (the browser talking to `rnn-studio serve`). Messages go
 * out as JSON text; what arrives is handed to the client as is (it parses and checks it).
 */
import type { Transport } from '../../engine/protocol/client.ts';
import type { ClientMessage } from '../../engine/protocol/messages.ts';
import { transportListeners } from './transport-listeners.ts';

/** The part of the WebSocket API used here (the browser's, or the `ws` package's in tests). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

const OPEN = 1;

const browserWebSocket: WebSocketFactory = (url) => new WebSocket(url);

/** Resolves once the socket is open; rejects if it fails or does not open within `timeoutMs`. */
export function openWebSocketTransport(url: string, create: WebSocketFactory = browserWebSocket, timeoutMs = 5000): Promise<Transport> {
  return new Promise((resolve, reject) => {
    let socket: WebSocketLike;
    try {
      socket = create(url);
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    const listeners = transportListeners();
    let opened = false;

    const timer = setTimeout(() => {
      if (opened) return;
      socket.close();
      reject(new Error(`the engine at ${url} did not answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);

    const transport: Transport = {
      send(message: ClientMessage) {
        if (listeners.closedReason !== null || socket.readyState !== OPEN) throw new Error(listeners.closedReason ?? 'the connection is not open');
        socket.send(JSON.stringify(message));
      },
      onMessage: listeners.onMessage,
      onClose: listeners.onClose,
      close() {
        socket.close(1000, 'closed by the app');
      },
    };

    socket.addEventListener('open', () => {
      opened = true;
      clearTimeout(timer);
      resolve(transport);
    });
    socket.addEventListener('message', (event) => listeners.deliver(event.data));
    socket.addEventListener('error', () => {
      // A 'close' event always follows; the reason is given there.
    });
    socket.addEventListener('close', (event) => {
      clearTimeout(timer);
      if (!opened) {
        reject(new Error(`could not connect to the engine at ${url} (code ${event.code})`));
        return;
      }
      listeners.end(event.reason || `the connection closed (code ${event.code})`);
    });
  });
}

/** `ws://<host>/engine?token=…` for the page's own server, or null when the page is not served over http(s). */
export function engineSocketUrl(location: { protocol: string; host: string; search: string }): string | null {
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return null;
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/engine?token=${encodeURIComponent(token)}`;
}
