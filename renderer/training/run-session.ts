/**
 * The one training run of a window: its store, the engine connection that feeds it, and the
 * requests the user's buttons send. It lives outside the components (the app root makes it and
 * provides it, see run-session-context.tsx) so a run keeps streaming into the store while the
 * Training tab is hidden or unmounted, and so the menu can start or stop a run.
 */
import type { EngineClient } from '../../engine/protocol/client.ts';
import type { Parsed } from '../../engine/protocol/index.ts';
import type { HostState, OpenedRun, ParamsIn, ProtocolError, Result } from '../../engine/protocol/messages.ts';
import { parseGraph } from '../../engine/graph/document.ts';
import { mayChangeNetwork, networkHash } from '../../engine/graph/network-hash.ts';
import { type GraphDocument, resolveTraining } from '../../engine/graph/schema.ts';
import type { DocumentStore } from '../store/document-store.ts';
import { type AdoptedRun, createRunStore, documentIdOf, isActive, runDocumentOf, type RunStore } from './run-store.ts';
import type { OnnxRequest } from './onnx-export-form.ts';

const unavailable = (what: string): ProtocolError => ({ code: 'host-unavailable', message: `the engine is not connected, so ${what} cannot be sent` });

/** A finished run the host made from a file, with its graph parsed. */
export interface OpenedModel {
  readonly doc: GraphDocument;
  readonly run: OpenedRun;
  readonly origin: AdoptedRun['origin'];
}

export type SampleRequest = Omit<ParamsIn<'sample'>, 'runId'>;
export type DecodeRequest = Omit<ParamsIn<'decode'>, 'runId'>;

export class RunSession {
  readonly store: RunStore;
  private client: EngineClient | null = null;
  private unsubscribe: (() => void) | null = null;
  /** The host process last reported ready, and the one the current run started on. */
  private hostPid: number | null = null;
  private runPid: number | null = null;

  constructor(store: RunStore = createRunStore()) {
    this.store = store;
  }

  /**
   * Follows the app's current engine client; calling it again with the same client does nothing.
   * A run survives a new client as long as the host behind it is the same process (a WebSocket
   * that dropped and reconnected): the next `host.status` tells, by its pid.
   */
  attach(client: EngineClient | null): void {
    if (client === this.client) return;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.client = client;
    if (!client) return;
    const receive = this.store.getState().receive;
    const offs = [
      client.on('train.progress', receive),
      client.on('train.started', receive),
      client.on('train.steps', receive),
      client.on('train.epoch', receive),
      client.on('train.paused', receive),
      client.on('train.ended', receive),
      client.on('host.status', (e) => this.hostStatus(e.state, e.pid, e.message)),
    ];
    this.unsubscribe = () => offs.forEach((off) => off());
  }

  /**
   * The engine host's state, from its own `host.status` events or from the app's host monitor
   * (Electron main). A crash ends the run; so does a host that is ready under another pid than
   * the one the run started on (it restarted, and the run went with the old process).
   */
  hostStatus(state: HostState, pid: number | null, message: string | null): void {
    const store = this.store.getState();
    if (state === 'ready' && pid !== null) {
      if (this.runPid !== null && pid !== this.runPid && isActive(store.phase)) store.connectionLost(message);
      this.hostPid = pid;
    }
    this.store.getState().hostChanged(state, message);
  }

  get connected(): boolean {
    return this.client !== null && !this.client.closed;
  }

  /**
   * Tells the run store which document is open, now and after every change: its id (a load or a
   * save under a new path changes it) and the hash of its network, computed again only when an
   * edit may have changed the network (not while blocks are dragged). Returns the unsubscribe.
   */
  follow(documents: DocumentStore): () => void {
    let last = documents.getState();
    let hash = networkHash(last.doc);
    this.store.getState().documentOpened({ id: documentIdOf(last.path, last.loads), hash });
    return documents.subscribe((next) => {
      const prev = last;
      last = next;
      if (next.doc === prev.doc && next.path === prev.path && next.loads === prev.loads) return;
      const id = documentIdOf(next.path, next.loads);
      const before = documentIdOf(prev.path, prev.loads);
      // Saved under a new path: the same document, so its run follows it.
      if (next.loads === prev.loads && id !== before) this.store.getState().documentMoved(before, id);
      if (next.loads !== prev.loads || mayChangeNetwork(prev.doc, next.doc)) hash = networkHash(next.doc);
      this.store.getState().documentOpened({ id, hash });
    });
  }

  /**
   * Starts a run of `graph`, the document `documentId`; the store follows it from here on.
   * `continueFrom`: start from the weights of the finished run on show (from where it stood, when
   * it came from a checkpoint).
   */
  async start(graph: GraphDocument, documentPath: string | null, documentId: string, continueFrom = false): Promise<Parsed<Result<'train.start'>>> {
    const state = this.store.getState();
    if (isActive(state.phase)) return { ok: false, error: { code: 'busy', message: 'a run is already in progress; stop it first' } };
    const from = continueFrom && state.phase === 'ended' && state.runId !== null ? state.runId : undefined;
    // Going on from a checkpoint, the epochs it had trained stay on show before the new ones.
    const carried = from !== undefined && state.origin === 'checkpoint' ? state.epochs : undefined;
    state.begin(graph.dataset?.type ?? null, resolveTraining(graph.training).gradientNormsOverTime !== false, runDocumentOf(documentId, graph), carried);
    this.runPid = this.hostPid;
    const client = this.client;
    const reply = client ? await client.call('train.start', { graph, documentPath, ...(from !== undefined ? { from } : {}) }) : { ok: false as const, error: unavailable('train.start') };
    if (reply.ok) this.store.getState().accepted(reply.value.runId);
    else this.store.getState().refused(reply.error);
    return reply;
  }

  pause(): Promise<Parsed<Result<'train.pause'>>> {
    return this.runCall('train.pause');
  }

  resume(): Promise<Parsed<Result<'train.resume'>>> {
    return this.runCall('train.resume');
  }

  stop(): Promise<Parsed<Result<'train.stop'>>> {
    return this.runCall('train.stop');
  }

  exportModel(): Promise<Parsed<Result<'model.export'>>> {
    return this.runCall('model.export');
  }

  /** Has the host open a model file's text as a finished run (not shown until `adopt`). */
  openModel(text: string): Promise<Parsed<OpenedModel>> {
    return this.opened('model', (client) => client.call('model.open', { text }, { timeoutMs: 120_000 }));
  }

  /** Has the host open an interrupted run's checkpoint as a finished run (not shown until `adopt`). */
  openCheckpoint(id: string): Promise<Parsed<OpenedModel>> {
    return this.opened('checkpoint', (client) => client.call('checkpoints.open', { id }, { timeoutMs: 120_000 }));
  }

  /**
   * Makes an opened run the window's run, belonging to the document `documentId` (the one its
   * graph was just loaded as): the one place a run from a file becomes the run on show. Refused
   * while a run trains.
   */
  adopt(opened: OpenedModel, documentId: string): boolean {
    if (isActive(this.store.getState().phase)) return false;
    const { run, doc } = opened;
    const document = runDocumentOf(documentId, doc);
    this.store.getState().adopt({ runId: run.runId, origin: opened.origin, document, datasetType: doc.dataset?.type ?? null, epochs: run.epochs, steps: run.steps, loss: run.loss, history: run.history });
    return true;
  }

  async listCheckpoints(): Promise<Parsed<Result<'checkpoints.list'>>> {
    return this.client ? this.client.call('checkpoints.list', {}) : { ok: false, error: unavailable('checkpoints.list') };
  }

  async discardCheckpoint(id: string): Promise<Parsed<Result<'checkpoints.discard'>>> {
    return this.client ? this.client.call('checkpoints.discard', { id }) : { ok: false, error: unavailable('checkpoints.discard') };
  }

  /** A model file of a run the host keeps, whether or not it is the one on show. */
  async exportRun(runId: string): Promise<Parsed<Result<'model.export'>>> {
    return this.client ? this.client.call('model.export', { runId }) : { ok: false, error: unavailable('model.export') };
  }

  private async opened(origin: OpenedModel['origin'], call: (client: EngineClient) => Promise<Parsed<OpenedRun>>): Promise<Parsed<OpenedModel>> {
    if (!this.client) return { ok: false, error: unavailable(origin === 'model' ? 'model.open' : 'checkpoints.open') };
    const reply = await call(this.client);
    if (!reply.ok) return reply;
    const parsed = parseGraph(reply.value.graph);
    if (!parsed.ok) return { ok: false, error: { code: 'invalid-graph', message: parsed.errors.map((e) => e.message).join('; ') } };
    return { ok: true, value: { doc: parsed.graph, run: reply.value, origin } };
  }

  async onnxChoices(): Promise<Parsed<Result<'model.onnxChoices'>>> {
    const runId = this.store.getState().runId;
    if (!this.client) return { ok: false, error: unavailable('model.onnxChoices') };
    if (runId === null) return { ok: false, error: { code: 'not-found', message: 'there is no trained run to export' } };
    return this.client.call('model.onnxChoices', { runId });
  }

  async exportOnnx(request: OnnxRequest): Promise<Parsed<Result<'model.exportOnnx'>>> {
    const runId = this.store.getState().runId;
    if (!this.client) return { ok: false, error: unavailable('model.exportOnnx') };
    if (runId === null) return { ok: false, error: { code: 'not-found', message: 'there is no trained run to export' } };
    // Unrolling a long sequence for a big model takes a while.
    return this.client.call('model.exportOnnx', { ...request, runId }, { timeoutMs: 300_000 });
  }

  async sample(request: SampleRequest): Promise<Parsed<Result<'sample'>>> {
    const runId = this.store.getState().runId;
    if (!this.client) return { ok: false, error: unavailable('sample') };
    if (runId === null) return { ok: false, error: { code: 'not-found', message: 'there is no trained run to sample from' } };
    // Generating long text can take a while on a big model.
    return this.client.call('sample', { ...request, runId }, { timeoutMs: 300_000 });
  }

  async decode(request: DecodeRequest): Promise<Parsed<Result<'decode'>>> {
    const runId = this.store.getState().runId;
    if (!this.client) return { ok: false, error: unavailable('decode') };
    if (runId === null) return { ok: false, error: { code: 'not-found', message: 'there is no trained run to decode with' } };
    return this.client.call('decode', { ...request, runId }, { timeoutMs: 120_000 });
  }

  private async runCall<M extends 'train.pause' | 'train.resume' | 'train.stop' | 'model.export'>(method: M): Promise<Parsed<Result<M>>> {
    const runId = this.store.getState().runId;
    if (!this.client) return { ok: false, error: unavailable(method) };
    if (runId === null) return { ok: false, error: { code: 'not-found', message: 'there is no run' } };
    const params = { runId } as ParamsIn<M>;
    return this.client.call(method, params);
  }
}
