import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyExternalLink, DOCUMENTATION_LINKS, externalLinkPrompt, openExternalLink } from '../../electron/main/external-links.ts';
import { mainStrings } from '../../electron/main/strings.ts';
import { settle } from './helpers/fakes.ts';

const docs = DOCUMENTATION_LINKS[0];

/** openExternalLink with a browser and a question box that record what they are asked. */
async function follow(url: string, answer: boolean) {
  const opened: string[] = [];
  const asked: string[] = [];
  const logs: string[] = [];
  await openExternalLink(url, 'a link', {
    openExternal: (link) => (opened.push(link), Promise.resolve()),
    confirm: (link) => (asked.push(link), Promise.resolve(answer)),
    log: (m) => logs.push(m),
  });
  return { opened, asked, logs };
}

describe('external links', () => {
  it('the documentation list is https URLs of whole folders', () => {
    assert.ok(DOCUMENTATION_LINKS.length > 0);
    for (const link of DOCUMENTATION_LINKS) {
      const url = new URL(link);
      assert.equal(url.protocol, 'https:', link);
      assert.ok(url.pathname.endsWith('/'), link);
      assert.equal(url.href, link, 'written as the URL parser writes it');
    }
  });

  it('opens the project’s documentation without asking', async () => {
    for (const url of [docs, `${docs}cli.html`, `${docs}formats/graph.html?x=1#top`]) {
      assert.deepEqual(classifyExternalLink(url), { kind: 'documentation', url: new URL(url).href }, url);
      const run = await follow(url, false);
      assert.deepEqual(run.opened, [new URL(url).href], url);
      assert.deepEqual(run.asked, [], url);
    }
  });

  it('asks before opening any other http(s) link, naming the whole URL, and opens it only on yes', async () => {
    const url = 'https://example.com/some/page?q=1';
    const declined = await follow(url, false);
    assert.deepEqual(declined.asked, [url]);
    assert.deepEqual(declined.opened, []);
    assert.equal(declined.logs.length, 1);
    const accepted = await follow(url, true);
    assert.deepEqual(accepted.asked, [url]);
    assert.deepEqual(accepted.opened, [url]);
  });

  it('asks for links that only look like the documentation', async () => {
    const host = new URL(docs).host;
    const lookAlikes = [
      `https://${host}.evil.com${new URL(docs).pathname}`,
      `https://${host}@evil.com${new URL(docs).pathname}`,
      `https://user:pass@${host}${new URL(docs).pathname}`,
      `https://${host}:8443${new URL(docs).pathname}`,
      `http://${host}${new URL(docs).pathname}`,
      `https://evil.com/${docs}`,
      `https://evil.com/?${docs}`,
      `${docs}../admin`,
      `${docs}%2e%2e/admin`,
      `https://${host}/`,
      `https://${host}${new URL(docs).pathname.slice(0, -1)}-evil/`,
    ];
    for (const url of lookAlikes) {
      assert.equal(classifyExternalLink(url).kind, 'other', url);
      const run = await follow(url, false);
      assert.equal(run.asked.length, 1, url);
      assert.deepEqual(run.opened, [], url);
    }
  });

  it('refuses other schemes outright, without asking', async () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-msdt:/id', 'data:text/html,hi', 'vscode://x', 'https://', 'nonsense', '']) {
      assert.deepEqual(classifyExternalLink(url), { kind: 'refused' }, url);
      const run = await follow(url, true);
      assert.deepEqual(run.asked, [], url);
      assert.deepEqual(run.opened, [], url);
      assert.equal(run.logs.length, 1, url);
    }
  });

  it('a browser that fails to open is logged, not thrown', async () => {
    const logs: string[] = [];
    await openExternalLink(docs, 'a link', { openExternal: () => Promise.reject(new Error('no browser')), confirm: () => Promise.resolve(true), log: (m) => logs.push(m) });
    await settle();
    assert.equal(logs.length, 1);
    assert.match(logs[0], /no browser/);
  });

  it('the question names the full URL, defaults to Cancel and speaks the user’s language', () => {
    const url = 'https://evil.example/a?b=c#d';
    for (const strings of [mainStrings.en, mainStrings.zh]) {
      const box = externalLinkPrompt(url, strings);
      assert.ok(`${box.message}\n${box.detail ?? ''}`.includes(url));
      assert.equal(box.buttons?.length, 2);
      assert.equal(box.buttons?.[0], strings.linkOpen);
      assert.equal(box.defaultId, 1);
      assert.equal(box.cancelId, 1);
    }
  });
});
