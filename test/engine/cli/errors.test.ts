/** A message the CLI prints stays one line and reads as written, whatever the file put in it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { oneLine } from '../../../engine/cli/errors.ts';

describe('oneLine', () => {
  it('writes line breaks, control and reordering characters as escapes', () => {
    assert.equal(oneLine("node 'a\nb\r\tc\u0000' is \u202eevil\u2066"), "node 'a\\nb\\r\\tc\\u0000' is \\u202eevil\\u2066");
  });

  it('leaves other text alone', () => {
    assert.equal(oneLine("g.rnn.json: error size-mismatch at node 'décodeur' port 'b': 3 ≠ 4 — 你好"), "g.rnn.json: error size-mismatch at node 'décodeur' port 'b': 3 ≠ 4 — 你好");
  });
});
