/**
 * Every message between the UI and the engine host, defined once: a zod schema per request's
 * params and result, per event, and the envelopes that carry them. Types are derived from the
 * schemas; both ends parse what they receive (`parseClientMessage`, `parseHostMessage`,
 * `parseResult`). Pure: no Node, no DOM, so the renderer imports it as is.
 *
 * Transport-agnostic: the same JSON-able messages travel over an Electron MessagePort or a
 * WebSocket. A request is answered by exactly one reply with the same `id`; replies never
 * throw across the boundary, they carry `{ok:false, error:{code, message}}`.
 */
import { z } from 'zod';
import { BackupId } from '../graph/backup.ts';
import { EXECUTOR_CHOICES, EXECUTOR_IDS } from './executors.ts';

/** Bumped when a message changes incompatibly; the host reports it in `host.status`. */
export const PROTOCOL_VERSION = 1;

/**
 * The largest message, as UTF-8 bytes, a host accepts from a client: room for the largest legal
 * request (a 64 MiB file in `files.write`, JSON-escaped) and no more, so a client cannot make the
 * host buffer without bound. `rnn-studio serve` closes a WebSocket that sends more (code 1009);
 * RNN_STUDIO_MAX_MESSAGE_MB changes it.
 */
export const MAX_MESSAGE_BYTES = 96 * 2 ** 20;
export const MAX_MESSAGE_ENV = 'RNN_STUDIO_MAX_MESSAGE_MB';

/** The message limit: MAX_MESSAGE_BYTES, or RNN_STUDIO_MAX_MESSAGE_MB (a positive whole number of MiB). Throws on a malformed value. */
export function maxMessageBytes(env: Readonly<Record<string, string | undefined>>): number {
  const text = env[MAX_MESSAGE_ENV];
  if (text === undefined || text === '') return MAX_MESSAGE_BYTES;
  const mb = Number(text);
  if (!Number.isSafeInteger(mb) || mb < 1) throw new Error(`${MAX_MESSAGE_ENV} must be a positive whole number of MiB, got '${text}'`);
  return mb * 2 ** 20;
}

// ─── Shared shapes ──────────────────────────────────────────────────────────────────────────

export const ErrorCode = z.enum([
  /** The message did not parse (names the path of the first problem). */
  'bad-message',
  /** The graph document did not parse or migrate. */
  'invalid-graph',
  /** The graph parsed but validation found errors (sent with a `diagnostics` event). */
  'graph-has-errors',
  /** The dataset could not be built (a missing file, bad params). */
  'dataset',
  /** A run, template or file that does not exist. */
  'not-found',
  /** Something is in the way: another run is training, a file exists. */
  'busy',
  /** A file could not be read or written. */
  'io',
  /** Over a budget (steps, parameters, input length, memory): the message names the limit and how to raise it. */
  'too-large',
  /** The engine host is not connected (client side), or went away before replying. */
  'host-unavailable',
  /** No reply within the client's deadline. */
  'timeout',
  /** A bug: the message says what happened. */
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ProtocolError = z.strictObject({ code: ErrorCode, message: z.string() });
export type ProtocolError = z.infer<typeof ProtocolError>;

export const Diagnostic = z.strictObject({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
  nodeId: z.string().optional(),
  port: z.string().optional(),
  edgeId: z.string().optional(),
});
export type Diagnostic = z.infer<typeof Diagnostic>;

const RunId = z.string().min(1).max(64);
/** What a run does before its first step, in order (train.progress). */
export const SetupPhase = z.enum(['dataset', 'compile', 'initialise', 'prepare']);
const FileName = z.string().min(1).max(255);
const ExecutorChoice = z.enum(EXECUTOR_CHOICES);
/** A graph document as JSON; the host parses it with the graph schema (and says where it fails). */
const GraphJson = z.unknown();

export const ExecutorInfo = z.strictObject({ name: z.string(), device: z.string(), version: z.string() });

const Bilingual = z.strictObject({ en: z.string(), zh: z.string() });

/** One executor the engine knows, and whether it can run on the host's machine. */
export const ExecutorStatus = z.strictObject({
  id: z.enum(EXECUTOR_IDS),
  label: Bilingual,
  description: Bilingual,
  available: z.boolean(),
  /** Why it cannot run here (e.g. the native binding failed to load); null when it can. */
  reason: z.string().nullable(),
});
export type ExecutorStatus = z.infer<typeof ExecutorStatus>;

/** One dataset kind: labels and help in both languages, params as JSON Schema for forms. */
export const DatasetInfo = z.strictObject({
  type: z.string(),
  label: z.strictObject({ en: z.string(), zh: z.string() }),
  help: z.strictObject({ en: z.string(), zh: z.string() }),
  /** JSON Schema (draft 2020-12) of the params object. */
  paramsSchema: z.record(z.string(), z.unknown()),
});
export type DatasetInfo = z.infer<typeof DatasetInfo>;

export const TemplateInfo = z.strictObject({ id: z.string(), name: z.string(), description: z.string(), file: z.string() });
export type TemplateInfo = z.infer<typeof TemplateInfo>;

export const FileEntry = z.strictObject({ name: z.string(), size: z.number(), modified: z.number() });
export type FileEntry = z.infer<typeof FileEntry>;

/**
 * The compiled graph drawn as blocks × time steps. A cell is one block at one step (t null: work
 * outside time, such as the loss); `forward`/`backward` count its IR nodes in each phase. A link
 * says that some IR node of `to` reads a value computed in `from`.
 */
export const UnrolledView = z.strictObject({
  steps: z.number().int(),
  blocks: z.array(z.strictObject({ id: z.string(), type: z.string(), label: z.string() })),
  cells: z.array(z.strictObject({ block: z.string(), t: z.number().int().nullable(), forward: z.number().int(), backward: z.number().int() })),
  links: z.array(
    z.strictObject({
      from: z.strictObject({ block: z.string(), t: z.number().int().nullable() }),
      to: z.strictObject({ block: z.string(), t: z.number().int().nullable() }),
      /** 'recurrent': carried from step t to t+1 through a delay. */
      kind: z.enum(['data', 'recurrent']),
    }),
  ),
  totals: z.strictObject({ forward: z.number().int(), backward: z.number().int(), parameters: z.number().int() }),
});
export type UnrolledView = z.infer<typeof UnrolledView>;

/** One backup of an open document (engine/graph/backup.ts), as the restore offer shows it. */
export const BackupSummary = z.discriminatedUnion('state', [
  z.strictObject({ id: z.string(), state: z.literal('ok'), name: z.string(), path: z.string().nullable(), savedAt: z.number(), bytes: z.number() }),
  /** A file that cannot be restored (cut off, damaged, too large); `problem` says why, `savedAt` is its file time. */
  z.strictObject({ id: z.string(), state: z.literal('damaged'), problem: z.string(), savedAt: z.number(), bytes: z.number() }),
]);
export type BackupSummary = z.infer<typeof BackupSummary>;

const Empty = z.strictObject({});

/** Loss and metrics over some examples (the held-out ones, for validation). */
export const Evaluation = z.strictObject({ loss: z.number(), metrics: z.record(z.string(), z.number()) });

/** One finished epoch of a run, as model files and checkpoints record it. */
export const EpochSummary = z.strictObject({ epoch: z.number().int(), loss: z.number(), metrics: z.record(z.string(), z.number()), validation: Evaluation.optional() });
export type EpochSummary = z.infer<typeof EpochSummary>;

/**
 * A finished run made from a file (a model file or a checkpoint): the host keeps its weights
 * under `runId` for predict, sample, decode, export and further training, as it keeps a run it trained.
 */
export const OpenedRun = z.strictObject({
  runId: RunId,
  /** The graph document the weights belong to (the client parses it as any graph). */
  graph: GraphJson,
  /** Where its dataset files resolve (a checkpoint's run's graph file); null for a model file. */
  documentPath: z.string().nullable(),
  epochs: z.number().int(),
  steps: z.number().int(),
  loss: z.number().nullable(),
  /** The recorded epochs, oldest first; empty for a file that recorded none. */
  history: z.array(EpochSummary),
  /** Whether training from it goes on exactly where it stood (a checkpoint) rather than from its weights with a fresh optimizer. */
  resumable: z.boolean(),
});
export type OpenedRun = z.infer<typeof OpenedRun>;

/** A run that a crash of the engine interrupted, as its checkpoint recorded it. */
export const CheckpointInfo = z.strictObject({
  id: z.string(),
  graphName: z.string().nullable(),
  epoch: z.number().int(),
  step: z.number().int(),
  loss: z.number().nullable(),
  savedAt: z.string(),
  /** Why the file cannot be resumed (damaged); null when it can. */
  problem: z.string().nullable(),
});
export type CheckpointInfo = z.infer<typeof CheckpointInfo>;
const Tensor = z.strictObject({ shape: z.array(z.number().int()), data: z.array(z.number()) });

/** An input or output of an exported ONNX model: batch-major shape, -1 for a time dimension of any size. */
export const OnnxValue = z.strictObject({ name: z.string(), dtype: z.enum(['float32', 'int32']), shape: z.array(z.number().int()), dims: z.array(z.string()) });
export type OnnxValue = z.infer<typeof OnnxValue>;

// ─── Requests and their results ─────────────────────────────────────────────────────────────

export const METHODS = {
  /** Dataset kinds the host can build. */
  'datasets.list': { params: Empty, result: z.strictObject({ datasets: z.array(DatasetInfo) }) },
  /**
   * Every executor, in order of preference (training with 'auto' takes the first available one),
   * with why those that cannot run on the host's machine cannot.
   */
  'executors.list': { params: Empty, result: z.strictObject({ executors: z.array(ExecutorStatus) }) },
  /** Parses and validates a graph (dataset included). `baseDir` resolves the dataset's files. */
  'graph.validate': {
    params: z.strictObject({ graph: GraphJson, documentPath: z.string().nullable().default(null) }),
    result: z.strictObject({ diagnostics: z.array(Diagnostic) }),
  },
  /** Compiles for `steps` time steps and summarises the unrolled graph. */
  'graph.compile': {
    params: z.strictObject({ graph: GraphJson, documentPath: z.string().nullable().default(null), steps: z.number().int().min(1).max(64).default(4) }),
    result: z.strictObject({ unrolled: UnrolledView }),
  },
  /** Starts training; progress arrives as `train.*` events carrying the run id. One run at a time. */
  'train.start': {
    params: z.strictObject({
      graph: GraphJson,
      documentPath: z.string().nullable().default(null),
      executor: ExecutorChoice.default('auto'),
      /** Start from the weights of this finished run (trained, or opened from a file); from a checkpoint, go on exactly where it stood. */
      from: RunId.optional(),
    }),
    result: z.strictObject({ runId: RunId }),
  },
  'train.pause': { params: z.strictObject({ runId: RunId }), result: Empty },
  'train.resume': { params: z.strictObject({ runId: RunId }), result: Empty },
  'train.stop': { params: z.strictObject({ runId: RunId }), result: Empty },
  /** Runs a trained model on inputs shaped as `rnn-studio predict --input` takes them. */
  predict: {
    params: z.strictObject({ runId: RunId, input: z.unknown() }),
    result: z.strictObject({ outputs: z.record(z.string(), Tensor) }),
  },
  /** Generates text from a trained character model. */
  sample: {
    params: z.strictObject({
      runId: RunId,
      length: z.number().int().min(1).max(10_000).default(200),
      /** 0: greedy (the most probable token at every step). */
      temperature: z.number().min(0).max(10).default(1),
      /** Draw only among the k most probable tokens (0: all). */
      topK: z.number().int().min(0).max(100_000).default(0),
      /** Tokens never emitted (e.g. an unknown-word token); each must be in the vocabulary. */
      reject: z.array(z.string().min(1).max(100)).max(1000).default([]),
      prime: z.string().max(10_000).default(''),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    }),
    result: z.strictObject({ text: z.string() }),
  },
  /**
   * Greedy decoding with a trained encoder–decoder (a graph with an input on 'decoderInput'): the
   * encoder reads `source`, the decoder writes one token per step from the dataset's start token.
   * `source`: tokens of the run's vocabulary, or a string read one character per token.
   */
  decode: {
    params: z.strictObject({
      runId: RunId,
      source: z.union([z.string().min(1).max(1000), z.array(z.string().min(1).max(100)).min(1).max(1000)]),
      /** The most tokens to write (default: as many as the source has). */
      maxSteps: z.number().int().min(1).max(1000).optional(),
    }),
    result: z.strictObject({
      /** The source as the tokens the encoder read. */
      source: z.array(z.string()),
      tokens: z.array(z.string()),
      /** Whether the decoder wrote an end token before maxSteps (never, for a dataset without one). */
      ended: z.boolean(),
      /** Per attention block, one row per decoder step: the weight it gave each source position. */
      attention: z.array(z.strictObject({ block: z.string(), weights: z.array(z.array(z.number())) })),
    }),
  },
  /** A trained run as a model file (graph + weights), as text to save. */
  'model.export': { params: z.strictObject({ runId: RunId }), result: z.strictObject({ text: z.string(), suggestedName: z.string() }) },
  /** Opens a model file's text (`*.rnn-model.json`) as a finished run. */
  'model.open': { params: z.strictObject({ text: z.string() }), result: OpenedRun },
  /** Runs a crash interrupted, from the checkpoints their host wrote while they trained. */
  'checkpoints.list': { params: Empty, result: z.strictObject({ checkpoints: z.array(CheckpointInfo) }) },
  /** Opens a checkpoint as a finished run; training from it (`train.start` with `from`) goes on where it stood. */
  'checkpoints.open': { params: z.strictObject({ id: z.string().min(1).max(64) }), result: OpenedRun },
  'checkpoints.discard': { params: z.strictObject({ id: z.string().min(1).max(64) }), result: Empty },
  /**
   * What an ONNX export of a trained run can be: whether the model reads sequences (then the
   * export needs a number of steps), and whether any number of steps works (an ONNX Scan) or why
   * not, naming the block.
   */
  'model.onnxChoices': {
    params: z.strictObject({ runId: RunId }),
    result: z.strictObject({
      sequences: z.boolean(),
      anyLength: z.union([z.strictObject({ possible: z.literal(true) }), z.strictObject({ possible: z.literal(false), reason: z.string() })]),
    }),
  },
  /**
   * A trained run as an ONNX model for inference, as `rnn-studio export --format onnx` writes it:
   * `steps` fixed (the model unrolled over them) or 'any' (an ONNX Scan); the file's bytes in base64.
   */
  'model.exportOnnx': {
    params: z.strictObject({ runId: RunId, steps: z.union([z.number().int().min(1), z.literal('any')]), batch: z.number().int().min(1).max(100_000).default(1) }),
    result: z.strictObject({ base64: z.string(), bytes: z.number().int(), suggestedName: z.string(), inputs: z.array(OnnxValue), outputs: z.array(OnnxValue) }),
  },
  'templates.list': { params: Empty, result: z.strictObject({ templates: z.array(TemplateInfo) }) },
  /** A template's text and the path its dataset files resolve against. */
  'templates.open': { params: z.strictObject({ id: z.string() }), result: z.strictObject({ text: z.string(), documentPath: z.string() }) },
  /**
   * The host's workspace folder, for clients with no file system of their own (the browser).
   * Names are plain file names inside it; anything with a path separator is refused.
   */
  'files.list': { params: Empty, result: z.strictObject({ workspace: z.string(), files: z.array(FileEntry) }) },
  'files.read': { params: z.strictObject({ name: FileName }), result: z.strictObject({ text: z.string(), documentPath: z.string() }) },
  'files.write': {
    params: z.strictObject({ name: FileName, text: z.string(), overwrite: z.boolean().default(false) }),
    result: z.strictObject({ documentPath: z.string() }),
  },
  /**
   * Backups of open documents, kept in the workspace's hidden `.rnn-studio/backups` folder (never
   * listed by `files.list`); newest first. 'not-found' on a host without a workspace.
   */
  'backups.list': { params: Empty, result: z.strictObject({ backups: z.array(BackupSummary) }) },
  'backups.read': { params: z.strictObject({ id: BackupId }), result: z.strictObject({ text: z.string() }) },
  /** Replaces the backup `id` atomically; the text must be a whole backup of that id ('bad-message'), at most 16 MiB ('too-large'). */
  'backups.write': { params: z.strictObject({ id: BackupId, text: z.string() }), result: Empty },
  /** Removes a backup; one that is not there is not an error. */
  'backups.remove': { params: z.strictObject({ id: BackupId }), result: Empty },
} as const;

export type Method = keyof typeof METHODS;
/** What a caller passes (defaults not yet applied). */
export type ParamsIn<M extends Method> = z.input<(typeof METHODS)[M]['params']>;
/** What the host handler receives (defaults applied). */
export type Params<M extends Method> = z.output<(typeof METHODS)[M]['params']>;
export type Result<M extends Method> = z.output<(typeof METHODS)[M]['result']>;

// ─── Events (host → client, unrequested) ────────────────────────────────────────────────────

/** ‖∂loss/∂h_t‖ of one recurrent state (a delay) for t = start, start + 1, …: how far back the gradient reaches. */
export const StateGradNorms = z.strictObject({
  delay: z.string(),
  block: z.string(),
  start: z.number().int(),
  norms: z.array(z.number()),
});
export type StateGradNorms = z.infer<typeof StateGradNorms>;

export const StepPoint = z.strictObject({
  step: z.number().int(),
  epoch: z.number().int(),
  loss: z.number(),
  /** Before clipping. */
  gradNorm: z.number(),
  /** Clipping changed the gradients (by value, by norm or both). */
  clipped: z.boolean(),
  clippedValue: z.boolean().optional(),
  clippedNorm: z.boolean().optional(),
  /** Truncated BPTT: the chunk of the batch this step trained (1-based). */
  chunk: z.number().int().optional(),
  /** Sent on the steps the training settings' gradientNormsOverTime asks for. */
  stateGradNorms: z.array(StateGradNorms).optional(),
});
export type StepPoint = z.infer<typeof StepPoint>;

export const HostState = z.enum(['starting', 'ready', 'crashed', 'restarting', 'stopped']);
export type HostState = z.infer<typeof HostState>;

export const EndReason = z.enum(['completed', 'cancelled', 'diverged', 'target-reached', 'early-stopped', 'failed']);


export const HostEvent = z.discriminatedUnion('type', [
  /** The host process: sent on connect and whenever it changes (a crash, a restart). */
  z.strictObject({
    type: z.literal('host.status'),
    state: HostState,
    pid: z.number().int().nullable(),
    protocol: z.number().int(),
    message: z.string().nullable(),
  }),
  z.strictObject({
    type: z.literal('train.started'),
    runId: RunId,
    executor: ExecutorInfo,
    executorReason: z.string().nullable(),
    examples: z.number().int(),
    steps: z.number().int(),
    batchSize: z.number().int(),
    batchesPerEpoch: z.number().int(),
    epochs: z.number().int(),
    parameters: z.number().int(),
    /** Held out for validation (of `examples`). */
    validationExamples: z.number().int().optional(),
    /** Truncated BPTT: chunks per batch. */
    chunksPerBatch: z.number().int().optional(),
    /** Optimizer steps per epoch (batchesPerEpoch, times chunksPerBatch under truncated BPTT with a target at every step). */
    stepsPerEpoch: z.number().int().optional(),
    /** Going on from a checkpoint: the epochs and steps it had trained; this run's epochs and steps count on from there. */
    resumedFrom: z.strictObject({ epoch: z.number().int(), step: z.number().int() }).optional(),
  }),
  /**
   * Before `train.started`: how far the run is in setting up, phase by phase: generating the
   * dataset, compiling, initialising the weights (counted in parameters; the other phases count a
   * fraction of 1), preparing the executor (one step that cannot be interrupted: a stop during it
   * ends the run once it is over). Sent a few times a second at most while a phase lasts.
   */
  z.strictObject({ type: z.literal('train.progress'), runId: RunId, phase: SetupPhase, done: z.number().min(0), total: z.number().min(0) }),
  /** Steps since the last such event (the host sends a few per second, not one per step). */
  z.strictObject({ type: z.literal('train.steps'), runId: RunId, points: z.array(StepPoint), stepsPerSecond: z.number() }),
  z.strictObject({
    type: z.literal('train.epoch'),
    runId: RunId,
    epoch: z.number().int(),
    loss: z.number(),
    metrics: z.record(z.string(), z.number()),
    seconds: z.number(),
    /** The learning rate the epoch trained with (after the schedule). */
    learningRate: z.number().optional(),
    /** On the held-out examples, with the weights at the epoch's end. */
    validation: Evaluation.optional(),
  }),
  z.strictObject({ type: z.literal('train.paused'), runId: RunId, paused: z.boolean() }),
  z.strictObject({
    type: z.literal('train.ended'),
    runId: RunId,
    reason: EndReason,
    message: z.string(),
    epochs: z.number().int(),
    steps: z.number().int(),
    loss: z.number().nullable(),
    /** With early stopping: the best epoch, whose weights the run kept, and the loss it was judged by. */
    best: z.strictObject({ epoch: z.number().int(), loss: z.number(), monitor: z.enum(['validation', 'training']) }).optional(),
  }),
  /** Problems found outside a validate request (when training starts on a graph with errors). */
  z.strictObject({ type: z.literal('diagnostics'), source: z.enum(['train', 'compile']), diagnostics: z.array(Diagnostic) }),
]);
export type HostEvent = z.infer<typeof HostEvent>;
export type HostEventOf<T extends HostEvent['type']> = Extract<HostEvent, { type: T }>;

// ─── Envelopes ──────────────────────────────────────────────────────────────────────────────

const RequestId = z.number().int().nonnegative();

const requestOf = <M extends Method>(method: M) =>
  z.strictObject({ type: z.literal('request'), id: RequestId, method: z.literal(method), params: METHODS[method].params });

export const ClientMessage = z.discriminatedUnion('method', [
  requestOf('datasets.list'),
  requestOf('executors.list'),
  requestOf('graph.validate'),
  requestOf('graph.compile'),
  requestOf('train.start'),
  requestOf('train.pause'),
  requestOf('train.resume'),
  requestOf('train.stop'),
  requestOf('predict'),
  requestOf('sample'),
  requestOf('decode'),
  requestOf('model.export'),
  requestOf('model.open'),
  requestOf('checkpoints.list'),
  requestOf('checkpoints.open'),
  requestOf('checkpoints.discard'),
  requestOf('model.onnxChoices'),
  requestOf('model.exportOnnx'),
  requestOf('templates.list'),
  requestOf('templates.open'),
  requestOf('files.list'),
  requestOf('files.read'),
  requestOf('files.write'),
  requestOf('backups.list'),
  requestOf('backups.read'),
  requestOf('backups.write'),
  requestOf('backups.remove'),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const HostMessage = z.union([
  z.strictObject({ type: z.literal('reply'), id: RequestId, ok: z.literal(true), result: z.unknown() }),
  z.strictObject({ type: z.literal('reply'), id: RequestId, ok: z.literal(false), error: ProtocolError }),
  z.strictObject({ type: z.literal('event'), event: HostEvent }),
]);
export type HostMessage = z.infer<typeof HostMessage>;
export type Reply = Extract<HostMessage, { type: 'reply' }>;
