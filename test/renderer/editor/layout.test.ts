/**
 * Auto-layout: ELK's layered layout of the shipped templates and of opened cells, checked with
 * plain geometry (no two boxes overlap, edges run left to right, ports keep their order), and the
 * rules that give new blocks room.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import ELK from 'elkjs/lib/elk.bundled.js';
import { expandNode } from '../../../engine/blocks/expand.ts';
import { parseGraphText } from '../../../engine/graph/document.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { placeNewBlocks, tidyUp } from '../../../renderer/editor/layout/arrange.ts';
import { type Box, boxOf, estimateSize, freeSpot, makeRoom, overlaps, roomForGrowth, type Sizes, type XY } from '../../../renderer/editor/layout/boxes.ts';
import { layeredPositions } from '../../../renderer/editor/layout/layered.ts';

const elk = new ELK();
const NO_SIZES: Sizes = new Map();
const TEMPLATES = 'templates';

function template(file: string): GraphDocument {
  const parsed = parseGraphText(readFileSync(join(TEMPLATES, file), 'utf8'));
  if (!parsed.ok) throw new Error(`${file}: ${parsed.errors[0].message}`);
  return parsed.graph;
}

const withPositions = (doc: GraphDocument, positions: Record<string, XY>): GraphDocument => ({
  ...doc,
  nodes: doc.nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] } : n)),
});

const node = (id: string, type: string, x = 0, y = 0) => ({ id, type, params: {}, position: { x, y } });
const edge = (source: string, target: string, targetPort = 'in') => ({ id: `${source}-${target}-${targetPort}`, source, sourcePort: 'out', target, targetPort });
const graph = (nodes: GraphDocument['nodes'], edges: GraphDocument['edges']): GraphDocument => ({ format: 'rnn-studio.graph', version: 1, name: 'g', nodes, edges });

/** Pairs of nodes whose boxes overlap (ids in document order). */
function overlappingPairs(doc: GraphDocument, sizes: Sizes): [string, string][] {
  const boxes = doc.nodes.map((n) => ({ id: n.id, box: boxOf(sizes, n) }));
  const out: [string, string][] = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) if (overlaps(boxes[i].box, boxes[j].box)) out.push([boxes[i].id, boxes[j].id]);
  return out;
}

/** Every edge whose target starts to the right of its source's right side (data flows left to right). */
function edgesForward(doc: GraphDocument): string[] {
  const at = new Map(doc.nodes.map((n) => [n.id, boxOf(NO_SIZES, n)]));
  return doc.edges.filter((e) => {
    const [s, t] = [at.get(e.source)!, at.get(e.target)!];
    return t.x < s.x + s.width;
  }).map((e) => e.id);
}

describe('layered layout', () => {
  it('a chain runs left to right with no overlaps', async () => {
    const doc = graph([node('a', 'input'), node('b', 'elman'), node('c', 'dense'), node('d', 'output')], [edge('a', 'b'), edge('b', 'c'), edge('c', 'd', 'prediction')]);
    const laid = withPositions(doc, await layeredPositions(doc, new Set(['a', 'b', 'c', 'd']), NO_SIZES, elk));
    assert.deepEqual(overlappingPairs(laid, NO_SIZES), []);
    assert.deepEqual(edgesForward(laid), []);
  });

  it('inputs keep their order: the block feeding the first input sits above the one feeding the second', async () => {
    // Listed so that document order alone would put them the other way round.
    const doc = graph([node('second', 'input'), node('first', 'input'), node('join', 'concat')], [edge('first', 'join', 'a'), edge('second', 'join', 'b')]);
    const ports = estimateSize(doc.nodes[2]).ports.filter((p) => p.side === 'in').map((p) => p.name);
    assert.deepEqual(ports.slice(0, 2), ['a', 'b'], 'concat draws input a above input b');
    const at = await layeredPositions(doc, new Set(['second', 'first', 'join']), NO_SIZES, elk);
    assert.ok(at.first.y < at.second.y, `first at y=${at.first.y}, second at y=${at.second.y}`);
  });

  for (const file of readdirSync(TEMPLATES).filter((f) => f.endsWith('.rnn.json'))) {
    it(`tidy up lays out ${file} with no overlaps, left to right, starting where it started`, async () => {
      const doc = template(file);
      const tidy = withPositions(doc, await tidyUp(doc, [], { sizes: NO_SIZES, elk }));
      assert.deepEqual(overlappingPairs(tidy, NO_SIZES), []);
      assert.deepEqual(edgesForward(tidy).filter((id) => !doc.nodes.some((n) => n.type === 'delay' && id.includes(n.id))), []);
      assert.equal(Math.min(...tidy.nodes.map((n) => n.position.x)), Math.min(...doc.nodes.map((n) => n.position.x)));
      assert.equal(Math.min(...tidy.nodes.map((n) => n.position.y)), Math.min(...doc.nodes.map((n) => n.position.y)));
    });
  }

  it('the shipped templates are laid out with no overlapping blocks', () => {
    for (const file of readdirSync(TEMPLATES).filter((f) => f.endsWith('.rnn.json'))) assert.deepEqual(overlappingPairs(template(file), NO_SIZES), [], file);
  });
});

describe('new blocks', () => {
  for (const [file, block] of [
    ['weather-food-jordan.rnn.json', 'cook'],
    ['adding-lstm.rnn.json', 'lstm'],
    ['sine-elman.rnn.json', 'rnn'],
  ] as const) {
    it(`opening '${block}' of ${file} lays out its cell and pushes the neighbours aside`, async () => {
      const doc = template(file);
      const opened = expandNode(doc, block);
      assert.ok(opened.ok);
      assert.ok(overlappingPairs(opened.doc, NO_SIZES).length > 0, 'the cell as drawn by the engine overlaps its neighbours');
      const placed = withPositions(opened.doc, await placeNewBlocks(opened.doc, opened.nodes, { sizes: NO_SIZES, elk }));
      assert.deepEqual(overlappingPairs(placed, NO_SIZES), []);
      // The neighbours keep their side: what was left of the block is left of every cell block.
      const macro = doc.nodes.find((n) => n.id === block)!;
      const cellLeft = Math.min(...placed.nodes.filter((n) => opened.nodes.includes(n.id)).map((n) => n.position.x));
      for (const n of placed.nodes.filter((x) => !opened.nodes.includes(x.id) && doc.nodes.find((d) => d.id === x.id)!.position.x < macro.position.x))
        assert.ok(n.position.x + boxOf(NO_SIZES, n).width <= cellLeft, `'${n.id}' stays left of the cell`);
      const again = withPositions(opened.doc, await tidyUp(placed, [], { sizes: NO_SIZES, elk }));
      assert.deepEqual(overlappingPairs(again, NO_SIZES), [], 'tidy up after opening');
    });
  }

  it("'free' moves a pasted group, kept as it was, to the nearest free space", async () => {
    const doc = graph([node('a', 'input', 0, 0), node('b', 'dense', 300, 0), node('a2', 'input', 10, 10), node('b2', 'dense', 310, 10)], [edge('a', 'b'), edge('a2', 'b2')]);
    const at = await placeNewBlocks(doc, ['a2', 'b2'], { sizes: NO_SIZES, elk, arrange: false, room: 'free' });
    const placed = withPositions(doc, at);
    assert.deepEqual(overlappingPairs(placed, NO_SIZES), []);
    assert.deepEqual(Object.keys(at).sort(), ['a2', 'b2'], 'only the new blocks move');
    assert.equal(at.b2.x - at.a2.x, 300, 'their arrangement is kept');
  });
});

describe('room and free space', () => {
  const box = (x: number, y: number, width = 100, height = 50): Box => ({ x, y, width, height });

  it('makeRoom moves the boxes beside a region out of it left and right, each side as one, keeping their arrangement', () => {
    const others = new Map([
      ['right', box(150, 0)],
      ['farRight', box(400, 0)],
      ['left', box(-80, 10)],
      ['farLeft', box(-300, 10)],
    ]);
    const region = box(0, 0, 200, 60);
    const at = makeRoom(region, others, 10);
    const after = new Map([...others].map(([id, b]) => [id, at[id] ? { ...b, ...at[id] } : b]));
    for (const [id, b] of after) assert.ok(!overlaps(region, b, 10), `'${id}' is out of the region`);
    assert.equal(after.get('farRight')!.x - after.get('right')!.x, 250, 'the right side moves as one');
    assert.equal(after.get('right')!.y, 0, 'left–right only');
    assert.equal(after.get('left')!.x, -110, 'the left side moves left just enough');
    assert.equal(after.get('left')!.x - after.get('farLeft')!.x, 220, 'and as one');
  });

  it('makeRoom moves nothing when nothing is in the way', () => {
    assert.deepEqual(makeRoom(box(0, 0), new Map([['far', box(500, 500)]]), 40), {});
  });

  it('freeSpot keeps a free place and otherwise finds the nearest free one', () => {
    assert.deepEqual(freeSpot({ x: 0, y: 0 }, { width: 100, height: 50 }, [box(300, 300)], 20), { x: 0, y: 0 });
    const taken = [box(0, 0), box(0, 80), box(130, 0)];
    const spot = freeSpot({ x: 10, y: 10 }, { width: 100, height: 50 }, taken, 20);
    for (const b of taken) assert.ok(!overlaps({ ...spot, width: 100, height: 50 }, b, 20));
    assert.deepEqual(spot, { x: 10, y: -70 }, 'above is nearest');
  });

  it('roomForGrowth: a block grown taller pushes what it now reaches, and all below it, down; the rest stays', () => {
    const doc = graph([node('top', 'input', 0, 0), node('under', 'dense', 0, 140), node('lower', 'dense', 400, 300), node('beside', 'dense', 400, 0)], []);
    const size = { width: 200, height: 100 };
    const before = { top: size, under: size, lower: size, beside: size };
    const grown = { top: { width: 200, height: 180 } };
    const at = roomForGrowth(doc, before, grown, 40);
    assert.deepEqual(Object.keys(at).sort(), ['lower', 'under']);
    assert.equal(at.under.y, 220, 'the grown block ends 40 above the block it reached');
    assert.equal(at.lower.y - at.under.y, 160, 'everything below moves as one');
    assert.deepEqual(roomForGrowth(doc, before, { top: { width: 200, height: 110 } }, 40), {}, 'a growth that reaches nothing moves nothing');
    assert.deepEqual(roomForGrowth(doc, {}, grown, 40), {}, 'a first measurement is not a growth');
  });
});
