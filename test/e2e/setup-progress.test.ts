/**
 * Before a run's first step, the training panel says which setup phase it is in with a progress
 * bar, in English and Chinese, and Stop works meanwhile: a run stopped while its large dataset is
 * generated ends as stopped, naming the phase, without a step.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertNoPageErrors, fileMenu, openApp, screenshot, type Served, startSuite, stopSuite, typeInto } from './harness.ts';

let served: Served;
let browser: Browser;

before(async () => ({ served, browser } = await startSuite()));
after(() => stopSuite(served, browser));

/** Starts a run of the open graph, waits for its dataset phase to show partway, and stops it there. */
async function stopWhileGenerating(page: Page, label: RegExp, screenshotName: string): Promise<void> {
  await page.getByTestId('train-start').click();
  const setup = page.locator('[data-testid="train-setup"][data-phase="dataset"]');
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="train-setup"][data-phase="dataset"]');
    const done = Number(el?.getAttribute('data-done'));
    // Early in the phase, so that the screenshot and the checks below leave it running on a busy machine.
    return done > 0 && done < 0.5;
  }, undefined, { timeout: 30_000 });
  assert.match((await setup.textContent()) ?? '', label);
  const bar = setup.locator('progress');
  const value = Number(await bar.getAttribute('value'));
  assert.ok(value > 0 && value < 1, `the bar shows part of the work done (${value})`);
  assert.equal(await page.getByTestId('train-stop').isEnabled(), true, 'Stop works while the run sets up');
  // The picture is taken as Stop is pressed: waiting for it first could let the phase end on a fast machine.
  const shot = screenshot(page, screenshotName);
  await page.getByTestId('train-stop').click();
  await shot;
  await page.locator('[data-testid="train-status"][data-state="ended"]').waitFor({ timeout: 30_000 });
  assert.equal(await page.getByTestId('train-setup').count(), 0, 'the phase is gone once the run ended');
}

describe('setup progress', () => {
  test('the dataset phase shows with a bar in English and Chinese, and Stop ends the run there', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;
    await fileMenu(page, 'templates');
    await page.getByTestId('template-adding-lstm').click();
    await page.getByTestId('template-gallery').waitFor({ state: 'detached' });
    await page.getByTestId('tab-training').click();
    // A million short sequences: generating them takes long enough to be seen and stopped.
    await typeInto(page.getByTestId('dataset-length'), '8');
    await typeInto(page.getByTestId('dataset-samples'), '1000000');

    await stopWhileGenerating(page, /^Generating the dataset: \d+%$/, 'setup-progress-en');
    const status = (await page.getByTestId('train-status').textContent()) ?? '';
    assert.match(status, /Stopped/);
    assert.match(status, /stopped while generating the dataset/);
    assert.doesNotMatch(status, /Step \d/, 'no step was trained');

    await page.getByTestId('language-select').selectOption('zh');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await stopWhileGenerating(page, /^正在生成数据集：\d+%$/, 'setup-progress-zh');
    assert.match((await page.getByTestId('train-status').textContent()) ?? '', /已停止.*stopped while generating the dataset/);
    await page.getByTestId('language-select').selectOption('en');
    assertNoPageErrors(t, app);
  });
});
