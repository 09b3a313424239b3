/**
 * The language switch: Chinese in the palette, the File menu, the training panel and the rest of
 * the shell, kept across a reload, and back to English.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertNoPageErrors, openApp, screenshot, type Served, startSuite, stopSuite } from './harness.ts';

let served: Served;
let browser: Browser;

before(async () => ({ served, browser } = await startSuite()));
after(() => stopSuite(served, browser));

/** The text as written (textContent: CSS upper-casing aside). */
const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
const byTestId = (page: Page, id: string) => text(page, `[data-testid="${id}"]`);

/** The File menu's entries as shown, opened and closed again. */
async function fileMenuLabels(page: Page): Promise<string[]> {
  await page.getByTestId('menu-file').click();
  return page.locator('[role="menu"] [role="menuitem"] .menu-item-label').allTextContents();
}

describe('language', () => {
  test('switching to Chinese translates the palette, the menu and the training panel, and back', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;
    assert.equal(await page.getByTestId('language-select').inputValue(), 'en');
    assert.equal(await text(page, '.palette h2'), 'Blocks');

    await page.getByTestId('language-select').selectOption('zh');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');

    // Palette: its title, a category, block names.
    assert.equal(await text(page, '.palette h2'), '模块');
    assert.equal(await text(page, '.palette-group h3'), '数据');
    assert.equal(await byTestId(page, 'palette-item-input'), '输入');
    assert.equal(await byTestId(page, 'palette-item-lstm'), 'LSTM 长短期记忆');
    assert.equal(await page.getByTestId('palette-search').getAttribute('placeholder'), '搜索模块');
    // Searching in Chinese finds the block.
    await page.getByTestId('palette-search').fill('全连接');
    assert.deepEqual(await page.locator('.palette-item').allTextContents(), ['全连接层']);
    await page.getByTestId('palette-search').fill('');

    // Top bar and bottom tabs.
    assert.equal(await byTestId(page, 'menu-file'), '文件');
    assert.equal(await byTestId(page, 'undo'), '撤销');
    assert.match(await byTestId(page, 'host-status'), /^引擎：就绪$/);
    assert.equal(await byTestId(page, 'tab-training'), '训练');
    assert.equal(await byTestId(page, 'tab-problems'), '问题');

    // Training panel.
    await page.getByTestId('tab-training').click();
    assert.equal(await byTestId(page, 'train-start'), '开始');
    assert.equal(await byTestId(page, 'train-stop'), '停止');
    assert.equal(await byTestId(page, 'train-status'), '未开始');
    assert.equal(await text(page, '#training-dataset-heading'), '数据集');
    assert.equal(await text(page, '#training-settings-heading'), '训练设置');
    assert.equal(await text(page, 'label[for="training-epochs"]'), '训练轮数');
    assert.equal(await text(page, '.loss-chart-log'), '对数坐标');

    // The File menu, open in the screenshot.
    assert.deepEqual((await fileMenuLabels(page)).slice(0, 4), ['新建', '打开…', '保存', '另存为…']);
    assert.ok(((await page.locator('[role="menu"]').textContent()) ?? '').includes('模板…'));
    await screenshot(page, 'language-zh');
    await page.keyboard.press('Escape');
    await page.locator('[role="menu"]').waitFor({ state: 'detached' });

    // The choice outlives a reload.
    await page.reload();
    await page.locator('[data-testid="host-status"][data-state="ready"]').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('language-select').inputValue(), 'zh');
    assert.equal(await text(page, '.palette h2'), '模块');

    // Back to English.
    await page.getByTestId('language-select').selectOption('en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.equal(await text(page, '.palette h2'), 'Blocks');
    assert.equal(await byTestId(page, 'palette-item-input'), 'Input');
    assert.equal(await byTestId(page, 'menu-file'), 'File');
    assert.equal(await byTestId(page, 'train-start'), 'Start');
    assert.equal(await text(page, '#training-settings-heading'), 'Training settings');
    assert.deepEqual((await fileMenuLabels(page)).slice(0, 4), ['New', 'Open…', 'Save', 'Save As…']);
    await page.keyboard.press('Escape');
    await screenshot(page, 'language-en');
    assertNoPageErrors(t, app);
  });
});
