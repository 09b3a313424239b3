/**
 * Files in the browser: a modified graph saved into the workspace with Save As reopens identical
 * after a reload (on the canvas, and byte for byte when saved again); Export JSON downloads the
 * same text, which Import brings back identical; a template opens from the gallery.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertNoPageErrors, clickNode, dragMouse, eventually, fileMenu, graphOnCanvas, nodeLocator, openApp, screenshot, type Served, settleViewport, startSuite, stopSuite, typeInto } from './harness.ts';

let served: Served;
let browser: Browser;

before(async () => ({ served, browser } = await startSuite()));
after(() => stopSuite(served, browser));

const GRAPH_NAME = 'Files round trip';

async function successToast(page: Page, text: RegExp): Promise<void> {
  await page.locator('[data-testid="toast"][data-kind="success"]').filter({ hasText: text }).first().waitFor({ timeout: 10_000 });
}

/** Waits until the canvas shows `count` nodes and has stopped moving. */
async function graphShown(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node').length === n, count);
  await settleViewport(page);
}

const isDirty = (page: Page) => page.locator('.document-name .dirty-dot').isVisible();

describe('files', () => {
  test('save as, reload, open, save; export and import; a template from the gallery', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;

    // Modify the start graph: move a block, change a param, rename the graph.
    const start = await graphOnCanvas(page);
    assert.ok(start.nodes.length >= 3, 'the app starts with an example graph');
    const lstm = start.nodes.find((n) => n.type === 'lstm');
    assert.ok(lstm, 'the example graph has an LSTM');
    const header = await nodeLocator(page, lstm.id).locator('.block-node-header').boundingBox();
    assert.ok(header);
    await dragMouse(page, { x: header.x + 30, y: header.y + header.height / 2 }, { x: header.x + 30 + 40, y: header.y + header.height / 2 + 90 });
    await clickNode(page, lstm.id);
    await typeInto(page.getByTestId('param-units'), '24');
    await page.getByTestId('canvas').locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await typeInto(page.getByTestId('graph-name'), GRAPH_NAME);
    const modified = await graphOnCanvas(page);
    const moved = modified.nodes.find((n) => n.id === lstm.id)!;
    assert.ok(moved.position.y > lstm.position.y + 30, `the LSTM moved down (${lstm.position.y} → ${moved.position.y})`);
    assert.ok(moved.params.includes('units 24'));
    assert.equal(await isDirty(page), true);

    // Save As "x": the name part of the suggestion is selected, so typing replaces it.
    await fileMenu(page, 'saveAs');
    const dialog = page.getByTestId('file-dialog');
    await dialog.waitFor();
    assert.equal(await page.getByTestId('file-name').inputValue(), 'files-round-trip.rnn.json');
    await page.keyboard.type('x');
    assert.equal(await page.getByTestId('file-name').inputValue(), 'x.rnn.json');
    await screenshot(page, 'files-save-as');
    await page.getByTestId('file-dialog-confirm').click();
    await successToast(page, /x\.rnn\.json/);
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await isDirty(page), false);
    const savedPath = join(served.workspace, 'x.rnn.json');
    const saved = readFileSync(savedPath);
    assert.equal(JSON.parse(saved.toString('utf8')).name, GRAPH_NAME);

    // A reload starts over with the example graph.
    await page.reload();
    await page.locator('[data-testid="host-status"][data-state="ready"]').waitFor({ timeout: 20_000 });
    await graphShown(page, start.nodes.length);
    assert.deepEqual(await graphOnCanvas(page), start);

    // Open it from the workspace: one click on the file.
    await fileMenu(page, 'open');
    await dialog.waitFor();
    await screenshot(page, 'files-open-dialog');
    await page.locator('[data-testid="file-entry"][data-name="x.rnn.json"]').click();
    await dialog.waitFor({ state: 'detached' });
    await page.waitForFunction((name) => document.querySelector('.document-title')?.textContent === name, GRAPH_NAME);
    await graphShown(page, modified.nodes.length);
    assert.deepEqual(await graphOnCanvas(page), modified, 'the reopened graph is the saved one');
    assert.match(await page.getByTestId('inspector').innerText(), /x\.rnn\.json/);

    // File > Save writes the same bytes.
    const before = statSync(savedPath, { bigint: true }).mtimeNs;
    await fileMenu(page, 'save');
    await successToast(page, /x\.rnn\.json/);
    await eventually(() => assert.notEqual(statSync(savedPath, { bigint: true }).mtimeNs, before, 'the file was written again'));
    assert.ok(readFileSync(savedPath).equals(saved), 'File > Save of the reopened graph wrote the same bytes');
    await screenshot(page, 'files-reopened');

    // Export JSON: a download with the same text.
    const download = page.waitForEvent('download');
    await fileMenu(page, 'export');
    const exported = await download;
    assert.equal(exported.suggestedFilename(), 'files-round-trip.rnn.json');
    // Kept under its own name, as a browser's downloads folder would.
    const downloads = mkdtempSync(join(tmpdir(), 'rnn-studio-e2e-downloads-'));
    t.after(() => rmSync(downloads, { recursive: true, force: true }));
    const exportPath = join(downloads, exported.suggestedFilename());
    await exported.saveAs(exportPath);
    assert.ok(readFileSync(exportPath).equals(saved), 'the export is the saved text');

    // A new graph, then Import the export back.
    await fileMenu(page, 'new');
    await graphShown(page, 0);
    const chooser = page.waitForEvent('filechooser');
    await fileMenu(page, 'import');
    const picker = await chooser;
    assert.equal(await picker.element().getAttribute('data-testid'), 'import-input');
    await picker.setFiles(exportPath);
    await graphShown(page, modified.nodes.length);
    await page.locator('[data-testid="toast"][data-kind="info"]').filter({ hasText: 'Imported files-round-trip.rnn.json' }).waitFor();
    assert.deepEqual(await graphOnCanvas(page), modified, 'the imported graph is the exported one');
    assert.equal(await isDirty(page), true, 'an import is not saved anywhere yet');
    const again = page.waitForEvent('download');
    await fileMenu(page, 'export');
    assert.ok(readFileSync(await (await again).path()).equals(saved), 'exporting the import gives the same bytes');
    await screenshot(page, 'files-imported');

    // A template from the gallery; the unsaved import is let go.
    await fileMenu(page, 'templates');
    await page.getByTestId('template-gallery').waitFor();
    await page.getByTestId('template-sine-elman').waitFor();
    await screenshot(page, 'files-templates');
    const template = JSON.parse(readFileSync(join('templates', 'sine-elman.rnn.json'), 'utf8')) as { name: string; nodes: { id: string; type: string }[] };
    await page.getByTestId('template-sine-elman').click();
    await page.getByTestId('template-gallery').waitFor({ state: 'detached' });
    await page.getByTestId('unsaved-dialog').waitFor();
    await screenshot(page, 'files-unsaved');
    await page.getByTestId('unsaved-discard').click();
    await graphShown(page, template.nodes.length);
    assert.deepEqual(
      (await graphOnCanvas(page)).nodes.map((n) => [n.id, n.type]),
      template.nodes.map((n) => [n.id, n.type]).sort((a, b) => a[0].localeCompare(b[0])),
    );
    assert.equal(await page.locator('.document-title').innerText(), template.name);
    await screenshot(page, 'files-template-opened');
    assertNoPageErrors(t, app);
  });
});
