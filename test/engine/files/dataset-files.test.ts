/**
 * Dataset files as the CLI and forecast read them: named relative to the graph file's folder and
 * never read from outside it, whether the way out is an absolute path, '..' or a symbolic link.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DatasetError } from '../../../engine/datasets/types.ts';
import { datasetFiles } from '../../../engine/files/dataset-files.ts';

const top = mkdtempSync(join(tmpdir(), 'rnn-dataset-files-'));
after(() => rmSync(top, { recursive: true, force: true }));
const graphFolder = join(top, 'project');
const outside = join(top, 'outside');
mkdirSync(join(graphFolder, 'data'), { recursive: true });
mkdirSync(outside);
writeFileSync(join(graphFolder, 'data', 'diary.txt'), 'my own words');
mkdirSync(join(graphFolder, '.ssh'));
writeFileSync(join(graphFolder, '.ssh', 'id_rsa'), 'a secret');
writeFileSync(join(outside, 'secret.txt'), 'a secret');
symlinkSync(join(outside, 'secret.txt'), join(graphFolder, 'secret-link.txt'));
symlinkSync(join(outside, 'absent.txt'), join(graphFolder, 'absent-link.txt'));
symlinkSync(outside, join(graphFolder, 'linked-folder'));
symlinkSync(join(graphFolder, 'data', 'diary.txt'), join(graphFolder, 'inside-link.txt'));

/** The message of the DatasetError reading `file` throws; fails the test when it reads something. */
function refusal(file: string): string {
  try {
    const read = datasetFiles(graphFolder).readText(file);
    assert.fail(`${file} was read: ${JSON.stringify(read.text)}`);
  } catch (e) {
    if (!(e instanceof DatasetError)) throw e;
    assert.equal(e.param, 'file');
    assert.doesNotMatch(e.message, /a secret/);
    return e.message;
  }
}

describe('dataset files, relative to the graph file', () => {
  it('reads files in the folder and below it, also through a link that stays inside', () => {
    assert.equal(datasetFiles(graphFolder).readText('data/diary.txt').text, 'my own words');
    assert.equal(datasetFiles(graphFolder).readText('inside-link.txt').text, 'my own words');
  });

  it("reads them also when the graph file's folder is reached through a link (/tmp on macOS)", () => {
    const linkedFolder = join(top, 'project-link');
    symlinkSync(graphFolder, linkedFolder);
    assert.equal(datasetFiles(linkedFolder).readText('data/diary.txt').text, 'my own words');
  });

  it('refuses an absolute path, saying paths are relative to the graph file', () => {
    assert.match(refusal(join(outside, 'secret.txt')), /absolute path.*relative to the graph file's folder/);
  });

  it("refuses '..' that leads out of the folder, without looking at the disk", () => {
    const existing = refusal('../outside/secret.txt');
    assert.match(existing, /outside the folders/);
    assert.equal(refusal('../outside/absent.txt'), existing.replace('secret.txt', 'absent.txt'));
  });

  it('refuses a link to a file outside, with the message a missing file gets', () => {
    const linked = refusal('secret-link.txt');
    assert.match(linked, /secret-link\.txt/);
    assert.doesNotMatch(linked, /outside[/\\]secret/, 'the link target is not shown');
    assert.equal(refusal('absent-link.txt'), linked.replace('secret-link.txt', 'absent-link.txt'));
    assert.equal(refusal('no-such-file.txt'), linked.replace('secret-link.txt', 'no-such-file.txt'));
  });

  it('refuses hidden files and folders inside the folder (a workspace that is a home folder)', () => {
    assert.match(refusal('.ssh/id_rsa'), /hidden/);
    assert.match(refusal('data/../.ssh/id_rsa'), /hidden/);
  });

  it('refuses a folder link on the way to the file', () => {
    const linked = refusal('linked-folder/secret.txt');
    assert.equal(refusal('linked-folder/absent.txt'), linked.replace('secret.txt', 'absent.txt'));
  });
});
