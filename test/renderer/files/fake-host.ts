/**
 * An engine host in memory for the File menu's tests: the real `EngineClient` talks JSON text
 * over a loopback transport to the host's own engine service, which parses each request with the
 * protocol's schemas and serves it from a workspace in a temporary folder and the shipped templates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineClient, type Transport } from '../../../engine/protocol/client.ts';
import { parseClientMessage, type ClientMessage, type HostMessage } from '../../../engine/protocol/index.ts';
import { createEngineService } from '../../../engine/host/service.ts';

export const TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/', import.meta.url));

export interface FakeHost {
  readonly client: EngineClient;
  readonly workspace: string;
  /** Every request the host received, in order. */
  readonly requests: ClientMessage[];
  /** Drops the connection, as when the host process dies. */
  disconnect(): void;
  dispose(): void;
}

export function createFakeHost(): FakeHost {
  const folder = mkdtempSync(join(tmpdir(), 'rnn-files-'));
  const service = createEngineService({ workspace: folder, templatesDir: TEMPLATES_DIR, emit: () => {} });
  const requests: ClientMessage[] = [];
  const messageListeners: ((raw: unknown) => void)[] = [];
  const closeListeners: ((reason: string) => void)[] = [];
  let open = true;

  const reply = (message: HostMessage) => {
    // Later than the request, and as text, like a WebSocket.
    setImmediate(() => {
      if (open) for (const l of messageListeners) l(JSON.stringify(message));
    });
  };

  const transport: Transport = {
    send(message) {
      if (!open) throw new Error('the connection is closed');
      const parsed = parseClientMessage(JSON.stringify(message));
      if (!parsed.ok) {
        if (parsed.id !== undefined) reply({ type: 'reply', id: parsed.id, ok: false, error: parsed.error });
        return;
      }
      const request = parsed.value;
      requests.push(request);
      void service.handle(request).then(reply);
    },
    onMessage: (l) => void messageListeners.push(l),
    onClose: (l) => void closeListeners.push(l),
    close() {
      open = false;
    },
  };

  const client = new EngineClient(transport);
  return {
    client,
    workspace: folder,
    requests,
    disconnect() {
      open = false;
      for (const l of closeListeners) l('the engine host exited');
    },
    dispose() {
      open = false;
      void service.dispose();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
