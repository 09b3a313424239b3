/**
 * The File menu's actions end to end below the UI: the real protocol client, the host's real
 * workspace and templates, the browser file service, and a document that must stay untouched
 * whenever a file is refused, a question is cancelled or the engine is down.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next from 'i18next';
import { createBrowserFileService } from '../../../renderer/files/browser-file-service.ts';
import { suggestedFileName } from '../../../renderer/files/file-names.ts';
import { createFileActions, type DocumentAccess, type FileActions, type FileActionsDeps, type ToastKind } from '../../../renderer/files/file-actions.ts';
import { fail, failureOf, type FileService, succeed } from '../../../renderer/files/file-service.ts';
import { RunSession } from '../../../renderer/training/run-session.ts';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { initWeights } from '../../../engine/model/init.ts';
import { writeModel } from '../../../engine/model/file.ts';
import { files as strings } from '../../../renderer/files/strings.ts';
import type { TrainingChoice } from '../../../renderer/files/training-on-switch.ts';
import type { UnsavedChoice } from '../../../renderer/files/unsaved-changes.ts';
import { parseGraphText, serializeGraph, type DocumentError } from '../../../engine/graph/document.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import type { EngineClient } from '../../../engine/protocol/client.ts';
import { createFakeHost, TEMPLATES_DIR, type FakeHost } from './fake-host.ts';
import { memoryStorage, scriptedPrompts, type PromptAnswer, type ScriptedPrompts } from './helpers.ts';

const i18n = i18next.createInstance();
await i18n.init({ lng: 'en', resources: { en: { files: strings.en } }, ns: ['files'], interpolation: { escapeValue: false } });
const t = i18n.getFixedT('en', 'files');

const template = (file: string): GraphDocument => {
  const parsed = parseGraphText(readFileSync(`${TEMPLATES_DIR}${file}`, 'utf8'));
  assert.ok(parsed.ok);
  return parsed.graph;
};

interface Harness {
  readonly actions: FileActions;
  readonly state: { doc: GraphDocument; path: string | null; dirty: boolean };
  readonly loads: number[];
  readonly toasts: { kind: ToastKind; message: string }[];
  readonly errorDialogs: { source: string; errors: readonly DocumentError[] }[];
  readonly unsavedAsked: string[];
  /** The questions asked about the open document's run, and what happened to it, in order. */
  readonly trainingLog: string[];
  readonly prompts: ScriptedPrompts;
  readonly service: FileService;
}

describe('file actions', () => {
  let host: FakeHost;
  let client: EngineClient | null;
  let h: Harness;

  /** `training`: the open document's run trains, and these are the answers to the question about it. */
  function harness(
    options: {
      doc?: GraphDocument;
      path?: string | null;
      dirty?: boolean;
      prompts?: PromptAnswer[];
      unsaved?: UnsavedChoice[];
      training?: TrainingChoice[];
      openModel?: FileActionsDeps['openModel'];
    } = {},
  ): Harness {
    const state = { doc: options.doc ?? template('sine-elman.rnn.json'), path: options.path ?? null, dirty: options.dirty ?? false };
    const loads: number[] = [];
    const document: DocumentAccess = {
      current: () => state,
      load(doc, path, dirty) {
        Object.assign(state, { doc, path, dirty });
        loads.push(loads.length);
      },
      markSaved(path, doc) {
        Object.assign(state, { path, dirty: state.doc !== doc });
      },
    };
    const unsaved = [...(options.unsaved ?? [])];
    const toasts: Harness['toasts'] = [];
    const errorDialogs: Harness['errorDialogs'] = [];
    const unsavedAsked: string[] = [];
    const trainingAnswers = options.training === undefined ? null : [...options.training];
    const trainingLog: string[] = [];
    const prompts = scriptedPrompts(options.prompts ?? []);
    const service = createBrowserFileService({ getClient: () => client, prompts, storage: memoryStorage(), download: () => assert.fail('no download') });
    const actions = createFileActions({
      document,
      service,
      getClient: () => client,
      t,
      training: {
        training: () => trainingAnswers !== null && !trainingLog.includes('stopped'),
        async ask(name) {
          const answer = trainingAnswers?.shift();
          assert.ok(answer, `unexpected question about the run of ${name}`);
          trainingLog.push(`asked about ${name}: ${answer}`);
          return answer;
        },
        async stop() {
          trainingLog.push('stopped');
        },
      },
      openModel: options.openModel ?? (async () => assert.fail('no model file is opened here')),
      ui: {
        async askUnsaved(name) {
          unsavedAsked.push(name);
          trainingLog.push('asked about unsaved changes');
          const answer = unsaved.shift();
          assert.ok(answer, `unexpected unsaved-changes question about ${name}`);
          return answer;
        },
        showDocumentErrors: (source, errors) => void errorDialogs.push({ source, errors }),
        notify: (kind, message) => void toasts.push({ kind, message }),
      },
    });
    h = { actions, state, loads, toasts, errorDialogs, unsavedAsked, trainingLog, prompts, service };
    return h;
  }

  const put = (name: string, text: string) => writeFileSync(join(host.workspace, name), text);
  const onDisk = (name: string) => readFileSync(join(host.workspace, name), 'utf8');

  beforeEach(() => {
    host = createFakeHost();
    client = host.client;
  });
  afterEach(() => {
    assert.deepEqual(h.prompts.pending, [], 'every scripted answer is used');
    host.dispose();
  });

  it('saves the canonical text, and the saved graph reopens identical', async () => {
    const doc = template('char-gru.rnn.json');
    const { actions, state } = harness({ doc, dirty: true, prompts: [{ saveName: 'diary' }, { open: 'diary.rnn.json' }] });
    assert.equal(await actions.save(), true);
    assert.deepEqual(h.prompts.asked, [`save:${suggestedFileName(doc.name)}`]);
    assert.equal(onDisk('diary.rnn.json'), serializeGraph(doc));
    assert.deepEqual(state, { doc, path: join(host.workspace, 'diary.rnn.json'), dirty: false });
    assert.deepEqual(h.toasts, [{ kind: 'success', message: 'Saved diary.rnn.json' }]);

    state.doc = template('sine-elman.rnn.json');
    assert.equal(await actions.open(), true);
    assert.deepEqual(state.doc, doc);
    assert.equal(state.dirty, false);
  });

  it('saves a document it opened in place, without asking', async () => {
    put('g.rnn.json', serializeGraph(template('adding-lstm.rnn.json')));
    const { actions, state } = harness({ prompts: [{ open: 'g.rnn.json' }] });
    await actions.open();
    state.doc = { ...state.doc, name: 'renamed' };
    state.dirty = true;
    assert.equal(await actions.save(), true);
    assert.equal(JSON.parse(onDisk('g.rnn.json')).name, 'renamed');
    assert.equal(state.dirty, false);
  });

  it('shows a broken file’s errors with their paths and leaves the document alone', async () => {
    const broken = JSON.parse(serializeGraph(template('adding-lstm.rnn.json'))) as { nodes: { position: unknown }[] };
    broken.nodes[2].position = 'here';
    put('broken.rnn.json', JSON.stringify(broken));
    const { actions, state } = harness({ dirty: true, prompts: [{ open: 'broken.rnn.json' }] });
    const before = { ...state };
    assert.equal(await actions.open(), false);
    assert.deepEqual(state, before);
    assert.equal(h.loads.length, 0);
    assert.deepEqual(h.unsavedAsked, [], 'nothing to ask about when nothing will replace the document');
    assert.equal(h.errorDialogs.length, 1);
    assert.equal(h.errorDialogs[0].source, 'broken.rnn.json');
    assert.deepEqual(
      h.errorDialogs[0].errors.map((e) => e.path),
      ['nodes[2].position'],
    );
  });

  it('asks about unsaved changes before opening, and Cancel keeps the document', async () => {
    put('other.rnn.json', serializeGraph(template('adding-lstm.rnn.json')));
    const { actions, state } = harness({ dirty: true, prompts: [{ open: 'other.rnn.json' }], unsaved: ['cancel'] });
    const doc = state.doc;
    assert.equal(await actions.open(), false);
    assert.equal(state.doc, doc);
    assert.equal(state.dirty, true);
    assert.deepEqual(h.unsavedAsked, [doc.name]);
  });

  it('saves first when the answer is Save, and keeps the document if that save is cancelled', async () => {
    put('other.rnn.json', serializeGraph(template('adding-lstm.rnn.json')));
    const { actions, state } = harness({ dirty: true, prompts: [{ open: 'other.rnn.json' }, { saveName: null }], unsaved: ['save'] });
    const doc = state.doc;
    assert.equal(await actions.open(), false);
    assert.equal(state.doc, doc);

    const again = harness({ dirty: true, prompts: [{ open: 'other.rnn.json' }, { saveName: 'kept' }], unsaved: ['save'] });
    const first = again.state.doc;
    assert.equal(await again.actions.open(), true);
    assert.equal(onDisk('kept.rnn.json'), serializeGraph(first));
    assert.equal(again.state.doc.name, template('adding-lstm.rnn.json').name);
    assert.equal(again.state.path, join(host.workspace, 'other.rnn.json'));
  });

  it('starts a new graph, asking first when there are unsaved changes', async () => {
    const { actions, state } = harness({ dirty: true, path: '/somewhere.rnn.json', unsaved: ['discard'] });
    assert.equal(await actions.newDocument(), true);
    assert.deepEqual(state, { doc: { format: 'rnn-studio.graph', version: 1, name: 'Untitled', nodes: [], edges: [] }, path: null, dirty: false });
  });

  it('asks about a run still training first: Cancel keeps the document and the run', async () => {
    const { actions, state, trainingLog } = harness({ dirty: true, training: ['cancel'] });
    const doc = state.doc;
    assert.equal(await actions.newDocument(), false);
    assert.equal(state.doc, doc);
    assert.deepEqual(trainingLog, [`asked about ${doc.name}: cancel`]);
  });

  it('stops the run only once the document really goes', async () => {
    const kept = harness({ dirty: true, training: ['stop'], unsaved: ['cancel'] });
    assert.equal(await kept.actions.newDocument(), false);
    assert.deepEqual(kept.trainingLog, [`asked about ${kept.state.doc.name}: stop`, 'asked about unsaved changes'], 'a cancelled replacement leaves the run training');

    const { actions, state, trainingLog } = harness({ dirty: true, training: ['stop'], unsaved: ['discard'] });
    const name = state.doc.name;
    assert.equal(await actions.newDocument(), true);
    assert.equal(state.doc.name, 'Untitled');
    assert.deepEqual(trainingLog, [`asked about ${name}: stop`, 'asked about unsaved changes', 'stopped']);
  });

  it('keeps the run training in the background when asked to, and opens the template', async () => {
    const { actions, state, trainingLog } = harness({ training: ['keep'] });
    const name = state.doc.name;
    assert.equal(await actions.openTemplate({ id: 'adding-lstm', name: 'adding' }), true);
    assert.equal(state.doc.name, template('adding-lstm.rnn.json').name);
    assert.deepEqual(trainingLog, [`asked about ${name}: keep`]);
  });

  describe('a trained model', () => {
    /** The sine template with fresh weights, as a model file. */
    const modelText = () => {
      const graph = { ...template('sine-elman.rnn.json'), name: 'Trained sine' };
      const weightInfo = compileGraph(graph, { steps: 1, batch: 1 }).weights;
      return writeModel({ graph, weights: initWeights(weightInfo, 3), weightInfo, encoding: 'json', training: { epochs: 2, steps: 10, finalLoss: 0.5, seed: 3, savedAt: new Date().toISOString(), history: [{ epoch: 1, loss: 0.9, metrics: {} }, { epoch: 2, loss: 0.5, metrics: {} }] } });
    };
    const opening = (session: RunSession): FileActionsDeps['openModel'] => async (text) => {
      const reply = await session.openModel(text);
      return reply.ok ? succeed({ doc: reply.value.doc, adopt: () => void session.adopt(reply.value, 'unsaved:1') }) : fail(failureOf(reply.error));
    };

    it('opens as a new document whose finished run is the model’s, after asking about unsaved changes', async () => {
      const session = new RunSession();
      session.attach(client);
      const { actions, state } = harness({ dirty: true, unsaved: ['discard'], prompts: [{ open: 'sine.rnn-model.json' }], openModel: opening(session) });
      put('sine.rnn-model.json', modelText());
      assert.equal(await actions.open(), true);
      assert.equal(state.doc.name, 'Trained sine');
      assert.equal(state.path, null, 'saving writes a graph file, never over the model');
      assert.equal(state.dirty, false);
      assert.deepEqual(h.unsavedAsked, [template('sine-elman.rnn.json').name]);
      const run = session.store.getState();
      assert.equal(run.phase, 'ended');
      assert.equal(run.origin, 'model');
      assert.ok(run.runId);
      assert.equal(run.step, 10);
      assert.deepEqual(Array.from({ length: run.epochs.length }, (_, i) => run.epochs.loss.at(i)), [0.9, 0.5]);
      assert.deepEqual(h.toasts, [{ kind: 'info', message: 'Opened the trained model sine.rnn-model.json: its weights are the finished run in the Training tab.' }]);
    });

    it('a model whose weights do not fit is refused in the host’s words, before any question, and nothing changes', async () => {
      const session = new RunSession();
      session.attach(client);
      const { actions, state } = harness({ dirty: true, prompts: [{ open: 'bad.rnn-model.json' }], openModel: opening(session) });
      const doc = state.doc;
      put('bad.rnn-model.json', modelText().replace('"format": "rnn-studio.model"', '"format": "rnn-studio.model", "extra": 1'));
      assert.equal(await actions.open(), false);
      assert.equal(state.doc, doc);
      assert.deepEqual(h.unsavedAsked, []);
      assert.equal(session.store.getState().phase, 'idle');
      assert.equal(h.toasts[0].kind, 'error');
      assert.match(h.toasts[0].message, /unknown key "extra"/);
    });
  });

  it('opens a template at its own path, and Save then asks for a new name', async () => {
    const { actions, state } = harness({ prompts: [{ saveName: 'my sine' }] });
    const shipped = readFileSync(`${TEMPLATES_DIR}sine-elman.rnn.json`, 'utf8');
    assert.equal(await actions.openTemplate({ id: 'sine-elman', name: 'Sine' }), true);
    assert.equal(state.path, join(TEMPLATES_DIR, 'sine-elman.rnn.json'), 'dataset files resolve from the template folder');
    assert.equal(state.dirty, false);
    state.doc = { ...state.doc, description: 'mine now' };
    assert.equal(await actions.save(), true);
    assert.equal(readFileSync(`${TEMPLATES_DIR}sine-elman.rnn.json`, 'utf8'), shipped, 'the shipped template is never overwritten');
    assert.equal(state.path, join(host.workspace, 'my sine.rnn.json'));
    assert.equal(JSON.parse(onDisk('my sine.rnn.json')).description, 'mine now');
  });

  it('reports a template that does not exist in the host’s words', async () => {
    const { actions, state } = harness();
    const doc = state.doc;
    assert.equal(await actions.openTemplate({ id: 'nope', name: 'Nope' }), false);
    assert.equal(state.doc, doc);
    assert.equal(h.toasts[0].kind, 'error');
    assert.match(h.toasts[0].message, /^Could not open the template: no template 'nope' \(known: .*sine-elman/);
  });

  it('imports a file as an unsaved document with no path', async () => {
    const { actions, state } = harness();
    const text = serializeGraph(template('weather-food-jordan.rnn.json'));
    assert.equal(await actions.importFile({ name: 'shared.json', text: async () => text }), true);
    assert.deepEqual(state, { doc: template('weather-food-jordan.rnn.json'), path: null, dirty: true });
    assert.deepEqual(h.toasts, [{ kind: 'info', message: 'Imported shared.json. It is not saved yet.' }]);
  });

  it('refuses an import that is not JSON, naming the line and column', async () => {
    const { actions, state } = harness();
    const doc = state.doc;
    assert.equal(await actions.importFile({ name: 'notes.json', text: async () => '{\n  "format": \n}' }), false);
    assert.equal(state.doc, doc);
    assert.match(h.errorDialogs[0].errors[0].message, /line 3, column 1/);
  });

  it('says the engine is not connected and changes nothing when the host is down', async () => {
    client = null;
    const { actions, state } = harness({ dirty: true });
    const before = { ...state };
    assert.equal(await actions.open(), false);
    assert.equal(await actions.save(), false);
    assert.equal(await actions.openTemplate({ id: 'sine-elman', name: 'Sine' }), false);
    assert.deepEqual(state, before);
    assert.equal(h.toasts.length, 3);
    for (const toast of h.toasts) {
      assert.equal(toast.kind, 'error');
      assert.match(toast.message, /engine is not connected/);
    }
    assert.match(h.toasts[1].message, /Export JSON/, 'a save that cannot happen points to the way that still works');
  });

  it('takes a recent file that cannot be opened off the list, and says so', async () => {
    put('good.rnn.json', serializeGraph(template('adding-lstm.rnn.json')));
    put('later-broken.rnn.json', serializeGraph(template('char-gru.rnn.json')));
    put('later-gone.rnn.json', serializeGraph(template('sine-elman.rnn.json')));
    const { actions, state, service } = harness({ prompts: [{ open: 'later-gone.rnn.json' }, { open: 'later-broken.rnn.json' }, { open: 'good.rnn.json' }] });
    for (let i = 0; i < 3; i++) assert.equal(await actions.open(), true);
    const names = async () => (await service.recent()).map((r) => r.name);
    assert.deepEqual(await names(), ['good.rnn.json', 'later-broken.rnn.json', 'later-gone.rnn.json']);
    put('later-broken.rnn.json', '{ "format": "rnn-studio.graph", ');
    rmSync(join(host.workspace, 'later-gone.rnn.json'));
    const opened = state.doc;
    const [, broken, gone] = await service.recent();

    assert.equal(await actions.openRecent(broken), false);
    assert.equal(state.doc, opened, 'the document is unchanged');
    assert.deepEqual(h.toasts.at(-1), { kind: 'error', message: '“later-broken.rnn.json” is not a graph file this app can read, so it has been removed from the recent files.' });
    assert.equal(h.errorDialogs.length, 1, 'what is wrong with the file is shown');
    assert.deepEqual(await names(), ['good.rnn.json', 'later-gone.rnn.json']);

    assert.equal(await actions.openRecent(gone), false);
    assert.deepEqual(h.toasts.at(-1), { kind: 'error', message: '“later-gone.rnn.json” no longer exists. It has been removed from the recent files.' });
    assert.deepEqual(await names(), ['good.rnn.json']);

    // With the engine away nothing is known about the file: it stays.
    client = null;
    const [good] = await service.recent();
    assert.equal(await actions.openRecent(good), false);
    assert.match(h.toasts.at(-1)!.message, /engine is not connected/);
    assert.deepEqual(await names(), ['good.rnn.json']);
  });

  it('runs one action at a time', async () => {
    const { actions } = harness({ prompts: [{ saveName: 'once' }] });
    const [first, second] = await Promise.all([actions.saveAs(), actions.saveAs()]);
    assert.deepEqual([first, second], [true, false]);
    assert.equal(actions.busy, false);
  });

  it('keeps the document dirty when it changed while being saved', async () => {
    const { actions, state } = harness({ dirty: true, prompts: [{ saveName: 'moving' }] });
    const saving = actions.save();
    state.doc = { ...state.doc, name: 'edited during the save' };
    assert.equal(await saving, true);
    assert.equal(state.dirty, true);
  });
});
