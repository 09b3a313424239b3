/**
 * The File menu: New, Open, Save, Save As, Open Recent, Import/Export JSON and Templates, with
 * Ctrl/Cmd+N, O, S and Shift+S in a browser. Inside Electron the native menu sends the same
 * commands (and owns the accelerators), files go through native dialogs, files handed to the app
 * (a second launch, Finder, the native Open Recent) are opened from here, and a window closing
 * with unsaved changes is saved from here.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useEngine } from '../connection/context.tsx';
import type { DesktopApi } from '../platform/desktop-api.ts';
import { useDocument, useDocumentStore } from '../store/context.tsx';
import { Menu, type MenuEntry } from '../ui/Menu.tsx';
import { useToasts } from '../ui/toasts.tsx';
import { createBrowserFileService } from './browser-file-service.ts';
import { createDesktopFileService, pickImportFile, type DesktopFileService } from './desktop-file-service.ts';
import { downloadText } from './download.ts';
import { createFileActions, failureMessage, type FileActions, type Translate } from './file-actions.ts';
import { askTrainingOn, askUnsavedOn, createFilePromptSlot, pickTemplateOn, showErrorsOn, workspacePromptsOn, type FilePrompt, type FilePromptSlot } from './file-prompts.ts';
import { fail, failureOf, succeed, type FileService, type RecentItem } from './file-service.ts';
import { DocumentErrorsDialog, OverwriteDialog, TrainingDialog, UnsavedChangesDialog } from './FileQuestions.tsx';
import { trainingOnSwitchFor } from './training-on-switch.ts';
import { useRunSession } from '../training/run-session-context.tsx';
import { documentIdOf, isActive } from '../training/run-store.ts';
import { openHandedFiles } from './open-file-events.ts';
import { documentAccessFor } from './store-access.ts';
import { fromMenuCommand, shortcutCommand, shortcutLabel, type FileCommand } from './shortcuts.ts';
import { TemplateGallery } from './TemplateGallery.tsx';
import { WorkspaceFileDialog } from './WorkspaceFileDialog.tsx';
import './files.css';

interface FileMenuController {
  readonly service: FileService;
  /** Inside Electron: the same service, which also reads files handed to the app by path. */
  readonly desktopFiles: DesktopFileService | null;
  readonly actions: FileActions;
  readonly run: (command: FileCommand) => Promise<void>;
}

const isMac = () => /Mac|iPhone|iPad/.test(globalThis.navigator?.userAgent ?? '');

function localStorageOrUndefined(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // storage disabled: recent files last for the session only
  }
}

export function FileMenu() {
  const { t, i18n } = useTranslation('files');
  const store = useDocumentStore();
  const { client } = useEngine();
  const runSession = useRunSession();
  const toasts = useToasts();
  const path = useDocument((s) => s.path);

  const clientRef = useRef(client);
  const toastsRef = useRef(toasts);
  const importInput = useRef<HTMLInputElement>(null);
  const [slot] = useState(createFilePromptSlot);
  const [shown, setShown] = useState<{ prompt: FilePrompt | null; key: number }>({ prompt: null, key: 0 });
  const [recent, setRecent] = useState<readonly RecentItem[]>([]);

  useEffect(() => {
    clientRef.current = client;
  }, [client]);
  useEffect(() => {
    toastsRef.current = toasts;
  }, [toasts]);

  const [controller] = useState<FileMenuController>(() => {
    const desktop = globalThis.window?.rnnStudio;
    const getClient = () => clientRef.current;
    // The language may change while the menu lives: translate at the moment a message is made.
    const translate: Translate = (key, options) => i18n.t(key, { ...options, ns: 'files' });
    const desktopFiles = desktop ? createDesktopFileService(desktop) : null;
    const service =
      desktopFiles ?? createBrowserFileService({ getClient, prompts: workspacePromptsOn(slot), storage: localStorageOrUndefined(), download: downloadText });
    const actions = createFileActions({
      document: documentAccessFor(store),
      service,
      getClient,
      t: translate,
      training: trainingOnSwitchFor(
        runSession,
        (name) => askTrainingOn(slot, name),
        (message) => toastsRef.current.show({ kind: 'error', message: i18n.t('error.stopFailed', { message, ns: 'training' }) }),
      ),
      openModel: async (text) => {
        // The run on show would be replaced by the model's, and it is still training.
        if (isActive(runSession.store.getState().phase)) return fail({ kind: 'error', message: translate('error.modelWhileTraining') });
        const reply = await runSession.openModel(text);
        if (!reply.ok) return fail(failureOf(reply.error));
        // Called once the model's graph is the open document, which its run then belongs to.
        return succeed({ doc: reply.value.doc, adopt: () => void runSession.adopt(reply.value, documentIdOf(store.getState().path, store.getState().loads)) });
      },
      ui: {
        askUnsaved: (name) => askUnsavedOn(slot, name),
        showDocumentErrors: (source, errors) => showErrorsOn(slot, source, errors),
        notify: (kind, message) => toastsRef.current.show({ kind, message }),
      },
    });
    const run = (command: FileCommand) => runCommand(command, { actions, slot, desktop, importInput, translate, notify: (message) => toastsRef.current.show({ kind: 'error', message }) });
    return { service, desktopFiles, actions, run };
  });
  const { service, desktopFiles, actions, run } = controller;

  const refreshRecent = useCallback(() => void service.recent().then(setRecent, () => setRecent([])), [service]);

  useEffect(() => {
    const unsubscribe = slot.subscribe((prompt) => setShown((s) => ({ prompt, key: s.key + 1 })));
    return () => {
      unsubscribe();
      slot.cancel();
    };
  }, [slot]);

  useEffect(refreshRecent, [refreshRecent, path]);

  // Browser shortcuts; inside Electron the native menu's accelerators send them instead.
  useEffect(() => {
    if (window.rnnStudio) return;
    const onKeyDown = (e: KeyboardEvent) => {
      const command = shortcutCommand(e);
      if (command === null) return;
      e.preventDefault(); // the browser's own Save Page / Open File
      void run(command).then(refreshRecent);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [run, refreshRecent]);

  useEffect(() => {
    const api = window.rnnStudio;
    // Both come from the same `window.rnnStudio`: present inside Electron, absent in a browser.
    if (!api || !desktopFiles) return;
    const offMenu = api.onMenuCommand((command) => {
      const fileCommand = fromMenuCommand(command);
      if (fileCommand) void run(fileCommand).then(refreshRecent);
    });
    const offOpenFile = openHandedFiles({ api, files: desktopFiles, actions, settled: refreshRecent });
    // Main asked "Save, Don't save, Cancel" on close and the user chose Save.
    const offClose = api.onSaveBeforeClose(() => {
      void actions.save().then((saved) => {
        if (saved) api.closeWindow();
      });
    });
    return () => {
      offMenu();
      offOpenFile();
      offClose();
    };
  }, [run, actions, desktopFiles, refreshRecent]);

  const mac = isMac();
  const item = (command: FileCommand, label: string): MenuEntry => ({
    kind: 'item',
    id: command,
    label,
    testId: `menu-file-${command}`,
    shortcut: shortcutLabel(command, mac) ?? undefined,
    onSelect: () => void run(command).then(refreshRecent),
  });

  const entries: MenuEntry[] = [
    item('new', t('menu.new')),
    item('open', t('menu.open')),
    item('save', t('menu.save')),
    item('saveAs', t('menu.saveAs')),
    { kind: 'separator', id: 'sep-recent' },
    { kind: 'heading', id: 'recent', label: t('menu.recent') },
    ...(recent.length > 0
      ? recent.map(
          (r): MenuEntry => ({
            kind: 'item',
            id: `recent:${r.key}`,
            label: r.name,
            title: r.detail,
            testId: 'recent-file',
            onSelect: () => void actions.openRecent(r).then(refreshRecent),
          }),
        )
      : [{ kind: 'heading', id: 'recent-empty', label: t('menu.recentEmpty') } satisfies MenuEntry]),
    { kind: 'separator', id: 'sep-json' },
    item('import', t('menu.import')),
    item('export', t('menu.export')),
    { kind: 'separator', id: 'sep-templates' },
    item('templates', t('menu.templates')),
  ];

  return (
    <>
      <Menu label={t('menu.file')} entries={entries} testId="menu-file" onOpen={refreshRecent} />
      <input
        ref={importInput}
        type="file"
        hidden
        data-testid="import-input"
        accept=".json,application/json"
        onChange={(e) => {
          const input = e.currentTarget;
          const file = input.files?.[0];
          // Cleared so that picking the same file again is noticed.
          input.value = '';
          if (file) void actions.importFile(file);
        }}
      />
      <PromptView key={shown.key} prompt={shown.prompt} client={client} />
    </>
  );
}

function PromptView({ prompt, client }: { prompt: FilePrompt | null; client: ReturnType<typeof useEngine>['client'] }) {
  if (prompt === null) return null;
  switch (prompt.kind) {
    case 'unsaved':
      return <UnsavedChangesDialog name={prompt.name} onAnswer={prompt.answer} />;
    case 'training':
      return <TrainingDialog name={prompt.name} onAnswer={prompt.answer} />;
    case 'open':
      return <WorkspaceFileDialog mode="open" listing={prompt.listing} onAnswer={prompt.answer} />;
    case 'saveAs':
      return <WorkspaceFileDialog mode="save" listing={prompt.listing} suggested={prompt.suggested} onAnswer={prompt.answer} />;
    case 'overwrite':
      return <OverwriteDialog name={prompt.name} onAnswer={prompt.answer} />;
    case 'errors':
      return <DocumentErrorsDialog source={prompt.source} errors={prompt.errors} onClose={() => prompt.answer(true)} />;
    case 'templates':
      return <TemplateGallery client={client} onAnswer={prompt.answer} />;
  }
}

interface RunContext {
  readonly actions: FileActions;
  readonly slot: FilePromptSlot;
  readonly desktop: DesktopApi | undefined;
  readonly importInput: { readonly current: HTMLInputElement | null };
  readonly translate: Translate;
  readonly notify: (message: string) => void;
}

async function runCommand(command: FileCommand, { actions, slot, desktop, importInput, translate, notify }: RunContext): Promise<void> {
  switch (command) {
    case 'new':
      await actions.newDocument();
      return;
    case 'open':
      await actions.open();
      return;
    case 'save':
      await actions.save();
      return;
    case 'saveAs':
      await actions.saveAs();
      return;
    case 'export':
      await actions.exportJson();
      return;
    case 'import': {
      if (!desktop) {
        importInput.current?.click();
        return;
      }
      const picked = await pickImportFile(desktop);
      if (!picked.ok) notify(failureMessage(translate, picked.failure, 'import'));
      else if (picked.value) await actions.importFile(picked.value);
      return;
    }
    case 'templates': {
      const template = await pickTemplateOn(slot);
      if (template) await actions.openTemplate(template);
      return;
    }
  }
}
