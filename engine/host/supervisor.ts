/**
 * Runs the engine host as a child process for `rnn-studio serve` and keeps it running: relays
 * each client's requests (renumbered, since every browser tab counts from 1) and sends the
 * replies back to the asker, broadcasts events, and when the host dies tells every client,
 * answers what it left pending, ends its training run as failed and starts a new one — up to
 * MAX_CRASHES within CRASH_WINDOW_MS, after which it stays stopped.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { parseClientMessage, parseHostMessage } from '../protocol/index.ts';
import { type ClientMessage, type HostEvent, type HostEventOf, type HostMessage, type HostState, type Method, PROTOCOL_VERSION } from '../protocol/messages.ts';

export const MAX_CRASHES = 5;
export const CRASH_WINDOW_MS = 30_000;
/** Requests held while the host (re)starts; more are refused. */
const MAX_QUEUED = 1000;

export interface SupervisorOptions {
  /** The host's entry module (engine/host/main.ts). */
  readonly entry: string;
  readonly args: readonly string[];
  readonly execArgv: readonly string[];
  /** Told of every change of state (for the server's own log). */
  readonly onStatus?: (status: HostEventOf<'host.status'>) => void;
  /** Wait before the first restart; doubled for each further crash within the window (default 250 ms, at most 4 s). */
  readonly restartDelayMs?: number;
}

export interface SupervisedClient {
  send(message: HostMessage): void;
}

export interface ClientConnection {
  /** A raw message from the client (JSON text). */
  receive(raw: unknown): void;
  close(): void;
}

interface Pending {
  readonly client: SupervisedClient;
  readonly id: number;
  readonly method: Method;
}

interface TrackedRun {
  readonly runId: string;
  epochs: number;
  steps: number;
  loss: number | null;
}

export class HostSupervisor {
  private child: ChildProcess | null = null;
  private state: HostState = 'starting';
  private pid: number | null = null;
  private message: string | null = null;
  private readonly clients = new Set<SupervisedClient>();
  private readonly pending = new Map<number, Pending>();
  private queue: { client: SupervisedClient; message: ClientMessage }[] = [];
  private nextId = 1;
  private crashes: number[] = [];
  private run: TrackedRun | null = null;
  private stopping = false;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: SupervisorOptions) {}

  start(): void {
    this.spawn();
  }

  get status(): HostEventOf<'host.status'> {
    return { type: 'host.status', state: this.state, pid: this.pid, protocol: PROTOCOL_VERSION, message: this.message };
  }

  connect(client: SupervisedClient): ClientConnection {
    this.clients.add(client);
    this.sendTo(client, { type: 'event', event: this.status });
    return {
      receive: (raw) => this.request(client, raw),
      close: () => {
        this.clients.delete(client);
        for (const [hostId, p] of this.pending) if (p.client === client) this.pending.delete(hostId);
        this.queue = this.queue.filter((q) => q.client !== client);
      },
    };
  }

  /** Stops the host for good (SIGTERM, then SIGKILL after a grace period). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.failPending('the server is shutting down');
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  private spawn(): void {
    const child = fork(this.options.entry, [...this.options.args], {
      execArgv: [...this.options.execArgv],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    // The server's stdout carries its own lines (the URL, JSON status); the host's go to stderr.
    child.stdout?.pipe(process.stderr);
    child.on('message', (raw) => this.fromHost(child, raw));
    child.on('error', (e) => process.stderr.write(`rnn-studio serve: engine host: ${e.message}\n`));
    child.once('exit', (code, signal) => this.exited(child, code, signal));
  }

  private fromHost(child: ChildProcess, raw: unknown): void {
    if (child !== this.child) return;
    const parsed = parseHostMessage(raw);
    if (!parsed.ok) {
      process.stderr.write(`rnn-studio serve: engine host sent a message that does not parse: ${parsed.error.message}\n`);
      return;
    }
    const message = parsed.value;
    if (message.type === 'reply') {
      const p = this.pending.get(message.id);
      if (!p) return; // its client went away
      this.pending.delete(message.id);
      this.sendTo(p.client, { ...message, id: p.id });
      return;
    }
    const event = message.event;
    if (event.type === 'host.status') {
      // The host says so once on connect; its state as clients see it is the supervisor's.
      if (event.state === 'ready' && this.state !== 'ready') this.ready(child);
      return;
    }
    this.track(event);
    this.broadcast(event);
  }

  private ready(child: ChildProcess): void {
    this.setState('ready', child.pid ?? null, null);
    const queued = this.queue;
    this.queue = [];
    for (const q of queued) this.forward(q.client, q.message);
  }

  private track(event: HostEvent): void {
    switch (event.type) {
      case 'train.started':
        this.run = { runId: event.runId, epochs: 0, steps: 0, loss: null };
        return;
      case 'train.steps': {
        const last = event.points.at(-1);
        if (this.run?.runId === event.runId && last) Object.assign(this.run, { steps: last.step, loss: last.loss });
        return;
      }
      case 'train.epoch':
        if (this.run?.runId === event.runId) this.run.epochs = event.epoch;
        return;
      case 'train.ended':
        if (this.run?.runId === event.runId) this.run = null;
        return;
      default:
        return;
    }
  }

  private request(client: SupervisedClient, raw: unknown): void {
    const parsed = parseClientMessage(raw);
    if (!parsed.ok) {
      if (parsed.id !== undefined) this.sendTo(client, { type: 'reply', id: parsed.id, ok: false, error: parsed.error });
      else process.stderr.write(`rnn-studio serve: a client message without a readable id was dropped: ${parsed.error.message}\n`);
      return;
    }
    const message = parsed.value;
    if (this.state === 'ready') this.forward(client, message);
    else if (this.state === 'stopped') this.refuse(client, message, this.message ?? 'the engine host is stopped');
    else if (this.queue.length >= MAX_QUEUED) this.refuse(client, message, `the engine host is ${this.state} and too many requests are waiting`);
    else this.queue.push({ client, message });
  }

  private forward(client: SupervisedClient, message: ClientMessage): void {
    const hostId = this.nextId++;
    this.pending.set(hostId, { client, id: message.id, method: message.method });
    try {
      this.child?.send({ ...message, id: hostId });
    } catch (e) {
      this.pending.delete(hostId);
      this.refuse(client, message, `could not reach the engine host: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private refuse(client: SupervisedClient, message: ClientMessage, why: string): void {
    this.sendTo(client, { type: 'reply', id: message.id, ok: false, error: { code: 'host-unavailable', message: why } });
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = null;
    if (this.stopping) return;
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    this.setState('crashed', child.pid ?? null, `its process ended with ${how}`);
    this.failPending(`the engine host stopped (${how})`);
    if (this.run) {
      const { runId, epochs, steps, loss } = this.run;
      this.run = null;
      this.broadcast({ type: 'train.ended', runId, reason: 'failed', message: `the engine host stopped (${how}); the run was lost`, epochs, steps, loss });
    }
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    if (this.crashes.length >= MAX_CRASHES) {
      this.setState('stopped', null, `the engine host stopped ${MAX_CRASHES} times within ${CRASH_WINDOW_MS / 1000} s (last: ${how}); restart rnn-studio serve`);
      for (const q of this.queue) this.refuse(q.client, q.message, this.message ?? 'the engine host is stopped');
      this.queue = [];
      return;
    }
    const backoff = Math.min((this.options.restartDelayMs ?? 250) * 2 ** (this.crashes.length - 1), 4000);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.setState('restarting', null, `restarting the engine host after ${how}`);
      this.spawn();
    }, backoff);
  }

  private failPending(why: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) this.sendTo(p.client, { type: 'reply', id: p.id, ok: false, error: { code: 'host-unavailable', message: `'${p.method}' got no answer: ${why}` } });
  }

  private setState(state: HostState, pid: number | null, message: string | null): void {
    this.state = state;
    this.pid = pid;
    this.message = message;
    this.options.onStatus?.(this.status);
    this.broadcast(this.status);
  }

  private broadcast(event: HostEvent): void {
    for (const client of this.clients) this.sendTo(client, { type: 'event', event });
  }

  private sendTo(client: SupervisedClient, message: HostMessage): void {
    try {
      client.send(message);
    } catch {
      this.clients.delete(client);
    }
  }
}
