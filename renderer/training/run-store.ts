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
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { HostEvent, HostEventOf, HostState, ProtocolError } from '../../engine/protocol/messages.ts';
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

export interface RunData {
  readonly phase: RunPhase;
  readonly runId: string | null;
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
  /** The user pressed Start; the request is on its way. */
  begin(datasetType: string | null, measuresGradients?: boolean): void;
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

function freshData(): RunData {
  return {
    phase: 'idle',
    runId: null,
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

      begin(datasetType, measuresGradients = false) {
        early = [];
        set({ ...freshData(), phase: 'starting', datasetType, measuresGradients });
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

function assertNever(value: never): never {
  throw new Error(`unhandled run event: ${JSON.stringify(value)}`);
}
