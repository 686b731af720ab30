// The journal view, and verification of the journal in the browser with
// WebCrypto: the checkpoint's Ed25519 signed-note signature (C2SP
// signed-note, golang.org/x/mod/sumdb/note), every leaf's hash, and the
// RFC 6962 Merkle tree hash over all leaves against the checkpoint's root.
import { api } from './api.js';
import { el } from './ui.js';

const enc = new TextEncoder();
const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const toB64 = (u) => btoa(String.fromCharCode(...u));
const sha256 = async (...parts) => new Uint8Array(await crypto.subtle.digest('SHA-256', concat(...parts)));
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

function concat(...parts) {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** parseKey parses a note verifier key "name+hash+base64(0x01||pubkey)". */
export async function parseKey(text) {
  // The base64 key may itself contain '+': split at the first two only.
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim());
  if (!m) throw new Error('malformed verifier key');
  const [, name, hash, data] = m;
  const key = b64(data);
  if (key.length !== 33 || key[0] !== 1) throw new Error('not an Ed25519 verifier key');
  const sum = await sha256(enc.encode(name + '\n'), key);
  const want = [...sum.slice(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('');
  if (want !== hash) throw new Error(`key hash ${hash} does not match the key (${want})`);
  return { name, hash: sum.slice(0, 4), pub: key.slice(1), text: text.trim() };
}

/** parseNote splits a signed note into its text and signature lines. */
export function parseNote(note) {
  const i = note.lastIndexOf('\n\n');
  if (i < 0 || !note.endsWith('\n')) throw new Error('malformed signed note');
  const text = note.slice(0, i + 1);
  const sigs = note.slice(i + 2).trimEnd().split('\n').map((line) => {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new Error(`malformed signature line: ${line}`);
    const raw = b64(m[2]);
    return { name: m[1], hash: raw.slice(0, 4), sig: raw.slice(4) };
  });
  const [origin, size, root, ...ext] = text.slice(0, -1).split('\n');
  if (!/^\d+$/.test(size || '')) throw new Error('checkpoint: malformed size line');
  return { text, sigs, origin, size: Number(size), root: b64(root), rootText: root, ext };
}

/** verifyNote checks the note's signature by key with WebCrypto Ed25519. */
export async function verifyNote(note, key) {
  const sig = note.sigs.find((s) => s.name === key.name && equal(s.hash, key.hash));
  if (!sig) throw new Error(`no signature by ${key.name}`);
  if (sig.sig.length !== 64) throw new Error('signature is not 64 bytes');
  const k = await crypto.subtle.importKey('raw', key.pub, { name: 'Ed25519' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'Ed25519' }, k, sig.sig, enc.encode(note.text));
}

/** Tree computes the RFC 6962 Merkle tree hash of leaves added in order:
 *  a stack of the roots of complete subtrees, merged as they fill. */
export class Tree {
  constructor() { this.stack = []; this.size = 0; }
  async add(leafHash) {
    let node = { h: leafHash, n: 1 };
    while (this.stack.length && this.stack[this.stack.length - 1].n === node.n) {
      const left = this.stack.pop();
      node = { h: await sha256(Uint8Array.of(1), left.h, node.h), n: left.n * 2 };
    }
    this.stack.push(node);
    this.size++;
  }
  async root() {
    if (!this.stack.length) return sha256(new Uint8Array(0));
    let h = this.stack[this.stack.length - 1].h;
    for (let i = this.stack.length - 2; i >= 0; i--) h = await sha256(Uint8Array.of(1), this.stack[i].h, h);
    return h;
  }
}

/** leafHash is RFC 6962's hash of a leaf: SHA-256(0x00 || data). */
export const leafHash = (data) => sha256(Uint8Array.of(0), enc.encode(data));

const PAGE = 1000;

/** verify runs every check, calling report(kind, text) with kind 'pass',
 *  'fail' or 'info' as it goes; it returns true when all passed. */
export async function verify(report) {
  const keyText = await api('/v1/journal/key', { text: true });
  const key = await parseKey(keyText);
  report('pass', `Verifier key ${key.name}+${[...key.hash].map((b) => b.toString(16).padStart(2, '0')).join('')} is well formed (Ed25519; its hash matches).`);
  const pinKey = `concord.journal.key:${location.host}`;
  const pinned = localStorage.getItem(pinKey);
  if (pinned && pinned !== key.text) return report('fail', `The journal key changed since this browser first saw it (${pinned}).`), false;
  localStorage.setItem(pinKey, key.text);
  report('pass', pinned ? 'The key is the one this browser pinned at first use.' : 'Key pinned in this browser at first use; later checks will compare against it.');

  const note = parseNote(await api('/v1/journal/checkpoint', { text: true }));
  if (!(await verifyNote(note, key))) return report('fail', 'The checkpoint signature does not verify.'), false;
  report('pass', `Checkpoint signature verifies (Ed25519, WebCrypto) for origin ${note.origin}, size ${note.size}.`);
  if (note.origin !== key.name) report('info', `The checkpoint's origin (${note.origin}) differs from the key name.`);

  const prevKey = `concord.journal.verified:${location.host}`;
  const prev = JSON.parse(localStorage.getItem(prevKey) || 'null');
  const tree = new Tree();
  let prevRoot = null;
  for (let start = 0; start < note.size; start += PAGE) {
    const end = Math.min(note.size, start + PAGE);
    const { leaves } = await api(`/v1/journal/leaves?start=${start}&end=${end}`);
    if (leaves.length !== end - start) return report('fail', `Asked for leaves ${start}–${end - 1}, got ${leaves.length}.`), false;
    for (const [i, l] of leaves.entries()) {
      if (l.index !== start + i) return report('fail', `Leaf ${start + i} came back as index ${l.index}.`), false;
      const h = await leafHash(l.data);
      if (toB64(h) !== l.hash) return report('fail', `Leaf ${l.index}: its data hashes to ${toB64(h)}, the server says ${l.hash}.`), false;
      await tree.add(h);
      if (prev && tree.size === prev.size) prevRoot = await tree.root();
    }
    report('info', `Hashed leaves 0–${end - 1} of ${note.size}.`);
  }
  report('pass', `All ${note.size} leaves fetched; each leaf's SHA-256(0x00‖data) matches the hash the server gave.`);
  const root = await tree.root();
  if (!equal(root, note.root)) return report('fail', `Recomputed root ${toB64(root)} ≠ checkpoint root ${note.rootText}.`), false;
  report('pass', `RFC 6962 Merkle root recomputed from the leaves equals the checkpoint's root ${note.rootText}.`);
  if (prev && prev.size <= note.size) {
    if (toB64(prevRoot ?? (await tree.root())) !== prev.root) return report('fail', `Fork: the first ${prev.size} leaves no longer hash to the root this browser verified before.`), false;
    report('pass', `Consistent with the checkpoint this browser verified before (size ${prev.size}): those leaves are unchanged.`);
  } else if (prev) {
    return report('fail', `The journal shrank: this browser verified size ${prev.size} before, now ${note.size}.`), false;
  }
  localStorage.setItem(prevKey, JSON.stringify({ size: note.size, root: note.rootText }));
  report('info', 'Not checked here: the contents behind each commitment (needs the records and their salts: concord verify does it).');
  return true;
}

/** showCheckpoint fills the checkpoint panel and the latest leaves. */
export async function showCheckpoint(dl, tbody) {
  const note = parseNote(await api('/v1/journal/checkpoint', { text: true }));
  const key = (await api('/v1/journal/key', { text: true })).trim();
  dl.replaceChildren(...[['Origin', note.origin], ['Size', `${note.size} leaves`], ['Root', note.rootText], ['Key', key]]
    .flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  const start = Math.max(0, note.size - 25);
  if (note.size === 0) return note;
  const { leaves } = await api(`/v1/journal/leaves?start=${start}&end=${note.size}`);
  tbody.replaceChildren(...leaves.reverse().map((l) => {
    const f = Object.fromEntries(l.data.split('\n').slice(1).map((line) => [line.split(' ')[0], line.slice(line.indexOf(' ') + 1)]));
    return el('tr', {}, el('td', {}, String(l.index)), el('td', {}, f.kind || ''), el('td', { class: 'mono' }, f.record || ''), el('td', {}, f.actor || ''), el('td', {}, f.time || ''));
  }));
  return note;
}
