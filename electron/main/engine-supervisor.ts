/**
 * Keeps the engine host running and connected. The host is a utility process; each window gets
 * its own MessageChannel to it: port1 goes to the host (`{type:'connect'}`), port2 to the page
 * once it has loaded. When the host dies unexpectedly every window hears 'crashed' (with the exit
 * code), then 'restarting', and after a back-off a new host starts ('starting', 'ready') and every
 * window gets a new port. Five crashes within 30 seconds and it stays 'stopped': something is
 * wrong that restarting will not fix. Main never computes; it only hands out ports.
 *
 * Process and channel are created through injected factories, so all of this runs in tests with
 * fakes (Electron's utilityProcess and MessageChannelMain in the app).
 */
import { type HostEventOf, type HostState, PROTOCOL_VERSION } from '../../engine/protocol/messages.ts';
import { fill, type MainStrings } from './strings.ts';

/** What the supervisor uses of a utility process. */
export interface EngineProcess<P> {
  readonly pid: number | undefined;
  postMessage(message: unknown, transfer: P[]): void;
  on(event: 'spawn', listener: () => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface EngineChannel<P> {
  readonly port1: P;
  readonly port2: P;
}

/**
 * The host's state as the engine protocol says it (`host.status`): a page hears the same event
 * from main in Electron as from `rnn-studio serve` in a browser.
 */
export type HostStatus = HostEventOf<'host.status'>;

const hostStatus = (state: HostState, pid: number | null, message: string | null): HostStatus => ({ type: 'host.status', state, pid, protocol: PROTOCOL_VERSION, message });

/** A window that talks to the engine. */
export interface EngineClient<P> {
  readonly id: number;
  sendPort(port: P): void;
  sendStatus(status: HostStatus): void;
}

export interface EngineSupervisorOptions<P> {
  fork(): EngineProcess<P>;
  createChannel(): EngineChannel<P>;
  readonly strings: MainStrings;
  readonly log?: (message: string) => void;
  readonly now?: () => number;
  readonly setTimer?: (run: () => void, ms: number) => { cancel(): void };
  /** Crashes within `crashWindowMs` that make it give up (default 5 in 30 s). */
  readonly maxCrashes?: number;
  readonly crashWindowMs?: number;
  /** Wait before restart number `n` (1-based) within the window (default 0.5 s doubling, at most 8 s). */
  readonly backoffMs?: (n: number) => number;
}

/** The message a host gets with its end of a window's channel. */
export const CONNECT_MESSAGE = { type: 'connect' } as const;

const defaultBackoff = (n: number) => Math.min(500 * 2 ** (n - 1), 8000);
const defaultTimer = (run: () => void, ms: number) => {
  const handle = setTimeout(run, ms);
  return { cancel: () => clearTimeout(handle) };
};

export class EngineSupervisor<P> {
  private child: EngineProcess<P> | null = null;
  private current: HostStatus = hostStatus('starting', null, null);
  private readonly clients = new Map<number, EngineClient<P>>();
  private crashes: number[] = [];
  private restartTimer: { cancel(): void } | null = null;
  private stopping = false;

  constructor(private readonly options: EngineSupervisorOptions<P>) {}

  get status(): HostStatus {
    return this.current;
  }

  /** Starts the host (once; later starts after a crash happen on their own). */
  start(): void {
    this.stopping = false;
    this.launch();
  }

  /** A window whose page has (re)loaded: it hears the status and, when the host is up, gets a port. */
  addClient(client: EngineClient<P>): void {
    this.clients.set(client.id, client);
    this.deliverStatus(client, this.current);
    if (this.current.state === 'ready') this.connect(client);
  }

  removeClient(id: number): void {
    this.clients.delete(id);
  }

  /** Sends the running host a message on its parent port; nothing when none runs (the next one starts knowing it). */
  tell(message: unknown): void {
    try {
      this.child?.postMessage(message, []);
    } catch (e) {
      this.log(`could not tell the engine host: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The app is quitting: the host's exit is expected now. */
  stop(): void {
    this.stopping = true;
    this.restartTimer?.cancel();
    this.restartTimer = null;
    const child = this.child;
    this.child = null;
    child?.kill();
  }

  private launch(): void {
    this.restartTimer = null;
    this.setStatus('starting', null, null);
    let child: EngineProcess<P>;
    try {
      child = this.options.fork();
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.log(`could not start the engine host: ${reason}`);
      this.crashed(fill(this.options.strings.hostFailedToStart, { reason }));
      return;
    }
    this.child = child;
    child.on('spawn', () => {
      if (this.child !== child) return;
      this.setStatus('ready', child.pid ?? null, null);
      for (const client of [...this.clients.values()]) this.connect(client);
    });
    child.on('exit', (code) => {
      if (this.child !== child) return;
      this.child = null;
      if (this.stopping) return;
      this.log(`the engine host exited with code ${code}`);
      this.crashed(fill(this.options.strings.hostCrashed, { code }));
    });
  }

  private crashed(message: string): void {
    const now = this.now();
    const windowMs = this.options.crashWindowMs ?? 30_000;
    this.crashes = [...this.crashes.filter((t) => now - t < windowMs), now];
    this.setStatus('crashed', null, message);
    const max = this.options.maxCrashes ?? 5;
    if (this.crashes.length >= max) {
      this.setStatus('stopped', null, fill(this.options.strings.hostStopped, { count: this.crashes.length, seconds: Math.round(windowMs / 1000) }));
      return;
    }
    const delay = (this.options.backoffMs ?? defaultBackoff)(this.crashes.length);
    this.setStatus('restarting', null, fill(this.options.strings.hostRestarting, { seconds: (delay / 1000).toFixed(1) }));
    this.restartTimer = (this.options.setTimer ?? defaultTimer)(() => this.launch(), delay);
  }

  private connect(client: EngineClient<P>): void {
    const child = this.child;
    if (child === null) return;
    const { port1, port2 } = this.options.createChannel();
    try {
      child.postMessage(CONNECT_MESSAGE, [port1]);
      client.sendPort(port2);
    } catch (e) {
      // A window closing in the same moment; it is gone from the list with its 'closed' event.
      this.log(`could not connect window ${client.id} to the engine: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private setStatus(state: HostState, pid: number | null, message: string | null): void {
    this.current = hostStatus(state, pid, message);
    for (const client of [...this.clients.values()]) this.deliverStatus(client, this.current);
  }

  private deliverStatus(client: EngineClient<P>, status: HostStatus): void {
    try {
      client.sendStatus(status);
    } catch (e) {
      this.log(`could not tell window ${client.id} the engine's state: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private log(message: string): void {
    this.options.log?.(message);
  }
}
