/**
 * What the editor refuses and what it reports: a connection that cannot be valid is refused with
 * the engine's reason and adds no edge; a graph whose input does not fit the dataset shows the
 * problem on that block and in the Problems tab.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertNoPageErrors, clickNode, connect, dragBlock, graphOnCanvas, newGraph, nodeLocator, openApp, screenshot, type Served, startSuite, stopSuite, toasts, typeInto } from './harness.ts';

let served: Served;
let browser: Browser;

before(async () => ({ served, browser } = await startSuite()));
after(() => stopSuite(served, browser));

const edgeLabels = async (page: Page) => (await graphOnCanvas(page)).edges.map((e) => e.label);

/** Waits for an error toast whose text matches, and returns its text. */
async function errorToast(page: Page, text: RegExp): Promise<string> {
  const toast = page.locator('[data-testid="toast"][data-kind="error"]').filter({ hasText: text });
  await toast.first().waitFor({ timeout: 5000 });
  return (await toast.first().innerText()).trim();
}

async function dismissToasts(page: Page): Promise<void> {
  for (const close of await page.locator('[data-testid="toast"] .toast-close').all()) await close.click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="toast"]').length === 0);
}

describe('refused connections and diagnostics', () => {
  test('a vector into a sequence input, or a second edge into an input, is refused with the reason', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;
    await newGraph(page);
    const first = await dragBlock(page, 'input', 110, 120);
    const lstm = await dragBlock(page, 'lstm', 360, 120);
    const second = await dragBlock(page, 'input', 110, 300);

    // The first input gives one vector per example; the LSTM's input needs a sequence.
    await clickNode(page, first);
    await page.getByTestId('param-sequence').click();
    await page.waitForFunction((id) => document.querySelector(`.react-flow__node[data-id="${id}"] .react-flow__handle.source[data-handleid="out"]`)?.classList.contains('kind-vector'), first);
    await connect(page, [first, 'out'], [lstm, 'in']);
    const kindReason = await errorToast(page, /Cannot connect/);
    assert.match(kindReason, new RegExp(`^Cannot connect: 'lstm' input 'in' takes a sequence, but receives one vector .*; set sequence to true on the input block '${first}'`));
    assert.deepEqual(await edgeLabels(page), [], 'no edge was added');
    await screenshot(page, 'diagnostics-refused-kind');
    await dismissToasts(page);

    // Back to a sequence, it connects; a second edge into the same input is refused.
    await clickNode(page, first);
    await page.getByTestId('param-sequence').click();
    await connect(page, [first, 'out'], [lstm, 'in']);
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__edge').length === 1);
    assert.deepEqual(await edgeLabels(page), [`Edge from ${first} to ${lstm}`]);
    await connect(page, [second, 'out'], [lstm, 'in']);
    const occupied = await errorToast(page, /already receives/);
    assert.match(occupied, new RegExp(`Cannot connect: input 'in' of '${lstm}' already receives edge '[^']+' from '${first}\\.out'`));
    assert.deepEqual(await edgeLabels(page), [`Edge from ${first} to ${lstm}`], 'still one edge');
    assert.deepEqual((await toasts(page)).map((x) => x.kind), ['error']);
    await screenshot(page, 'diagnostics-refused-occupied');
    assertNoPageErrors(t, app);
  });

  test('an input wider than the dataset is marked on that block and listed in Problems', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;
    await newGraph(page);
    const input = await dragBlock(page, 'input', 110, 150);
    const lstm = await dragBlock(page, 'lstm', 330, 150);
    const dense = await dragBlock(page, 'dense', 550, 150);
    const output = await dragBlock(page, 'output', 770, 150);
    await connect(page, [input, 'out'], [lstm, 'in']);
    await connect(page, [lstm, 'out'], [dense, 'in']);
    await connect(page, [dense, 'out'], [output, 'in']);
    await page.getByTestId('tab-training').click();
    await page.getByTestId('dataset-type').selectOption('sine');
    await clickNode(page, lstm);
    await page.getByTestId('param-returnSequences').click();
    await clickNode(page, dense);
    await typeInto(page.getByTestId('param-units'), '1');
    // The graph fits the dataset so far.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="node-diagnostic"][data-severity="error"]').length === 0, undefined, { timeout: 10_000 });

    // Three features per step, while the sine gives one.
    await clickNode(page, input);
    await typeInto(page.getByTestId('param-size'), '3');
    const marked = page.locator('[data-testid="node-diagnostic"][data-severity="error"]');
    await marked.first().waitFor({ timeout: 10_000 });
    const onNodes = await marked.evaluateAll((ds) => ds.map((d) => ({ node: d.closest('.react-flow__node')?.getAttribute('data-id'), code: d.getAttribute('data-code'), message: d.getAttribute('title') ?? '' })));
    assert.equal(onNodes.length, 1, `one block is marked: ${JSON.stringify(onNodes)}`);
    assert.equal(onNodes[0].node, input, 'the input block carries the problem');
    assert.equal(onNodes[0].code, 'size-mismatch');
    assert.match(onNodes[0].message, new RegExp(`'${input}' .*3 features.*the dataset's 'x' is a sequence of 1 feature.*\\(expected 1, got 3\\)`));
    assert.match(await nodeLocator(page, input).getByTestId('node-diagnostic').innerText(), /Size mismatch/);
    await screenshot(page, 'diagnostics-node');

    await page.getByTestId('tab-problems').click();
    assert.match(await page.getByTestId('tab-problems').innerText(), /Problems \(1\)/);
    const problem = page.locator(`[data-testid="problem"][data-node="${input}"]`);
    assert.equal(await problem.getAttribute('data-code'), 'size-mismatch');
    assert.equal(await problem.getAttribute('data-severity'), 'error');
    assert.match(await problem.innerText(), /Size mismatch[\s\S]*expected 1, got 3/);
    // Choosing the problem selects the block it names.
    await clickNode(page, output);
    await problem.click();
    await page.locator(`.react-flow__node[data-id="${input}"].selected`).waitFor();
    assert.match(await page.getByTestId('inspector').innerText(), new RegExp(`input · Id ${input}`));
    await screenshot(page, 'diagnostics-problems');

    // Setting the size back clears it everywhere.
    await typeInto(page.getByTestId('param-size'), '1');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="problem"]').length === 0, undefined, { timeout: 10_000 });
    assert.equal(await page.getByTestId('node-diagnostic').count(), 0);
    assertNoPageErrors(t, app);
  });
});
