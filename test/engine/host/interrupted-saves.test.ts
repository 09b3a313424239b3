/**
 * A save killed in the middle leaves `.name.<pid>-<hex>.tmp` behind; the engine host removes the
 * ones whose process is gone when it starts, and only those.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { TEMPLATES_DIR } from '../../helpers/templates.ts';

const workspace = mkdtempSync(join(tmpdir(), 'rnn-stale-'));
after(() => rmSync(workspace, { recursive: true, force: true }));

it('the host removes temp files of saves whose process is gone, says how many, and keeps the rest', async () => {
  const gone = spawnSync(process.execPath, ['-e', '']).pid;
  assert.ok(gone !== undefined);
  const stale = [`.mine.rnn.json.${gone}-0123456789ab.tmp`, `.model.rnn-model.json.${gone}-a1b2c3d4e5f6.tmp`];
  const kept = [
    `.mine.rnn.json.${process.pid}-0123456789ab.tmp`, // a save in progress in a live process
    `.mine.rnn.json.${gone}-xyz.tmp`, // not the pattern
    `mine.rnn.json.${gone}-0123456789ab.tmp`, // not hidden
    'mine.rnn.json',
  ];
  for (const name of [...stale, ...kept]) writeFileSync(join(workspace, name), 'partial');

  const host = spawn(process.execPath, ['--import', 'tsx', 'engine/host/main.ts', '--workspace', workspace, '--templates', TEMPLATES_DIR], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let log = '';
  host.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  try {
    const started = Date.now();
    while (!/removed 2 temporary files/.test(log)) {
      if (Date.now() - started > 15_000) assert.fail(`no word of the removed files in the host log: ${JSON.stringify(log)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    host.kill();
  }
  assert.match(log, new RegExp(`removed 2 temporary files left by interrupted saves in ${workspace.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}`));
  assert.deepEqual(readdirSync(workspace).sort(), [...kept].sort());
});
