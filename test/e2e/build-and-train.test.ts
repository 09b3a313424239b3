/**
 * A person builds input → LSTM → dense → output from an empty graph, trains it on the sine
 * dataset, watches the loss fall, and stops the run. While it streams, the test measures the
 * renderer's long tasks and how soon each batch of step points is drawn, and reports them against
 * the streaming targets as diagnostics; it asserts that every point that arrived is drawn, not how fast.
 */
import assert from 'node:assert/strict';
import { cpus } from 'node:os';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertNoPageErrors, chartState, clickNode, connect, dragBlock, graphOnCanvas, newGraph, nodeLocator, openApp, screenshot, type Served, startSuite, stopSuite, typeInto } from './harness.ts';
import { drawLatencies, mean, observeLongTasks, ProbeLog, readLongTasks, readSample, type Sample, streamingReport, tasksDuring } from './streaming-metrics.ts';

/** How long the test watches the run stream before it stops it. */
const STREAM_MS = 5000;
const SAMPLE_EVERY_MS = 100;

let served: Served;
let browser: Browser;

before(async () => ({ served, browser } = await startSuite()));
after(() => stopSuite(served, browser));

const chips = async (page: Page, id: string) => (await graphOnCanvas(page)).nodes.find((n) => n.id === id)?.params ?? [];

/** The epoch table's mean losses, oldest epoch first. */
async function epochLosses(page: Page): Promise<{ epoch: number; loss: number }[]> {
  const rows = await page.getByTestId('epoch-row').evaluateAll((rs) => rs.map((r) => ({ epoch: Number(r.children[0]?.textContent), loss: Number(r.children[1]?.textContent) })));
  return rows.sort((a, b) => a.epoch - b.epoch);
}

describe('build and train', () => {
  test('a graph built with the mouse trains on the sine, streams a falling loss, and stops', async (t) => {
    const app = await openApp(browser, served, { initScript: observeLongTasks });
    t.after(() => app.close());
    const { page } = app;

    // Build the graph from the palette.
    await newGraph(page);
    const input = await dragBlock(page, 'input', 110, 150);
    const lstm = await dragBlock(page, 'lstm', 330, 150);
    const dense = await dragBlock(page, 'dense', 550, 150);
    const output = await dragBlock(page, 'output', 770, 150);
    assert.deepEqual(
      (await graphOnCanvas(page)).nodes.map((n) => [n.id, n.type]),
      [
        [dense, 'dense'],
        [input, 'input'],
        [lstm, 'lstm'],
        [output, 'output'],
      ].sort((a, b) => a[0].localeCompare(b[0])),
    );

    await connect(page, [input, 'out'], [lstm, 'in']);
    await connect(page, [lstm, 'out'], [dense, 'in']);
    await connect(page, [dense, 'out'], [output, 'in']);
    assert.deepEqual((await graphOnCanvas(page)).edges.map((e) => e.label).sort(), [`Edge from ${dense} to ${output}`, `Edge from ${input} to ${lstm}`, `Edge from ${lstm} to ${dense}`].sort());

    // The dataset: one feature per step, one value to predict per sequence.
    await page.getByTestId('tab-training').click();
    await page.getByTestId('dataset-type').selectOption('sine');
    await page.getByTestId('dataset-window').waitFor();
    // Longer epochs than the default 512 examples, so the epoch table keeps the first one.
    await typeInto(page.getByTestId('dataset-samples'), '8192');
    assert.ok((await chips(page, input)).includes('size 1'), 'the input block reads one feature per step');

    // The LSTM: 16 units, the last step only.
    await clickNode(page, lstm);
    await typeInto(page.getByTestId('param-units'), '16');
    await page.getByTestId('param-returnSequences').click();
    assert.equal(await page.getByTestId('param-returnSequences').isChecked(), false);
    await page.waitForFunction((id) => document.querySelector(`.react-flow__node[data-id="${id}"]`)?.textContent?.includes('returnSequences off'), lstm);
    assert.deepEqual((await chips(page, lstm)).filter((c) => /^(units|returnSequences) /.test(c)), ['units 16', 'returnSequences off']);

    // The dense layer gives the one predicted value.
    await clickNode(page, dense);
    if ((await page.getByTestId('param-units').inputValue()) !== '1') await typeInto(page.getByTestId('param-units'), '1');
    assert.equal(await page.getByTestId('param-units').inputValue(), '1');
    await page.waitForFunction((id) => document.querySelector(`.react-flow__node[data-id="${id}"] .param-chip`)?.textContent?.replace(/\s+/g, ' ').trim() === 'units 1', dense);

    // Far more epochs than the test watches: the run is still going when Stop is pressed.
    await typeInto(page.getByTestId('training-epochs'), '500');
    // A small learning rate, so the loss falls over the seconds the test watches.
    await page.getByTestId('training-optimizer-type').selectOption('adam');
    await typeInto(page.getByTestId('training-optimizer-learningRate'), '0.0005');
    // The engine's live validation agrees the graph fits the dataset.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="node-diagnostic"][data-severity="error"]').length === 0, undefined, { timeout: 10_000 });
    await screenshot(page, 'build-and-train-graph');

    // Train, reading the chart from the moment Start is pressed.
    await page.getByTestId('train-start').click();
    const arrived = new ProbeLog();
    const drawn = new ProbeLog();
    const samples: Sample[] = [];
    let streamingSince: number | null = null;
    while (streamingSince === null || Date.now() - streamingSince < STREAM_MS) {
      const s = await readSample(page);
      samples.push(s);
      arrived.add(s.arrived);
      drawn.add(s.drawn);
      if (s.points > 0) streamingSince ??= Date.now();
      else assert.ok(samples.length < 200, 'step points arrive within 20 s of Start');
      await page.waitForTimeout(SAMPLE_EVERY_MS);
    }
    assert.equal(await page.getByTestId('train-status').getAttribute('data-state'), 'running');
    const last = await readSample(page);
    samples.push(last);
    arrived.add(last.arrived);
    drawn.add(last.drawn);
    await screenshot(page, 'build-and-train-streaming');
    assert.equal(await page.getByTestId('train-status').getAttribute('data-state'), 'running', 'the run is still going when the test stops it');

    await page.getByTestId('train-stop').click();
    await page.locator('[data-testid="train-status"][data-state="ended"]').waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('train-status').innerText(), /Stopped/);
    assert.equal(await page.locator('[data-testid="train-status"] .run-end-cancelled').count() > 0, true, 'the run ended as cancelled');
    assert.equal(await page.getByTestId('train-stop').isDisabled(), true);
    assert.equal(await page.getByTestId('train-start').isEnabled(), true);
    await screenshot(page, 'build-and-train-stopped');

    // The points grew over time, and the loss fell.
    const counts = samples.map((s) => s.points);
    for (let i = 1; i < counts.length; i++) assert.ok(counts[i] >= counts[i - 1], `the chart never loses points (${counts[i - 1]} → ${counts[i]})`);
    const distinct = [...new Set(counts)];
    assert.ok(distinct.length >= 10, `data-points grew in many steps while streaming (saw ${distinct.join(', ')})`);
    const byPoints = [...new Map(samples.filter((s) => s.points > 0).filter((s) => s.lastLoss !== null).map((s) => [s.points, s.lastLoss as number])).values()];
    const tenth = Math.max(1, Math.ceil(byPoints.length / 10));
    const firstLoss = mean(byPoints.slice(0, tenth));
    const lastLoss = mean(byPoints.slice(-tenth));
    t.diagnostic(`loss (data-last-loss, ${byPoints.length} readings): mean of the first ${tenth} ${firstLoss.toExponential(3)}, of the last ${tenth} ${lastLoss.toExponential(3)}`);
    assert.ok(lastLoss < firstLoss, `the loss fell: first 10% mean ${firstLoss}, last 10% mean ${lastLoss}`);
    const epochs = await epochLosses(page);
    assert.ok(epochs.length >= 2, `several epochs finished (${epochs.length})`);
    assert.equal(epochs[0].epoch, 1, 'the epoch table shows the first epoch');
    assert.ok(epochs.at(-1)!.loss < epochs[0].loss, `the epoch mean loss fell: ${epochs[0].loss} → ${epochs.at(-1)!.loss}`);
    t.diagnostic(`epoch mean loss: epoch 1 ${epochs[0].loss}, epoch ${epochs.at(-1)!.epoch} ${epochs.at(-1)!.loss}`);
    const final = await chartState(page);
    assert.ok(final.points >= last.points, 'the chart kept its points after the stop');

    // Measurements over the streaming window: from the first batch's arrival to the last reading.
    const arrivals = arrived.records;
    assert.ok(arrivals.length >= 10, `many batches arrived (${arrivals.length})`);
    const from = arrivals[0].at;
    const to = last.now;
    const latencies = drawLatencies(arrivals, drawn.records, { from, to, lastRead: last.now });
    assert.ok(latencies.length >= 10, `latencies measured for ${latencies.length} batches`);
    const tasks = await readLongTasks(page);
    const executor = await page.getByTestId('train-executor').innerText().catch(() => 'unknown');
    const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Chromium ${browser.version()}`;
    t.diagnostic(`streaming window ${((to - from) / 1000).toFixed(1)} s: ${last.points} step points in ${arrivals.length} batches; executor ${executor}; machine ${machine}`);
    // Speed is reported, not asserted (see STREAMING_TARGETS); that every point is drawn is asserted.
    for (const line of streamingReport(tasksDuring(tasks, from, to), latencies)) t.diagnostic(line);
    t.diagnostic(`whole page life: ${tasks.length} long tasks, longest ${tasks.reduce((m, task) => Math.max(m, task.duration), 0).toFixed(0)} ms`);
    const arrivedPoints = Math.max(...arrivals.map((a) => a.points));
    assert.ok(final.points >= arrivedPoints, `the chart shows every point that arrived (${final.points} of ${arrivedPoints})`);

    // Nothing of the graph changed by training.
    assert.equal((await graphOnCanvas(page)).nodes.length, 4);
    await nodeLocator(page, output).waitFor();
    assertNoPageErrors(t, app);
  });
});
