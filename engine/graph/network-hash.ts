/**
 * A content hash of the network a document describes: SHA-256 of its canonical JSON without what
 * does not change what is trained. Blocks' positions and labels, the graph's name, description and
 * editor state (`ui`) are left out, so moving a block or renaming the graph keeps the hash; the
 * blocks (id, type, params, in document order), the edges, the dataset and the training settings
 * are in it. Object keys are sorted, so key order in a file does not matter.
 *
 * Synchronous (a small SHA-256 below) so the renderer can compare the open document with a run's
 * in a selector; WebCrypto's digest is asynchronous and, in a browser, only in secure contexts.
 */
import type { GraphDocument } from './schema.ts';

/** What a run depends on, in the order it is hashed. */
function networkOf(doc: GraphDocument): unknown {
  return {
    format: doc.format,
    version: doc.version,
    nodes: doc.nodes.map((n) => ({ id: n.id, type: n.type, params: n.params })),
    edges: doc.edges,
    dataset: doc.dataset ?? null,
    training: doc.training ?? null,
  };
}

/** JSON with every object's keys sorted and `undefined` members dropped, as JSON.stringify drops them. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    // A bare undefined or function has no JSON form; inside arrays JSON writes null for them.
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * Whether `next` may have another network than `prev`, told from object identity alone (documents
 * are immutable, and an edit replaces only what it changes): a drag that moves blocks answers
 * false without hashing anything. True does not mean the hash differs (an edit may be undone).
 */
export function mayChangeNetwork(prev: GraphDocument, next: GraphDocument): boolean {
  if (prev === next) return false;
  if (prev.edges !== next.edges || prev.dataset !== next.dataset || prev.training !== next.training || prev.nodes.length !== next.nodes.length) return true;
  return next.nodes.some((n, i) => {
    const p = prev.nodes[i];
    return p.id !== n.id || p.type !== n.type || p.params !== n.params;
  });
}

const cache = new WeakMap<GraphDocument, string>();

/** `sha256:` and 64 hex digits. Documents are immutable in the app, so each is hashed once. */
export function networkHash(doc: GraphDocument): string {
  const known = cache.get(doc);
  if (known !== undefined) return known;
  const hash = `sha256:${sha256Hex(canonicalJson(networkOf(doc)))}`;
  cache.set(doc, hash);
  return hash;
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
  0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
  0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** SHA-256 (FIPS 180-4) of the UTF-8 bytes of `text`, as 64 lower-case hex digits. */
export function sha256Hex(text: string): string {
  const bytes = new TextEncoder().encode(text);
  // The message, a 1 bit, zeros, and its length in bits as a 64-bit big-endian number.
  const padded = new Uint8Array(Math.ceil((bytes.length + 9) / 64) * 64);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bytes.length / 0x20000000));
  view.setUint32(padded.length - 4, (bytes.length << 3) >>> 0);

  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(block + 4 * i);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }
  return Array.from(h, (x) => x.toString(16).padStart(8, '0')).join('');
}
