/**
 * Copy, paste, duplicate and the context menu in the app: blocks copied in one document arrive in
 * another with the edge between them and their params (through the system clipboard), Ctrl+D
 * duplicates, text that is not copied blocks is refused with a toast, and the context menu works
 * with the mouse and the keyboard, including closing opened primitives back into their block.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertNoPageErrors, clickNode, fileMenu, graphOnCanvas, newGraph, nodeLocator, openApp, screenshot, type Served, settleViewport, startSuite, stopSuite } from './harness.ts';

let served: Served;
let browser: Browser;

before(async () => ({ served, browser } = await startSuite()));
after(() => stopSuite(served, browser));

async function openTemplate(page: Page, id: string): Promise<void> {
  await fileMenu(page, 'templates');
  await page.getByTestId(`template-${id}`).click();
  await page.getByTestId('template-gallery').waitFor({ state: 'detached' });
  await settleViewport(page);
}

/** Waits for a toast of `kind` whose text contains `text`. */
const toast = (page: Page, kind: 'info' | 'error', text: string) => page.locator(`[data-testid="toast"][data-kind="${kind}"]`, { hasText: text }).first().waitFor();

const ids = async (page: Page) => (await graphOnCanvas(page)).nodes.map((n) => n.id);
const edgeLabels = async (page: Page) => (await graphOnCanvas(page)).edges.map((e) => e.label);
const paramsOf = async (page: Page, id: string) => (await graphOnCanvas(page)).nodes.find((n) => n.id === id)?.params;

/** Presses keys until the focused menu item is `testId`; fails when the menu has none. */
async function focusItem(page: Page, testId: string): Promise<void> {
  for (let i = 0; i < 12; i++) {
    if ((await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) === testId) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no menu item ${testId}`);
}

describe('copy and paste', () => {
  test('blocks copied in one document are pasted into another with their edge and params; Ctrl+D duplicates', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;
    await app.context.grantPermissions(['clipboard-read', 'clipboard-write']);

    await openTemplate(page, 'adding-lstm');
    const sumParams = await paramsOf(page, 'sum');
    const lstmParams = await paramsOf(page, 'lstm');
    assert.ok(lstmParams?.some((p) => /units\s*32/.test(p)), `the template's LSTM has 32 units: ${lstmParams?.join(', ')}`);
    await clickNode(page, 'lstm');
    await nodeLocator(page, 'sum').locator('.block-node-header').click({ modifiers: ['ControlOrMeta'] });
    await page.locator('.react-flow__node.selected').nth(1).waitFor();
    await page.keyboard.press('ControlOrMeta+c');
    await toast(page, 'info', 'Blocks copied: 2.');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(copied, /"format": "rnn-studio.fragment"/, 'the system clipboard holds the fragment as JSON');

    await newGraph(page);
    await page.locator('.react-flow__pane').click({ position: { x: 300, y: 300 } });
    await page.keyboard.press('ControlOrMeta+v');
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__node').length === 2);
    assert.deepEqual(await ids(page), ['lstm', 'sum']);
    assert.deepEqual(await edgeLabels(page), ['Edge from lstm to sum'], 'the edge between them came along; the ones leading out did not');
    assert.deepEqual(await paramsOf(page, 'lstm'), lstmParams);
    assert.deepEqual(await paramsOf(page, 'sum'), sumParams);
    await screenshot(page, 'copy-paste-pasted');

    // The pasted blocks are selected: Ctrl+D puts a copy beside them.
    await page.keyboard.press('ControlOrMeta+d');
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__node').length === 4);
    assert.deepEqual(await ids(page), ['lstm', 'lstm2', 'sum', 'sum2']);
    assert.equal((await edgeLabels(page)).length, 2);
    const { nodes } = await graphOnCanvas(page);
    const at = (id: string) => nodes.find((n) => n.id === id)!.position;
    assert.notDeepEqual(at('lstm2'), at('lstm'), 'the copy is not on top of the original');

    // Text that is not copied blocks: a toast says so, and nothing changes.
    await page.evaluate(() => navigator.clipboard.writeText('just some words'));
    await page.keyboard.press('ControlOrMeta+v');
    await toast(page, 'error', 'Nothing was pasted: the clipboard holds text that is not graph JSON');
    assert.equal((await ids(page)).length, 4);

    // A duplicate is one undo step, and so is a paste.
    await page.keyboard.press('ControlOrMeta+z');
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__node').length === 2);
    await page.keyboard.press('ControlOrMeta+z');
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__node').length === 0);
    assertNoPageErrors(t, app);
  });

  test('the context menu: mouse and keyboard, open as primitives and close back, help, edges, both languages', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;
    await app.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openTemplate(page, 'adding-lstm');
    const lstmParams = await paramsOf(page, 'lstm');

    // Mouse: right-click the LSTM, open it as primitives.
    await nodeLocator(page, 'lstm').locator('.block-node-header').click({ button: 'right' });
    const menu = page.getByTestId('context-menu');
    await menu.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'context-copy', 'the first item has the focus');
    await screenshot(page, 'context-menu-en');
    await page.getByTestId('context-open').click();
    await page.waitForFunction(() => !document.querySelector('.react-flow__node[data-id="lstm"]'));
    const parts = (await ids(page)).filter((id) => id.startsWith('lstm_'));
    assert.ok(parts.length > 10, `the cell's primitives: ${parts.join(', ')}`);

    // Keyboard: Shift+F10 on a focused primitive, down to "Close back", Enter.
    await page.keyboard.press('Escape');
    await nodeLocator(page, parts[0]).focus();
    await page.keyboard.press('Shift+F10');
    await menu.waitFor();
    await focusItem(page, 'context-collapse');
    assert.match((await page.getByTestId('context-collapse').textContent()) ?? '', /Close back into block lstm/);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !!document.querySelector('.react-flow__node[data-id="lstm"]'));
    assert.deepEqual(await ids(page), ['loss', 'lstm', 'seq', 'sum'], 'the primitives are gone');
    assert.deepEqual(await paramsOf(page, 'lstm'), lstmParams, 'with its params');
    assert.equal((await edgeLabels(page)).length, 3, 'and its edges');

    // Edited since: open again, delete one primitive, and closing back is refused with the reason.
    await nodeLocator(page, 'lstm').locator('.block-node-header').click({ button: 'right' });
    await page.getByTestId('context-open').click();
    await page.waitForFunction(() => !document.querySelector('.react-flow__node[data-id="lstm"]'));
    const [gone, kept] = (await ids(page)).filter((id) => id.startsWith('lstm_'));
    // Opened cells may overlap their neighbours (laying them out is another matter): reach them by
    // keyboard, after a click on the empty canvas clears the selection (opening selected the whole cell).
    await page.locator('.react-flow__pane').click({ position: { x: 12, y: 12 } });
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__node.selected').length === 0);
    await nodeLocator(page, gone).focus();
    await page.keyboard.press('Shift+F10');
    await page.getByTestId('context-delete').click();
    await page.waitForFunction((id) => !document.querySelector(`.react-flow__node[data-id="${id}"]`), gone);
    await nodeLocator(page, kept).focus();
    await page.keyboard.press('Shift+F10');
    await page.getByTestId('context-collapse').click();
    await toast(page, 'error', `its primitive '${gone}' was deleted`);
    // The inspector of the selected primitive offers the same, disabled, with the same reason.
    assert.equal(await page.getByTestId('collapse-node').isDisabled(), true);
    assert.match((await page.getByTestId('collapse-node-reason').textContent()) ?? '', new RegExp(`its primitive '${gone}' was deleted after 'lstm' was opened`));
    assert.ok(!(await ids(page)).includes('lstm'));
    // The template again, for the rest.
    await fileMenu(page, 'templates');
    await page.getByTestId('template-adding-lstm').click();
    await page.getByTestId('unsaved-discard').click();
    await page.getByTestId('template-gallery').waitFor({ state: 'detached' });
    await settleViewport(page);
    await page.waitForFunction(() => !!document.querySelector('.react-flow__node[data-id="lstm"]'));

    // Help for a block, closed with Escape.
    await nodeLocator(page, 'sum').locator('.block-node-header').click({ button: 'right' });
    await page.getByTestId('context-help').click();
    assert.match((await page.locator('.help-card').textContent()) ?? '', /Dense/);
    await screenshot(page, 'context-help-en');
    await page.keyboard.press('Escape');
    await page.getByTestId('context-help').waitFor({ state: 'detached' });

    // An edge, by keyboard: delete it from its menu.
    const edge = page.locator('.react-flow__edge[aria-label="Edge from sum to loss"]');
    await edge.focus();
    await page.keyboard.press('Shift+F10');
    await page.getByTestId('context-deleteEdge').click();
    await edge.waitFor({ state: 'detached' });
    assert.equal((await edgeLabels(page)).length, 2);

    // The canvas: select all from its menu.
    await page.locator('.react-flow__pane').click({ button: 'right', position: { x: 40, y: 40 } });
    await page.getByTestId('context-selectAll').click();
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__node.selected').length === 4);

    // In Chinese.
    await page.getByTestId('language-select').selectOption('zh');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await nodeLocator(page, 'lstm').locator('.block-node-header').click({ button: 'right' });
    assert.equal(await page.getByTestId('context-open').textContent(), '展开为基本单元');
    await screenshot(page, 'context-menu-zh');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    await page.getByTestId('language-select').selectOption('en');
    assertNoPageErrors(t, app);
  });
});
