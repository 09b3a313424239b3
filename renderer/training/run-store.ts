/**
 * The state of the current training run, driven by the host's events and by what the user did.
 *
 *   idle ──start──▶ starting ──reply ok + train.started──▶ running ⇄ paused ──train.ended──▶ ended
 *                      │ reply error                          │ host crashed, connection lost
 *                      ▼                                      ▼
 *                    failed ◀─────────────────────────────── failed
 *
 * Events of other runs are ignored. Events that arrive for a run before the reply that names it
 * (the host may emit `train.started` first) are kept and replayed once the reply comes.
 *
 * The streamed numbers live in growable typed columns that are mutated in place; `pointsVersion`
 * and `epochsVersion` change whenever they do, so subscribers can tell that there is news without
 * the store copying arrays per event. The per-time-step gradient norms that some steps carry are
 * few (one snapshot per measured step, the last GRADIENT_HISTORY kept) and are replaced, not mutated.
 *
 * Runs belong to documents. A run records the document it trained (`document`: its id and the hash
 * of its network as trained) and the store knows the document open now (`openDocument`);
 * `runForDocument` is the one place that decides whether the run is the open document's, trained
 * an earlier version of it, or belongs to another document (and is then not shown, see `shownRun`).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EpochSummary, HostEvent, HostEventOf, HostState, ProtocolError } from '../../engine/protocol/messages.ts';
import type { GraphDocument } from '../../engine/graph/schema.ts';
import { networkHash } from '../../engine/graph/network-hash.ts';
import { ArrivalLog, EpochTable, StepSeries } from './columns.ts';
import { type GradientSnapshot, keepLatest, snapshotsOf } from './gradient-flow.ts';

export type RunPhase = 'idle' | 'starting' | 'running' | 'paused' | 'ended' | 'failed';

type StartedEvent = HostEventOf<'train.started'>;
type EndedEvent = HostEventOf<'train.ended'>;
type RunEvent = Exclude<HostEvent, { type: 'host.status' } | { type: 'diagnostics' }>;

/** What the host reported when the run started. */
export type RunInfo = Omit<StartedEvent, 'type' | 'runId'>;
export type RunEnd = Omit<EndedEvent, 'type' | 'runId'>;

/**
 * Why a run failed. `host-crashed` and `connection-lost` come from this side (their message is
 * the host's, when it gave one); the others are the host's protocol error codes, or `ended` when
 * the run itself ended with reason 'failed'.
 */
export interface RunFailure {
  readonly code: ProtocolError['code'] | 'host-crashed' | 'connection-lost' | 'ended';
  readonly message: string | null;
}

/**
 * Which document a run trained. `id` says which document it is (see `documentIdOf`), `hash` what
 * its network was when the run started (`networkHash`: positions, labels and names left out), and
 * `name` what the graph was called then.
 */
export interface RunDocument {
  readonly id: string;
  readonly hash: string;
  readonly name: string;
}

/** The document open in the window now: its id and the hash of its network (as in `RunDocument`). */
export interface OpenDocument {
  readonly id: string;
  readonly hash: string;
}

/**
 * A document's identity: the file it was opened from or saved to, or, for one that exists on no
 * disk yet (New, Import, the start page), the load that made it (`loads` counts the document
 * store's loads, so each is different). Reopening a file gives the same id; saving an unsaved
 * document under a path gives it a new one (`documentMoved` carries its run along).
 */
export const documentIdOf = (path: string | null, loads: number): string => (path !== null ? `file:${path}` : `unsaved:${loads}`);

/** The binding a run started from `doc` records. */
export const runDocumentOf = (id: string, doc: GraphDocument): RunDocument => ({ id, hash: networkHash(doc), name: doc.name });

/** Where a run's weights came from: trained here, or opened from a model file or a checkpoint. */
export type RunOrigin = 'trained' | 'model' | 'checkpoint';

/** A finished run the host made from a file, as the store shows it. */
export interface AdoptedRun {
  readonly runId: string;
  readonly origin: Exclude<RunOrigin, 'trained'>;
  readonly datasetType: string | null;
  readonly epochs: number;
  readonly steps: number;
  readonly loss: number | null;
  readonly history: readonly EpochSummary[];
  /** The document open when the run was adopted, which it belongs to. */
  readonly document: RunDocument;
}

export interface RunData {
  readonly phase: RunPhase;
  readonly runId: string | null;
  /** The document the run trained; null before the first run. */
  readonly document: RunDocument | null;
  /** The document open in the window (null until the session follows a document store). */
  readonly openDocument: OpenDocument | null;
  /** Where the run's weights came from. */
  readonly origin: RunOrigin;
  /** The dataset kind of the document the run was started from (sampling needs text). */
  readonly datasetType: string | null;
  /** The run's settings ask for gradient norms over time (on some steps, at least). */
  readonly measuresGradients: boolean;
  readonly info: RunInfo | null;
  /** Before the run's first step: which setup phase it is in (dataset, compile, weights, executor) and how far. */
  readonly setup: Readonly<Pick<HostEventOf<'train.progress'>, 'phase' | 'done' | 'total'>> | null;
  readonly stepsPerSecond: number | null;
  /** The last step number seen, and its loss. */
  readonly step: number;
  readonly lastLoss: number | null;
  /** Epochs finished so far. */
  readonly epochsDone: number;
  readonly end: RunEnd | null;
  readonly failure: RunFailure | null;
  /** Mutated in place; replaced by fresh ones when a run starts. */
  readonly series: StepSeries;
  readonly epochs: EpochTable;
  readonly arrivals: ArrivalLog;
  /** ‖∂loss/∂h_t‖ per recurrent state from the latest step that measured them. */
  readonly gradientNorms: GradientSnapshot | null;
  /** The last measured steps' norms, oldest first (the latest is `gradientNorms`). */
  readonly gradientHistory: readonly GradientSnapshot[];
  readonly pointsVersion: number;
  readonly epochsVersion: number;
}

export interface RunActions {
  /**
   * The user pressed Start on `document`; the request is on its way. `carried`: the epochs of the
   * run this one goes on from where it stood (a checkpoint), shown before this run's own.
   */
  begin(datasetType: string | null, measuresGradients: boolean, document: RunDocument, carried?: EpochTable): void;
  /** Another document is open now, or the open one changed. */
  documentOpened(open: OpenDocument): void;
  /** The document `from` was saved under a new identity `to`: its run goes with it. */
  documentMoved(from: string, to: string): void;
  /** Shows a finished run the host made from a file, with its recorded epochs. */
  adopt(run: AdoptedRun): void;
  /** The host accepted the start request. */
  accepted(runId: string): void;
  /** The host (or the connection) refused the start request. */
  refused(error: ProtocolError): void;
  receive(event: HostEvent): void;
  /** The engine host's state changed (from `host.status` or the app's host monitor). */
  hostChanged(state: HostState, message: string | null): void;
  /** The connection this run lives on is gone (the client was replaced or closed). */
  connectionLost(message: string | null): void;
}

export type RunState = RunData & RunActions;
export type RunStore = StoreApi<RunState>;

/** Phases in which a run exists on the host (or is about to). */
export const isActive = (phase: RunPhase): boolean => phase === 'starting' || phase === 'running' || phase === 'paused';

/** Events kept while the start reply is outstanding; more than this is not a start-up race. */
const MAX_EARLY_EVENTS = 1000;

type RunOfItsOwn = Omit<RunData, 'openDocument'>;

function freshData(): RunOfItsOwn {
  return {
    phase: 'idle',
    runId: null,
    document: null,
    origin: 'trained',
    datasetType: null,
    measuresGradients: false,
    info: null,
    setup: null,
    stepsPerSecond: null,
    step: 0,
    lastLoss: null,
    epochsDone: 0,
    end: null,
    failure: null,
    series: new StepSeries(),
    epochs: new EpochTable(),
    arrivals: new ArrivalLog(),
    gradientNorms: null,
    gradientHistory: [],
    pointsVersion: 0,
    epochsVersion: 0,
  };
}

const isRunEvent = (e: HostEvent): e is RunEvent => e.type.startsWith('train.');

export function createRunStore(now: () => number = () => performance.now()): RunStore {
  let early: RunEvent[] = [];

  return createStore<RunState>()((set, get) => {
    const apply = (event: RunEvent): void => {
      const s = get();
      switch (event.type) {
        case 'train.progress':
          set({ setup: { phase: event.phase, done: event.done, total: event.total } });
          return;
        case 'train.started': {
          const { type: _type, runId: _runId, ...info } = event;
          if (s.phase === 'starting' || s.phase === 'running') set({ phase: 'running', info, setup: null });
          else set({ info, setup: null });
          return;
        }
        case 'train.steps': {
          if (event.points.length === 0) {
            set({ stepsPerSecond: event.stepsPerSecond });
            return;
          }
          s.series.append(event.points);
          s.arrivals.record(now(), s.series.length);
          const last = event.points[event.points.length - 1];
          const gradientHistory = keepLatest(s.gradientHistory, snapshotsOf(event.points));
          set({
            ...(gradientHistory !== s.gradientHistory ? { gradientHistory, gradientNorms: gradientHistory[gradientHistory.length - 1] } : {}),
            stepsPerSecond: event.stepsPerSecond,
            step: last.step,
            lastLoss: last.loss,
            pointsVersion: s.pointsVersion + 1,
            ...(s.phase === 'starting' ? { phase: 'running' as const } : {}),
          });
          return;
        }
        case 'train.epoch': {
          // Where the chart puts the epoch's mean loss: the step that ended it. The host may still
          // hold that epoch's last step points, so count from the run's shape when it is known
          // (under truncated BPTT an epoch can take more steps than it has batches).
          const step = s.info ? event.epoch * (s.info.stepsPerEpoch ?? s.info.batchesPerEpoch) : s.step;
          const { type: _type, runId: _runId, ...row } = event;
          s.epochs.append({ ...row, step });
          set({ epochsDone: event.epoch, epochsVersion: s.epochsVersion + 1 });
          return;
        }
        case 'train.paused':
          if (s.phase === 'running' || s.phase === 'paused' || s.phase === 'starting') set({ phase: event.paused ? 'paused' : 'running' });
          return;
        case 'train.ended': {
          const { type: _type, runId: _runId, ...end } = event;
          const failed = end.reason === 'failed';
          set({
            phase: failed ? 'failed' : 'ended',
            end,
            failure: failed ? { code: 'ended', message: end.message } : null,
            step: Math.max(s.step, end.steps),
            lastLoss: end.loss ?? s.lastLoss,
            stepsPerSecond: null,
          });
          return;
        }
        default:
          return assertNever(event);
      }
    };

    const fail = (failure: RunFailure): void => {
      early = [];
      set({ phase: 'failed', failure, stepsPerSecond: null });
    };

    return {
      ...freshData(),
      openDocument: null,

      begin(datasetType, measuresGradients, document, carried) {
        early = [];
        set({ ...freshData(), phase: 'starting', datasetType, measuresGradients, document, ...(carried ? { epochs: carried, epochsDone: carried.length, epochsVersion: 1 } : {}) });
      },

      documentOpened(open) {
        const current = get().openDocument;
        if (current?.id === open.id && current.hash === open.hash) return;
        set({ openDocument: open });
      },

      documentMoved(from, to) {
        const { document } = get();
        if (document?.id === from) set({ document: { ...document, id: to } });
      },

      adopt(run) {
        early = [];
        const epochs = new EpochTable();
        // Where the chart puts each epoch: the step that ended it, with steps spread evenly over the epochs.
        const perEpoch = run.epochs > 0 ? run.steps / run.epochs : 0;
        // Files record no durations: NaN, which the table shows as a dash.
        for (const e of run.history) epochs.append({ ...e, step: Math.round(e.epoch * perEpoch), seconds: Number.NaN });
        set({
          ...freshData(),
          phase: 'ended',
          runId: run.runId,
          origin: run.origin,
          document: run.document,
          datasetType: run.datasetType,
          step: run.steps,
          lastLoss: run.loss,
          epochsDone: run.epochs,
          end: { reason: 'completed', message: '', epochs: run.epochs, steps: run.steps, loss: run.loss },
          epochs,
          epochsVersion: 1,
        });
      },

      accepted(runId) {
        const s = get();
        if (s.phase !== 'starting') return;
        set({ runId });
        const replay = early.filter((e) => e.runId === runId);
        early = [];
        for (const e of replay) apply(e);
      },

      refused(error) {
        if (get().phase !== 'starting') return;
        fail({ code: error.code, message: error.message });
      },

      receive(event) {
        if (event.type === 'host.status') {
          get().hostChanged(event.state, event.message);
          return;
        }
        if (!isRunEvent(event)) return;
        const s = get();
        if (s.runId === null) {
          if (s.phase === 'starting' && early.length < MAX_EARLY_EVENTS) early.push(event);
          return;
        }
        if (event.runId !== s.runId) return;
        // After the end (or a failure) nothing more belongs to this run.
        if (!isActive(s.phase)) return;
        apply(event);
      },

      hostChanged(state, message) {
        if (!isActive(get().phase)) return;
        if (state === 'crashed' || state === 'restarting' || state === 'stopped') fail({ code: 'host-crashed', message });
      },

      connectionLost(message) {
        if (!isActive(get().phase)) return;
        fail({ code: 'connection-lost', message });
      },
    };
  });
}

/**
 * How the store's run stands to the open document:
 * - `none`: there is no run;
 * - `this`: the run trained the open document as it is now (moving blocks changes nothing);
 * - `earlier`: it trained this document, but its network has changed since the run started;
 * - `other`: it trained another document (or no document is open).
 */
export type RunRelation = 'none' | 'this' | 'earlier' | 'other';

export function runForDocument(s: Pick<RunData, 'phase' | 'document' | 'openDocument'>): RunRelation {
  if (s.phase === 'idle') return 'none';
  if (s.document === null || s.openDocument === null || s.document.id !== s.openDocument.id) return 'other';
  return s.document.hash === s.openDocument.hash ? 'this' : 'earlier';
}

/** The open document's run is training (or starting, or paused): replacing the document must ask. */
export function trainsOpenDocument(s: Pick<RunData, 'phase' | 'document' | 'openDocument'>): boolean {
  const relation = runForDocument(s);
  return isActive(s.phase) && (relation === 'this' || relation === 'earlier');
}

const hidden = new WeakMap<RunState, RunState>();
/** What a hidden run reads as; never mutated (only a run's own columns are appended to). */
const NO_RUN = freshData();

/**
 * The run as the open document's views show it: the store's state when the run is this document's
 * (or an earlier version's), otherwise no run at all. The same state gives the same object, so
 * a selector of the whole state stays stable.
 */
export function shownRun(s: RunState): RunState {
  if (runForDocument(s) !== 'other') return s;
  let none = hidden.get(s);
  if (!none) {
    none = { ...s, ...NO_RUN };
    hidden.set(s, none);
  }
  return none;
}

function assertNever(value: never): never {
  throw new Error(`unhandled run event: ${JSON.stringify(value)}`);
}
