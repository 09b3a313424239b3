/**
 * Graph documents: every shipped template and fixture survives parse → serialize → parse
 * unchanged, the canonical text is reproduced byte for byte, and a bad file gets a message that
 * names the line and column, the JSON path and the node.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DocumentError, type ParseResult, parseGraph, parseGraphText, serializeGraph } from '../../../engine/graph/document.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TEMPLATES = `${ROOT}templates/`;
const FIXTURES = fileURLToPath(new URL('../../fixtures/graphs/', import.meta.url));
const CANONICAL = 'char-lstm.canonical.rnn.json';

const graphFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.rnn.json'))
    .map((f) => `${dir}${f}`);

function parsed(result: ParseResult): GraphDocument {
  if (!result.ok) assert.fail(result.errors.map((e) => e.message).join('\n'));
  return result.graph;
}

function errors(result: ParseResult): DocumentError[] {
  assert.equal(result.ok, false, 'the document should be rejected');
  return result.ok ? [] : result.errors;
}

/** A valid document as plain JSON, to be broken by each test. */
const valid = (): Record<string, unknown> => JSON.parse(readFileSync(`${FIXTURES}${CANONICAL}`, 'utf8')) as Record<string, unknown>;
const nodesOf = (doc: Record<string, unknown>) => doc.nodes as Record<string, unknown>[];

describe('graph documents', () => {
  const files = [...graphFiles(TEMPLATES), ...graphFiles(FIXTURES)];

  it('there are documents to round-trip', () => {
    assert.ok(files.some((f) => f.startsWith(FIXTURES)) && files.length >= 2, files.join(', '));
  });

  for (const file of files) {
    it(`round-trips ${relative(ROOT, file)}`, () => {
      const first = parsed(parseGraphText(readFileSync(file, 'utf8')));
      const text = serializeGraph(first);
      const second = parsed(parseGraphText(text));
      assert.deepEqual(second, first);
      assert.equal(serializeGraph(second), text, 'serializing is stable');
    });
  }

  for (const file of [`${FIXTURES}${CANONICAL}`, ...graphFiles(TEMPLATES)]) {
    it(`reproduces ${relative(ROOT, file)} byte for byte (opening and saving changes nothing)`, () => {
      const text = readFileSync(file, 'utf8');
      assert.equal(serializeGraph(parsed(parseGraphText(text))), text);
    });
  }

  it('keeps the params of a block type it does not know', () => {
    const doc = valid();
    const params = { heads: 2, nested: { list: [1, { deep: null }], flag: false }, 'odd key': 'kept' };
    nodesOf(doc).push({ id: 'future', type: 'attention', params, position: { x: 0, y: 0 } });
    const graph = parsed(parseGraph(doc));
    assert.deepEqual(graph.nodes.at(-1)?.params, params);
    const again = parsed(parseGraphText(serializeGraph(graph)));
    assert.deepEqual(again.nodes.at(-1), { id: 'future', type: 'attention', params, position: { x: 0, y: 0 } });
  });

  it('names the line and column of a JSON syntax error', () => {
    const text = '{\n  "format": "rnn-studio.graph",\n  "version": 1\n  "name": "missing comma"\n}\n';
    const [e, ...rest] = errors(parseGraphText(text));
    assert.equal(rest.length, 0);
    assert.equal(e.path, '');
    assert.match(e.message, /^not valid JSON: .* at line 4, column 3$/);
  });

  it('locates an error in deeply nested JSON without recursing: 100,000 unclosed brackets', () => {
    for (const text of ['['.repeat(100_000), '{"a":'.repeat(100_000), `${'['.repeat(100_000)}1${']'.repeat(99_999)}}`]) {
      const [e, ...rest] = errors(parseGraphText(text));
      assert.equal(rest.length, 0);
      assert.match(e.message, /^not valid JSON: [^\n]* at line 1, column \d+$/);
    }
  });

  it('rejects a document of another format, naming what it found', () => {
    assert.deepEqual(errors(parseGraph({ ...valid(), format: 'rnn-studio.model' })), [
      { path: 'format', message: 'format: expected "rnn-studio.graph", got "rnn-studio.model"' },
    ]);
    const { format: _format, ...noFormat } = valid();
    assert.match(errors(parseGraph(noFormat))[0].message, /got null$/);
    assert.deepEqual(errors(parseGraphText('[1, 2]')), [{ path: '', message: 'a graph document is a JSON object' }]);
  });

  for (const [version, message] of [
    [2, /^version: this file is version 2, written by a newer RNN Studio; this one reads up to version 1$/],
    [0, /^version: expected a positive integer, got 0$/],
    [1.5, /^version: expected a positive integer, got 1\.5$/],
    ['1', /^version: expected a positive integer, got "1"$/],
  ] as const) {
    it(`refuses version ${JSON.stringify(version)} in one line`, () => {
      const found = errors(parseGraph({ ...valid(), version }));
      assert.equal(found.length, 1);
      assert.equal(found[0].path, 'version');
      assert.match(found[0].message, message);
      assert.ok(!found[0].message.includes('\n'));
    });
  }

  it('rejects duplicate node and edge ids, naming both places', () => {
    const doc = valid();
    const nodes = nodesOf(doc);
    nodes[3] = { ...nodes[3], id: 'embed' };
    const edges = doc.edges as Record<string, unknown>[];
    edges[2] = { ...edges[2], id: 'e1' };
    const found = errors(parseGraph(doc));
    assert.ok(found.some((e) => e.path === 'nodes[3].id' && /duplicate node id 'embed' \(also nodes\[1\]\)/.test(e.message)), JSON.stringify(found));
    assert.ok(found.some((e) => e.path === 'edges[2].id' && /duplicate edge id 'e1' \(also edges\[0\]\)/.test(e.message)), JSON.stringify(found));
  });

  it('names the path and the node of a bad position', () => {
    const doc = valid();
    nodesOf(doc)[1] = { ...nodesOf(doc)[1], position: { x: '220', y: 120 } };
    const [e, ...rest] = errors(parseGraph(doc));
    assert.equal(rest.length, 0);
    assert.equal(e.path, 'nodes[1].position.x');
    assert.match(e.message, /^nodes\[1\]\.position\.x \(node 'embed'\): .*expected number/);
  });

  it('places a node without a position at (0, 0), for the editor to lay out', () => {
    const doc = valid();
    const { position: _left, ...unplaced } = nodesOf(doc)[1] as Record<string, unknown>;
    nodesOf(doc)[1] = unplaced;
    const graph = parsed(parseGraph(doc));
    assert.deepEqual(graph.nodes[1].position, { x: 0, y: 0 });
    assert.deepEqual(graph.nodes[0].position, (valid().nodes as { position: unknown }[])[0].position, 'the other nodes keep theirs');
  });

  it('rejects unknown fields, at the top level and in a node', () => {
    const [top] = errors(parseGraph({ ...valid(), colour: 'blue' }));
    assert.equal(top.path, '');
    assert.match(top.message, /^document: Unrecognized key: "colour"$/);
    const doc = valid();
    nodesOf(doc)[0] = { ...nodesOf(doc)[0], colour: 'blue' };
    const [inNode] = errors(parseGraph(doc));
    assert.match(inNode.message, /^nodes\[0\] \(node 'chars'\): Unrecognized key: "colour"$/);
  });
});
