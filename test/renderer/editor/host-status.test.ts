/** The engine status in the top bar and the crash banner, through a crash and a lost connection. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type Banner, connectionHelp, type EngineView, nextBanner, statusShown } from '../../../renderer/editor/host-status.ts';

const view = (state: EngineView['host']['state'], connection: EngineView['connection'] = 'open', message: string | null = null): EngineView => ({
  host: { state, message },
  connection,
});

/** The banners shown along a sequence of snapshots. */
function run(views: readonly EngineView[]): Banner[] {
  let banner: Banner = null;
  let connected = false;
  return views.map((v) => {
    connected ||= v.connection === 'open';
    banner = nextBanner(banner, v, connected);
    return banner;
  });
}

describe('host status shown', () => {
  it('says disconnected without a connection, and the host state with one', () => {
    assert.equal(statusShown(view('stopped', 'closed')), 'disconnected');
    assert.equal(statusShown(view('starting', 'connecting')), 'connecting');
    assert.equal(statusShown(view('ready')), 'ready');
    assert.equal(statusShown(view('crashed', 'closed')), 'crashed', 'a crash is named even while the port is gone');
  });
});

describe('banner', () => {
  it('a crash on an open socket: stopped (with reason), restarting, then a confirmation', () => {
    const banners = run([view('ready'), view('crashed', 'open', 'out of memory'), view('restarting'), view('ready')]);
    assert.deepEqual(banners, [null, { kind: 'down', reason: 'out of memory' }, { kind: 'down', reason: 'out of memory' }, { kind: 'back' }]);
  });

  it('Electron: the port closes with the crash and a new one opens', () => {
    const banners = run([view('ready'), view('crashed', 'closed', 'exit 134'), view('restarting', 'closed'), view('ready', 'closed'), view('ready', 'open')]);
    assert.deepEqual(banners.map((b) => b?.kind ?? null), [null, 'down', 'down', 'down', 'back']);
  });

  it('a lost socket, then reconnected', () => {
    const banners = run([view('ready'), view('stopped', 'closed', 'socket closed'), view('starting', 'open'), view('ready')]);
    assert.deepEqual(banners.map((b) => b?.kind ?? null), [null, 'lost', 'lost', 'back']);
  });

  it('no banner for a page that never reached an engine', () => {
    const banners = run([view('starting', 'connecting'), view('stopped', 'closed', 'refused'), view('stopped', 'closed', 'refused')]);
    assert.deepEqual(banners, [null, null, null]);
  });
});

describe('connection help', () => {
  const served = (search: string) => ({ protocol: 'http:', search });

  it('a served page that never connected says to open the printed address, with or without a token', () => {
    assert.equal(connectionHelp(view('stopped', 'closed'), false, served('')), 'token-missing');
    assert.equal(connectionHelp(view('stopped', 'closed'), false, served('?lang=zh')), 'token-missing');
    assert.equal(connectionHelp(view('stopped', 'closed'), false, served('?token=abc')), 'token-refused');
  });

  it('says nothing while the first attempt runs, once connected, after a later loss, or inside the desktop app', () => {
    assert.equal(connectionHelp(view('stopped', 'connecting'), false, served('')), null);
    assert.equal(connectionHelp(view('ready'), false, served('')), null);
    assert.equal(connectionHelp(view('stopped', 'closed'), true, served('?token=abc')), null, 'a lost connection has its own banner');
    assert.equal(connectionHelp(view('stopped', 'closed'), false, { protocol: 'app:', search: '' }), null);
  });
});
