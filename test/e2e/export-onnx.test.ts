/**
 * Export as ONNX in the app: a template is trained briefly, the dialog offers any length (the
 * Elman network runs one step at a time), and the downloaded file, run by onnxruntime-node in
 * the test, computes what the host's `predict` returns for the same run and inputs, at two
 * lengths. A fixed length gives a file whose input has that many steps. Screenshots of the dialog
 * in English and Chinese.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { assertNoPageErrors, fileMenu, openApp, screenshot, type Served, startSuite, stopSuite, typeInto, waitForPoints } from './harness.ts';

let served: Served;
let browser: Browser;

before(async () => ({ served, browser } = await startSuite()));
after(() => stopSuite(served, browser));

interface Tensor {
  readonly shape: number[];
  readonly data: number[];
}

/** The host's `predict` for `runId`, over a connection of the test's own. */
async function hostPredict(runId: string, input: Record<string, unknown>): Promise<Record<string, Tensor>> {
  const ws = new WebSocket(`ws://127.0.0.1:${served.port}/engine?token=${served.token}`, { origin: `http://127.0.0.1:${served.port}` });
  try {
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply to predict within 20 s')), 20_000);
      ws.on('message', (data: WebSocket.RawData) => {
        const msg = JSON.parse(data.toString()) as { type: string; id?: number; ok?: boolean; result?: { outputs: Record<string, Tensor> }; error?: { message: string } };
        if (msg.type !== 'reply' || msg.id !== 1) return;
        clearTimeout(timer);
        if (msg.ok && msg.result) resolve(msg.result.outputs);
        else reject(new Error(`predict failed: ${msg.error?.message ?? 'no result'}`));
      });
      ws.send(JSON.stringify({ type: 'request', id: 1, method: 'predict', params: { runId, input } }));
    });
  } finally {
    ws.close();
  }
}

/** The run id the page's `train.started` event carries, read off its WebSocket. */
function watchRunId(page: Page): () => string | null {
  let runId: string | null = null;
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      const text = typeof payload === 'string' ? payload : payload.toString();
      const started = /"type":"train\.started","runId":"([^"]+)"/.exec(text) ?? /"result":\{"runId":"([^"]+)"\}/.exec(text);
      if (started) runId = started[1];
    }),
  );
  return () => runId;
}

/** A batch × time × 1 series, different in every example and step. */
const series = (batch: number, steps: number) => Array.from({ length: batch }, (_, b) => Array.from({ length: steps }, (_, t) => [Math.sin(0.3 * t + b) * 0.9]));

async function downloadOnnx(page: Page): Promise<Buffer> {
  const download = page.waitForEvent('download');
  await page.getByTestId('onnx-export').click();
  const file = await download;
  assert.match(file.suggestedFilename(), /\.onnx$/);
  return readFileSync(await file.path());
}

async function agrees(bytes: Buffer, runId: string, input: Record<string, number[][][]>): Promise<number> {
  const session = await ort.InferenceSession.create(bytes);
  const feeds = Object.fromEntries(Object.entries(input).map(([name, v]) => [name, new ort.Tensor('float32', Float32Array.from(v.flat(2)), [v.length, v[0].length, v[0][0].length])]));
  const ran = await session.run(feeds);
  const expected = await hostPredict(runId, input);
  assert.deepEqual(Object.keys(ran).sort(), Object.keys(expected).sort());
  let worst = 0;
  for (const [name, want] of Object.entries(expected)) {
    assert.deepEqual([...ran[name].dims], want.shape, `${name}: shape`);
    const got = ran[name].data as Float32Array;
    want.data.forEach((w, i) => {
      const error = Math.abs(got[i] - w);
      worst = Math.max(worst, error);
      assert.ok(error <= 1e-5 * Math.max(1, Math.abs(w)), `${name}[${i}]: onnx ${got[i]}, predict ${w}`);
    });
  }
  return worst;
}

describe('Export as ONNX', () => {
  test('a briefly trained template exports for any length and a fixed one; onnxruntime computes what predict does', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;
    // The page connected before the test could listen to its socket: reload, listening.
    const runIdOf = watchRunId(page);
    await page.reload();
    await page.locator('[data-testid="host-status"][data-state="ready"]').waitFor({ timeout: 20_000 });
    await fileMenu(page, 'templates');
    await page.getByTestId('template-sine-elman').click();
    await page.getByTestId('tab-training').click();
    await page.getByTestId('train-start').click();
    await waitForPoints(page, 1, 60_000);
    await page.evaluate(() => document.querySelector<HTMLButtonElement>('[data-testid="train-stop"]:not([disabled])')?.click());
    await page.locator('[data-testid="train-status"][data-state="ended"]').waitFor({ timeout: 30_000 });
    const runId = runIdOf();
    assert.ok(runId, 'the page saw the run start');

    await page.getByTestId('train-export-onnx').click();
    await page.getByTestId('onnx-dialog').waitFor();
    assert.equal(await page.getByTestId('onnx-any').isChecked(), true, 'any length is offered first where the model allows it');
    assert.equal(await page.getByTestId('onnx-steps').isDisabled(), true);
    await typeInto(page.getByTestId('onnx-batch'), '2');
    await screenshot(page, 'export-onnx-dialog-en');
    const anyLength = await downloadOnnx(page);
    await page.getByTestId('onnx-dialog').waitFor({ state: 'hidden' });
    const worst = Math.max(await agrees(anyLength, runId, { window: series(2, 6) }), await agrees(anyLength, runId, { window: series(2, 31) }));
    t.diagnostic(`any length: ${anyLength.length} bytes, worst |onnx − predict| ${worst.toExponential(2)}`);

    // A fixed length: the file's input has exactly that many steps.
    await page.getByTestId('train-export-onnx').click();
    await page.getByTestId('onnx-fixed').check();
    await typeInto(page.getByTestId('onnx-steps'), '0');
    assert.equal(await page.getByTestId('onnx-export').isDisabled(), true, 'zero steps cannot be exported');
    await typeInto(page.getByTestId('onnx-steps'), '9');
    const fixed = await downloadOnnx(page);
    const session = await ort.InferenceSession.create(fixed);
    assert.deepEqual(session.inputNames, ['window']);
    await agrees(fixed, runId, { window: series(1, 9) });

    // The dialog in Chinese.
    await page.getByTestId('language-select').selectOption('zh');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await page.getByTestId('train-export-onnx').click();
    await page.getByTestId('onnx-dialog').waitFor();
    assert.match((await page.getByTestId('onnx-dialog').textContent()) ?? '', /任意长度/);
    await screenshot(page, 'export-onnx-dialog-zh');
    assertNoPageErrors(t, app);
  });
});
