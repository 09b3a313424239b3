/**
 * The live connection to the engine host, as a small observable the React layer reads with
 * useSyncExternalStore. Two kinds, one shape:
 * - browser: a WebSocket to `rnn-studio serve`; the socket stays open across host restarts (the
 *   server reports crashed / restarting / ready as `host.status` events); if the socket itself
 *   drops, it is opened again with growing pauses;
 * - Electron: a MessagePort per host process; main reports the host's state through the preload
 *   and sends a new port after each restart.
 * Nothing here touches the document: a crash of the host never costs the user their graph.
 */
import { EngineClient } from '../../engine/protocol/client.ts';
import { HostEvent, type HostEventOf } from '../../engine/protocol/messages.ts';
import type { DesktopApi } from '../platform/desktop-api.ts';
import { type EnginePortSource, messagePortTransport, type PortTransport } from './message-port-transport.ts';
import { openWebSocketTransport, type WebSocketFactory } from './websocket-transport.ts';

/** The host's last `host.status`, without the envelope. */
export type HostInfo = Readonly<Pick<HostEventOf<'host.status'>, 'state' | 'pid' | 'message'>>;

/** 'open': a transport to the host is up; 'closed': none, and one is being re-established. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface EngineSnapshot {
  /** Null while disconnected; a new client after every reconnect or host restart. */
  readonly client: EngineClient | null;
  readonly host: HostInfo;
  readonly connection: ConnectionState;
}

export interface EngineConnection {
  subscribe(listener: () => void): () => void;
  getSnapshot(): EngineSnapshot;
  start(): void;
  stop(): void;
}

/** Pause before reconnect attempt `attempt` (0-based): 0.5 s, 1 s, 2 s, … up to 10 s. */
export const reconnectDelay = (attempt: number): number => Math.min(10_000, 500 * 2 ** attempt);

const INITIAL: EngineSnapshot = { client: null, host: { state: 'starting', pid: null, message: null }, connection: 'connecting' };

abstract class ObservableConnection implements EngineConnection {
  private snapshot = INITIAL;
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getSnapshot(): EngineSnapshot {
    return this.snapshot;
  }

  protected update(patch: Partial<EngineSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l();
  }

  /** Follows the host's own status reports on `client`. */
  protected follow(client: EngineClient): void {
    client.on('host.status', (e) => {
      if (this.getSnapshot().client === client) this.update({ host: { state: e.state, pid: e.pid, message: e.message } });
    });
  }

  abstract start(): void;
  abstract stop(): void;
}

export interface BrowserConnectionOptions {
  readonly createSocket?: WebSocketFactory;
  readonly delay?: (attempt: number) => number;
  readonly openTimeoutMs?: number;
}

export class BrowserEngineConnection extends ObservableConnection {
  private running = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by stop(), so a connection attempt that finishes afterwards is dropped. */
  private generation = 0;

  constructor(
    private readonly url: string,
    private readonly options: BrowserConnectionOptions = {},
  ) {
    super();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect(this.generation);
  }

  stop(): void {
    this.running = false;
    this.generation++;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const { client } = this.getSnapshot();
    this.update({ client: null, connection: 'closed' });
    client?.close();
  }

  private async connect(generation: number): Promise<void> {
    let transport;
    try {
      transport = await openWebSocketTransport(this.url, this.options.createSocket, this.options.openTimeoutMs);
    } catch (e) {
      if (generation !== this.generation) return;
      const reason = e instanceof Error ? e.message : String(e);
      this.update({ connection: 'closed', host: { state: 'stopped', pid: null, message: reason } });
      this.retry(generation);
      return;
    }
    if (generation !== this.generation) {
      transport.close();
      return;
    }
    this.attempt = 0;
    const client = new EngineClient(transport);
    transport.onClose((reason) => {
      if (generation !== this.generation || this.getSnapshot().client !== client) return;
      this.update({ client: null, connection: 'closed', host: { state: 'stopped', pid: null, message: reason } });
      this.retry(generation);
    });
    // Until the server says otherwise the host is assumed to be coming up.
    this.update({ client, connection: 'open', host: { state: 'starting', pid: null, message: null } });
    this.follow(client);
  }

  private retry(generation: number): void {
    if (!this.running || generation !== this.generation) return;
    const wait = (this.options.delay ?? reconnectDelay)(this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect(generation);
    }, wait);
  }
}

type DesktopHostEvents = Pick<DesktopApi, 'onHostStatus'>;

/** Main's report of the host is the engine protocol's `host.status` event; anything else is dropped. */
function hostStatusOf(payload: unknown): HostInfo | null {
  const parsed = HostEvent.safeParse(payload);
  return parsed.success && parsed.data.type === 'host.status' ? parsed.data : null;
}

export class DesktopEngineConnection extends ObservableConnection {
  private transport: PortTransport | null = null;
  private unsubscribe: (() => void)[] = [];

  constructor(
    private readonly api: DesktopHostEvents,
    private readonly ports: EnginePortSource,
  ) {
    super();
  }

  start(): void {
    if (this.unsubscribe.length > 0) return;
    this.unsubscribe = [
      this.ports.onPort((port) => this.attach(port)),
      this.api.onHostStatus((payload) => {
        const status = hostStatusOf(payload);
        if (status === null) return;
        this.update({ host: { state: status.state, pid: status.pid, message: status.message } });
        if (status.state !== 'ready' && status.state !== 'starting') this.detach(status.message ?? status.state);
      }),
    ];
  }

  /**
   * Stops listening. The current port stays attached: main sends a port once per host process,
   * so a port given up here (React remounting the provider) could not be had again.
   */
  stop(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
  }

  private attach(port: MessagePort): void {
    this.detach('a new engine port arrived');
    const transport = messagePortTransport(port);
    const client = new EngineClient(transport);
    this.transport = transport;
    this.update({ client, connection: 'open' });
    this.follow(client);
  }

  /** The port of a host that crashed or stopped is dead: calls on it fail at once. */
  private detach(reason: string): void {
    const transport = this.transport;
    this.transport = null;
    if (!transport) return;
    this.update({ client: null, connection: 'closed' });
    transport.end(reason);
  }
}
