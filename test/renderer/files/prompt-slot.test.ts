/** One question at a time: answers arrive once, and a replaced question is answered "cancel". */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PromptSlot } from '../../../renderer/files/prompt-slot.ts';

interface Question {
  readonly text: string;
  readonly answer: (value: string) => void;
}

describe('prompt slot', () => {
  it('shows a question, resolves with the first answer and clears it', async () => {
    const slot = new PromptSlot<Question>();
    const seen: (string | null)[] = [];
    slot.subscribe((p) => seen.push(p?.text ?? null));
    const pending = slot.ask<string>((answer) => ({ text: 'name?', answer }), 'cancelled');
    slot.prompt?.answer('ada');
    slot.prompt?.answer('grace');
    assert.equal(await pending, 'ada');
    assert.deepEqual(seen, ['name?', null]);
    assert.equal(slot.prompt, null);
  });

  it('answers a replaced question with its cancel value', async () => {
    const slot = new PromptSlot<Question>();
    const first = slot.ask<string>((answer) => ({ text: 'first', answer }), 'first cancelled');
    const second = slot.ask<string>((answer) => ({ text: 'second', answer }), 'second cancelled');
    assert.equal(await first, 'first cancelled');
    assert.equal(slot.prompt?.text, 'second');
    slot.cancel();
    assert.equal(await second, 'second cancelled');
    assert.equal(slot.prompt, null);
  });

  it('ignores a late answer from a question that was replaced', async () => {
    const slot = new PromptSlot<Question>();
    let stale: ((v: string) => void) | null = null;
    void slot.ask<string>((answer) => {
      stale = answer;
      return { text: 'old', answer };
    }, 'x');
    const current = slot.ask<string>((answer) => ({ text: 'new', answer }), 'y');
    (stale as ((v: string) => void) | null)?.('late');
    assert.equal(slot.prompt?.text, 'new', 'the current question stays');
    slot.prompt?.answer('ok');
    assert.equal(await current, 'ok');
  });
});
