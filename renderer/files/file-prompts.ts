/**
 * Every question the File menu puts on screen, as one union the dialogs switch on, and the
 * functions that ask them through a `PromptSlot`.
 */
import type { DocumentError } from '../../engine/graph/document.ts';
import type { TemplateInfo } from '../../engine/protocol/index.ts';
import type { WorkspaceListing, WorkspacePrompts } from './browser-file-service.ts';
import { PromptSlot } from './prompt-slot.ts';
import type { TrainingChoice } from './training-on-switch.ts';
import type { UnsavedChoice } from './unsaved-changes.ts';

export type FilePrompt =
  | { readonly kind: 'unsaved'; readonly name: string; readonly answer: (choice: UnsavedChoice) => void }
  | { readonly kind: 'training'; readonly name: string; readonly answer: (choice: TrainingChoice) => void }
  | { readonly kind: 'open'; readonly listing: WorkspaceListing; readonly answer: (name: string | null) => void }
  | { readonly kind: 'saveAs'; readonly listing: WorkspaceListing; readonly suggested: string; readonly answer: (name: string | null) => void }
  | { readonly kind: 'overwrite'; readonly name: string; readonly answer: (replace: boolean) => void }
  | { readonly kind: 'errors'; readonly source: string; readonly errors: readonly DocumentError[]; readonly answer: (seen: true) => void }
  | { readonly kind: 'templates'; readonly answer: (template: TemplateInfo | null) => void };

export type FilePromptSlot = PromptSlot<FilePrompt>;

export const createFilePromptSlot = (): FilePromptSlot => new PromptSlot<FilePrompt>();

/** The browser file service's dialogs. */
export function workspacePromptsOn(slot: FilePromptSlot): WorkspacePrompts {
  return {
    chooseFileToOpen: (listing) => slot.ask<string | null>((answer) => ({ kind: 'open', listing, answer }), null),
    chooseSaveName: (listing, suggested) => slot.ask<string | null>((answer) => ({ kind: 'saveAs', listing, suggested, answer }), null),
    confirmOverwrite: (name) => slot.ask<boolean>((answer) => ({ kind: 'overwrite', name, answer }), false),
  };
}

export const askUnsavedOn = (slot: FilePromptSlot, name: string): Promise<UnsavedChoice> =>
  slot.ask<UnsavedChoice>((answer) => ({ kind: 'unsaved', name, answer }), 'cancel');

export const askTrainingOn = (slot: FilePromptSlot, name: string): Promise<TrainingChoice> =>
  slot.ask<TrainingChoice>((answer) => ({ kind: 'training', name, answer }), 'cancel');

/** Shows the errors; nothing waits for the dialog to be closed. */
export function showErrorsOn(slot: FilePromptSlot, source: string, errors: readonly DocumentError[]): void {
  void slot.ask<true>((answer) => ({ kind: 'errors', source, errors, answer }), true);
}

export const pickTemplateOn = (slot: FilePromptSlot): Promise<TemplateInfo | null> =>
  slot.ask<TemplateInfo | null>((answer) => ({ kind: 'templates', answer }), null);
