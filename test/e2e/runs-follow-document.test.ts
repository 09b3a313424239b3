/**
 * Runs follow the document they trained. A template is trained briefly; opening another template
 * hides that run (state, chart, epochs, Export). The second template's run exports its own graph,
 * read back from the downloaded file. An edit after training shows the "earlier version" notice,
 * and Export then gives the graph as trained. Opening another graph while a run trains asks; kept
 * in the background, the run goes on training and shows again when its graph is reopened.
 * Screenshots in English and Chinese.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertNoPageErrors, chartState, clickNode, fileMenu, openApp, screenshot, type Served, startSuite, stopSuite, typeInto, waitForPoints } from './harness.ts';

let served: Served;
let browser: Browser;

before(async () => ({ served, browser } = await startSuite()));
after(() => stopSuite(served, browser));

interface Network {
  readonly name: string;
  readonly nodes: readonly { readonly id: string; readonly type: string; readonly params: Record<string, unknown> }[];
}

const shipped = (id: string): Network => JSON.parse(readFileSync(join('templates', `${id}.rnn.json`), 'utf8')) as Network;
const blocks = (g: Network) => g.nodes.map((n) => ({ id: n.id, type: n.type, params: n.params }));

/** Opens a template from the gallery; `answer` is the button of the question asked about a run still training. */
async function openTemplate(page: Page, id: string, answer?: 'training-keep' | 'training-stop'): Promise<void> {
  await fileMenu(page, 'templates');
  await page.getByTestId(`template-${id}`).click();
  if (answer) {
    await page.getByTestId('training-dialog').waitFor();
    await page.getByTestId(answer).click();
  }
  await page.waitForFunction((name) => document.querySelector('.document-title')?.textContent === name, shipped(id).name);
}

const status = (page: Page) => page.getByTestId('train-status').getAttribute('data-state');

/** Starts a run and waits for its first points. */
async function startRun(page: Page): Promise<void> {
  await page.getByTestId('train-start').click();
  await waitForPoints(page, 1, 60_000);
}

/** Stops the run (unless it finished first) and waits for it to end. */
async function endRun(page: Page): Promise<void> {
  // The run may end on its own between a check and a click: the button is pressed only if enabled.
  await page.evaluate(() => document.querySelector<HTMLButtonElement>('[data-testid="train-stop"]:not([disabled])')?.click());
  await page.locator('[data-testid="train-status"][data-state="ended"]').waitFor({ timeout: 30_000 });
}

/** Export model…: the downloaded file's graph. */
async function exportedGraph(page: Page): Promise<Network> {
  const download = page.waitForEvent('download');
  await page.getByTestId('train-export').click();
  const file = await (await download).path();
  return (JSON.parse(readFileSync(file, 'utf8')) as { graph: Network }).graph;
}

async function language(page: Page, lng: 'en' | 'zh'): Promise<void> {
  await page.getByTestId('language-select').selectOption(lng);
  await page.waitForFunction((lang) => document.documentElement.lang === lang, lng === 'zh' ? 'zh-CN' : 'en');
}

describe('runs follow the document', () => {
  test('another document hides the run; Export gives the open graph; edits and background runs are said plainly', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;
    await page.getByTestId('tab-training').click();

    // Train the sine template briefly.
    await openTemplate(page, 'sine-elman');
    await startRun(page);
    await endRun(page);
    await page.getByTestId('train-export').waitFor();
    assert.ok((await chartState(page)).points > 0);

    // Another template: the sine run is gone from the panel.
    await openTemplate(page, 'adding-lstm');
    assert.equal(await status(page), 'idle');
    await page.waitForFunction(() => document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points') === '0');
    assert.equal(await page.getByTestId('epoch-row').count(), 0, 'no epochs of the other graph');
    assert.equal(await page.getByTestId('train-export').count(), 0, 'nothing to export before this graph is trained');
    await screenshot(page, 'runs-other-document-en');

    // Its own run exports its own graph.
    await startRun(page);
    await endRun(page);
    const adding = shipped('adding-lstm');
    const exported = await exportedGraph(page);
    assert.equal(exported.name, adding.name);
    assert.deepEqual(blocks(exported), blocks(adding));
    assert.equal(await page.getByTestId('train-export').getAttribute('data-version'), 'current');

    // An edit after training: the notice, and Export still gives the graph as trained.
    await clickNode(page, 'lstm');
    await typeInto(page.getByTestId('param-units'), '8');
    await page.getByTestId('run-earlier-version').waitFor();
    assert.equal(await page.getByTestId('train-export').getAttribute('data-version'), 'earlier');
    assert.match(await page.getByTestId('run-earlier-version').innerText(), /earlier version of this graph/);
    await screenshot(page, 'runs-earlier-version-en');
    const asTrained = await exportedGraph(page);
    assert.deepEqual(blocks(asTrained), blocks(adding), 'the model of the version that was trained, not of the edited graph');
    await language(page, 'zh');
    assert.match(await page.getByTestId('run-earlier-version').innerText(), /早先版本/);
    await screenshot(page, 'runs-earlier-version-zh');
    await language(page, 'en');

    // Back to the trained network (moving nothing else): the notice goes.
    await typeInto(page.getByTestId('param-units'), String(adding.nodes.find((n) => n.id === 'lstm')?.params.units));
    await page.getByTestId('run-earlier-version').waitFor({ state: 'detached' });

    // Switching while a run trains asks; kept in the background, it goes on.
    await startRun(page);
    await fileMenu(page, 'templates');
    await page.getByTestId('template-sine-elman').click();
    await page.getByTestId('training-dialog').waitFor();
    await screenshot(page, 'runs-switch-dialog-en');
    const pointsAtSwitch = (await chartState(page)).points;
    await page.getByTestId('training-keep').click();
    await page.waitForFunction((name) => document.querySelector('.document-title')?.textContent === name, shipped('sine-elman').name);
    assert.equal(await status(page), 'idle', 'the sine graph has no run of its own now');
    await page.getByTestId('run-in-background').waitFor();
    assert.ok((await page.getByTestId('run-in-background').innerText()).includes(`“${adding.name}” is training in the background`));
    assert.equal(await page.getByTestId('train-start').isDisabled(), true, 'one run at a time: the background run must end first');
    await screenshot(page, 'runs-background-en');
    await language(page, 'zh');
    await page.getByTestId('run-in-background').filter({ hasText: '正在后台训练' }).waitFor();
    await screenshot(page, 'runs-background-zh');
    await language(page, 'en');

    await openTemplate(page, 'adding-lstm');
    assert.ok(['running', 'ended'].includes((await status(page)) ?? ''), 'its run shows again');
    assert.ok((await chartState(page)).points > pointsAtSwitch, 'it kept training in the background');
    await page.getByTestId('run-in-background').waitFor({ state: 'detached' });

    // Stop, chosen in the question, stops it; the Chinese question too.
    if ((await status(page)) !== 'running') await startRun(page);
    await language(page, 'zh');
    await fileMenu(page, 'templates');
    await page.getByTestId('template-sine-elman').click();
    await page.getByTestId('training-dialog').filter({ hasText: '仍在训练' }).waitFor();
    await screenshot(page, 'runs-switch-dialog-zh');
    await page.getByTestId('training-stop').click();
    await page.waitForFunction((name) => document.querySelector('.document-title')?.textContent === name, shipped('sine-elman').name);
    // The run ends once the host has answered the stop: no run is left training in the background.
    await page.getByTestId('run-in-background').waitFor({ state: 'detached' });
    await language(page, 'en');
    await openTemplate(page, 'adding-lstm');
    await page.locator('[data-testid="train-status"][data-state="ended"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('train-start').isDisabled(), false);
    assertNoPageErrors(t, app);
  });
});
