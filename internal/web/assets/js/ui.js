// Small helpers shared by the views: escaping, formatting, the layer list.

/** esc escapes text for HTML. */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** fmtTime formats an RFC 3339 time as "2016-09-12 14:05Z" (UTC). */
export function fmtTime(t) {
  const d = new Date(t);
  return Number.isFinite(d.getTime()) ? d.toISOString().slice(0, 16).replace('T', ' ') + 'Z' : '';
}

/** el makes an element: el('button', {class: 'x', onclick}, 'text', child). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c != null && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** flatAlert merges an alert's kind-specific part (separation, no_fly, …)
 *  into one object, so views read tcpa_s, dcpa_nm, dv_ft, cpa, aircraft. */
export function flatAlert(a) {
  return { ...a, ...(a.conflict || {}), ...(a.incursion || {}), ...(a.separation || {}), ...(a.no_fly || {}) };
}

export const zoneKinds = ['ceasefire-area', 'control-area', 'besieged-area', 'no-fly', 'safe-zone', 'protected-site'];

/** layerDefs: every layer the map knows, in legend order. */
export const layerDefs = [
  { key: 'protected-site', label: 'Protected sites', swatch: 'area', color: '#4cd08a' },
  { key: 'safe-zone', label: 'Safe zones', swatch: 'area', color: '#2fd3c6' },
  { key: 'no-fly', label: 'No-fly zones', swatch: 'area', color: '#ff5c5c' },
  { key: 'besieged-area', label: 'Besieged areas', swatch: 'area', color: '#ffb648' },
  { key: 'control-area', label: 'Control areas', swatch: 'area', color: '#b48cff' },
  { key: 'ceasefire-area', label: 'Ceasefire areas', swatch: 'area', color: '#5cb8ff' },
  { key: 'track', label: 'Tracks', swatch: 'dot', color: '#f2f5f8' },
  { key: 'alert', label: 'Alerts and CPA', swatch: 'line', color: '#ff4d6d' },
  { key: 'movement', label: 'Movements', swatch: 'line', color: '#ffd84d' },
  { key: 'incident', label: 'Incidents', swatch: 'dot', color: '#ff8a3d' },
  { key: 'report', label: 'Violation reports', swatch: 'dot', color: '#ff8a3d' },
];

let audio = null;
/** unlockAudio creates the audio context during a user gesture (sign-in). */
export function unlockAudio() {
  try { audio ??= new AudioContext(); } catch { audio = null; }
}

/** beep plays two short tones: the cue for a new alert. */
export function beep() {
  if (!audio) return false;
  const t0 = audio.currentTime;
  for (const [i, f] of [[0, 880], [1, 1175]]) {
    const o = audio.createOscillator(), g = audio.createGain();
    o.frequency.value = f;
    g.gain.setValueAtTime(0.0001, t0 + i * 0.18);
    g.gain.exponentialRampToValueAtTime(0.25, t0 + i * 0.18 + 0.02);
    g.gain.exponentialRampToValueAtTime(0.0001, t0 + i * 0.18 + 0.15);
    o.connect(g).connect(audio.destination);
    o.start(t0 + i * 0.18);
    o.stop(t0 + i * 0.18 + 0.16);
  }
  return true;
}
