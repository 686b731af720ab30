// The records the console holds, by type and ID, as the server last sent
// them: from list routes at start, then from the event stream. A version
// never replaces a newer one. Types the console does not know are kept
// (and ignored by the views).

const byType = new Map();
const listeners = new Set();

/** key is a record's identity within its type (tracks: party/track_id). */
export function key(type, r) {
  if (type === 'track') return `${r.party || ''}/${r.track_id ?? r.id}`;
  return r.id ?? r.track_id;
}

/** put stores r (of type) unless a newer version is held; live marks
 *  records that arrived on the stream after the start. */
export function put(type, r, live = false) {
  if (!r || typeof r !== 'object') return false;
  const k = key(type, r);
  if (k === undefined) return false;
  let m = byType.get(type);
  if (!m) byType.set(type, (m = new Map()));
  const old = m.get(k);
  if (old && typeof old.version === 'number' && typeof r.version === 'number' && r.version < old.version) return false;
  m.set(k, r);
  for (const f of listeners) f(type, r, { live, old });
  return true;
}

/** replace makes list the whole of type (a polled list, such as live
 *  tracks, whose absent members are gone). */
export function replace(type, list) {
  const m = byType.get(type) ?? new Map();
  const keep = new Set(list.map((r) => key(type, r)));
  for (const [k, r] of m) {
    if (keep.has(k)) continue;
    m.delete(k);
    for (const f of listeners) f(type, r, { live: true, old: r, gone: true });
  }
  for (const r of list) put(type, r, true);
}

/** all returns every record of type. */
export function all(type) { return [...(byType.get(type)?.values() ?? [])]; }

/** onChange registers f(type, record, {live, old}). */
export function onChange(f) { listeners.add(f); }

/** clear forgets everything (sign-out). */
export function clear() { byType.clear(); }
