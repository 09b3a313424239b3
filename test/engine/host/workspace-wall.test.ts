/**
 * The workspace is a wall: nothing a client sends reads or writes outside it, through a symbolic
 * link, an absolute or '..' dataset path or a documentPath; writes have the size cap reads have;
 * names Windows cannot hold or that hide their real extension are refused.
 */
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Diagnostic } from '../../../engine/protocol/messages.ts';
import { harness, templateJson } from './harness.ts';

const top = mkdtempSync(join(tmpdir(), 'rnn-wall-'));
const workspace = join(top, 'ws');
const outside = join(top, 'outside');
mkdirSync(workspace);
mkdirSync(outside);
const SECRET = 'the secret diary of someone else, long enough to make training examples. '.repeat(20);
writeFileSync(join(outside, 'secret.txt'), SECRET);
writeFileSync(join(outside, 'bashrc.json'), '{"outside": true}\n');
symlinkSync(join(outside, 'bashrc.json'), join(workspace, 'x.json'));
symlinkSync(outside, join(workspace, 'leak'));

const h = harness({ workspace });
after(async () => {
  await h.service.dispose();
  rmSync(top, { recursive: true, force: true });
});

/** The dataset diagnostic of validating a text graph that reads `file`, or undefined when the dataset was built. */
async function datasetDiagnostic(file: string, documentPath: string | null = join(workspace, 'g.rnn.json')): Promise<Diagnostic | undefined> {
  const g = templateJson('char-gru.rnn.json');
  g.dataset.params.file = file;
  const { diagnostics } = await h.ok('graph.validate', { graph: g, documentPath });
  return diagnostics.find((d) => d.code === 'dataset');
}

describe('files.* and symbolic links', () => {
  it('files.read refuses a link that leads out, naming it', async () => {
    const e = await h.fails('files.read', { name: 'x.json' });
    assert.equal(e.code, 'io');
    assert.match(e.message, /x\.json.*outside the workspace/);
    assert.doesNotMatch(e.message, /outside": true/);
  });

  it('files.write with overwrite refuses the link and leaves the outside file alone', async () => {
    const e = await h.fails('files.write', { name: 'x.json', text: '{"replaced": true}', overwrite: true });
    assert.equal(e.code, 'io');
    assert.match(e.message, /x\.json/);
    assert.equal(readFileSync(join(outside, 'bashrc.json'), 'utf8'), '{"outside": true}\n');
    assert.ok(lstatSync(join(workspace, 'x.json')).isSymbolicLink());
  });

  it('files.list does not offer a link that leads out', async () => {
    const { files } = await h.ok('files.list', {});
    assert.deepEqual(
      files.map((f) => f.name),
      [],
    );
  });
});

describe('dataset files and documentPath', () => {
  it('a dataset file through a link to a file or a folder outside is not read', async () => {
    symlinkSync(join(outside, 'secret.txt'), join(workspace, 'secret-link.txt'));
    const viaFile = await datasetDiagnostic('secret-link.txt');
    const viaFolder = await datasetDiagnostic('leak/secret.txt');
    assert.ok(viaFile && viaFolder, 'both are refused');
    assert.doesNotMatch(viaFile.message + viaFolder.message, /someone else/);
  });

  it('an absolute dataset path is refused', async () => {
    const d = await datasetDiagnostic(join(outside, 'secret.txt'));
    assert.match(d?.message ?? 'read it', /absolute path/);
  });

  it("a '..' dataset path that leads out is refused", async () => {
    const d = await datasetDiagnostic('../outside/secret.txt');
    assert.match(d?.message ?? 'read it', /outside the folders .*'\.\.' may not lead out of them/);
  });

  it('a documentPath outside the workspace does not make its folder readable', async () => {
    const d = await datasetDiagnostic('secret.txt', join(outside, 'g.rnn.json'));
    assert.match(d?.message ?? 'read it', /outside the folders .*the graph file's folder .*outside is not one of them/);
    const e = await h.fails('graph.compile', { graph: { ...templateJson('char-gru.rnn.json'), dataset: { type: 'text', params: { file: 'secret.txt', steps: 32, stride: 8, seed: 1 } } }, documentPath: join(outside, 'g.rnn.json'), steps: 4 });
    assert.equal(e.code, 'dataset');
  });

  it('graph.validate answers a missing outside file and an existing one alike', async () => {
    symlinkSync(join(outside, 'absent.txt'), join(workspace, 'absent-link.txt'));
    const existing = await datasetDiagnostic('secret-link.txt');
    const missing = await datasetDiagnostic('absent-link.txt');
    assert.equal(missing?.message, existing?.message.replace('secret-link.txt', 'absent-link.txt'));
    const inside = await datasetDiagnostic('no-such.txt');
    assert.equal(inside?.message, existing?.message.replace('secret-link.txt', 'no-such.txt'));
  });
});

describe('files.write: size and names', () => {
  it('refuses 100 MB, naming the 64 MiB limit, and writes nothing', async () => {
    const e = await h.fails('files.write', { name: 'big.json', text: 'x'.repeat(100 * 1024 * 1024) });
    assert.equal(e.code, 'io');
    assert.match(e.message, /big\.json.*64 MiB/);
    assert.ok(!readdirSync(workspace).some((n) => n.includes('big')));
  });

  it('refuses Windows reserved names with any extension and case', async () => {
    for (const name of ['CON.json', 'nul.rnn.json', 'Com1.rnn-model.json', 'lpt9.json', 'aux.backup.json', 'PRN.json', 'COM¹.json', 'con .json']) {
      const e = await h.fails('files.write', { name, text: '{}' });
      assert.equal(e.code, 'bad-message', name);
      assert.match(e.message, /reserved on Windows/, name);
    }
  });

  it('refuses bidi and other control characters', async () => {
    for (const name of ['evil\u202Enosj.json', '\u2066a.json', 'a\u200F.json', 'a\u200E.json', 'a\u202A.json', 'a\u2069.json', 'a\u007F.json', 'a\u0085.json']) {
      const e = await h.fails('files.write', { name, text: '{}' });
      assert.equal(e.code, 'bad-message', JSON.stringify(name));
      assert.match(e.message, /control character/, JSON.stringify(name));
    }
    assert.ok(!readdirSync(workspace).some((n) => n.endsWith('.json') && n !== 'x.json'), 'nothing was written');
  });
});
