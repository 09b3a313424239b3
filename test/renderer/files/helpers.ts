/** Stand-ins for the browser and the user in the File menu's tests. */
import assert from 'node:assert/strict';
import type { WorkspaceListing, WorkspacePrompts } from '../../../renderer/files/browser-file-service.ts';
import type { KeyValueStorage } from '../../../renderer/files/recent-files.ts';

export function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage & { readonly data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
  };
}

/** One answer per question, in order; a question nobody scripted fails the test. */
export type PromptAnswer =
  | { readonly open: string | null }
  | { readonly saveName: string | null }
  | { readonly overwrite: boolean };

export interface ScriptedPrompts extends WorkspacePrompts {
  /** What was asked, in order: `open`, `save:<suggested>`, `overwrite:<name>`. */
  readonly asked: string[];
  readonly listings: WorkspaceListing[];
  /** Answers not used yet (a test checks it is empty at the end). */
  readonly pending: PromptAnswer[];
}

export function scriptedPrompts(answers: PromptAnswer[]): ScriptedPrompts {
  const pending = [...answers];
  const asked: string[] = [];
  const listings: WorkspaceListing[] = [];
  const next = (question: string): PromptAnswer => {
    asked.push(question);
    const answer = pending.shift();
    assert.ok(answer, `unexpected question: ${question}`);
    return answer;
  };
  return {
    asked,
    listings,
    pending,
    async chooseFileToOpen(listing) {
      listings.push(listing);
      const a = next('open');
      assert.ok('open' in a, `asked which file to open, scripted ${JSON.stringify(a)}`);
      return a.open;
    },
    async chooseSaveName(listing, suggested) {
      listings.push(listing);
      const a = next(`save:${suggested}`);
      assert.ok('saveName' in a, `asked for a name to save as, scripted ${JSON.stringify(a)}`);
      return a.saveName;
    },
    async confirmOverwrite(name) {
      const a = next(`overwrite:${name}`);
      assert.ok('overwrite' in a, `asked to overwrite ${name}, scripted ${JSON.stringify(a)}`);
      return a.overwrite;
    },
  };
}
