/**
 * Runs belong to documents: the run session follows a real document store, and the run store says
 * whether its run is the open document's (`this`), of an earlier version of it (`earlier`), or of
 * another document (`other`, and then shown as no run at all), through loads, edits, drags, undo,
 * saves under a new path and a reopened file.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseGraphText } from '../../../engine/graph/document.ts';
import { networkHash } from '../../../engine/graph/network-hash.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import type { HostEvent } from '../../../engine/protocol/messages.ts';
import { createDocumentStore, emptyDocument } from '../../../renderer/store/document-store.ts';
import { RunSession } from '../../../renderer/training/run-session.ts';
import { documentIdOf, runDocumentOf, runForDocument, shownRun, trainsOpenDocument } from '../../../renderer/training/run-store.ts';

const template = (file: string): GraphDocument => {
  const parsed = parseGraphText(readFileSync(`templates/${file}`, 'utf8'));
  assert.ok(parsed.ok);
  return parsed.graph;
};

const SINE = '/templates/sine-elman.rnn.json';
const ADDING = '/templates/adding-lstm.rnn.json';
const RUN = 'run-7';

const steps = (from: number, to: number): HostEvent => ({
  type: 'train.steps',
  runId: RUN,
  points: Array.from({ length: to - from + 1 }, (_, i) => ({ step: from + i, epoch: 1, loss: 1 / (from + i), gradNorm: 1, clipped: false })),
  stepsPerSecond: 10,
});

/** A document store with the sine template open at SINE, followed by a run session. */
function setUp() {
  const documents = createDocumentStore();
  documents.getState().load(template('sine-elman.rnn.json'), SINE);
  const session = new RunSession();
  session.follow(documents);
  const runs = () => session.store.getState();
  /** What Start does (without a host): the open document's run is accepted and streams. */
  const startRun = () => {
    const { doc, path, loads } = documents.getState();
    runs().begin(doc.dataset?.type ?? null, false, runDocumentOf(documentIdOf(path, loads), doc));
    runs().accepted(RUN);
    runs().receive(steps(1, 5));
  };
  return { documents, session, runs, startRun };
}

describe('runs belong to documents', () => {
  test('a document is its file, or its load while it has none', () => {
    assert.equal(documentIdOf('/w/a.rnn.json', 3), documentIdOf('/w/a.rnn.json', 9), 'reopening a file is the same document');
    assert.notEqual(documentIdOf(null, 3), documentIdOf(null, 4), 'two new graphs are two documents');
    assert.notEqual(documentIdOf('/w/a.rnn.json', 3), documentIdOf('/w/b.rnn.json', 3));
  });

  test('with no run there is nothing to show, whatever is open', () => {
    const { runs } = setUp();
    assert.equal(runForDocument(runs()), 'none');
    assert.equal(trainsOpenDocument(runs()), false);
  });

  test('the run records the document it trained: its id, name and network hash', () => {
    const { runs, startRun, documents } = setUp();
    startRun();
    assert.deepEqual(runs().document, { id: `file:${SINE}`, hash: networkHash(documents.getState().doc), name: documents.getState().doc.name });
    assert.equal(runForDocument(runs()), 'this');
    assert.equal(trainsOpenDocument(runs()), true);
  });

  test('moving blocks keeps the run the document’s; an edit makes it an earlier version’s, and undo brings it back', () => {
    const { runs, startRun, documents } = setUp();
    startRun();
    const d = () => documents.getState();
    d().moveNodes({ rnn: { x: 999, y: 999 } }, 'drag');
    d().moveNodes({ rnn: { x: 1000, y: 1000 } }, 'end');
    d().setLabel('rnn', 'the hidden layer');
    d().setName('renamed');
    assert.equal(runForDocument(runs()), 'this');

    d().setParams('rnn', { units: 8, returnSequences: false });
    assert.equal(runForDocument(runs()), 'earlier');
    assert.equal(trainsOpenDocument(runs()), true, 'still its document: replacing it must ask');
    assert.equal(shownRun(runs()), runs(), 'an earlier version’s run is shown as it is, with a notice');

    d().undo();
    assert.equal(runForDocument(runs()), 'this');
  });

  test('another document hides the run; the run keeps streaming and shows again when its file is reopened', () => {
    const { runs, startRun, documents } = setUp();
    startRun();
    documents.getState().load(template('adding-lstm.rnn.json'), ADDING);
    assert.equal(runForDocument(runs()), 'other');
    assert.equal(trainsOpenDocument(runs()), false);
    const hidden = shownRun(runs());
    assert.equal(hidden.phase, 'idle');
    assert.equal(hidden.runId, null);
    assert.equal(hidden.series.length, 0);
    assert.equal(shownRun(runs()), hidden, 'the same state reads as the same hidden run');

    // Kept training in the background.
    runs().receive(steps(6, 9));
    assert.equal(runs().series.length, 9);
    assert.equal(shownRun(runs()).series.length, 0);

    documents.getState().load(template('sine-elman.rnn.json'), SINE);
    assert.equal(runForDocument(runs()), 'this');
    assert.equal(shownRun(runs()).series.length, 9);
    assert.equal(shownRun(runs()).phase, 'running');
  });

  test('a finished run is not shown after New, an import or a template', () => {
    const { runs, startRun, documents } = setUp();
    startRun();
    runs().receive({ type: 'train.ended', runId: RUN, reason: 'completed', message: 'done', epochs: 1, steps: 5, loss: 0.2 });
    documents.getState().load(emptyDocument(), null);
    assert.equal(runForDocument(runs()), 'other');
    // The same graph, imported (no path): another document, even with the same network.
    documents.getState().load(template('sine-elman.rnn.json'), null);
    assert.equal(runForDocument(runs()), 'other');
    documents.getState().load(template('reverse-attention.rnn.json'), '/templates/reverse-attention.rnn.json');
    assert.equal(runForDocument(runs()), 'other');
    assert.equal(shownRun(runs()).end, null);
  });

  test('saving a new graph under a path keeps its run; its file reopened later shows the run', () => {
    const { runs, startRun, documents } = setUp();
    documents.getState().load(template('sine-elman.rnn.json'), null);
    startRun();
    assert.match(runs().document?.id ?? '', /^unsaved:/);
    documents.getState().markSaved('/w/mine.rnn.json');
    assert.equal(runs().document?.id, `file:/w/mine.rnn.json`);
    assert.equal(runForDocument(runs()), 'this');

    documents.getState().load(emptyDocument(), null);
    assert.equal(runForDocument(runs()), 'other');
    documents.getState().load(template('sine-elman.rnn.json'), '/w/mine.rnn.json');
    assert.equal(runForDocument(runs()), 'this');
  });

  test('a file reopened with another network is an earlier version’s run', () => {
    const { runs, startRun, documents } = setUp();
    startRun();
    const changed = template('sine-elman.rnn.json');
    changed.training = { ...changed.training, epochs: 3 };
    documents.getState().load(changed, SINE);
    assert.equal(runForDocument(runs()), 'earlier');
  });
});
