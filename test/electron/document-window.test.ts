import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { graphFileFromArgv } from '../../electron/main/command-line.ts';
import { closeChoiceOf, windowTitle } from '../../electron/main/document-window.ts';
import { fill, languageFor, mainStrings, stringsFor } from '../../electron/main/strings.ts';
import { fakeDocumentWindow, settle } from './helpers/fakes.ts';

const en = mainStrings.en;

describe('window title', () => {
  it('is "name — RNN Studio", marked when unsaved except on macOS (which marks the close button)', () => {
    assert.equal(windowTitle({ title: 'adding', path: null, dirty: false }, 'linux', en), 'adding — RNN Studio');
    assert.equal(windowTitle({ title: 'adding', path: null, dirty: true }, 'win32', en), '● adding — RNN Studio');
    assert.equal(windowTitle({ title: 'adding', path: null, dirty: true }, 'darwin', en), 'adding — RNN Studio');
    assert.equal(windowTitle({ title: '  ', path: null, dirty: false }, 'linux', en), 'Untitled — RNN Studio');
    assert.equal(windowTitle(null, 'linux', mainStrings.zh), '未命名 — RNN Studio');
  });

  it('strips control characters and shortens very long names', () => {
    assert.equal(windowTitle({ title: 'a\nb\u0007c', path: null, dirty: false }, 'linux', en), 'a b c — RNN Studio');
    const title = windowTitle({ title: 'x'.repeat(500), path: null, dirty: false }, 'linux', en);
    assert.ok(title.length < 150, title);
    assert.ok(title.includes('…'));
  });

  it('on macOS also sets the edited dot and the represented file', () => {
    const { document, record } = fakeDocumentWindow({ platform: 'darwin' });
    document.setState({ title: 'g', path: '/u/g.rnn.json', dirty: true });
    assert.equal(record.edited.at(-1), true);
    assert.equal(record.represented.at(-1), '/u/g.rnn.json');
    document.setState({ title: 'g', path: null, dirty: false });
    assert.equal(record.edited.at(-1), false);
    assert.equal(record.represented.at(-1), '');
    const other = fakeDocumentWindow({ platform: 'linux' });
    other.document.setState({ title: 'g', path: '/u/g.rnn.json', dirty: true });
    assert.deepEqual(other.record.edited, []);
  });
});

describe('closing a window', () => {
  const closeEvent = () => {
    const event = { prevented: false, preventDefault: () => (event.prevented = true) };
    return event;
  };

  it('closes at once when everything is saved', () => {
    const { document, record } = fakeDocumentWindow();
    document.setState({ title: 'g', path: null, dirty: false });
    const event = closeEvent();
    document.handleClose(event);
    assert.equal(event.prevented, false);
    assert.equal(record.prompts.length, 0);
  });

  it('asks Save / Don’t Save / Cancel when there are unsaved changes', async () => {
    const { document, record } = fakeDocumentWindow({ answer: 2 });
    document.setState({ title: 'adding', path: null, dirty: true });
    const event = closeEvent();
    document.handleClose(event);
    assert.equal(event.prevented, true);
    // A second close while the box is up does not open another.
    document.handleClose(closeEvent());
    await settle();
    assert.equal(record.prompts.length, 1);
    const prompt = record.prompts[0];
    assert.deepEqual(prompt.buttons, ['Save', 'Don’t Save', 'Cancel']);
    assert.equal(prompt.cancelId, 2);
    assert.equal(prompt.defaultId, 0);
    assert.match(prompt.message, /“adding”/);
    // Cancel: the window stays, nothing is saved.
    assert.equal(record.closes, 0);
    assert.equal(record.saveRequests, 0);
    assert.equal(record.cancels, 1);
  });

  it('Save: asks the page to save; the page then closes the window without a second question', async () => {
    const { document, record } = fakeDocumentWindow({ answer: 0 });
    document.setState({ title: 'g', path: null, dirty: true });
    document.handleClose(closeEvent());
    await settle();
    assert.equal(record.saveRequests, 1);
    assert.equal(record.closes, 0, 'the window waits for the save');
    document.closeNow();
    assert.equal(record.closes, 1);
    const again = closeEvent();
    document.handleClose(again);
    assert.equal(again.prevented, false);
  });

  it('Don’t Save: closes without saving', async () => {
    const { document, record } = fakeDocumentWindow({ answer: 1 });
    document.setState({ title: 'g', path: null, dirty: true });
    document.handleClose(closeEvent());
    await settle();
    assert.equal(record.saveRequests, 0);
    assert.equal(record.closes, 1);
    const final = closeEvent();
    document.handleClose(final);
    assert.equal(final.prevented, false);
  });

  it('maps the box’s answer; Escape and anything unexpected mean Cancel', () => {
    assert.equal(closeChoiceOf(0), 'save');
    assert.equal(closeChoiceOf(1), 'discard');
    assert.equal(closeChoiceOf(2), 'cancel');
    assert.equal(closeChoiceOf(-1), 'cancel');
  });
});

describe('commands waiting for the page', () => {
  it('holds commands until the page has spoken, then delivers them once, in order', () => {
    const { document, record } = fakeDocumentWindow();
    document.command('file.templates');
    document.command('file.new');
    document.command('file.new');
    assert.deepEqual(record.commands, []);
    document.setState({ title: '', path: null, dirty: false });
    assert.deepEqual(record.commands, ['file.templates', 'file.new']);
    document.command('edit.undo');
    assert.deepEqual(record.commands.at(-1), 'edit.undo');
    document.pageLoading();
    document.command('file.save');
    assert.equal(record.commands.at(-1), 'edit.undo', 'a reloading page gets it once it is back');
    document.pageSpoke();
    assert.equal(record.commands.at(-1), 'file.save');
  });

  it('sends a file handed to the app to the page, waiting with the commands until the page is up', () => {
    const { document, record } = fakeDocumentWindow();
    document.command('file.new');
    document.open('/u/a.rnn.json');
    document.open('/u/a.rnn.json');
    document.open('/u/b.rnn.json');
    assert.deepEqual(record.toPage, [], 'nothing reaches a page that is not listening yet');
    document.pageSpoke();
    assert.deepEqual(record.toPage, ['file.new', 'open:/u/a.rnn.json', 'open:/u/b.rnn.json']);
    assert.deepEqual(record.commands, ['file.new'], 'a handed file is its own event, not a menu command');
    document.open('/u/c.rnn.json');
    assert.equal(record.openedFiles.at(-1), '/u/c.rnn.json');
    document.pageLoading();
    document.open('/u/d.rnn.json');
    assert.equal(record.openedFiles.at(-1), '/u/c.rnn.json', 'a reloading page gets it once it is back');
    document.setState({ title: '', path: null, dirty: false });
    assert.deepEqual(record.openedFiles, ['/u/a.rnn.json', '/u/b.rnn.json', '/u/c.rnn.json', '/u/d.rnn.json']);
  });
});

describe('a file on the command line', () => {
  it('finds the graph file among Chromium’s switches, relative to the working directory', () => {
    assert.equal(graphFileFromArgv(['/opt/rnn/rnn-studio', 'g.rnn.json'], '/home/u', true), '/home/u/g.rnn.json');
    assert.equal(graphFileFromArgv(['/opt/rnn/rnn-studio', '--original-process-start-time=1', '/tmp/x.json', '--no-sandbox'], '/', true), '/tmp/x.json');
    assert.equal(graphFileFromArgv(['/opt/rnn/rnn-studio'], '/home/u', true), null);
    assert.equal(graphFileFromArgv(['/opt/rnn/rnn-studio', 'notes.txt'], '/home/u', true), null);
    // Unpackaged: `electron . g.rnn.json`, where '.' is the app, not a file to open.
    assert.equal(graphFileFromArgv(['/repo/node_modules/electron/dist/electron', '.', 'g.rnn.json'], '/repo', false), '/repo/g.rnn.json');
    assert.equal(graphFileFromArgv(['/repo/node_modules/electron/dist/electron', 'package.json'], '/repo', false), null);
  });
});

describe('main’s strings', () => {
  it('have the same keys in English and Chinese, none empty', () => {
    assert.deepEqual(Object.keys(mainStrings.zh).sort(), Object.keys(mainStrings.en).sort());
    for (const [lang, table] of Object.entries(mainStrings)) for (const [key, text] of Object.entries(table)) assert.ok(text.trim() !== '', `${lang}.${key}`);
  });

  it('use the same placeholders in both languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(mainStrings.en) as (keyof typeof mainStrings.en)[]) {
      assert.deepEqual(placeholders(mainStrings.zh[key]), placeholders(mainStrings.en[key]), key);
    }
  });

  it('follow the system locale', () => {
    assert.equal(languageFor('zh-CN'), 'zh');
    assert.equal(languageFor('zh-Hans-CN'), 'zh');
    assert.equal(languageFor('en-GB'), 'en');
    assert.equal(languageFor('de'), 'en');
    assert.equal(stringsFor('zh-TW').menuFile, '文件');
    assert.equal(fill('exit code {code}, {missing}', { code: 3 }), 'exit code 3, {missing}');
  });
});
