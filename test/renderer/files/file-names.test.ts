/**
 * File names: suggestions from graph names are safe on every system and accepted by the host's
 * workspace; names the user types are checked by the same rules the host applies.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { baseName, fileNameProblem, suggestedFileName, withGraphExtension } from '../../../renderer/files/file-names.ts';
import { fileNameProblem as hostFileNameProblem } from '../../../engine/host/workspace.ts';

describe('suggested file names', () => {
  const cases: [string, string][] = [
    ['Sine forecasting (Elman network)', 'sine-forecasting-elman-network.rnn.json'],
    ['Untitled', 'untitled.rnn.json'],
    ['  spaced   out  ', 'spaced-out.rnn.json'],
    ['a/b\\c:d*e?f"g<h>i|j', 'a-b-c-d-e-f-g-h-i-j.rnn.json'],
    ['..hidden..name..', 'hidden.name.rnn.json'],
    ['my.rnn', 'my.rnn.json'],
    ['正弦预测 Elman', '正弦预测-elman.rnn.json'],
    ['', 'untitled.rnn.json'],
    ['***', 'untitled.rnn.json'],
    ['CON', 'con-graph.rnn.json'],
    ['lpt1', 'lpt1-graph.rnn.json'],
    ['ＦＵＬＬ　ｗｉｄｔｈ', 'full-width.rnn.json'],
    ['tab\tand\nnewline', 'tab-and-newline.rnn.json'],
  ];
  for (const [name, expected] of cases) {
    it(`${JSON.stringify(name)} → ${expected}`, () => assert.equal(suggestedFileName(name), expected));
  }

  it('keeps long names short enough for every file system', () => {
    const suggested = suggestedFileName('recurrent '.repeat(40));
    assert.ok(suggested.length <= 80 + '.rnn.json'.length, suggested);
    assert.match(suggested, /^recurrent-recurrent.*[^-]\.rnn\.json$/);
  });

  it('suggests only names the host workspace accepts', () => {
    for (const [name] of cases) {
      const suggested = suggestedFileName(name);
      assert.equal(hostFileNameProblem(suggested), null, `${suggested}: ${hostFileNameProblem(suggested)}`);
      assert.equal(fileNameProblem(suggested), null);
    }
  });
});

describe('names the user types', () => {
  const cases: [string, ReturnType<typeof fileNameProblem>][] = [
    ['my graph', null],
    ['my graph.json', null],
    ['', 'empty'],
    ['   ', 'empty'],
    ['sub/dir', 'separator'],
    ['..\\up', 'separator'],
    ['what?', 'invalid'],
    ['tab\there', 'invalid'],
    ['a..b', 'dots'],
    ['trailing.', 'dots'],
    ['.hidden', 'hidden'],
    ['x'.repeat(250), 'too-long'],
  ];
  for (const [name, problem] of cases) {
    it(`${JSON.stringify(name.length > 20 ? `${name.slice(0, 20)}…` : name)}: ${problem ?? 'fine'}`, () => assert.equal(fileNameProblem(name), problem));
  }

  it('agrees with the host on every name it lets through', () => {
    for (const [name, problem] of cases) {
      if (problem === null) assert.equal(hostFileNameProblem(withGraphExtension(name)), null, name);
    }
  });

  it('adds .rnn.json unless the name already ends in .json', () => {
    assert.equal(withGraphExtension(' notes '), 'notes.rnn.json');
    assert.equal(withGraphExtension('notes.json'), 'notes.json');
    assert.equal(withGraphExtension('notes.rnn.json'), 'notes.rnn.json');
    assert.equal(withGraphExtension('NOTES.JSON'), 'NOTES.JSON');
  });
});

describe('base names', () => {
  it('takes the last part of a path with either separator', () => {
    assert.equal(baseName('/home/ada/graphs/a.rnn.json'), 'a.rnn.json');
    assert.equal(baseName('C:\\Users\\ada\\b.rnn.json'), 'b.rnn.json');
    assert.equal(baseName('c.rnn.json'), 'c.rnn.json');
  });
});
