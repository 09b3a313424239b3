/**
 * End-to-end harness: starts `rnn-studio serve` on a free port with a fresh workspace, drives the
 * built renderer in Debian's Chromium through playwright-core, and moves the mouse as a person
 * does (pointer down, moves, pointer up). Screenshots go to test-results/e2e/.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import WebSocket from 'ws';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join('test-results', 'e2e');

const BUILT = join('dist', 'renderer', 'index.html');
/** What the built renderer is made from (the renderer imports the engine's pure modules). */
const SOURCES = ['renderer', join('engine', 'protocol'), join('engine', 'graph'), join('engine', 'blocks'), join('engine', 'compiler')];

function newestFile(dir: string): { path: string; mtimeMs: number } | null {
  let newest: { path: string; mtimeMs: number } | null = null;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const found = entry.isDirectory() ? newestFile(path) : { path, mtimeMs: statSync(path).mtimeMs };
    if (found && (!newest || found.mtimeMs > newest.mtimeMs)) newest = found;
  }
  return newest;
}

/**
 * The tests drive the built app: fail with how to build it rather than on a blank page, and warn
 * when a source file is newer than the build (the tests then exercise the previous build).
 */
export function assertBuilt(): void {
  assert.ok(existsSync(BUILT), 'dist/renderer is missing: run `npx vite build` (npm test builds first)');
  const built = statSync(BUILT).mtimeMs;
  const newer = SOURCES.map(newestFile).find((f) => f !== null && f.mtimeMs > built);
  if (newer) process.stderr.write(`warning: ${newer.path} is newer than ${BUILT}; these tests run the previous build (npx vite build)\n`);
}

export interface Served {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly workspace: string;
  readonly process: ChildProcess;
  close(): Promise<void>;
}

/** Starts the server (on `workspace`, else a fresh one that close() removes); resolves once it prints where it listens. */
export async function startServe(workspace: string = mkdtempSync(join(tmpdir(), 'rnn-studio-e2e-'))): Promise<Served> {
  assertBuilt();
  const child = spawn(process.execPath, ['bin/rnn-studio.js', 'serve', '--port', '0', '--json', '--workspace', workspace], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  // A test process that dies without its after() hook must not leave a server behind.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const listening = await new Promise<{ url: string; port: number; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 30 s\n${stderr}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}\n${stderr}`)));
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { type?: string; url?: string; port?: number; token?: string };
        if (msg.type === 'listening' && msg.url && msg.port && msg.token) {
          clearTimeout(timer);
          resolve({ url: msg.url, port: msg.port, token: msg.token });
        }
      } catch {
        // not a JSON line
      }
    });
  });
  return {
    ...listening,
    workspace,
    process: child,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/** The engine host's pid, read from `host.status` over the server's own WebSocket. */
export async function hostPid(served: Served): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${served.port}/engine?token=${served.token}`, { origin: `http://127.0.0.1:${served.port}` });
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no host.status within 10 s')), 10_000);
      ws.on('message', (data: WebSocket.RawData) => {
        const msg = JSON.parse(data.toString()) as { type: string; event?: { type: string; state: string; pid: number | null } };
        if (msg.type === 'event' && msg.event?.type === 'host.status' && msg.event.state === 'ready' && msg.event.pid) {
          clearTimeout(timer);
          resolve(msg.event.pid);
        }
      });
      ws.on('error', reject);
    });
  } finally {
    ws.close();
  }
}

/** One server and one browser for a test file (each test opens its own context). */
export async function startSuite(): Promise<{ served: Served; browser: Browser }> {
  const served = await startServe();
  try {
    return { served, browser: await launchBrowser() };
  } catch (e) {
    await served.close();
    throw e;
  }
}

export async function stopSuite(served: Served | undefined, browser: Browser | undefined): Promise<void> {
  await browser?.close();
  await served?.close();
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface App {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Uncaught page errors, console errors and failed requests: any of them fails the test. */
  readonly errors: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Runs in the page before the app's own scripts (e.g. to install a PerformanceObserver). */
  readonly initScript?: () => void;
  /**
   * Keep the backups earlier pages left in the workspace, so the app offers to restore them. By
   * default they are removed first: a page closed with unsaved edits (as most tests leave theirs)
   * would otherwise greet the next test's page with the Restore dialog.
   */
  readonly keepBackups?: boolean;
}

/** A fresh browser context with the app at 1440×900, in English, connected to the engine. */
export async function openApp(browser: Browser, served: Served, options: OpenOptions = {}): Promise<App> {
  if (!options.keepBackups) rmSync(join(served.workspace, '.rnn-studio', 'backups'), { recursive: true, force: true });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, locale: 'en-US' });
  // A step that cannot happen fails in seconds, not after Playwright's default 30 s.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.stack ?? String(e)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()} (${m.location().url})`);
  });
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  // tsx compiles the tests with esbuild's keepNames, which wraps named functions in a `__name`
  // helper; functions handed to page.evaluate carry that call into the page, so give it one.
  await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((fn) => fn);' });
  if (options.initScript) await page.addInitScript(options.initScript);
  await page.goto(served.url);
  await page.getByTestId('canvas').waitFor();
  await page.locator('[data-testid="host-status"][data-state="ready"]').waitFor({ timeout: 20_000 });
  return { page, context, errors, close: () => context.close() };
}

/** Fails the test on any page error, console error or failed request. */
export function assertNoPageErrors(_t: TestContext, app: App): void {
  assert.deepEqual(app.errors, [], 'the page reported errors');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${String(locator)} is not visible`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags with real pointer events: down, several moves, up. */
export async function dragMouse(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + (to.x - from.x) * 0.25, from.y + (to.y - from.y) * 0.25, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 10 });
  await page.mouse.up();
}

export const nodeLocator = (page: Page, id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);

/** The ids of the nodes on the canvas, in document order. */
export const nodeIds = (page: Page): Promise<string[]> => page.locator('.react-flow__node').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-id') ?? ''));

/** Drags a block from the palette onto the canvas at (dx, dy) from its top-left corner; returns the new node id. */
export async function dragBlock(page: Page, type: string, dx: number, dy: number): Promise<string> {
  const before = await nodeIds(page);
  const canvas = await page.getByTestId('canvas').boundingBox();
  if (!canvas) throw new Error('canvas not visible');
  const item = page.getByTestId(`palette-item-${type}`);
  await item.scrollIntoViewIfNeeded(); // the palette list scrolls; a person scrolls it too
  await dragMouse(page, await centre(item), { x: canvas.x + dx, y: canvas.y + dy });
  const handle = await page.waitForFunction(
    (known) => [...document.querySelectorAll('.react-flow__node')].map((n) => n.getAttribute('data-id') ?? '').find((id) => !known.includes(id)),
    before,
    { timeout: 5000 },
  );
  return (await handle.jsonValue()) as string;
}

export const handle = (page: Page, node: string, port: string, side: 'source' | 'target'): Locator =>
  page.locator(`.react-flow__node[data-id="${node}"] .react-flow__handle.${side}[data-handleid="${port}"]`);

/** Drags from an output handle to an input handle. */
export async function connect(page: Page, from: [string, string], to: [string, string]): Promise<void> {
  await dragMouse(page, await centre(handle(page, from[0], from[1], 'source')), await centre(handle(page, to[0], to[1], 'target')));
}

/** Selects a node by clicking its title bar. */
export async function clickNode(page: Page, id: string): Promise<void> {
  await nodeLocator(page, id).locator('.block-node-header').click();
  await page.locator(`.react-flow__node[data-id="${id}"].selected`).waitFor();
}

/** Chooses an entry of the File menu. */
export async function fileMenu(page: Page, item: 'new' | 'open' | 'save' | 'saveAs' | 'import' | 'export' | 'templates'): Promise<void> {
  await page.getByTestId('menu-file').click();
  await page.getByTestId(`menu-file-${item}`).click();
}

/** Replaces a text field's content the way a person does: click, select all, type. */
export async function typeInto(field: Locator, text: string): Promise<void> {
  await field.click();
  await field.press('ControlOrMeta+a');
  await field.pressSequentially(text);
}

/**
 * Waits until the canvas stops moving: a loaded document is fitted into view shortly after it
 * appears, and a block dropped during that animation would land somewhere else.
 */
export async function settleViewport(page: Page, quietMs = 350): Promise<void> {
  const transform = () => page.locator('.react-flow__viewport').evaluate((v) => (v as HTMLElement).style.transform);
  let last = await transform();
  let since = Date.now();
  const deadline = Date.now() + 5000;
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error('the canvas kept moving for 5 s');
    await page.waitForTimeout(50);
    const now = await transform();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
}

/** File > New: an empty graph (the start page's graph is unchanged, so no prompt). */
export async function newGraph(page: Page): Promise<void> {
  await fileMenu(page, 'new');
  await page.waitForFunction(() => document.querySelectorAll('.react-flow__node').length === 0);
  await settleViewport(page);
}

export interface DomNode {
  readonly id: string;
  readonly type: string;
  readonly title: string;
  /** Where the node sits on the canvas, in graph coordinates (React Flow's transform). */
  readonly position: { readonly x: number; readonly y: number };
  /** The params shown on the node, "key value". */
  readonly params: readonly string[];
}

export interface DomEdge {
  readonly id: string;
  /** "Edge from <source> to <target>" as React Flow labels it. */
  readonly label: string;
}

/** The graph as the canvas shows it, sorted by id. */
export async function graphOnCanvas(page: Page): Promise<{ nodes: DomNode[]; edges: DomEdge[] }> {
  const raw = await page.evaluate(() => ({
    nodes: [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((n) => ({
      id: n.getAttribute('data-id') ?? '',
      type: n.querySelector('.block-node-type')?.textContent ?? '',
      title: n.querySelector('.block-node-title')?.textContent ?? '',
      transform: n.style.transform,
      params: [...n.querySelectorAll('.param-chip')].map((c) => c.textContent ?? ''),
    })),
    edges: [...document.querySelectorAll('.react-flow__edge')].map((e) => ({ id: e.getAttribute('data-id') ?? '', label: e.getAttribute('aria-label') ?? '' })),
  }));
  const text = (s: string) => s.replace(/\s+/g, ' ').trim();
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  const nodes = raw.nodes.map((n): DomNode => {
    const m = /translate\(\s*(-?[\d.]+)px,\s*(-?[\d.]+)px\)/.exec(n.transform);
    return { id: n.id, type: text(n.type), title: text(n.title), position: { x: m ? Number(m[1]) : Number.NaN, y: m ? Number(m[2]) : Number.NaN }, params: n.params.map(text) };
  });
  return { nodes: nodes.sort(byId), edges: raw.edges.sort(byId) };
}

/** The text of the toasts now on screen, with their kind. */
export const toasts = (page: Page): Promise<{ kind: string; text: string }[]> =>
  page.getByTestId('toast').evaluateAll((ts) => ts.map((t) => ({ kind: t.getAttribute('data-kind') ?? '', text: (t.textContent ?? '').trim() })));

/** The step-loss chart's attributes as numbers. */
export async function chartState(page: Page): Promise<{ points: number; lastLoss: number | null }> {
  return page.getByTestId('loss-chart').evaluate((c) => ({
    points: Number(c.getAttribute('data-points') ?? '0'),
    lastLoss: c.hasAttribute('data-last-loss') ? Number(c.getAttribute('data-last-loss')) : null,
  }));
}

/** Retries `check` until it stops throwing, for state outside the page (files on disk). */
export async function eventually(check: () => void, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      check();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Waits until the chart holds more than `count` step points; returns how many it holds. */
export async function waitForPoints(page: Page, count: number, timeout = 20_000): Promise<number> {
  const done = await page.waitForFunction(
    (n) => {
      const points = Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points') ?? '0');
      return points > n ? points : 0;
    },
    count,
    { timeout, polling: 100 },
  );
  return (await done.jsonValue()) as number;
}
