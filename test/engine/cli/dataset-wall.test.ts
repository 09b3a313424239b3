/**
 * A graph file from elsewhere cannot make the CLI read a file outside its own folder: its
 * dataset `file` resolves under the same rules the app uses.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';

const top = mkdtempSync(join(tmpdir(), 'rnn-cli-wall-'));
after(() => rmSync(top, { recursive: true, force: true }));

it("validate refuses a dataset file outside the graph file's folder: exit 1, one line, no stack", () => {
  mkdirSync(join(top, 'downloads'));
  mkdirSync(join(top, 'ssh'));
  writeFileSync(join(top, 'ssh', 'id_rsa'), 'PRIVATE KEY material that is long enough to make training examples. '.repeat(20));
  const graph = JSON.parse(readFileSync('templates/char-gru.rnn.json', 'utf8')) as { dataset: { params: { file: string } } };
  graph.dataset.params.file = '../ssh/id_rsa';
  const path = join(top, 'downloads', 'g.rnn.json');
  writeFileSync(path, JSON.stringify(graph));
  const r = spawnSync(process.execPath, ['bin/rnn-studio.js', 'validate', path], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /g\.rnn\.json: dataset\.params\.file: "\.\.\/ssh\/id_rsa" is outside the folders dataset files are read from \(the graph file's folder\)/);
  assert.doesNotMatch(r.stderr, /PRIVATE KEY|\n\s+at /);
});
