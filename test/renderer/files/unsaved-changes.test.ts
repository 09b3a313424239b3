/** The unsaved-changes question: who is asked, when a save happens, and what may go ahead. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mayReplaceDocument, type UnsavedChoice } from '../../../renderer/files/unsaved-changes.ts';

interface Case {
  readonly dirty: boolean;
  readonly choice: UnsavedChoice;
  /** What the save does when it is asked for. */
  readonly saves: boolean;
  readonly asked: boolean;
  readonly saved: boolean;
  readonly replace: boolean;
}

const cases: Case[] = [
  { dirty: false, choice: 'cancel', saves: true, asked: false, saved: false, replace: true },
  { dirty: true, choice: 'discard', saves: true, asked: true, saved: false, replace: true },
  { dirty: true, choice: 'cancel', saves: true, asked: true, saved: false, replace: false },
  { dirty: true, choice: 'save', saves: true, asked: true, saved: true, replace: true },
  // Save As was cancelled, or the write failed: the document stays.
  { dirty: true, choice: 'save', saves: false, asked: true, saved: true, replace: false },
];

describe('replacing a document with unsaved changes', () => {
  for (const c of cases) {
    const title = c.dirty ? `dirty, "${c.choice}"${c.choice === 'save' ? (c.saves ? ', saved' : ', save cancelled') : ''}` : 'clean';
    it(`${title} → ${c.replace ? 'replace' : 'keep'}`, async () => {
      let asked = 0;
      let saved = 0;
      const replace = await mayReplaceDocument({
        dirty: c.dirty,
        ask: async () => {
          asked++;
          return c.choice;
        },
        save: async () => {
          saved++;
          return c.saves;
        },
      });
      assert.equal(replace, c.replace);
      assert.equal(asked, c.asked ? 1 : 0);
      assert.equal(saved, c.saved ? 1 : 0);
    });
  }
});
