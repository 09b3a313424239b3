/** The File menu's view of the real document store: loads, imports and saves. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createDocumentStore } from '../../../renderer/store/document-store.ts';
import { documentAccessFor } from '../../../renderer/files/store-access.ts';
import { parseGraphText } from '../../../engine/graph/document.ts';
import { TEMPLATES_DIR } from './fake-host.ts';

const template = () => {
  const parsed = parseGraphText(readFileSync(`${TEMPLATES_DIR}sine-elman.rnn.json`, 'utf8'));
  assert.ok(parsed.ok);
  return parsed.graph;
};

describe('document store access', () => {
  it('loads an opened file clean, at its path', () => {
    const store = createDocumentStore();
    documentAccessFor(store).load(template(), '/w/sine.rnn.json', false);
    const s = store.getState();
    assert.deepEqual([s.doc, s.path, s.dirty, s.canUndo], [template(), '/w/sine.rnn.json', false, false]);
  });

  it('loads an import dirty, with no path', () => {
    const store = createDocumentStore();
    documentAccessFor(store).load(template(), null, true);
    assert.deepEqual([store.getState().path, store.getState().dirty], [null, true]);
  });

  it('marks a save clean, unless the document was edited while it was written', () => {
    const store = createDocumentStore(template());
    const access = documentAccessFor(store);
    store.getState().setName('renamed');
    const written = store.getState().doc;
    access.markSaved('/w/a.rnn.json', written);
    assert.deepEqual([store.getState().path, store.getState().dirty], ['/w/a.rnn.json', false]);

    store.getState().setName('renamed again');
    const writing = store.getState().doc;
    store.getState().setName('and once more, during the write');
    access.markSaved('/w/a.rnn.json', writing);
    assert.equal(store.getState().dirty, true);
  });
});
