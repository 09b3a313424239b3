/**
 * Files handed to the desktop app (a second launch, Finder, the native Open Recent) arrive as
 * `onOpenFile` events and go through the same open flow as Open: parsed first, then the
 * unsaved-changes question, then loaded; failures are shown and the document stays as it was.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { parseGraphText, serializeGraph, type DocumentError } from '../../../engine/graph/document.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { createDesktopFileService } from '../../../renderer/files/desktop-file-service.ts';
import { createFileActions, type DocumentAccess, type FileActions, type ToastKind } from '../../../renderer/files/file-actions.ts';
import { openHandedFiles } from '../../../renderer/files/open-file-events.ts';
import { files as strings } from '../../../renderer/files/strings.ts';
import type { UnsavedChoice } from '../../../renderer/files/unsaved-changes.ts';
import { fakeDesktop, type FakeDesktop, type FakeDesktopOptions } from './fake-desktop.ts';

const i18n = i18next.createInstance();
await i18n.init({ lng: 'en', resources: { en: { files: strings.en }, zh: { files: strings.zh } }, ns: ['files'], interpolation: { escapeValue: false } });

const TEMPLATES = new URL('../../../templates/', import.meta.url);
const template = (file: string): GraphDocument => {
  const parsed = parseGraphText(readFileSync(new URL(file, TEMPLATES), 'utf8'));
  assert.ok(parsed.ok);
  return parsed.graph;
};

interface Harness {
  readonly desktop: FakeDesktop;
  readonly actions: FileActions;
  readonly state: { doc: GraphDocument; path: string | null; dirty: boolean };
  readonly toasts: { kind: ToastKind; message: string }[];
  readonly errorDialogs: { source: string; errors: readonly DocumentError[] }[];
  readonly unsavedAsked: string[];
  /** Each handed file's result, in the order they settled. */
  readonly settled: boolean[];
  /** Resolves once `count` handed files have settled. */
  settledCount(count: number): Promise<void>;
  unsubscribe(): void;
}

function harness(options: FakeDesktopOptions & { dirty?: boolean; unsaved?: UnsavedChoice[]; lng?: 'en' | 'zh' } = {}): Harness {
  const desktop = fakeDesktop(options);
  const state = { doc: template('sine-elman.rnn.json'), path: null as string | null, dirty: options.dirty ?? false };
  const document: DocumentAccess = {
    current: () => state,
    load(doc, path, dirty) {
      Object.assign(state, { doc, path, dirty });
    },
    markSaved(path, doc) {
      Object.assign(state, { path, dirty: state.doc !== doc });
    },
  };
  const unsaved = [...(options.unsaved ?? [])];
  const toasts: Harness['toasts'] = [];
  const errorDialogs: Harness['errorDialogs'] = [];
  const unsavedAsked: string[] = [];
  const settled: boolean[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const service = createDesktopFileService(desktop.api);
  const actions = createFileActions({
    document,
    service,
    getClient: () => null,
    t: i18n.getFixedT(options.lng ?? 'en', 'files'),
    // No run trains here: handed files are asked about only for unsaved changes.
    training: {
      training: () => false,
      ask: (name) => assert.fail(`unexpected question about the run of ${name}`),
      stop: () => assert.fail('unexpected stop'),
    },
    openModel: async () => assert.fail('no model file is opened here'),
    ui: {
      async askUnsaved(name) {
        unsavedAsked.push(name);
        const answer = unsaved.shift();
        assert.ok(answer, `unexpected unsaved-changes question about ${name}`);
        return answer;
      },
      showDocumentErrors: (source, errors) => void errorDialogs.push({ source, errors }),
      notify: (kind, message) => void toasts.push({ kind, message }),
    },
  });
  const unsubscribe = openHandedFiles({
    api: desktop.api,
    files: service,
    actions,
    settled: (opened) => {
      settled.push(opened);
      for (const w of waiters.filter((w) => settled.length >= w.count)) w.resolve();
    },
  });
  return {
    desktop,
    actions,
    state,
    toasts,
    errorDialogs,
    unsavedAsked,
    settled,
    settledCount: (count) => (settled.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    unsubscribe,
  };
}

const HANDED = '/home/ada/graphs/adding.rnn.json';
const adding = () => template('adding-lstm.rnn.json');

describe('a file handed to the desktop app', () => {
  it('opens at its path without a question when nothing is unsaved, and then saves in place', async () => {
    const h = harness({ files: { [HANDED]: serializeGraph(adding()) } });
    h.desktop.handOver(HANDED);
    await h.settledCount(1);
    assert.deepEqual(h.settled, [true]);
    assert.deepEqual(h.state, { doc: adding(), path: HANDED, dirty: false });
    assert.deepEqual(h.unsavedAsked, []);
    assert.deepEqual(h.desktop.reads, [HANDED]);
    h.state.doc = { ...h.state.doc, description: 'edited' };
    assert.equal(await h.actions.save(), true);
    assert.equal(h.desktop.saves[0].path, HANDED, 'written back where it came from, without a dialog');
    assert.equal(JSON.parse(h.desktop.files.get(HANDED) ?? '{}').description, 'edited');
  });

  it('asks about unsaved changes first: Cancel keeps the document, Don’t Save replaces it', async () => {
    const h = harness({ files: { [HANDED]: serializeGraph(adding()) }, dirty: true, unsaved: ['cancel', 'discard'] });
    const before = h.state.doc;
    h.desktop.handOver(HANDED);
    await h.settledCount(1);
    assert.deepEqual(h.settled, [false]);
    assert.equal(h.state.doc, before);
    assert.equal(h.state.dirty, true);
    assert.deepEqual(h.unsavedAsked, [before.name]);
    h.desktop.handOver(HANDED);
    await h.settledCount(2);
    assert.deepEqual(h.settled, [false, true]);
    assert.deepEqual(h.state, { doc: adding(), path: HANDED, dirty: false });
  });

  it('Save saves the current document first, and a cancelled save keeps it', async () => {
    const cancelled = harness({ files: { [HANDED]: serializeGraph(adding()) }, dirty: true, unsaved: ['save'], saveAsPath: null });
    const kept = cancelled.state.doc;
    cancelled.desktop.handOver(HANDED);
    await cancelled.settledCount(1);
    assert.equal(cancelled.state.doc, kept);
    assert.equal(cancelled.state.dirty, true);

    const saved = harness({ files: { [HANDED]: serializeGraph(adding()) }, dirty: true, unsaved: ['save'], saveAsPath: '/home/ada/first.rnn.json' });
    const first = saved.state.doc;
    saved.desktop.handOver(HANDED);
    await saved.settledCount(1);
    assert.equal(saved.desktop.files.get('/home/ada/first.rnn.json'), serializeGraph(first));
    assert.deepEqual(saved.state, { doc: adding(), path: HANDED, dirty: false });
  });

  it('shows a broken file’s errors with their paths before asking anything, and changes nothing', async () => {
    const broken = JSON.parse(serializeGraph(adding())) as { nodes: { position: unknown }[] };
    broken.nodes[1].position = 'here';
    const h = harness({ files: { [HANDED]: JSON.stringify(broken) }, dirty: true });
    const before = { ...h.state };
    h.desktop.handOver(HANDED);
    await h.settledCount(1);
    assert.deepEqual(h.state, before);
    assert.deepEqual(h.unsavedAsked, [], 'nothing to ask about when nothing will replace the document');
    assert.equal(h.errorDialogs.length, 1);
    assert.equal(h.errorDialogs[0].source, 'adding.rnn.json');
    assert.deepEqual(
      h.errorDialogs[0].errors.map((e) => e.path),
      ['nodes[1].position'],
    );
  });

  it('says clearly that a missing file does not exist, naming its path, in either language', async () => {
    const gone = '/home/ada/graphs/gone.rnn.json';
    const h = harness({ dirty: true });
    const before = { ...h.state };
    h.desktop.handOver(gone);
    await h.settledCount(1);
    assert.deepEqual(h.state, before);
    assert.deepEqual(h.toasts, [{ kind: 'error', message: `“${gone}” does not exist. It may have been moved or deleted.` }]);

    const zh = harness({ lng: 'zh' });
    zh.desktop.handOver(gone);
    await zh.settledCount(1);
    assert.deepEqual(zh.toasts, [{ kind: 'error', message: `找不到“${gone}”，它可能已被移动或删除。` }]);
  });

  it('shows any other failure in main’s words, which name the file', async () => {
    const huge = '/home/ada/graphs/huge.rnn.json';
    const h = harness({ failures: { [huge]: { code: 'too-large', message: `${huge} is 40.0 MB; files over 32.0 MB are not opened` } } });
    h.desktop.handOver(huge);
    await h.settledCount(1);
    assert.deepEqual(h.toasts, [{ kind: 'error', message: `Could not open the file: ${huge} is 40.0 MB; files over 32.0 MB are not opened` }]);
    assert.equal(h.state.path, null);
  });

  it('waits for an action under way instead of being dropped, then opens in the order handed over', async () => {
    let release = () => {};
    const saveGate = new Promise<void>((resolve) => (release = resolve));
    const second = '/home/ada/graphs/second.rnn.json';
    const h = harness({ files: { [HANDED]: serializeGraph(adding()), [second]: serializeGraph(template('char-gru.rnn.json')) }, saveAsPath: '/home/ada/mine.rnn.json', saveGate });
    const saving = h.actions.saveAs();
    assert.equal(h.actions.busy, true);
    h.desktop.handOver(HANDED);
    h.desktop.handOver(second);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(h.desktop.reads, [], 'nothing is read while the save is under way');
    release();
    assert.equal(await saving, true);
    await h.settledCount(2);
    assert.deepEqual(h.settled, [true, true]);
    assert.deepEqual(h.desktop.reads, [HANDED, second]);
    assert.equal(h.state.path, second);
    assert.deepEqual(h.state.doc, template('char-gru.rnn.json'));
  });

  it('stops listening once unsubscribed', () => {
    const h = harness({ files: { [HANDED]: serializeGraph(adding()) } });
    assert.equal(h.desktop.openFileListeners(), 1);
    h.unsubscribe();
    assert.equal(h.desktop.openFileListeners(), 0);
    h.desktop.handOver(HANDED);
    assert.deepEqual(h.desktop.reads, []);
  });
});
