/** Stand-ins for the Electron pieces main's modules take as arguments. */
import type { MessageBoxOptions } from 'electron';
import type { MenuCommand } from '../../../electron/common/api.ts';
import { DocumentWindow } from '../../../electron/main/document-window.ts';
import { mainStrings } from '../../../electron/main/strings.ts';

/** A DocumentWindow whose window functions record what they were asked to do. */
export function fakeDocumentWindow(options: { platform?: NodeJS.Platform; answer?: number } = {}) {
  const record = {
    titles: [] as string[],
    edited: [] as boolean[],
    represented: [] as string[],
    prompts: [] as MessageBoxOptions[],
    saveRequests: 0,
    commands: [] as MenuCommand[],
    openedFiles: [] as string[],
    /** Everything sent to the page, in order: a command, or `open:<path>`. */
    toPage: [] as string[],
    closes: 0,
    cancels: 0,
    answer: options.answer ?? 2,
  };
  const document = new DocumentWindow({
    platform: options.platform ?? 'linux',
    strings: mainStrings.en,
    setTitle: (title) => record.titles.push(title),
    setDocumentEdited: (edited) => record.edited.push(edited),
    setRepresentedFilename: (path) => record.represented.push(path),
    askToSave: (prompt) => {
      record.prompts.push(prompt);
      return Promise.resolve(record.answer);
    },
    requestSave: () => {
      record.saveRequests++;
    },
    sendCommand: (command) => {
      record.commands.push(command);
      record.toPage.push(command);
    },
    sendOpenFile: (path) => {
      record.openedFiles.push(path);
      record.toPage.push(`open:${path}`);
    },
    close: () => {
      record.closes++;
    },
    closeCancelled: () => {
      record.cancels++;
    },
  });
  return { document, record };
}

/** Lets pending promise callbacks run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
