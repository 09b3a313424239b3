/**
 * The CLI reads plain files only, and only up to a size it names: a device or a pipe is refused
 * at once, where reading it would never end.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAX_INPUT_BYTES, readText } from '../../../engine/cli/files.ts';
import { UserError } from '../../../engine/cli/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'rnn-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const refused = (path: string, message: RegExp) => (e: unknown) => e instanceof UserError && message.test(e.message) && !e.message.includes('\n');

describe('reading the files the CLI is given', () => {
  it('reads a plain file', () => {
    const path = join(dir, 'a.json');
    writeFileSync(path, '{"a": 1}');
    assert.equal(readText(path), '{"a": 1}');
  });

  it('refuses a device such as /dev/zero at once, without reading it', () => {
    assert.throws(() => readText('/dev/zero'), refused('/dev/zero', /^\/dev\/zero: not a regular file/));
  });

  it('refuses a named pipe at once instead of waiting for a writer', { skip: process.platform === 'win32' }, () => {
    const fifo = join(dir, 'pipe.json');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    // Opening a FIFO for reading would block until a writer comes: that the call returns at all shows it was not opened.
    assert.throws(() => readText(fifo), refused(fifo, /not a regular file/));
  });

  it('refuses a file over the size cap, naming the cap', () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, '');
    truncateSync(big, MAX_INPUT_BYTES + 1);
    assert.throws(() => readText(big), refused(big, new RegExp(`larger than the ${MAX_INPUT_BYTES / 2 ** 20} MiB`)));
  });

  it('names a missing file and a folder', () => {
    assert.throws(() => readText(join(dir, 'none.json')), refused('', /no such file/));
    assert.throws(() => readText(dir), refused('', /is a directory/));
  });
});
