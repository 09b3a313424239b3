/**
 * What each File menu entry does, free of React so it runs under test: where the text comes from
 * (a file service, the engine's templates, an imported file), how it is checked, when the user
 * is asked about unsaved changes, and what the store is told afterwards.
 *
 * A graph that fails to parse is shown with its errors and never reaches the store; the document
 * on screen stays exactly as it was, whatever goes wrong.
 */
import type { DocumentError } from '../../engine/graph/document.ts';
import type { GraphDocument } from '../../engine/graph/schema.ts';
import type { EngineClient } from '../../engine/protocol/client.ts';
import type { TemplateInfo } from '../../engine/protocol/index.ts';
import { emptyDocument } from '../store/document-store.ts';
import { isModelText, readGraphText, writeGraphText } from './document-text.ts';
import { suggestedFileName } from './file-names.ts';
import type { FileFailure, FileService, OpenedGraph, Outcome, RecentItem } from './file-service.ts';
import { readTemplate } from './templates.ts';
import type { TrainingOnSwitch } from './training-on-switch.ts';
import { mayReplaceDocument, type UnsavedChoice } from './unsaved-changes.ts';

/** The document store as these actions use it. */
export interface DocumentAccess {
  current(): { readonly doc: GraphDocument; readonly path: string | null; readonly dirty: boolean };
  /** Replaces the document; `dirty` for one that exists nowhere on disk yet (an import). */
  load(doc: GraphDocument, path: string | null, dirty: boolean): void;
  /** `doc` was written to `path`; it may have been edited again while the write was under way. */
  markSaved(path: string, doc: GraphDocument): void;
}

export type ToastKind = 'info' | 'error' | 'success';

export interface FileActionsUi {
  /** "Save changes to <name>?" → Save / Don't save / Cancel. */
  askUnsaved(name: string): Promise<UnsavedChoice>;
  /** The parse errors of `source` (a file or template name), with their JSON paths. */
  showDocumentErrors(source: string, errors: readonly DocumentError[]): void;
  notify(kind: ToastKind, message: string): void;
}

/** The `files` namespace's translate function. */
export type Translate = (key: string, options?: Record<string, string | number>) => string;

/** A model file (`*.rnn-model.json`) the host opened: its graph, and `adopt` to show its weights as the finished run. */
export interface OpenedModelFile {
  readonly doc: GraphDocument;
  adopt(): void;
}

export interface FileActionsDeps {
  readonly document: DocumentAccess;
  /** Has the host open a model file's text (weights and all); the problem, or what to load. */
  readonly openModel: (text: string) => Promise<Outcome<OpenedModelFile>>;
  readonly service: FileService;
  readonly getClient: () => EngineClient | null;
  readonly ui: FileActionsUi;
  readonly t: Translate;
  /** The open document's run, which replacing the document must ask about while it trains. */
  readonly training: TrainingOnSwitch;
}

/** A file the user picked in the browser's own file chooser (a `File`). */
export interface PickedFile {
  readonly name: string;
  text(): Promise<string>;
}

export interface FileActions {
  newDocument(): Promise<boolean>;
  open(): Promise<boolean>;
  openRecent(item: RecentItem): Promise<boolean>;
  /**
   * Opens the graph `read` gives: a file handed to the app outside the page (a second launch,
   * Finder, the native Open Recent menu). The user asked for it elsewhere, so it waits for an
   * action under way to end instead of being dropped.
   */
  openFrom(read: () => Promise<Outcome<OpenedGraph>>): Promise<boolean>;
  openTemplate(template: Pick<TemplateInfo, 'id' | 'name'>): Promise<boolean>;
  importFile(file: PickedFile): Promise<boolean>;
  /** True once the document is saved (false when cancelled, failed, or another action is under way). */
  save(): Promise<boolean>;
  saveAs(): Promise<boolean>;
  exportJson(): Promise<boolean>;
  /** Whether an action is waiting on the user or the disk (further actions are ignored meanwhile). */
  readonly busy: boolean;
}

type FailureContext = 'open' | 'save' | 'export' | 'template' | 'import';

export function failureMessage(t: Translate, failure: FileFailure, context: FailureContext): string {
  switch (failure.kind) {
    case 'engine-offline':
      // Export needs no engine: a way to keep the work while the host is down.
      return t(context === 'save' ? 'error.engineOfflineSave' : 'error.engineOffline');
    case 'missing':
      return t('error.missing', { name: failure.name });
    case 'not-found':
      return t('error.notFound', { path: failure.path });
    case 'error':
      return t(`error.${context}Failed`, { message: failure.message });
  }
}

export function createFileActions({ document, service, getClient, ui, t, training, openModel }: FileActionsDeps): FileActions {
  let busy = false;
  /** Settles when the action under way ends. */
  let idle: Promise<void> = Promise.resolve();

  /** One action at a time: a second Ctrl+S while a Save As dialog is up must not open another. */
  const exclusive =
    <A extends unknown[]>(action: (...args: A) => Promise<boolean>) =>
    async (...args: A): Promise<boolean> => {
      if (busy) return false;
      busy = true;
      let ended = () => {};
      idle = new Promise<void>((resolve) => (ended = resolve));
      try {
        return await action(...args);
      } finally {
        busy = false;
        ended();
      }
    };

  const failed = (failure: FileFailure, context: FailureContext): false => {
    ui.notify('error', failureMessage(t, failure, context));
    return false;
  };

  async function saveDocument(asNew: boolean): Promise<boolean> {
    const { doc, path } = document.current();
    const written = writeGraphText(doc);
    if (!written.ok) {
      ui.notify('error', t('error.saveFailed', { message: written.message }));
      return false;
    }
    const suggested = suggestedFileName(doc.name);
    const outcome = asNew ? await service.saveAs(written.text, suggested) : await service.save(path, written.text, suggested);
    if (!outcome.ok) return failed(outcome.failure, 'save');
    if (outcome.value === null) return false;
    document.markSaved(outcome.value.path, doc);
    ui.notify('success', t('saved', { name: outcome.value.name }));
    return true;
  }

  /** Parses, asks about unsaved changes, then replaces the document. */
  async function replaceWith(opened: Pick<OpenedGraph, 'name' | 'text'>, path: string | null, dirty: boolean): Promise<boolean> {
    if (isModelText(opened.text)) return replaceWithModel(opened);
    const read = readGraphText(opened.text);
    if (!read.ok) {
      ui.showDocumentErrors(opened.name, read.errors);
      return false;
    }
    if (!(await mayReplaceCurrent())) return false;
    document.load(read.doc, path, dirty);
    return true;
  }

  /**
   * A trained model: its graph becomes the document, as a new one (saving it writes a graph file,
   * never over the model), and its weights the finished run on show.
   */
  async function replaceWithModel(opened: Pick<OpenedGraph, 'name' | 'text'>): Promise<boolean> {
    const model = await openModel(opened.text);
    if (!model.ok) {
      ui.notify('error', failureMessage(t, model.failure, 'open'));
      return false;
    }
    if (!(await mayReplaceCurrent())) return false;
    document.load(model.value.doc, null, false);
    model.value.adopt();
    ui.notify('info', t('openedModel', { name: opened.name }));
    return true;
  }

  /**
   * Asks about a run of the open document that is still training, then about unsaved changes;
   * the run is stopped only once the document really goes (a cancelled save keeps both).
   */
  async function mayReplaceCurrent(): Promise<boolean> {
    const { doc, dirty } = document.current();
    const choice = training.training() ? await training.ask(doc.name) : null;
    if (choice === 'cancel') return false;
    if (!(await mayReplaceDocument({ dirty, ask: () => ui.askUnsaved(doc.name), save: () => saveDocument(false) }))) return false;
    if (choice === 'stop') await training.stop();
    return true;
  }

  const openNow = exclusive(async (read: () => Promise<Outcome<OpenedGraph>>) => {
    const outcome = await read();
    if (!outcome.ok) return failed(outcome.failure, 'open');
    return replaceWith(outcome.value, outcome.value.path, false);
  });

  return {
    get busy() {
      return busy;
    },

    newDocument: exclusive(async () => {
      if (!(await mayReplaceCurrent())) return false;
      document.load(emptyDocument(), null, false);
      return true;
    }),

    open: exclusive(async () => {
      const outcome = await service.open();
      if (!outcome.ok) return failed(outcome.failure, 'open');
      if (outcome.value === null) return false;
      return replaceWith(outcome.value, outcome.value.path, false);
    }),

    openRecent: exclusive(async (item: RecentItem) => {
      const outcome = await service.openRecent(item);
      // A file that cannot be opened leaves the list, so the menu does not keep offering it; with
      // the engine away nothing is known about the file, and it stays.
      if (!outcome.ok) {
        if (outcome.failure.kind === 'engine-offline') return failed(outcome.failure, 'open');
        await service.forgetRecent(item);
        const reason = failureMessage(t, outcome.failure, 'open');
        ui.notify('error', outcome.failure.kind === 'missing' ? reason : t('error.recentRemoved', { name: item.name, reason }));
        return false;
      }
      const read = readGraphText(outcome.value.text);
      if (!read.ok) {
        await service.forgetRecent(item);
        ui.notify('error', t('error.recentUnreadable', { name: item.name }));
        ui.showDocumentErrors(outcome.value.name, read.errors);
        return false;
      }
      return replaceWith(outcome.value, outcome.value.path, false);
    }),

    async openFrom(read: () => Promise<Outcome<OpenedGraph>>) {
      // Another action (or another handed file) may start first each time this one wakes up.
      while (busy) await idle;
      return openNow(read);
    },

    openTemplate: exclusive(async (template: Pick<TemplateInfo, 'id' | 'name'>) => {
      const outcome = await readTemplate(getClient(), template);
      if (!outcome.ok) return failed(outcome.failure, 'template');
      // Loaded at the template's own path so its dataset files resolve; no service owns that
      // path, so Save turns into Save As and the shipped template is never overwritten.
      return replaceWith(outcome.value, outcome.value.path, false);
    }),

    importFile: exclusive(async (file: PickedFile) => {
      let text: string;
      try {
        text = await file.text();
      } catch (e) {
        return failed({ kind: 'error', message: e instanceof Error ? e.message : String(e) }, 'import');
      }
      if (!(await replaceWith({ name: file.name, text }, null, true))) return false;
      ui.notify('info', t('imported', { name: file.name }));
      return true;
    }),

    save: exclusive(() => saveDocument(false)),
    saveAs: exclusive(() => saveDocument(true)),

    exportJson: exclusive(async () => {
      const { doc } = document.current();
      const written = writeGraphText(doc);
      if (!written.ok) return failed({ kind: 'error', message: written.message }, 'export');
      const outcome = await service.exportText(written.text, suggestedFileName(doc.name));
      if (!outcome.ok) return failed(outcome.failure, 'export');
      if (outcome.value === null) return false;
      ui.notify('success', t('exported', { name: outcome.value.name }));
      return true;
    }),
  };
}
