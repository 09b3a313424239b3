/**
 * The UI's end of the protocol: numbered requests matched to their replies, replies parsed
 * against the method's result schema, events parsed and dispatched by type. Transport-agnostic
 * (MessagePort, WebSocket, or an in-memory pair in tests). Never throws to its caller: every
 * call resolves to `{ok:true, value}` or `{ok:false, error}`.
 */
import { parseHostMessage, parseResult, type Parsed } from './index.ts';
import type { ClientMessage, HostEvent, HostEventOf, Method, ParamsIn, Result } from './messages.ts';

/** What the client needs of a connection. `send` may throw if the connection is gone. */
export interface Transport {
  send(message: ClientMessage): void;
  /** Called with each raw message (JSON text or a structured-cloned value). */
  onMessage(listener: (raw: unknown) => void): void;
  /** Called once when the connection closes; pending calls fail with 'host-unavailable'. */
  onClose(listener: (reason: string) => void): void;
  close(): void;
}

export interface CallOptions {
  /** Milliseconds before the call fails with 'timeout' (default 60 s; 0: never). */
  readonly timeoutMs?: number;
}

interface Pending {
  readonly method: Method;
  readonly resolve: (r: Parsed<unknown>) => void;
  readonly timer: ReturnType<typeof setTimeout> | null;
}

type Listener<T extends HostEvent['type']> = (event: HostEventOf<T>) => void;

export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<HostEvent['type'], Set<(e: HostEvent) => void>>();
  private closedReason: string | null = null;
  /** Messages that failed to parse, for the UI to show (a host of another version, a bug). */
  readonly problems: string[] = [];

  constructor(private readonly transport: Transport) {
    transport.onMessage((raw) => this.receive(raw));
    transport.onClose((reason) => this.fail(reason));
  }

  get closed(): boolean {
    return this.closedReason !== null;
  }

  call<M extends Method>(method: M, params: ParamsIn<M>, options: CallOptions = {}): Promise<Parsed<Result<M>>> {
    if (this.closedReason !== null) return Promise.resolve({ ok: false, error: { code: 'host-unavailable', message: this.closedReason } });
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timeoutMs = options.timeoutMs ?? 60_000;
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              this.pending.delete(id);
              resolve({ ok: false, error: { code: 'timeout', message: `the engine did not answer '${method}' within ${timeoutMs / 1000} s` } });
            }, timeoutMs)
          : null;
      this.pending.set(id, { method, resolve: resolve as (r: Parsed<unknown>) => void, timer });
      try {
        this.transport.send({ type: 'request', id, method, params } as ClientMessage);
      } catch (e) {
        this.settle(id, { ok: false, error: { code: 'host-unavailable', message: `could not send '${method}': ${e instanceof Error ? e.message : String(e)}` } });
      }
    });
  }

  /** Subscribes to one event type; returns the unsubscribe function. */
  on<T extends HostEvent['type']>(type: T, listener: Listener<T>): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    const l = listener as (e: HostEvent) => void;
    set.add(l);
    return () => set.delete(l);
  }

  close(): void {
    this.transport.close();
    this.fail('the connection was closed');
  }

  private receive(raw: unknown): void {
    const parsed = parseHostMessage(raw);
    if (!parsed.ok) {
      this.problems.push(parsed.error.message);
      return;
    }
    const message = parsed.value;
    if (message.type === 'event') {
      for (const l of this.listeners.get(message.event.type) ?? []) l(message.event);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) {
      // Usually a reply that came after its deadline; otherwise a host bug worth seeing.
      this.problems.push(`a reply to request ${message.id}, which is not waiting for one (it timed out or was never sent)`);
      return;
    }
    if (!message.ok) this.settle(message.id, { ok: false, error: message.error });
    else this.settle(message.id, parseResult(pending.method, message.result));
  }

  private settle(id: number, result: Parsed<unknown>): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if (pending.timer !== null) clearTimeout(pending.timer);
    pending.resolve(result);
  }

  private fail(reason: string): void {
    if (this.closedReason === null) this.closedReason = reason;
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, error: { code: 'host-unavailable', message: `the engine went away: ${reason}` } });
  }
}
