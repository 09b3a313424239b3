/**
 * How smooth the editor stays as graphs grow: for graphs of 4, 124 and 404 blocks, the renderer's
 * long tasks (PerformanceObserver 'longtask', over 50 ms) and frame times while a block is dragged
 * for 3 s and while the graph's name is typed. The built renderer runs in Debian's Chromium
 * against `rnn-studio serve`, as in the end-to-end tests. It reports; it asserts nothing.
 *
 *   npm run bench:ui            (builds the renderer first)
 *   npx tsx test/e2e/bench-ui.ts [--sizes 4,124,404] [--drag-ms 3000] [--profile DIR]
 *
 * `--profile DIR` writes a CPU profile of each measured action (open it in Chromium's DevTools;
 * build with `npx vite build --minify false` to read function names).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import { chainGraph } from './bench-graphs.ts';
import { fileMenu, launchBrowser, openApp, settleViewport, startServe } from './harness.ts';
import { observeLongTasks, percentile, readLongTasks, tasksDuring } from './streaming-metrics.ts';

declare global {
  interface Window {
    __benchFrames?: number[];
    __benchRecording?: boolean;
  }
}

/** In the page: a requestAnimationFrame loop that records frame times while asked to. */
function recordFrames(): void {
  window.__benchFrames = [];
  const tick = (now: number) => {
    if (window.__benchRecording) window.__benchFrames?.push(now);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

interface Measured {
  readonly longTasks: number;
  readonly longTaskMs: number;
  readonly longestMs: number;
  readonly frameP95: number;
  readonly frames: number;
  /** CPU time of the renderer's main thread over the action (less sensitive to a busy machine than durations). */
  readonly cpuMs: number;
}

/** The main thread's CPU time so far, in ms (Chromium's ThreadTime metric). */
async function threadTime(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const found = metrics.find((m) => m.name === 'ThreadTime');
  if (!found) throw new Error('Chromium reports no ThreadTime metric');
  return found.value * 1000;
}

/** Runs `action` and measures the long tasks and frames over it. */
/** Where to write a CPU profile of each measured action (`--profile DIR`); null: none. */
let profileDir: string | null = null;

async function measure(page: Page, cdp: CDPSession, name: string, action: () => Promise<void>): Promise<Measured> {
  if (profileDir) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const cpuFrom = await threadTime(cdp);
  const from = await page.evaluate(() => {
    window.__benchFrames = [];
    window.__benchRecording = true;
    return performance.now();
  });
  await action();
  // Let the last frame and any task that the action queued finish before reading.
  await page.waitForTimeout(300);
  const { to, frames } = await page.evaluate(() => {
    window.__benchRecording = false;
    return { to: performance.now(), frames: [...(window.__benchFrames ?? [])] };
  });
  const cpuMs = (await threadTime(cdp)) - cpuFrom;
  if (profileDir) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(join(profileDir, `${name}.cpuprofile`), JSON.stringify(profile));
  }
  const tasks = tasksDuring(await readLongTasks(page), from, to);
  const gaps = frames.slice(1).map((f, i) => f - frames[i]);
  return {
    longTasks: tasks.length,
    longTaskMs: tasks.reduce((s, t) => s + t.duration, 0),
    longestMs: tasks.reduce((m, t) => Math.max(m, t.duration), 0),
    frameP95: gaps.length > 0 ? percentile(gaps, 95) : Number.NaN,
    frames: frames.length,
    cpuMs,
  };
}

/** A block near the middle of the canvas whose title bar is on screen, to drag by it. */
async function draggableHeader(page: Page): Promise<{ x: number; y: number }> {
  const point = await page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="canvas"]')!.getBoundingClientRect();
    const cx = canvas.x + canvas.width / 2;
    const cy = canvas.y + canvas.height / 2;
    let best: { x: number; y: number; d: number } | null = null;
    for (const header of document.querySelectorAll('.react-flow__node .block-node-header')) {
      const r = header.getBoundingClientRect();
      const x = r.x + Math.min(20, r.width / 2);
      const y = r.y + r.height / 2;
      if (x < canvas.left + 40 || x > canvas.right - 200 || y < canvas.top + 40 || y > canvas.bottom - 160) continue;
      const d = Math.hypot(x - cx, y - cy);
      if (!best || d < best.d) best = { x, y, d };
    }
    return best;
  });
  if (!point) throw new Error('no block title bar is visible on the canvas');
  return point;
}

/** Holds a block and moves it in a circle for `ms`, as a person hunting for a place does. */
async function dragFor(page: Page, from: { x: number; y: number }, ms: number): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  const start = Date.now();
  let step = 0;
  while (Date.now() - start < ms) {
    const a = (step++ / 30) * Math.PI;
    await page.mouse.move(from.x + 60 * Math.sin(a), from.y + 40 * (1 - Math.cos(a)));
  }
  await page.mouse.up();
}

async function openGraph(page: Page, name: string, blocks: number): Promise<void> {
  await fileMenu(page, 'open');
  await page.locator(`[data-testid="file-entry"][data-name="${name}"]`).click();
  // A large graph draws only the blocks in view: wait for the document, then for blocks on screen.
  await page.waitForFunction((title) => document.querySelector('.document-title')?.textContent === title, chainGraph(blocks).name, { timeout: 60_000 });
  await page.locator('.react-flow__node').first().waitFor();
  await settleViewport(page);
}

const ms = (v: number) => (Number.isNaN(v) ? '–' : v.toFixed(0));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '4,124,404' }, 'drag-ms': { type: 'string', default: '3000' }, profile: { type: 'string' } } });
  if (values.profile) {
    mkdirSync(values.profile, { recursive: true });
    profileDir = values.profile;
  }
  const sizes = values.sizes.split(',').map(Number);
  const dragMs = Number(values['drag-ms']);
  const browser = await launchBrowser();
  const chromium = browser.version();
  const rows: string[][] = [];
  try {
    for (const blocks of sizes) {
      const name = `bench-${blocks}.rnn.json`;
      // A workspace of its own for each graph: the previous graph's edits are backed up to its
      // workspace, and the app would open by offering to restore them.
      const served = await startServe();
      writeFileSync(join(served.workspace, name), `${JSON.stringify(chainGraph(blocks), null, 2)}\n`);
      const app = await openApp(browser, served, { initScript: observeLongTasks });
      try {
        const { page } = app;
        page.setDefaultTimeout(30_000);
        await page.evaluate(recordFrames);
        const cdp = await app.context.newCDPSession(page);
        await cdp.send('Performance.enable');
        await openGraph(page, name, blocks);
        // The live validation of a freshly opened graph settles before anything is timed.
        await page.waitForTimeout(1000);
        const drag = await measure(page, cdp, `drag-${blocks}`, async () => dragFor(page, await draggableHeader(page), dragMs));
        await page.getByTestId('canvas').locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
        const field = page.getByTestId('graph-name');
        await field.click();
        await field.press('ControlOrMeta+a');
        const typing = await measure(page, cdp, `typing-${blocks}`, () => field.pressSequentially('A recurrent network of many blocks', { timeout: 300_000 }));
        rows.push([
          String(blocks),
          `${drag.longTasks}`,
          ms(drag.longTaskMs),
          ms(drag.longestMs),
          ms(drag.frameP95),
          ms(drag.cpuMs),
          `${typing.longTasks}`,
          ms(typing.longTaskMs),
          ms(typing.longestMs),
          ms(typing.frameP95),
          ms(typing.cpuMs),
        ]);
        if (app.errors.length > 0) process.stderr.write(`page errors with ${blocks} blocks:\n${app.errors.join('\n')}\n`);
      } finally {
        await app.close();
        await served.close();
      }
    }
  } finally {
    await browser.close();
  }
  const head = ['blocks', 'drag: long tasks', 'total ms', 'longest ms', 'frame p95 ms', 'CPU ms', 'typing: long tasks', 'total ms', 'longest ms', 'frame p95 ms', 'CPU ms'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  process.stdout.write(`UI benchmark: ${dragMs} ms drag of one block, then typing the graph name (34 keys); long tasks are those over 50 ms\n`);
  process.stdout.write(`machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Chromium ${chromium}\n\n`);
  process.stdout.write(`${line(head)}\n${rows.map(line).join('\n')}\n`);
}

await main();
