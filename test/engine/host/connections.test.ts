/**
 * The host's side of its connections (what main.ts wires to MessagePorts and Node IPC): ready on
 * attach, replies only to the asker, events to everyone, bad messages answered when they can be.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { HostConnections, type Peer } from '../../../engine/host/connections.ts';
import { createEngineService } from '../../../engine/host/service.ts';
import { HostMessage, PROTOCOL_VERSION } from '../../../engine/protocol/index.ts';
import { TEMPLATES_DIR } from '../../helpers/templates.ts';
import { delay } from './harness.ts';

function recordingPeer(): Peer & { got: HostMessage[] } {
  const got: HostMessage[] = [];
  // Through JSON and back, as a port would carry it, and parsed as a client would.
  return { got, post: (m) => void got.push(HostMessage.parse(JSON.parse(JSON.stringify(m)))) };
}

const connections = new HostConnections();
const service = createEngineService({ workspace: null, templatesDir: TEMPLATES_DIR, emit: connections.broadcast });
connections.serve(service);
after(() => service.dispose());

describe('HostConnections', () => {
  it('says ready with the pid and protocol version to each new connection', () => {
    const a = recordingPeer();
    connections.attach(a);
    assert.deepEqual(a.got, [{ type: 'event', event: { type: 'host.status', state: 'ready', pid: process.pid, protocol: PROTOCOL_VERSION, message: null } }]);
  });

  it('answers the asker only, broadcasts events to every connection that takes them', async () => {
    const a = recordingPeer();
    const b = recordingPeer();
    const parent = recordingPeer();
    const fromA = connections.attach(a);
    connections.attach(b);
    connections.attach(parent, { events: false });
    fromA(JSON.stringify({ type: 'request', id: 7, method: 'templates.open', params: { id: 'sine-elman' } }));
    fromA({ type: 'request', id: 8, method: 'graph.compile', params: { graph: { format: 'rnn-studio.graph', version: 1, name: 'x', nodes: [{ id: 'i', type: 'input', params: { size: 9 }, position: { x: 0, y: 0 } }], edges: [] } } });
    const diagnosticsOf = (peer: ReturnType<typeof recordingPeer>) => peer.got.filter((m) => m.type === 'event' && m.event.type === 'diagnostics');
    // Opening a template takes a while on a loaded machine: wait for the answers, not a fixed time.
    for (const start = Date.now(); Date.now() - start < 5000; ) {
      if (a.got.filter((m) => m.type === 'reply').length === 2 && diagnosticsOf(b).length === 1) break;
      await delay(5);
    }
    const replies = a.got.filter((m) => m.type === 'reply');
    assert.deepEqual(replies.map((r) => [r.id, r.ok]).sort(), [[7, true], [8, false]]);
    assert.equal(b.got.filter((m) => m.type === 'reply').length, 0);
    // The failed compile sent its diagnostics as an event: both window connections have it, the parent port not.
    for (const peer of [a, b]) assert.equal(diagnosticsOf(peer).length, 1);
    assert.equal(parent.got.length, 1, 'the parent port got only the ready status');
  });

  it('a message that does not parse is answered with bad-message when its id can be read', async () => {
    const a = recordingPeer();
    const send = connections.attach(a);
    send({ type: 'request', id: 12, method: 'train.launch', params: {} });
    send('{ not json');
    await delay(10);
    const replies = a.got.filter((m) => m.type === 'reply');
    assert.equal(replies.length, 1);
    const [r] = replies;
    assert.ok(r.type === 'reply' && !r.ok && r.id === 12);
    assert.equal(r.error.code, 'bad-message');
    assert.match(r.error.message, /unknown method 'train\.launch' \(known: datasets\.list/);
  });

  it('a connection that fails to take a message is dropped', () => {
    const broken: Peer = {
      post: () => {
        throw new Error('port closed');
      },
    };
    const before = connections.size;
    connections.attach(broken);
    assert.equal(connections.size, before);
  });
});
