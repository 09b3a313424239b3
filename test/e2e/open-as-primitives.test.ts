/**
 * "Open as primitives" in the app: the adding problem's LSTM opens into the primitive cell its own
 * step draws (gates as linear, add, sigmoid and multiply blocks around two delays), every part at
 * its own place, and the opened graph validates and trains.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { assertNoPageErrors, clickNode, fileMenu, graphOnCanvas, openApp, screenshot, type Served, settleViewport, startSuite, stopSuite, waitForPoints } from './harness.ts';

let served: Served;
let browser: Browser;

before(async () => ({ served, browser } = await startSuite()));
after(() => stopSuite(served, browser));

describe('open as primitives', () => {
  test('the LSTM of the adding problem opens into its cell, every part at its own place, and trains', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;

    await fileMenu(page, 'templates');
    await page.getByTestId('template-adding-lstm').click();
    await page.getByTestId('template-gallery').waitFor({ state: 'detached' });
    await clickNode(page, 'lstm');
    await page.getByTestId('expand-node').click();
    await page.waitForFunction(() => !document.querySelector('.react-flow__node[data-id="lstm"]'));
    await settleViewport(page);

    const { nodes } = await graphOnCanvas(page);
    const types = nodes.map((n) => n.type);
    assert.equal(types.filter((type) => type === 'delay').length, 2, 'z⁻¹ h and z⁻¹ c');
    assert.equal(types.filter((type) => type === 'sigmoid').length, 3, 'the input, forget and output gates');
    assert.ok(types.filter((type) => type === 'linear').length >= 8, 'x·W and h₋₁·U for each of the four gates');
    for (const kept of ['seq', 'sum', 'loss']) assert.ok(nodes.some((n) => n.id === kept), `'${kept}' is still there`);
    const places = nodes.map((n) => `${n.position.x},${n.position.y}`);
    assert.equal(new Set(places).size, places.length, 'no two blocks at one place');

    await screenshot(page, 'open-as-primitives');

    // The opened graph is valid: the host's validation leaves the Problems tab without a count.
    await page.waitForFunction(() => !/\(\d+\)/.test(document.querySelector('[data-testid="tab-problems"]')?.textContent ?? '('), undefined, { timeout: 10_000 });
    await page.getByTestId('tab-training').click();
    await page.getByTestId('train-start').click();
    assert.ok((await waitForPoints(page, 5, 60_000)) >= 5, 'the opened cell trains');
    await page.getByTestId('train-stop').click();
    assertNoPageErrors(t, app);
  });
});
