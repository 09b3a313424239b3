/**
 * Trained models open in the app, and a run outlives a crash of the engine: a model trained with
 * the CLI opens from the workspace as a finished run that samples text, exports and trains on;
 * a run whose engine is killed is offered again once the engine is back, and resuming it goes on
 * from its checkpoint's step with its epochs still on show.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CHECKPOINTS_FOLDER } from '../../engine/host/checkpoints.ts';
import { readCheckpointText } from '../../engine/model/checkpoint.ts';
import { readModelText, weightsToMap } from '../../engine/model/file.ts';
import { assertNoPageErrors, fileMenu, hostPid, openApp, screenshot, type Served, startSuite, stopSuite, typeInto, waitForPoints } from './harness.ts';

// The host the suite starts replaces a running run's checkpoint after every epoch.
process.env.RNN_STUDIO_CHECKPOINT_SECONDS = '0';

let served: Served;
let browser: Browser;

before(async () => ({ served, browser } = await startSuite()));
after(() => stopSuite(served, browser));

const MODEL = 'char.rnn-model.json';

const runStep = async (page: Page) => Number(await page.getByTestId('train-status').getAttribute('data-step'));
/** The epoch numbers in the table, oldest first (it shows the newest on top). */
const epochRows = (page: Page) => page.getByTestId('epoch-row').evaluateAll((rows) => rows.map((r) => Number(r.querySelector('td')?.textContent)).reverse());

/** Waits for a run to train; a refusal (a failure other than the one on show before) fails with its reason. */
async function running(page: Page, before: string | null = null): Promise<void> {
  await page.waitForFunction(
    (previous) => {
      const state = document.querySelector('[data-testid="train-status"]')?.getAttribute('data-state');
      return state === 'running' || (state === 'failed' && document.querySelector('[data-testid="train-error"]')?.textContent !== previous);
    },
    before,
    { timeout: 60_000 },
  );
  const state = await page.getByTestId('train-status').getAttribute('data-state');
  if (state === 'failed') assert.fail(`the run failed: ${await page.getByTestId('train-error').innerText()}`);
}

async function inChinese(page: Page, name: string): Promise<void> {
  await page.getByTestId('language-select').selectOption('zh');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await screenshot(page, `${name}-zh`);
  await page.getByTestId('language-select').selectOption('en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
}

/** The checkpoint the host keeps of the run now training, once it is of at least `epochs` epochs. */
async function checkpointOf(epochs: number) {
  const folder = join(served.workspace, CHECKPOINTS_FOLDER);
  for (let i = 0; i < 600; i++) {
    const names = (() => {
      try {
        return readdirSync(folder).filter((n) => n.endsWith('.rnn-checkpoint.json'));
      } catch {
        return [];
      }
    })();
    if (names.length === 1) {
      const read = readCheckpointText(readFileSync(join(folder, names[0]), 'utf8'));
      if (read.ok && read.checkpoint.position.epoch >= epochs) return read.checkpoint;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`no checkpoint of ${epochs} epochs in ${folder}`);
}

describe('trained models', () => {
  test('a model trained with the CLI opens from the workspace, samples text, exports and trains on from its weights', async (t) => {
    const file = join(served.workspace, MODEL);
    // The model's graph reads data/cook-diary.txt; an opened model's dataset files resolve in the workspace.
    mkdirSync(join(served.workspace, 'data'));
    copyFileSync('templates/data/cook-diary.txt', join(served.workspace, 'data', 'cook-diary.txt'));
    execFileSync(process.execPath, ['bin/rnn-studio.js', 'train', 'templates/char-gru.rnn.json', '--epochs', '1', '--out', file], { env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' }, stdio: 'ignore' });
    const read = readModelText(readFileSync(file, 'utf8'));
    assert.ok(read.ok);
    const model = read.model;
    assert.equal(model.training?.history?.length, 1, 'the CLI records the loss history');

    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;
    await fileMenu(page, 'open');
    await page.locator(`[data-testid="file-entry"][data-name="${MODEL}"]`).click();
    await page.waitForFunction((name) => document.querySelector('.document-title')?.textContent === name, model.graph.name);
    await page.getByTestId('tab-training').click();
    await page.locator('[data-testid="train-origin"][data-origin="model"]').waitFor();
    assert.equal(await page.getByTestId('train-status').getAttribute('data-state'), 'ended');
    assert.equal(await runStep(page), model.training?.steps);
    assert.deepEqual(await epochRows(page), [1], 'the recorded epoch');

    // Sampling: every character from the model's vocabulary.
    await typeInto(page.getByTestId('sample-length'), '60');
    await typeInto(page.getByTestId('sample-prime'), 'The ');
    await page.getByTestId('sample-generate').click();
    const sampled = await page.getByTestId('sample-text').innerText({ timeout: 30_000 });
    const vocabulary = new Set(model.training?.vocabulary);
    assert.ok(sampled.length >= 60, `60 characters sampled: ${JSON.stringify(sampled)}`);
    assert.ok([...sampled.replace(/\n/g, '')].every((c) => vocabulary.has(c)), `sampled from the model's vocabulary: ${JSON.stringify(sampled)}`);
    await screenshot(page, 'trained-model-open');
    await inChinese(page, 'trained-model-open');

    // Export hands back the same weights.
    const download = page.waitForEvent('download');
    await page.getByTestId('train-export').click();
    const exported = readModelText(readFileSync(await (await download).path(), 'utf8'));
    assert.ok(exported.ok);
    const bits = (m: typeof model) => [...weightsToMap(m)].map(([k, v]) => [k, Array.from(v)]);
    assert.deepEqual(bits(exported.model), bits(model));

    // Training on from the weights: the first loss is that of a trained model, not of fresh weights (ln 40 ≈ 3.69).
    await page.getByTestId('train-continue').click();
    await running(page);
    await waitForPoints(page, 0, 60_000);
    const first = await page.getByTestId('loss-chart').getAttribute('data-last-loss');
    await page.getByTestId('train-stop').click();
    await page.locator('[data-testid="train-status"][data-state="ended"]').waitFor({ timeout: 30_000 });
    assert.ok(Number(first) < 3.5, `trained on from the model's weights: first loss ${first}`);
    assertNoPageErrors(t, app);
  });

  test('killing the engine mid-run offers the run again; Resume goes on from its checkpoint', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;
    await page.getByTestId('tab-training').click();
    await typeInto(page.getByTestId('training-epochs'), '300');
    await page.getByTestId('train-start').click();
    await page.locator('[data-testid="train-status"][data-state="running"]').waitFor({ timeout: 20_000 });
    await checkpointOf(3);
    process.kill(await hostPid(served), 'SIGKILL');
    await page.locator('[data-testid="train-status"][data-state="failed"]').waitFor({ timeout: 10_000 });
    // What the killed host left: its last checkpoint.
    const left = await checkpointOf(3);

    await page.locator('[data-testid="host-status"][data-state="ready"]').waitFor({ timeout: 20_000 });
    const offered = page.locator(`[data-testid="interrupted-run"][data-id="${left.runId}"]`);
    await offered.waitFor({ timeout: 10_000 });
    assert.equal(Number(await offered.getAttribute('data-epoch')), left.position.epoch);
    assert.equal(Number(await offered.getAttribute('data-step')), left.position.step);
    await screenshot(page, 'interrupted-run');
    await inChinese(page, 'interrupted-run');

    const crashed = await page.getByTestId('train-error').innerText();
    await offered.getByTestId('interrupted-resume').click();
    await running(page, crashed);
    await waitForPoints(page, 0);
    // The chart holds only this run's steps: no more than the steps counted on from the checkpoint.
    const points = Number(await page.getByTestId('loss-chart').getAttribute('data-points'));
    const step = await runStep(page);
    assert.ok(step > left.position.step, `the steps count on from the checkpoint's ${left.position.step} (now ${step})`);
    assert.ok(points <= step - left.position.step, `${points} new points after step ${left.position.step}`);
    await page.waitForFunction((k) => document.querySelectorAll('[data-testid="epoch-row"]').length > k, left.position.epoch, { timeout: 30_000 });
    const rows = await epochRows(page);
    assert.deepEqual(rows.slice(0, left.position.epoch + 1), Array.from({ length: left.position.epoch + 1 }, (_, i) => i + 1), 'the checkpoint’s epochs, then the new ones');
    await page.locator('[data-testid="interrupted-runs"]').waitFor({ state: 'detached' });
    await screenshot(page, 'interrupted-run-resumed');

    await page.getByTestId('train-stop').click();
    await page.locator('[data-testid="train-status"][data-state="ended"]').waitFor({ timeout: 20_000 });
    assert.deepEqual(readdirSync(join(served.workspace, CHECKPOINTS_FOLDER)), [], 'no checkpoint is left once the run ended');
    assertNoPageErrors(t, app);
  });
});
