/**
 * The engine host dies in the middle of a run: the app says so (banner, host status, the run
 * failed with a reason), keeps the graph as it was, and trains again once the host is back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertNoPageErrors, chartState, graphOnCanvas, hostPid, openApp, screenshot, type Served, startSuite, stopSuite, typeInto, waitForPoints } from './harness.ts';

let served: Served;
let browser: Browser;

before(async () => ({ served, browser } = await startSuite()));
after(() => stopSuite(served, browser));

declare global {
  interface Window {
    __e2eSeen?: { banner: string[]; host: string[] };
  }
}

/**
 * Records every host-banner kind and host-status state the page shows from now on: the host
 * restarts within a second, quicker than a poll from the test could be sure to see each state.
 */
async function recordHostStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen = { banner: [] as string[], host: [] as string[] };
    window.__e2eSeen = seen;
    const note = (list: string[], value: string | null | undefined) => {
      if (value && list.at(-1) !== value) list.push(value);
    };
    new MutationObserver(() => {
      note(seen.banner, document.querySelector('[data-testid="host-banner"]')?.getAttribute('data-kind'));
      note(seen.host, document.querySelector('[data-testid="host-status"]')?.getAttribute('data-state'));
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-kind', 'data-state'] });
  });
}

const seen = (page: Page) => page.evaluate(() => window.__e2eSeen ?? { banner: [], host: [] });

async function startRun(page: Page): Promise<number> {
  await page.getByTestId('train-start').click();
  await page.locator('[data-testid="train-status"][data-state="running"]').waitFor({ timeout: 20_000 });
  return waitForPoints(page, 0);
}

describe('engine host crash', () => {
  test('killing the host mid-run fails the run, keeps the graph, and training works again', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;

    // The example graph, with more epochs than the test waits for.
    await page.getByTestId('tab-training').click();
    await typeInto(page.getByTestId('training-epochs'), '300');
    const graph = await graphOnCanvas(page);
    assert.ok(graph.nodes.length > 0 && graph.edges.length > 0);
    await startRun(page);
    const firstPid = await hostPid(served);

    await recordHostStates(page);
    process.kill(firstPid, 'SIGKILL');

    // The run fails with a reason that names the engine.
    await page.locator('[data-testid="train-status"][data-state="failed"]').waitFor({ timeout: 10_000 });
    const reason = await page.getByTestId('train-error').innerText();
    assert.match(reason, /engine/i);
    assert.match(reason, /stopped while training|connection to the engine was lost/);
    await page.getByTestId('host-banner').waitFor();
    await screenshot(page, 'host-crash-down');

    // The host comes back by itself.
    await page.locator('[data-testid="host-status"][data-state="ready"]').waitFor({ timeout: 20_000 });
    const states = await seen(page);
    t.diagnostic(`banner: ${states.banner.join(' → ')}; host status: ${states.host.join(' → ')}`);
    assert.equal(states.banner[0], 'down', 'the banner said the engine was down');
    assert.match(await page.getByTestId('host-banner').innerText(), /running again/);
    assert.ok(states.host.some((s) => s === 'crashed' || s === 'restarting'), `the top bar showed the host down (${states.host.join(', ')})`);
    assert.equal(states.host.at(-1), 'ready');
    const secondPid = await hostPid(served);
    assert.notEqual(secondPid, firstPid, 'a new host process');
    assert.deepEqual(await graphOnCanvas(page), graph, 'the graph is unchanged');
    assert.equal(await page.getByTestId('train-status').getAttribute('data-state'), 'failed', 'the failed run is still shown as failed');
    await screenshot(page, 'host-crash-recovered');

    // Training again streams points from the new host.
    const first = await startRun(page);
    const more = await waitForPoints(page, first);
    assert.ok(more > first, `the new run streams (${first} → ${more} points)`);
    assert.ok((await chartState(page)).lastLoss !== null);
    await screenshot(page, 'host-crash-retrained');
    await page.getByTestId('train-stop').click();
    await page.locator('[data-testid="train-status"][data-state="ended"]').waitFor();
    assertNoPageErrors(t, app);
  });
});
