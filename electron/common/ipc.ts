/**
 * The one table of messages between main and the page: for each function of the page's API, its
 * channel, the schema of what it carries and of what comes back. Main's handlers and the preload
 * are both typed from it, and each end parses what it receives with it: main the arguments (a
 * page is not trusted to send what the type says), the preload the replies and events (a bug in
 * main must not hand the page something of another shape). `DesktopApi` (api.ts) is derived from
 * it, so a message is added here and nowhere else.
 *
 * Pure (zod only): the sandboxed preload bundles it, and the renderer may import it.
 */
import { z } from 'zod';
import {
  CLOSE_WINDOW,
  FORGET_RECENT_FILE,
  ENGINE_PORT,
  HOST_STATUS,
  LIST_BACKUPS,
  MENU_COMMAND,
  OPEN_FILE,
  OPEN_GRAPH_DIALOG,
  OPEN_GRAPH_PATH,
  READ_BACKUP,
  RECENT_FILES,
  REMOVE_BACKUP,
  SAVE_BEFORE_CLOSE,
  SAVE_GRAPH,
  SAVE_TEXT_DIALOG,
  SAVE_BYTES_DIALOG,
  SET_DOCUMENT_STATE,
  WRITE_BACKUP,
} from './channels.ts';

/** Every command the native menu can send; the preload passes on only these. */
export const MENU_COMMANDS = [
  'file.new',
  'file.open',
  'file.save',
  'file.saveAs',
  'file.import',
  'file.export',
  'file.templates',
  'edit.undo',
  'edit.redo',
  'edit.delete',
  'edit.selectAll',
  'view.fitView',
  'view.tidyUp',
  'train.start',
  'train.stop',
] as const;
export const MenuCommand = z.enum(MENU_COMMANDS);
export type MenuCommand = z.infer<typeof MenuCommand>;

/** Which kind of file a save dialog offers. */
export const SAVE_FILTERS = ['graph', 'model', 'json', 'onnx'] as const;
export const SaveFilter = z.enum(SAVE_FILTERS);
export type SaveFilter = z.infer<typeof SaveFilter>;

/** File name endings per kind, without the leading dot (as Electron's dialog filters want them). */
export const FILE_EXTENSIONS: Readonly<Record<SaveFilter, string>> = {
  graph: 'rnn.json',
  model: 'rnn-model.json',
  json: 'json',
  onnx: 'onnx',
};

export const ErrorInfo = z.object({ code: z.string(), message: z.string() });
export type ErrorInfo = z.infer<typeof ErrorInfo>;

/** A reply that may fail: a thrown error would lose everything but its message across the boundary. */
const result = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), value }), z.object({ ok: z.literal(false), error: ErrorInfo })]);
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export const OpenedFile = z.object({ path: z.string(), text: z.string() });
export type OpenedFile = z.infer<typeof OpenedFile>;

export const RecentFile = z.object({ path: z.string(), name: z.string() });
export type RecentFile = z.infer<typeof RecentFile>;

const SavedFile = z.object({ path: z.string() });

/** The window's document, for the title bar and the unsaved-changes prompt on close. */
export const DocumentState = z.object({ title: z.string().max(1000), path: z.string().max(4096).nullable(), dirty: z.boolean() });
export type DocumentState = z.infer<typeof DocumentState>;

/**
 * A backup of the window's document (hot exit), kept in userData/backups. Its file format is the
 * engine's (engine/graph/backup.ts), which main checks; this layer may not import the engine, so
 * the id rule and the summary are restated here for the boundary.
 */
const BackupId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'a backup id is 8 to 64 letters, digits or dashes');
export const BackupEntry = z.discriminatedUnion('state', [
  z.object({ id: z.string(), state: z.literal('ok'), name: z.string(), path: z.string().nullable(), savedAt: z.number(), bytes: z.number() }),
  z.object({ id: z.string(), state: z.literal('damaged'), problem: z.string(), savedAt: z.number(), bytes: z.number() }),
]);
export type BackupEntry = z.infer<typeof BackupEntry>;

// Main checks any platform's form: a path of the other platform's form is refused a moment later
// anyway, as a file the user never chose.
const ABSOLUTE = /^(\/|\\|[A-Za-z]:[\\/])/;
const AbsolutePath = z.string().min(1).max(4096).refine((p) => ABSOLUTE.test(p), 'must be an absolute path');
const SuggestedName = z.string().max(1000);

/** Renderer asks, main answers (ipcRenderer.invoke ↔ ipcMain.handle). */
const invoke = <A extends z.ZodTuple, R extends z.ZodType>(channel: string, args: A, reply: R) => ({ kind: 'invoke' as const, channel, args, reply });
/** Renderer tells main (ipcRenderer.send ↔ ipcMain.on). */
const send = <A extends z.ZodTuple>(channel: string, args: A) => ({ kind: 'send' as const, channel, args });
/** Main tells the renderer (webContents.send ↔ ipcRenderer.on). */
const event = <P extends z.ZodType>(channel: string, payload: P) => ({ kind: 'event' as const, channel, payload });

export const IPC = {
  /** Native open dialog for graph files; null when the user cancels. */
  openGraphDialog: invoke(OPEN_GRAPH_DIALOG, z.tuple([]), result(OpenedFile.nullable())),
  /** Reads a file the user opened before (recent files) or one handed to the app (`onOpenFile`). */
  openGraphPath: invoke(OPEN_GRAPH_PATH, z.tuple([AbsolutePath]), result(OpenedFile)),
  /** Writes atomically; with the path null, asks for one first (save as). Null when cancelled. */
  saveGraph: invoke(SAVE_GRAPH, z.tuple([AbsolutePath.nullable(), z.string(), SuggestedName]), result(SavedFile.nullable())),
  /** Save dialog for any text (model files, exports). Null when cancelled. */
  saveTextDialog: invoke(SAVE_TEXT_DIALOG, z.tuple([z.string(), SuggestedName, SaveFilter]), result(SavedFile.nullable())),
  /** Save dialog for a binary file (an ONNX model), written as the bytes given. Null when cancelled. */
  saveBytesDialog: invoke(SAVE_BYTES_DIALOG, z.tuple([z.instanceof(Uint8Array), SuggestedName, SaveFilter]), result(SavedFile.nullable())),
  /** Never fails: a list that cannot be read is an empty one. */
  recentFiles: invoke(RECENT_FILES, z.tuple([]), z.array(RecentFile)),
  /** The backups in userData, newest first; damaged ones with their problem. */
  listBackups: invoke(LIST_BACKUPS, z.tuple([]), result(z.array(BackupEntry))),
  readBackup: invoke(READ_BACKUP, z.tuple([BackupId]), result(z.string())),
  /** Replaces the backup atomically; main refuses text that is not a whole backup of that id. */
  writeBackup: invoke(WRITE_BACKUP, z.tuple([BackupId, z.string()]), result(z.null())),
  /** Removes a backup; one that is not there is not an error. */
  removeBackup: invoke(REMOVE_BACKUP, z.tuple([BackupId]), result(z.null())),
  setDocumentState: send(SET_DOCUMENT_STATE, z.tuple([DocumentState])),
  closeWindow: send(CLOSE_WINDOW, z.tuple([])),
  /** Takes a file off the recent list: the page could not open it. */
  forgetRecentFile: send(FORGET_RECENT_FILE, z.tuple([AbsolutePath])),
  /**
   * The engine host's state as main sees it; after 'ready' a new engine port arrives. The payload
   * is the engine protocol's own `host.status` event: the states are the engine's vocabulary,
   * which this layer may not import (DESIGN.md §4), so the preload passes it on unread, as it
   * passes on the engine port, and the page parses it with the engine's schema like every other
   * message from the host (renderer/connection/connection.ts).
   */
  onHostStatus: event(HOST_STATUS, z.unknown()),
  onMenuCommand: event(MENU_COMMAND, MenuCommand),
  /**
   * A graph file handed to the app outside the page (a second launch, macOS Finder, Open Recent
   * in the native menu), as an absolute path the page may now read with `openGraphPath`.
   */
  onOpenFile: event(OPEN_FILE, z.string().min(1)),
  /** Main asked "Save, Don't Save, Cancel" and the user chose Save: save, then `closeWindow()`. */
  onSaveBeforeClose: event(SAVE_BEFORE_CLOSE, z.void()),
} as const;

export type IpcTable = typeof IPC;
export type MessageName = keyof IpcTable;
export type InvokeName = { [K in MessageName]: IpcTable[K]['kind'] extends 'invoke' ? K : never }[MessageName];
export type SendName = { [K in MessageName]: IpcTable[K]['kind'] extends 'send' ? K : never }[MessageName];
export type EventName = { [K in MessageName]: IpcTable[K]['kind'] extends 'event' ? K : never }[MessageName];

/** The arguments of a renderer → main message, as main receives them once parsed. */
export type ArgsOf<K extends InvokeName | SendName> = z.output<IpcTable[K]['args']>;
export type ReplyOf<K extends InvokeName> = z.output<IpcTable[K]['reply']>;
export type PayloadOf<K extends EventName> = z.output<IpcTable[K]['payload']>;

const names = Object.keys(IPC) as MessageName[];
const channelsOf = (kind: IpcTable[MessageName]['kind']) => names.filter((name) => IPC[name].kind === kind).map((name) => IPC[name].channel);

export const MESSAGE_NAMES: readonly MessageName[] = names;
export const INVOKE_CHANNELS: readonly string[] = channelsOf('invoke');
export const SEND_CHANNELS: readonly string[] = channelsOf('send');
/** Main → renderer channels: the events of the table, and the engine port. */
export const EVENT_CHANNELS: readonly string[] = [...channelsOf('event'), ENGINE_PORT];
