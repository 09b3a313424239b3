/**
 * The engine service answering requests as the UI sends them: validate, compile to the unrolled
 * view, datasets, templates and workspace files. Training is in service-training.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { z } from 'zod';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { loadDataset } from '../../../engine/datasets/index.ts';
import { datasetFiles } from '../../../engine/files/dataset-files.ts';
import { parseGraph } from '../../../engine/graph/document.ts';
import { streamTypes } from '../../../engine/trainer/batches.ts';
import { TEMPLATES_DIR } from '../../helpers/templates.ts';
import { harness, templateJson } from './harness.ts';

const workspace = mkdtempSync(join(tmpdir(), 'rnn-host-ws-'));
const h = harness({ workspace });
const noWorkspace = harness({ workspace: null });
after(() => Promise.all([h.service.dispose(), noWorkspace.service.dispose()]));

describe('graph.validate', () => {
  it('a template is valid', async () => {
    const r = await h.ok('graph.validate', { graph: templateJson('weather-food-jordan.rnn.json') });
    assert.deepEqual(r.diagnostics, []);
  });

  it('a document that does not parse: invalid-graph naming the JSON paths', async () => {
    const g = templateJson('sine-elman.rnn.json');
    g.nodes[1].position = { x: 'left' };
    g.nodes[2].id = '2bad';
    const e = await h.fails('graph.validate', { graph: g });
    assert.equal(e.code, 'invalid-graph');
    assert.match(e.message, /nodes\[1\]\.position\.x \(node 'rnn'\)/);
    assert.match(e.message, /nodes\[2\]\.id/);
  });

  it('a dataset that cannot be built is an error diagnostic, not a failed request', async () => {
    const g = templateJson('char-gru.rnn.json');
    g.dataset.params.file = 'no-such-diary.txt';
    const r = await h.ok('graph.validate', { graph: g, documentPath: join(TEMPLATES_DIR, 'char-gru.rnn.json') });
    const d = r.diagnostics.find((x) => x.code === 'dataset');
    assert.ok(d, JSON.stringify(r.diagnostics));
    assert.equal(d.severity, 'error');
    assert.match(d.message, /^dataset\.params\.file: .*no-such-diary\.txt/);
  });

  it("relative dataset files resolve against the document's folder, else the workspace", async () => {
    const g = templateJson('char-gru.rnn.json');
    assert.deepEqual((await h.ok('graph.validate', { graph: g, documentPath: join(TEMPLATES_DIR, 'char-gru.rnn.json') })).diagnostics, []);
    const inWorkspace = await h.ok('graph.validate', { graph: g, documentPath: null });
    assert.ok(inWorkspace.diagnostics.some((d) => d.code === 'dataset' && d.message.includes(workspace)), JSON.stringify(inWorkspace.diagnostics));
  });

  it('block problems come back pinned to the node and port', async () => {
    const g = templateJson('adding-lstm.rnn.json');
    g.nodes.find((n) => n.id === 'seq')!.params.size = 3;
    const r = await h.ok('graph.validate', { graph: g });
    assert.ok(r.diagnostics.some((d) => d.severity === 'error' && d.code === 'size-mismatch' && d.nodeId === 'seq'), JSON.stringify(r.diagnostics));
  });
});

describe('graph.compile', () => {
  for (const [file, steps] of [
    ['weather-food-jordan.rnn.json', 3],
    ['weather-food-jordan.rnn.json', 6],
    ['char-gru.rnn.json', 4],
  ] as const) {
    it(`${file}, T = ${steps}: cell counts add up to the train IR's nodes, per block and in total`, async () => {
      const json = templateJson(file);
      const { unrolled } = await h.ok('graph.compile', { graph: json, documentPath: join(TEMPLATES_DIR, file), steps });
      const parsed = parseGraph(json);
      assert.ok(parsed.ok);
      const dataset = loadDataset(parsed.graph.dataset, datasetFiles(TEMPLATES_DIR));
      assert.ok(dataset.ok);
      const { train, weights } = compileGraph(parsed.graph, { steps, batch: 1, streams: streamTypes(dataset.value) });

      assert.equal(unrolled.steps, steps);
      assert.deepEqual(
        unrolled.blocks.map((b) => b.id),
        parsed.graph.nodes.map((n) => n.id),
      );
      for (const n of parsed.graph.nodes) assert.equal(unrolled.blocks.find((b) => b.id === n.id)!.label, n.label ?? n.type);
      const sum = (phase: 'forward' | 'backward') => unrolled.cells.reduce((s, c) => s + c[phase], 0);
      const count = (phase: 'forward' | 'backward', block?: string) => train.nodes.filter((n) => n.phase === phase && (block === undefined || n.origin.block === block)).length;
      assert.equal(sum('forward'), count('forward'));
      assert.equal(sum('backward'), count('backward'));
      assert.equal(unrolled.totals.forward, count('forward'));
      assert.equal(unrolled.totals.backward, count('backward'));
      assert.ok(unrolled.totals.backward > 0);
      for (const b of unrolled.blocks) {
        const cells = unrolled.cells.filter((c) => c.block === b.id);
        assert.equal(cells.reduce((s, c) => s + c.forward, 0), count('forward', b.id), `block ${b.id}`);
        assert.equal(cells.reduce((s, c) => s + c.backward, 0), count('backward', b.id), `block ${b.id}`);
      }
      assert.equal(unrolled.totals.parameters, weights.reduce((s, w) => s + w.shape.reduce((a, x) => a * x, 1), 0));
      // Steps are honoured: every time step 0 … T−1 appears, and no other.
      const ts = new Set(unrolled.cells.flatMap((c) => (c.t === null ? [] : [c.t])));
      assert.deepEqual([...ts].sort((a, b) => a - b), Array.from({ length: steps }, (_, t) => t));
      // A recurrent block carries its state from each step to the next.
      const recurrent = unrolled.links.filter((l) => l.kind === 'recurrent');
      assert.deepEqual([...new Set(recurrent.map((l) => l.to.t))].sort(), Array.from({ length: steps - 1 }, (_, t) => t + 1));
      for (const l of recurrent) assert.equal(l.to.t! - l.from.t!, 1);
      for (const l of unrolled.links) assert.ok(l.from.block !== l.to.block || l.from.t !== l.to.t, 'links join different cells');
    });
  }

  it('a bidirectional block: recurrent links run both ways, one per step in each direction', async () => {
    const g = templateJson('sine-elman.rnn.json');
    const rnn = g.nodes.find((n) => n.id === 'rnn')!;
    rnn.type = 'bidirectional';
    rnn.params = { cell: { type: 'elman', units: 4 }, merge: 'concat', returnSequences: false };
    const { unrolled } = await h.ok('graph.compile', { graph: g, steps: 5 });
    const recurrent = unrolled.links.filter((l) => l.kind === 'recurrent');
    const forward = recurrent.filter((l) => l.to.t! - l.from.t! === 1);
    const backward = recurrent.filter((l) => l.from.t! - l.to.t! === 1);
    assert.equal(forward.length + backward.length, recurrent.length, 'only between neighbouring steps');
    assert.deepEqual(forward.map((l) => l.to.t).sort(), [1, 2, 3, 4]);
    assert.deepEqual(backward.map((l) => l.to.t).sort(), [0, 1, 2, 3]);
  });

  it('a graph with errors: graph-has-errors, and the diagnostics as an event', async () => {
    const g = templateJson('adding-lstm.rnn.json');
    g.nodes.find((n) => n.id === 'seq')!.params.size = 3;
    const before = h.eventsOf('diagnostics').length;
    const e = await h.fails('graph.compile', { graph: g, steps: 3 });
    assert.equal(e.code, 'graph-has-errors');
    assert.match(e.message, /node 'seq'/);
    const events = h.eventsOf('diagnostics').slice(before);
    assert.equal(events.length, 1);
    assert.equal(events[0].source, 'compile');
    assert.ok(events[0].diagnostics.some((d) => d.nodeId === 'seq' && d.code === 'size-mismatch'));
  });

  it('a dataset that cannot be built: dataset', async () => {
    const g = templateJson('sine-elman.rnn.json');
    g.dataset.params.window = 1;
    const e = await h.fails('graph.compile', { graph: g });
    assert.equal(e.code, 'dataset');
    assert.match(e.message, /dataset\.params\.window: must be ≥ 2/);
  });
});

describe('datasets and templates', () => {
  it('executors.list: every executor in order of preference, both languages, and whether it can run here', async () => {
    const { executors } = await h.ok('executors.list', {});
    assert.deepEqual(
      executors.map((e) => [e.id, e.available, e.reason]),
      [
        ['onnxruntime', true, null],
        ['reference', true, null],
      ],
    );
    for (const e of executors) assert.ok(e.label.en && e.label.zh && e.description.en && e.description.zh);
  });

  it('datasets.list: every dataset with both languages and a JSON Schema of its params', async () => {
    const { datasets } = await h.ok('datasets.list', {});
    assert.deepEqual(datasets.map((d) => d.type).sort(), ['adding', 'sequence-copy', 'sine', 'tagging', 'text', 'weather-food']);
    for (const d of datasets) {
      assert.ok(d.label.en && d.label.zh && d.help.en && d.help.zh);
      assert.equal(d.paramsSchema.type, 'object');
    }
    const text = z
      .object({ required: z.array(z.string()), properties: z.record(z.string(), z.object({ default: z.unknown().optional() })) })
      .parse(datasets.find((d) => d.type === 'text')!.paramsSchema);
    assert.deepEqual(text.required, ['file'], 'fields with defaults are optional');
    assert.equal(text.properties.steps.default, 32);
  });

  it('templates.list names each template from its document; templates.open gives its text and path', async () => {
    const { templates } = await h.ok('templates.list', {});
    const files = readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.rnn.json'));
    assert.equal(templates.length, files.length);
    const adding = templates.find((t) => t.id === 'adding-lstm');
    assert.ok(adding);
    assert.equal(adding.name, templateJson('adding-lstm.rnn.json').name);
    assert.ok(adding.description.length > 20);
    const opened = await h.ok('templates.open', { id: 'adding-lstm' });
    assert.equal(opened.documentPath, join(TEMPLATES_DIR, 'adding-lstm.rnn.json'));
    assert.equal(opened.text, readFileSync(opened.documentPath, 'utf8'));
  });

  it('an unknown template, or a path dressed as one: not-found', async () => {
    for (const id of ['nope', '../package', 'data/cook-diary']) {
      const e = await h.fails('templates.open', { id });
      assert.equal(e.code, 'not-found', id);
      assert.match(e.message, /known: adding-lstm/);
    }
  });
});

describe('files', () => {
  const graphText = `${JSON.stringify(templateJson('sine-elman.rnn.json'), null, 2)}\n`;

  it('without a workspace every files call is not-found, saying so', async () => {
    for (const e of [
      await noWorkspace.fails('files.list', {}),
      await noWorkspace.fails('files.read', { name: 'a.rnn.json' }),
      await noWorkspace.fails('files.write', { name: 'a.rnn.json', text: '{}' }),
    ]) {
      assert.equal(e.code, 'not-found');
      assert.match(e.message, /no workspace/);
    }
  });

  it('names that leave the folder, hide, or have another extension are refused with the reason', async () => {
    const cases: [string, RegExp][] = [
      ['../escape.rnn.json', /path separator/],
      ['sub/inner.rnn.json', /path separator/],
      ['..\\escape.json', /path separator/],
      ['..', /'\.\.'/],
      ['a..b.json', /'\.\.'/],
      ['.hidden.rnn.json', /starts with a dot/],
      ['notes.txt', /does not end in \.rnn\.json, \.rnn-model\.json, \.json/],
      ['what?.json', /character/],
    ];
    for (const [name, why] of cases) {
      for (const e of [await h.fails('files.write', { name, text: 'x' }), await h.fails('files.read', { name })]) {
        assert.equal(e.code, 'bad-message', name);
        assert.match(e.message, why, name);
        assert.ok(e.message.includes(JSON.stringify(name)), 'the message names the file');
      }
    }
    assert.deepEqual(readdirSync(workspace), [], 'nothing was written');
  });

  it('write then read; no overwrite without asking; overwrite replaces atomically', async () => {
    const { documentPath } = await h.ok('files.write', { name: 'mine.rnn.json', text: graphText });
    assert.equal(documentPath, join(workspace, 'mine.rnn.json'));
    assert.deepEqual(await h.ok('files.read', { name: 'mine.rnn.json' }), { text: graphText, documentPath });

    const e = await h.fails('files.write', { name: 'mine.rnn.json', text: 'something else' });
    assert.equal(e.code, 'busy');
    assert.match(e.message, /already exists/);
    assert.equal(readFileSync(documentPath, 'utf8'), graphText, 'the file is unchanged');

    await h.ok('files.write', { name: 'mine.rnn.json', text: '{"replaced": true}\n', overwrite: true });
    assert.equal(readFileSync(documentPath, 'utf8'), '{"replaced": true}\n');
    assert.deepEqual(readdirSync(workspace), ['mine.rnn.json'], 'no temporary file is left');
  });

  it('a file that is not there: not-found', async () => {
    const e = await h.fails('files.read', { name: 'missing.rnn.json' });
    assert.equal(e.code, 'not-found');
    assert.match(e.message, /missing\.rnn\.json: no such file/);
  });

  it('files.list: the app\'s files with size and time, newest first', async () => {
    writeFileSync(join(workspace, 'old.rnn-model.json'), '{}');
    utimesSync(join(workspace, 'old.rnn-model.json'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    writeFileSync(join(workspace, 'new.json'), '[1, 2]');
    writeFileSync(join(workspace, 'ignored.txt'), 'not an app file');
    writeFileSync(join(workspace, '.hidden.json'), '{}');
    utimesSync(join(workspace, 'new.json'), new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    const listed = await h.ok('files.list', {});
    assert.equal(listed.workspace, workspace);
    assert.deepEqual(
      listed.files.map((f) => f.name),
      ['new.json', 'mine.rnn.json', 'old.rnn-model.json'],
    );
    assert.equal(listed.files[0].size, 6);
    assert.equal(listed.files[2].modified, new Date(2001, 1, 1).getTime());
  });
});
