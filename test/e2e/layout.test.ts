/**
 * Layout in the real browser: every shipped template opens with no two blocks overlapping and no
 * port label cut short, in English and in Chinese; opening a block as primitives lays its cell out
 * clear of its neighbours, and Tidy up (shortcut and button) leaves no overlaps either; blocks
 * added by clicking the palette each land in free space; a drag of several selected blocks moves
 * them together and is undone in one step. Boxes are the rendered nodes'
 * getBoundingClientRect, labels are cut short where scrollWidth exceeds clientWidth.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertNoPageErrors, clickNode, fileMenu, graphOnCanvas, newGraph, nodeLocator, openApp, screenshot, type Served, settleViewport, startSuite, stopSuite } from './harness.ts';

let served: Served;
let browser: Browser;

before(async () => ({ served, browser } = await startSuite()));
after(() => stopSuite(served, browser));

const TEMPLATES = readdirSync('templates')
  .filter((f) => f.endsWith('.rnn.json'))
  .map((f) => f.slice(0, -'.rnn.json'.length))
  .sort();

interface Problems {
  readonly nodes: number;
  /** "a × b" for each pair of rendered nodes whose boxes overlap. */
  readonly overlaps: string[];
  /** "node: label" for each port label drawn shorter than its text. */
  readonly truncated: string[];
}

function layoutProblems(page: Page): Promise<Problems> {
  return page.evaluate(() => {
    const nodes = [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((n) => ({ id: n.getAttribute('data-id') ?? '', r: n.getBoundingClientRect() }));
    const overlaps: string[] = [];
    for (let i = 0; i < nodes.length; i++)
      for (let j = i + 1; j < nodes.length; j++) {
        const [a, b] = [nodes[i].r, nodes[j].r];
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps.push(`${nodes[i].id} × ${nodes[j].id}`);
      }
    const truncated = [...document.querySelectorAll<HTMLElement>('.react-flow__node .port-label')]
      .filter((l) => l.scrollWidth > l.clientWidth)
      .map((l) => `${l.closest('.react-flow__node')?.getAttribute('data-id') ?? '?'}: ${l.textContent ?? ''}`);
    return { nodes: nodes.length, overlaps, truncated };
  });
}

async function openTemplate(page: Page, id: string): Promise<void> {
  await fileMenu(page, 'templates');
  await page.getByTestId(`template-${id}`).click();
  await page.getByTestId('template-gallery').waitFor({ state: 'detached' });
  await settleViewport(page);
}

/** Waits up to 10 s for the canvas to show `expected` (a layout runs in a worker), then returns what it shows once still. */
async function settledProblems(page: Page, expected: (p: Problems) => boolean): Promise<Problems> {
  const deadline = Date.now() + 10_000;
  while (!expected(await layoutProblems(page)) && Date.now() < deadline) await page.waitForTimeout(100);
  await settleViewport(page);
  return layoutProblems(page);
}

type Positions = Record<string, { x: number; y: number }>;
const positions = async (page: Page): Promise<Positions> => Object.fromEntries((await graphOnCanvas(page)).nodes.map((n) => [n.id, n.position]));

/** Waits up to 10 s for the blocks to leave the positions `from` (the layout runs in a worker); fails if they do not. */
async function movedFrom(page: Page, from: Positions): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (JSON.stringify(await positions(page)) === JSON.stringify(from)) {
    assert.ok(Date.now() < deadline, 'the blocks did not move');
    await page.waitForTimeout(100);
  }
}

describe('layout', () => {
  for (const language of ['en', 'zh'] as const)
    test(`every shipped template opens with no overlapping blocks and no cut-short port labels (${language})`, async (t) => {
      const app = await openApp(browser, served);
      t.after(() => app.close());
      const { page } = app;
      if (language === 'zh') {
        await page.getByTestId('language-select').selectOption('zh');
        await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
      }
      assert.ok(TEMPLATES.length >= 6, `templates: ${TEMPLATES.join(', ')}`);
      const found: string[] = [];
      for (const id of TEMPLATES) {
        await openTemplate(page, id);
        const problems = await layoutProblems(page);
        assert.ok(problems.nodes >= 3, `${id} is on the canvas`);
        found.push(...problems.overlaps.map((o) => `${id}: ${o} overlap`), ...problems.truncated.map((l) => `${id}: '${l}' is cut short`));
        if (id.startsWith('reverse')) await screenshot(page, `layout-${id}-${language}`);
      }
      assert.deepEqual(found, []);
      assertNoPageErrors(t, app);
    });

  for (const [template, block] of [
    ['weather-food-jordan', 'cook'],
    ['adding-lstm', 'lstm'],
  ] as const)
    test(`opening '${block}' of ${template} as primitives pushes its neighbours aside; tidy up leaves no overlaps`, async (t) => {
      const app = await openApp(browser, served);
      t.after(() => app.close());
      const { page } = app;
      await openTemplate(page, template);
      await clickNode(page, block);
      await page.getByTestId('expand-node').click();
      await page.waitForFunction((id) => !document.querySelector(`.react-flow__node[data-id="${id}"]`), block);
      const opened = await settledProblems(page, (p) => p.overlaps.length === 0);
      assert.ok(opened.nodes > 4, 'the cell is on the canvas');
      assert.deepEqual(opened.overlaps, [], 'the opened cell is clear of its neighbours');
      await screenshot(page, `layout-opened-${template}`);

      // One undo takes back the opening together with the room made for it.
      const before = await positions(page);
      await page.getByTestId('undo').click();
      await page.locator(`.react-flow__node[data-id="${block}"]`).waitFor();
      await page.getByTestId('redo').click();
      await page.waitForFunction((id) => !document.querySelector(`.react-flow__node[data-id="${id}"]`), block);
      assert.deepEqual(await positions(page), before, 'redo puts the cell and its neighbours back where they were');

      // Tidy up from the keyboard, the whole graph (nothing selected after clicking the pane).
      await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('ControlOrMeta+Shift+L');
      await movedFrom(page, before);
      const tidy = await settledProblems(page, (p) => p.overlaps.length === 0);
      assert.deepEqual(tidy.overlaps, [], 'tidy up leaves no overlaps');
      assert.deepEqual(tidy.truncated, []);
      const tidied = await positions(page);
      // Data flows left to right after a tidy-up: nothing lies left of the input (delays, whose
      // edges loop back, may share its column).
      const centres = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((n) => {
          const r = n.getBoundingClientRect();
          return { type: n.querySelector('.block-node-type')?.textContent ?? '', x: (r.left + r.right) / 2 };
        }),
      );
      const input = centres.find((c) => c.type === 'input')!;
      assert.ok(centres.every((c) => c.x >= input.x - 1), 'the input is leftmost');
      await screenshot(page, `layout-tidy-${template}`);

      // The button in the canvas controls does the same, and a tidy graph stays as it is.
      await page.getByTestId('tidy-up').click();
      await settleViewport(page);
      assert.deepEqual(await positions(page), tidied, 'tidying a tidy graph changes nothing');
      assertNoPageErrors(t, app);
    });

  test('blocks added by clicking the palette each land in free space', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;
    await newGraph(page);
    for (const type of ['input', 'elman', 'dense', 'output', 'lstm', 'gru']) await page.getByTestId(`palette-item-${type}`).click();
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__node').length === 6);
    const added = await settledProblems(page, (p) => p.overlaps.length === 0);
    assert.deepEqual(added.overlaps, []);
    await screenshot(page, 'layout-palette-clicks');
    assertNoPageErrors(t, app);
  });

  test('a drag moves all selected blocks with the pointer; the drop is one undo step', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;
    await settleViewport(page);
    const positionsNow = async () => new Map((await graphOnCanvas(page)).nodes.map((n) => [n.id, n.position]));
    const settlesAt = async (expected: Map<string, { x: number; y: number }>, message: string) => {
      const deadline = Date.now() + 5000;
      for (;;) {
        const now = await positionsNow();
        try {
          assert.deepEqual(now, expected, message);
          return;
        } catch (e) {
          if (Date.now() > deadline) throw e;
          await page.waitForTimeout(50);
        }
      }
    };
    const start = await positionsNow();
    const [first, second] = [...start.keys()];
    await clickNode(page, first);
    await nodeLocator(page, second).locator('.block-node-header').click({ modifiers: ['ControlOrMeta'] });
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__node.selected').length === 2);

    const header = await nodeLocator(page, second).locator('.block-node-header').boundingBox();
    assert.ok(header);
    const from = { x: header.x + 20, y: header.y + header.height / 2 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 30, from.y + 20, { steps: 5 });
    await page.mouse.move(from.x + 60, from.y + 40, { steps: 5 });
    // Before the drop the blocks follow the pointer, both by the same amount.
    const during = await positionsNow();
    const shift = (id: string, at: Map<string, { x: number; y: number }>) => ({ x: at.get(id)!.x - start.get(id)!.x, y: at.get(id)!.y - start.get(id)!.y });
    const [moved, alongside] = [shift(second, during), shift(first, during)];
    assert.ok(Math.abs(moved.x - alongside.x) < 0.01 && Math.abs(moved.y - alongside.y) < 0.01, `the other selected block moves with it (${JSON.stringify({ moved, alongside })})`);
    assert.ok(moved.x > 20 && moved.y > 10, `the dragged block follows the pointer (${JSON.stringify(moved)})`);
    await page.mouse.up();
    await settlesAt(during, 'the blocks stay where they were dropped');
    const dropped = during;

    await page.keyboard.press('ControlOrMeta+z');
    await settlesAt(start, 'one undo puts both blocks back where the drag began');
    await page.keyboard.press('ControlOrMeta+Shift+z');
    await settlesAt(dropped, 'redo puts them where they were dropped');
    assertNoPageErrors(t, app);
  });

  test('a graph file without positions is laid out when it opens', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;
    const dir = mkdtempSync(join(tmpdir(), 'rnn-studio-e2e-layout-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const graph = JSON.parse(readFileSync(join('templates', 'reverse-attention.rnn.json'), 'utf8')) as { nodes: Record<string, unknown>[] };
    for (const n of graph.nodes) delete n.position;
    const file = join(dir, 'unplaced.rnn.json');
    writeFileSync(file, JSON.stringify(graph));

    const chooser = page.waitForEvent('filechooser');
    await fileMenu(page, 'import');
    await (await chooser).setFiles(file);
    await page.waitForFunction((count) => document.querySelectorAll('.react-flow__node').length === count, graph.nodes.length);
    const opened = await settledProblems(page, (p) => p.overlaps.length === 0);
    assert.equal(opened.nodes, graph.nodes.length);
    assert.deepEqual(opened.overlaps, [], 'no block is left on top of another');
    assert.equal(await page.getByTestId('undo').isDisabled(), true, 'laying out is part of opening, not an edit to undo');
    await screenshot(page, 'layout-unplaced-file');
    assertNoPageErrors(t, app);
  });
});
