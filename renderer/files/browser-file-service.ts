/**
 * Graph files in a browser: the engine host's workspace folder (`files.list`, `files.read`,
 * `files.write`), picked in the app's own dialog, and exports as downloads. The recent list is
 * kept in localStorage.
 */
import type { EngineClient } from '../../engine/protocol/client.ts';
import type { FileEntry } from '../../engine/protocol/index.ts';
import { withGraphExtension } from './file-names.ts';
import { fail, failureOf, succeed, type FileService, type OpenedGraph, type Outcome, type Saved } from './file-service.ts';
import { forgetRecent, readRecent, rememberRecent, writeRecent, type KeyValueStorage } from './recent-files.ts';

export interface WorkspaceListing {
  /** The folder on the host's machine, shown so the user knows where files go. */
  readonly workspace: string;
  /** Graph files, newest first. */
  readonly files: readonly FileEntry[];
}

/** The in-app dialogs the service asks through. */
export interface WorkspacePrompts {
  /** The name of the file to open, or null when cancelled. */
  chooseFileToOpen(listing: WorkspaceListing): Promise<string | null>;
  /** The name to save as (checked with `fileNameProblem`), or null when cancelled. */
  chooseSaveName(listing: WorkspaceListing, suggestedName: string): Promise<string | null>;
  /** Whether to replace the existing file `name`. */
  confirmOverwrite(name: string): Promise<boolean>;
}

export interface BrowserFileServiceDeps {
  /** The current connection; null while the host is down (it is replaced after a restart). */
  readonly getClient: () => EngineClient | null;
  readonly prompts: WorkspacePrompts;
  readonly storage: KeyValueStorage | undefined;
  /** Offers `text` as a file download named `name`. */
  readonly download: (text: string, name: string) => void;
}

/** The workspace's files that open: graphs (`.rnn.json`, plain `.json`) and trained models (`.rnn-model.json`), newest first. */
export function graphFilesIn(files: readonly FileEntry[]): FileEntry[] {
  return files
    .filter((f) => /\.json$/i.test(f.name))
    .sort((a, b) => b.modified - a.modified || a.name.localeCompare(b.name));
}

const OFFLINE = fail({ kind: 'engine-offline' });

export function createBrowserFileService({ getClient, prompts, storage, download }: BrowserFileServiceDeps): FileService {
  /** Document paths this service read or wrote, and their names in the workspace. */
  const names = new Map<string, string>();
  let workspace: string | null = null;

  const remember = (name: string) => writeRecent(storage, rememberRecent(readRecent(storage), name));

  async function list(client: EngineClient): Promise<Outcome<WorkspaceListing>> {
    const result = await client.call('files.list', {});
    if (!result.ok) return fail(failureOf(result.error));
    workspace = result.value.workspace;
    return succeed({ workspace: result.value.workspace, files: graphFilesIn(result.value.files) });
  }

  async function read(name: string): Promise<Outcome<OpenedGraph>> {
    const client = getClient();
    if (!client) return OFFLINE;
    const result = await client.call('files.read', { name });
    if (!result.ok) {
      if (result.error.code !== 'not-found') return fail(failureOf(result.error));
      writeRecent(storage, forgetRecent(readRecent(storage), name));
      return fail({ kind: 'missing', name });
    }
    names.set(result.value.documentPath, name);
    remember(name);
    return succeed({ path: result.value.documentPath, name, text: result.value.text });
  }

  async function write(name: string, text: string, overwrite: boolean): Promise<Outcome<Saved | null>> {
    const client = getClient();
    if (!client) return OFFLINE;
    let result = await client.call('files.write', { name, text, overwrite });
    // Someone created the file after the dialog listed the workspace: ask, as for any existing file.
    if (!result.ok && result.error.code === 'busy' && !overwrite) {
      if (!(await prompts.confirmOverwrite(name))) return succeed(null);
      result = await client.call('files.write', { name, text, overwrite: true });
    }
    if (!result.ok) return fail(failureOf(result.error));
    names.set(result.value.documentPath, name);
    remember(name);
    return succeed({ path: result.value.documentPath, name });
  }

  async function saveAs(text: string, suggestedName: string): Promise<Outcome<Saved | null>> {
    const client = getClient();
    if (!client) return OFFLINE;
    const listed = await list(client);
    if (!listed.ok) return listed;
    let suggestion = suggestedName;
    for (;;) {
      const typed = await prompts.chooseSaveName(listed.value, suggestion);
      if (typed === null) return succeed(null);
      const name = withGraphExtension(typed);
      const exists = listed.value.files.some((f) => f.name === name);
      if (!exists) return write(name, text, false);
      if (await prompts.confirmOverwrite(name)) return write(name, text, true);
      suggestion = name; // back to the dialog to pick another name
    }
  }

  return {
    kind: 'browser',

    async open() {
      const client = getClient();
      if (!client) return OFFLINE;
      const listed = await list(client);
      if (!listed.ok) return listed;
      const name = await prompts.chooseFileToOpen(listed.value);
      return name === null ? succeed(null) : read(name);
    },

    openRecent: (item) => read(item.key),

    async recent() {
      return readRecent(storage).map((name) => ({ key: name, name, detail: workspace === null ? name : `${workspace} · ${name}` }));
    },

    async forgetRecent(item) {
      writeRecent(storage, forgetRecent(readRecent(storage), item.key));
    },

    canSaveInPlace: (path) => names.has(path),

    async save(path, text, suggestedName) {
      const name = path === null ? undefined : names.get(path);
      return name === undefined ? saveAs(text, suggestedName) : write(name, text, true);
    },

    saveAs,

    async exportText(text, suggestedName) {
      download(text, suggestedName);
      return succeed({ name: suggestedName });
    },
  };
}
