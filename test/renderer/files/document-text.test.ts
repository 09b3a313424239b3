/**
 * Graph text as the File menu reads and writes it: parse errors are shown with their JSON paths
 * (and node ids), and what is written is the canonical text, so a saved graph reopens identical.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { emptyDocument } from '../../../renderer/store/document-store.ts';
import { readGraphText, showDocumentErrors, writeGraphText } from '../../../renderer/files/document-text.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { TEMPLATES_DIR } from './fake-host.ts';

const template = (file: string) => readFileSync(`${TEMPLATES_DIR}${file}`, 'utf8');
const templateJson = (file: string) => JSON.parse(template(file)) as { nodes: Record<string, unknown>[]; edges: Record<string, unknown>[] };

function errorsOf(text: string) {
  const read = readGraphText(text);
  assert.equal(read.ok, false, 'the text should be refused');
  return read.ok ? [] : read.errors;
}

describe('parse errors as the error dialog shows them', () => {
  it('sets the JSON path and node apart from the problem', () => {
    const json = templateJson('sine-elman.rnn.json');
    json.nodes[1].position = { x: 'left', y: 0 };
    json.edges[0].id = '9 bad';
    const { shown, more } = showDocumentErrors(errorsOf(JSON.stringify(json)));
    assert.equal(more, 0);
    assert.deepEqual(
      shown.map((s) => s.where),
      [`nodes[1].position.x (node '${String(json.nodes[1].id)}')`, `edges[0].id (edge '9 bad')`],
    );
    assert.match(shown[0].what, /number/);
    assert.ok(!shown[0].what.startsWith('nodes'), shown[0].what);
    assert.match(shown[1].what, /ids are 1–64 letters/);
  });

  it('says where JSON syntax breaks, as a problem of the whole document', () => {
    const { shown } = showDocumentErrors(errorsOf('{\n  "format": "rnn-studio.graph",\n  "nodes": [,]\n}'));
    assert.equal(shown.length, 1);
    assert.equal(shown[0].where, '');
    assert.match(shown[0].what, /line 3, column 13/);
  });

  it('names the field for a wrong format or version', () => {
    assert.deepEqual(showDocumentErrors(errorsOf('{"format":"something-else","version":1}')).shown, [
      { where: 'format', what: 'expected "rnn-studio.graph", got "something-else"' },
    ]);
    const newer = showDocumentErrors(errorsOf('{"format":"rnn-studio.graph","version":99}')).shown[0];
    assert.equal(newer.where, 'version');
    assert.match(newer.what, /newer RNN Studio/);
  });

  it('treats a document that is not an object as one problem with no path', () => {
    assert.deepEqual(showDocumentErrors(errorsOf('[]')).shown, [{ where: '', what: 'a graph document is a JSON object' }]);
  });

  it('shows the first problems and counts the rest', () => {
    const json = templateJson('adding-lstm.rnn.json');
    for (const node of json.nodes) node.position = null;
    const errors = errorsOf(JSON.stringify(json));
    const { shown, more } = showDocumentErrors(errors, 2);
    assert.equal(shown.length, 2);
    assert.equal(more, json.nodes.length - 2);
    assert.equal(errors.length, json.nodes.length);
  });
});

describe('the text that is written', () => {
  for (const file of readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.rnn.json'))) {
    it(`reproduces ${file} byte for byte and reopens identical`, () => {
      const read = readGraphText(template(file));
      assert.ok(read.ok);
      const written = writeGraphText(read.doc);
      assert.ok(written.ok);
      assert.equal(written.text, template(file));
      const again = readGraphText(written.text);
      assert.ok(again.ok);
      assert.deepEqual(again.doc, read.doc);
    });
  }

  it('writes a new graph that opens again', () => {
    const written = writeGraphText(emptyDocument());
    assert.ok(written.ok);
    const read = readGraphText(written.text);
    assert.ok(read.ok);
    assert.deepEqual(read.doc, { format: 'rnn-studio.graph', version: 1, name: 'Untitled', nodes: [], edges: [] });
  });

  it('reports a document the schema refuses instead of throwing', () => {
    const broken = { ...emptyDocument(), nodes: [{ id: 'a', type: 'input', params: {}, position: { x: Number.NaN, y: 0 } }] } as GraphDocument;
    const written = writeGraphText(broken);
    assert.equal(written.ok, false);
    assert.match(written.ok ? '' : written.message, /nodes/);
  });
});
