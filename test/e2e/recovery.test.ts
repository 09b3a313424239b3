/**
 * Autosave and recovery in the browser: edits are backed up into the workspace while they are
 * unsaved; leaving the page warns; after a reload, or after the server is killed mid-edit and
 * started again on the same workspace, the app offers the backup (naming the document and when
 * it was backed up) and restoring it brings the edits back as an unsaved document.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  assertNoPageErrors,
  clickNode,
  dragBlock,
  eventually,
  launchBrowser,
  nodeLocator,
  openApp,
  screenshot,
  settleViewport,
  startServe,
  typeInto,
} from './harness.ts';

let browser: Browser | undefined;
before(async () => (browser = await launchBrowser()));
after(async () => browser?.close());

const backupsIn = (workspace: string) => join(workspace, '.rnn-studio', 'backups');

/** The text of every backup in the workspace. */
function backupTexts(workspace: string): string[] {
  const folder = backupsIn(workspace);
  return existsSync(folder) ? readdirSync(folder).filter((n) => n.endsWith('.backup.json')).map((n) => readFileSync(join(folder, n), 'utf8')) : [];
}

/** Adds a dense block and renames it; resolves once the backup in the workspace has both. */
async function editAndWaitForBackup(page: Page, workspace: string, label: string): Promise<string> {
  await settleViewport(page);
  const id = await dragBlock(page, 'dense', 560, 90);
  await clickNode(page, id);
  await typeInto(page.getByTestId('node-label'), label);
  await eventually(() => {
    const texts = backupTexts(workspace);
    assert.equal(texts.length, 1, 'one backup');
    assert.ok(texts[0].includes(`"id":"${id}"`) && texts[0].includes(label), 'the backup has the new block and its name');
  }, 15_000);
  return id;
}

/** The offer on screen: `count` backups, one of them whole; `beforeRestore` acts on the dialog first. */
async function restoreAndCheck(
  page: Page,
  id: string,
  label: string,
  screenshotName: string,
  texts: { restore: string; backedUp: RegExp },
  count = 1,
  beforeRestore: (dialog: Locator) => Promise<void> = async () => undefined,
): Promise<void> {
  const dialog = page.getByTestId('recovery-dialog');
  await dialog.waitFor({ timeout: 20_000 });
  assert.equal(await dialog.getByTestId('recovery-item').count(), count);
  const item = dialog.locator('[data-testid="recovery-item"][data-state="ok"]');
  assert.match(await item.innerText(), /Adding problem \(LSTM\)/);
  assert.match(await item.getByTestId('recovery-when').innerText(), texts.backedUp);
  assert.equal((await item.getByTestId('recovery-restore').innerText()).trim(), texts.restore);
  await screenshot(page, screenshotName);
  await beforeRestore(dialog);
  await item.getByTestId('recovery-restore').click();
  await dialog.waitFor({ state: 'hidden' });
  await nodeLocator(page, id).waitFor();
  assert.match(await nodeLocator(page, id).innerText(), new RegExp(label));
  assert.ok((await page.title()).startsWith('• '), 'restored as an unsaved document');
}

describe('recovery', () => {
  it('reload mid-edit: the page warns, then offers the backup, and restoring brings the edits back', async (t) => {
    const served = await startServe();
    try {
      const app = await openApp(browser!, served);
      const { page } = app;
      const id = await editAndWaitForBackup(page, served.workspace, 'renamed before reload');
      // A backup cut off half-way (as a full disk would leave it, were writes not atomic).
      writeFileSync(join(backupsIn(served.workspace), 'cut-off-0001.backup.json'), backupTexts(served.workspace)[0].slice(0, 120));
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.type());
        void d.accept();
      });
      await page.reload();
      assert.deepEqual(dialogs, ['beforeunload'], 'leaving a page with unsaved changes warns');
      await restoreAndCheck(page, id, 'renamed before reload', 'recovery-en', { restore: 'Restore', backedUp: /^Backed up / }, 2, async (dialog) => {
        const damaged = dialog.locator('[data-testid="recovery-item"][data-state="damaged"]');
        assert.match(await damaged.innerText(), /Damaged backup[\s\S]*This backup cannot be restored: not valid JSON \(cut off or damaged\)/);
        assert.equal(await damaged.getByTestId('recovery-restore').count(), 0, 'a damaged backup can only be discarded');
        await damaged.getByTestId('recovery-discard').click();
        await damaged.waitFor({ state: 'detached' });
        assert.ok(!existsSync(join(backupsIn(served.workspace), 'cut-off-0001.backup.json')));
      });
      // Still unsaved: the backup stays, under the same id, until the document is saved or discarded.
      await eventually(() => assert.equal(backupTexts(served.workspace).length, 1));
      assertNoPageErrors(t, app);
      await app.close();
    } finally {
      await served.close();
    }
  });

  it('the server killed mid-edit and started again on the same workspace: the backup is restored (in Chinese)', async (t) => {
    const workspace = mkdtempSync(join(tmpdir(), 'rnn-studio-e2e-'));
    const first = await startServe(workspace);
    const firstApp = await openApp(browser!, first);
    const id = await editAndWaitForBackup(firstApp.page, workspace, 'renamed before the kill');
    const exited = new Promise((resolve) => first.process.once('exit', resolve));
    first.process.kill('SIGKILL');
    await exited;
    await firstApp.close();

    const second = await startServe(workspace);
    try {
      const app = await openApp(browser!, second, { keepBackups: true, initScript: () => localStorage.setItem('rnn-studio.language', 'zh') });
      await restoreAndCheck(app.page, id, 'renamed before the kill', 'recovery-zh', { restore: '恢复', backedUp: /^备份于 / });
      assertNoPageErrors(t, app);
      await app.close();
    } finally {
      await second.close();
    }
  });
});
