/**
 * Smaller things a new user meets in the browser: the palette finds blocks by what they do, in
 * both languages; a page opened without the token, or with a stale one, says which address to
 * open; the epoch table shows every column whole, in English and in Chinese.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertNoPageErrors, fileMenu, openApp, screenshot, type Served, startSuite, stopSuite, typeInto } from './harness.ts';

let served: Served;
let browser: Browser;

before(async () => ({ served, browser } = await startSuite()));
after(() => stopSuite(served, browser));

const paletteItems = (page: Page) => page.locator('[data-testid^="palette-item-"]').evaluateAll((items) => items.map((i) => i.getAttribute('data-testid')!.slice('palette-item-'.length)));

/** Cells of the epoch table whose text does not fit, and whether the table is wider than its panel. */
const epochTableFit = (page: Page) =>
  page.getByTestId('epoch-table').evaluate((table) => {
    const wrap = table.parentElement!;
    const clipped = [...table.querySelectorAll('th, td')].filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent ?? '');
    return { clipped, overflows: wrap.scrollWidth > wrap.clientWidth + 1, widths: `${wrap.scrollWidth} in ${wrap.clientWidth}`, columns: table.querySelectorAll('th').length };
  });

describe('polish', () => {
  test('palette search covers help text and synonyms in English and Chinese', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;
    const search = page.getByTestId('palette-search');
    await typeInto(search, 'gate');
    await page.getByTestId('palette-item-gru').waitFor();
    const gated = await paletteItems(page);
    for (const type of ['lstm', 'gru', 'minimalGatedUnit', 'peepholeLstm']) assert.ok(gated.includes(type), `"gate" shows ${type} (shown: ${gated.join(', ')})`);
    assert.ok(!gated.includes('dense'));
    await screenshot(page, 'polish-search-gate');

    await page.getByTestId('language-select').selectOption('zh');
    await typeInto(search, '门');
    await page.getByTestId('palette-item-gru').waitFor();
    const zh = await paletteItems(page);
    assert.ok(zh.includes('lstm') && zh.includes('gru'), `"门" shows LSTM and GRU (shown: ${zh.join(', ')})`);
    await typeInto(search, '全连接');
    await page.waitForFunction(() => !document.querySelector('[data-testid="palette-item-lstm"]'));
    assert.deepEqual(await paletteItems(page), ['dense']);
    await screenshot(page, 'polish-search-zh');
    await page.getByTestId('language-select').selectOption('en');
    assertNoPageErrors(t, app);
  });

  test('a page without the token, or with a stale one, says to open the address serve printed', async (t) => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    t.after(() => context.close());
    const page = await context.newPage();
    const origin = new URL(served.url).origin;

    await page.goto(`${origin}/`);
    const banner = page.getByTestId('host-banner');
    await banner.waitFor({ timeout: 15_000 });
    assert.equal(await banner.getAttribute('data-kind'), 'token-missing');
    assert.match(await banner.innerText(), /Open the address that `rnn-studio serve` printed in its terminal, with the \?token=… part/);
    assert.equal(await page.getByTestId('host-status').getAttribute('data-state'), 'disconnected');
    await screenshot(page, 'polish-token-missing');

    await page.goto(`${origin}/?token=stale-${served.token.slice(0, 8)}`);
    await page.locator('[data-testid="host-banner"][data-kind="token-refused"]').waitFor({ timeout: 15_000 });
    assert.match(await banner.innerText(), /token in its address is not this server’s/);
    await page.getByTestId('language-select').selectOption('zh');
    assert.match(await banner.innerText(), /请打开 `rnn-studio serve` 在终端中打印的地址/);
    await screenshot(page, 'polish-token-refused-zh');
  });

  test('the epoch table shows every column whole, in English and Chinese', async (t) => {
    const app = await openApp(browser, served);
    t.after(() => app.close());
    const { page } = app;
    // A classifier trained briefly with a validation split: loss, accuracy and both again on the
    // held-out examples, learning rate and time: the widest table there is.
    await fileMenu(page, 'templates');
    await page.getByTestId('template-char-gru').click();
    await page.getByTestId('template-gallery').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('.document-title')?.textContent?.length);
    await page.getByTestId('tab-training').click();
    await typeInto(page.getByTestId('training-epochs'), '2');
    await typeInto(page.getByTestId('training-validationSplit'), '0.2');
    await page.getByTestId('train-start').click();
    await page.locator('[data-testid="train-status"][data-state="ended"]').waitFor({ timeout: 120_000 });
    await page.locator('[data-testid="epoch-table"][data-epochs="2"]').waitFor();

    for (const language of ['en', 'zh'] as const) {
      await page.getByTestId('language-select').selectOption(language);
      await page.waitForFunction((lang) => document.documentElement.lang.startsWith(lang), language);
      await page.getByTestId('epoch-table').scrollIntoViewIfNeeded();
      const fit = await epochTableFit(page);
      await screenshot(page, `polish-epoch-table-${language}`);
      assert.ok(fit.columns >= 4, `the table has its columns (${fit.columns})`);
      assert.deepEqual(fit.clipped, [], `no cell is cut off (${language})`);
      assert.equal(fit.overflows, false, `the table fits its panel (${language}: ${fit.widths} px)`);
    }
    await page.getByTestId('language-select').selectOption('en');
    assertNoPageErrors(t, app);
  });
});
