/**
 * The engine service: every protocol method, answered with the engine. Transport-free: whoever
 * hosts it (the utility process, a forked Node process, a test) passes parsed requests to
 * `handle` and sends what `emit` produces. Replies never throw: a user's mistake comes back with
 * its code and a message naming where it is, anything else as 'internal'.
 */
import { z } from 'zod';
import { BudgetError, budgetsFrom } from '../compiler/budgets.ts';
import { CompileError } from '../graph/diagnostics.ts';
import { DATASETS } from '../datasets/index.ts';
import { executorStatuses } from '../executors/index.ts';
import { EXECUTOR_DESCRIPTIONS } from '../protocol/executors.ts';
import type { ExecutorChoice } from '../protocol/executors.ts';
import { checkResult } from '../protocol/index.ts';
import type { ClientMessage, DatasetInfo, Diagnostic, HostEvent, Method, Params, ProtocolError, Reply, Result } from '../protocol/messages.ts';
import { streamTypes } from '../trainer/batches.ts';
import { messageOf, RequestError } from './errors.ts';
import { PathPolicy } from '../files/path-policy.ts';
import { BackupRefused, createBackupFolder } from '../files/backups.ts';
import { join } from 'node:path';
import {
  baseDirFor,
  type DatasetPlace,
  diagnose,
  generateDatasetOf,
  graphHasErrors,
  hasErrors,
  parseGraphParam,
  probeDatasetOf,
  requireDatasetOf,
  toProtocolDiagnostic,
} from './graphs.ts';
import { checkpointFolderFor, CheckpointFolder, DEFAULT_CHECKPOINT_SECONDS } from './checkpoints.ts';
import { createTemplates } from './templates.ts';
import { TrainingRuns } from './training.ts';
import { unrolledView } from './unrolled.ts';
import { createWorkspace } from './workspace.ts';

/** Where in the workspace backups of open documents are kept: hidden, so `files.*` never shows them. */
export const BACKUPS_FOLDER = ['.rnn-studio', 'backups'] as const;

export interface EngineServiceOptions {
  /** The folder `files.*` reads and writes; null: none (every `files.*` call is 'not-found'). */
  readonly workspace: string | null;
  /** More folders dataset files may be read from: those the user chose in a native dialog (Electron). */
  readonly chosenFolders?: readonly string[];
  /** Where `templates.*` finds `*.rnn.json`. */
  readonly templatesDir: string;
  /** Receives every event, to be sent to every connected client. */
  readonly emit: (e: HostEvent) => void;
  /** The executor used where a request asks for 'auto', and for predict and sample (default 'auto'). */
  readonly executor?: ExecutorChoice;
  /**
   * Where running runs leave checkpoints (default: `.checkpoints` in the workspace; none without
   * one) and how often, in seconds (default DEFAULT_CHECKPOINT_SECONDS).
   */
  readonly checkpoints?: { readonly dir?: string | null; readonly everySeconds?: number };
}

export interface EngineService {
  /** Answers one request; never rejects. */
  handle(message: ClientMessage): Promise<Reply>;
  /** Lets dataset files be read from more folders the user chose (the folder of a file they opened). */
  allowFolders(folders: readonly string[]): void;
  /** Stops a run in progress and releases executors. */
  dispose(): Promise<void>;
}

type Handlers = { [M in Method]: (params: Params<M>) => Promise<Result<M>> | Result<M> };

function datasetInfos(): DatasetInfo[] {
  return Object.values(DATASETS).map((d) => ({
    type: d.type,
    label: { ...d.label },
    help: { ...d.help },
    // 'input': fields with a default are optional, as a form shows them.
    paramsSchema: z.toJSONSchema(d.params, { io: 'input' }),
  }));
}

export function createEngineService(options: EngineServiceOptions): EngineService {
  const { emit } = options;
  // The environment can raise the budgets (RNN_STUDIO_MAX_STEPS, …), as it can for the CLI.
  const budgets = budgetsFrom(process.env);
  const checkpoints = new CheckpointFolder(checkpointFolderFor(options.workspace, options.checkpoints?.dir), 1000 * (options.checkpoints?.everySeconds ?? DEFAULT_CHECKPOINT_SECONDS));
  const runs = new TrainingRuns(emit, options.executor ?? 'auto', budgets, checkpoints);
  const templates = createTemplates(options.templatesDir);
  const paths = new PathPolicy(
    [...(options.workspace === null ? [] : [options.workspace]), options.templatesDir, ...(options.chosenFolders ?? [])],
    'the workspace, the templates and the folders of files opened in the app',
  );
  const workspace = createWorkspace(options.workspace);
  const backups = options.workspace === null ? null : createBackupFolder(join(options.workspace, ...BACKUPS_FOLDER), { root: options.workspace });
  /** The backups folder's answer, with its refusals as request errors. */
  const backupsDo = async <T>(act: (folder: NonNullable<typeof backups>) => Promise<T>): Promise<T> => {
    if (backups === null) throw new RequestError('not-found', 'this engine host has no workspace folder: backups are kept by the app');
    try {
      return await act(backups);
    } catch (e) {
      if (e instanceof BackupRefused) throw new RequestError(e.code, e.message);
      throw e;
    }
  };
  const placeOf = (documentPath: string | null): DatasetPlace => ({ baseDir: baseDirFor(documentPath, options.workspace), policy: paths });
  let datasets: DatasetInfo[] | null = null;

  /** 'graph-has-errors', with the diagnostics sent as an event so the editor can pin them to nodes. */
  const failWithDiagnostics = (source: 'train' | 'compile', diagnostics: Diagnostic[]): never => {
    emit({ type: 'diagnostics', source, diagnostics });
    throw graphHasErrors(diagnostics);
  };

  const handlers: Handlers = {
    'executors.list': async () => ({
      executors: (await executorStatuses()).map((s) => ({ ...s, label: { ...EXECUTOR_DESCRIPTIONS[s.id].label }, description: { ...EXECUTOR_DESCRIPTIONS[s.id].description } })),
    }),

    'datasets.list': () => ({ datasets: (datasets ??= datasetInfos()) }),

    'graph.validate': ({ graph, documentPath }) => ({ diagnostics: diagnose(parseGraphParam(graph), placeOf(documentPath), budgets).diagnostics }),

    'graph.compile': ({ graph: json, documentPath, steps }) => {
      const graph = parseGraphParam(json);
      const dataset = requireDatasetOf(graph, placeOf(documentPath));
      try {
        return { unrolled: unrolledView(graph, steps, dataset ? streamTypes(dataset) : {}) };
      } catch (e) {
        if (e instanceof CompileError) return failWithDiagnostics('compile', e.diagnostics.map(toProtocolDiagnostic));
        throw e;
      }
    },

    // The graph is checked against one example of its dataset before the reply; the whole
    // dataset is generated after it, as the run's first phase, which a stop can cut short.
    'train.start': ({ graph: json, documentPath, executor, from }) => {
      const graph = parseGraphParam(json);
      const place = placeOf(documentPath);
      const { diagnostics, dataset: probe } = diagnose(graph, place, budgets, probeDatasetOf);
      if (hasErrors(diagnostics)) failWithDiagnostics('train', diagnostics);
      if (!probe || !graph.dataset) throw new RequestError('dataset', 'the graph has no dataset to train on: choose one in the training settings');
      const spec = graph.dataset;
      return runs.start({ graph, dataset: (o) => generateDatasetOf(spec, place, o), executor, documentPath, ...(from !== undefined ? { from } : {}) });
    },
    'train.pause': ({ runId }) => runs.pause(runId),
    'train.resume': ({ runId }) => runs.resume(runId),
    'train.stop': ({ runId }) => runs.stop(runId),

    predict: ({ runId, input }) => runs.predict(runId, input),
    sample: ({ runId, ...o }) => runs.sample(runId, o),
    decode: ({ runId, ...o }) => runs.decode(runId, o),
    'model.export': ({ runId }) => runs.exportModel(runId),
    'model.open': ({ text }) => runs.open({ modelText: text }),
    'checkpoints.list': () => runs.listCheckpoints(),
    'checkpoints.open': ({ id }) => runs.open({ checkpoint: id }),
    'checkpoints.discard': ({ id }) => runs.discardCheckpoint(id),
    'model.onnxChoices': ({ runId }) => runs.onnxChoices(runId),
    'model.exportOnnx': ({ runId, ...o }) => runs.exportOnnx(runId, o),

    'templates.list': async () => ({ templates: await templates.list() }),
    'templates.open': ({ id }) => templates.open(id),

    'files.list': () => workspace.list(),
    'files.read': ({ name }) => workspace.read(name),
    'files.write': ({ name, text, overwrite }) => workspace.write(name, text, overwrite),

    'backups.list': async () => ({ backups: await backupsDo((b) => b.list()) }),
    'backups.read': ({ id }) => backupsDo((b) => b.read(id)),
    'backups.write': async ({ id, text }) => {
      await backupsDo((b) => b.write(id, text));
      return {};
    },
    'backups.remove': async ({ id }) => {
      await backupsDo((b) => b.remove(id));
      return {};
    },
  };

  async function invoke<M extends Method>(method: M, params: Params<M>): Promise<{ ok: true; result: Result<M> } | { ok: false; error: ProtocolError }> {
    try {
      const result = await handlers[method](params);
      const checked = checkResult(method, result);
      if (!checked.ok) return { ok: false, error: { code: 'internal', message: `the host produced an invalid reply: ${checked.error.message}` } };
      return { ok: true, result: checked.value };
    } catch (e) {
      if (e instanceof RequestError) return { ok: false, error: { code: e.code, message: e.message } };
      if (e instanceof BudgetError) return { ok: false, error: { code: 'too-large', message: e.message } };
      process.stderr.write(`engine host: '${method}' failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      return { ok: false, error: { code: 'internal', message: `'${method}' failed: ${messageOf(e)}` } };
    }
  }

  return {
    async handle(message) {
      const outcome = await invoke(message.method, message.params);
      return outcome.ok ? { type: 'reply', id: message.id, ok: true, result: outcome.result } : { type: 'reply', id: message.id, ok: false, error: outcome.error };
    },
    allowFolders: (folders) => paths.allow(folders),
    dispose: () => runs.dispose(),
  };
}
