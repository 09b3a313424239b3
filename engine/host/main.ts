/**
 * The engine host process. Started by Electron as a utility process (each MessagePort it is handed
 * becomes a connection) or by `rnn-studio serve` with child_process.fork (Node IPC is the one
 * connection). Bundle-friendly: paths come from argv or the environment, never from the module's
 * own location.
 *
 *   --workspace DIR   folder for files.* (RNN_STUDIO_WORKSPACE); none by default
 *   --folder DIR      a folder the user chose (repeatable): dataset files may be read from it too
 *   --templates DIR   folder of *.rnn.json templates (RNN_STUDIO_TEMPLATES); default ./templates
 *   --executor NAME   auto or an executor id (engine/protocol/executors.ts; RNN_STUDIO_EXECUTOR); default auto
 *   --checkpoints DIR where running runs leave checkpoints (RNN_STUDIO_CHECKPOINTS); default .checkpoints in the workspace
 *   --checkpoint-seconds N  how often a running run's checkpoint is replaced (RNN_STUDIO_CHECKPOINT_SECONDS); default 10
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { removeInterruptedSaves } from '../model/atomic.ts';
import type { HostMessage } from '../protocol/messages.ts';
import { EXECUTOR_CHOICES } from '../protocol/executors.ts';
import { checkpointFolderFor, DEFAULT_CHECKPOINT_SECONDS } from './checkpoints.ts';
import { ChosenFoldersMessage } from './chosen-folders.ts';
import { HostConnections } from './connections.ts';
import { createEngineService } from './service.ts';

/** The members of Electron's MessagePortMain the host uses (electron itself is not imported). */
interface MessagePortMainLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  start(): void;
  postMessage(message: unknown): void;
}

/** The members of Electron's `process.parentPort` the host uses. */
interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown; ports: readonly MessagePortMainLike[] }) => void): void;
  postMessage(message: unknown): void;
}

const ExecutorName = z.enum(EXECUTOR_CHOICES);

function readOptions() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      workspace: { type: 'string' },
      folder: { type: 'string', multiple: true },
      templates: { type: 'string' },
      executor: { type: 'string' },
      checkpoints: { type: 'string' },
      'checkpoint-seconds': { type: 'string' },
    },
    strict: false,
  });
  const text = (v: string | boolean | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);
  const workspace = text(values.workspace) ?? text(process.env.RNN_STUDIO_WORKSPACE);
  const executor = ExecutorName.safeParse(text(values.executor) ?? text(process.env.RNN_STUDIO_EXECUTOR) ?? 'auto');
  if (!executor.success) throw new Error(`--executor: expected one of ${EXECUTOR_CHOICES.join(', ')}`);
  const checkpoints = text(values.checkpoints) ?? text(process.env.RNN_STUDIO_CHECKPOINTS);
  const secondsText = text(values['checkpoint-seconds']) ?? text(process.env.RNN_STUDIO_CHECKPOINT_SECONDS);
  const everySeconds = secondsText === undefined ? DEFAULT_CHECKPOINT_SECONDS : Number(secondsText);
  if (!(everySeconds >= 0 && Number.isFinite(everySeconds))) throw new Error(`--checkpoint-seconds: expected a number of seconds (0 or more), got '${secondsText}'`);
  return {
    workspace: workspace === undefined ? null : resolve(workspace),
    chosenFolders: (values.folder ?? []).flatMap((f) => (typeof f === 'string' && f !== '' ? [resolve(f)] : [])),
    templatesDir: resolve(text(values.templates) ?? text(process.env.RNN_STUDIO_TEMPLATES) ?? 'templates'),
    executor: executor.data,
    checkpoints: { ...(checkpoints === undefined ? {} : { dir: resolve(checkpoints) }), everySeconds },
  };
}

/** Temp files of saves killed mid-write, left in the folders the host works in (at start, and as the user chooses more); the log says how many went. */
async function clearInterruptedSaves(folders: readonly string[]): Promise<void> {
  for (const folder of folders) {
    const removed = await removeInterruptedSaves(folder);
    if (removed > 0) process.stderr.write(`engine host: removed ${removed} temporary file${removed === 1 ? '' : 's'} left by interrupted saves in ${folder}\n`);
  }
}

function startHost(): void {
  const options = readOptions();
  const connections = new HostConnections();
  const service = createEngineService({ ...options, emit: connections.broadcast });
  connections.serve(service);
  // A checkpoint write killed with its host leaves a temporary file beside the checkpoint too.
  const checkpoints = checkpointFolderFor(options.workspace, options.checkpoints.dir);
  void clearInterruptedSaves([...(options.workspace === null ? [] : [options.workspace]), ...(checkpoints === null ? [] : [checkpoints]), ...options.chosenFolders]);

  const parentPort = (process as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) {
    // Electron: the parent port tells main the host is ready and may ask things itself; each port
    // it hands over is a connection to a window.
    const receiveFromParent = connections.attach({ post: (m: HostMessage) => parentPort.postMessage(m) }, { events: false });
    parentPort.on('message', (e) => {
      const port = e.ports[0];
      if (!port) {
        const chosen = ChosenFoldersMessage.safeParse(e.data);
        if (chosen.success) {
          service.allowFolders(chosen.data.folders);
          void clearInterruptedSaves(chosen.data.folders);
        } else receiveFromParent(e.data);
        return;
      }
      const peer = { post: (m: HostMessage) => port.postMessage(m) };
      port.on('close', () => connections.detach(peer));
      const receive = connections.attach(peer);
      port.on('message', (m) => receive(m.data));
      port.start();
    });
    return;
  }

  const send = process.send?.bind(process);
  if (send) {
    const receive = connections.attach({ post: (m: HostMessage) => void send(m) });
    process.on('message', receive);
    // The supervisor went away: nothing is left to serve.
    process.on('disconnect', () => void service.dispose().finally(() => process.exit(0)));
    // Ctrl-C in the supervisor's terminal reaches its whole process group; stopping the host is
    // the supervisor's decision (it sends SIGTERM), so an unexpected exit still means a crash.
    process.on('SIGINT', () => {});
    return;
  }

  process.stderr.write('engine host: start me from Electron (utilityProcess) or with child_process.fork; there is no connection to serve\n');
  process.exitCode = 2;
}

startHost();
