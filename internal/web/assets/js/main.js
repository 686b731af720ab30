// concord console: sign-in, views, and the wiring between the server's
// lists and event stream, the map, the queues, the journal and the report.
import { api, ApiError, listAll, setToken } from './api.js';
import { stream } from './sse.js';
import * as records from './records.js';
import * as mapView from './map.js';
import * as queues from './queues.js';
import * as journal from './journal.js';
import { beep, el, esc, fmtTime, layerDefs, unlockAudio } from './ui.js';

const $ = (id) => document.getElementById(id);
const TOKEN = 'concord.token';
let me = null, events = 0, muted = sessionStorage.getItem('concord.muted') === '1';

// The lists read at start, each as (route, key, record type); a route this
// server does not have yet answers 404 and is skipped.
const lists = [['/v1/zones', 'zones', 'zone'], ['/v1/alerts', 'alerts', 'alert'], ['/v1/movements', 'movements', 'movement'],
  ['/v1/incidents', 'incidents', 'incident'], ['/v1/tracks', 'tracks', 'track']];

async function signIn(token) {
  setToken(token);
  const { party } = await api('/v1/me');
  sessionStorage.setItem(TOKEN, token);
  me = party;
  return party;
}

async function start() {
  $('signin').hidden = true;
  $('app').hidden = false;
  $('who').innerHTML = `<b>${esc(me.name)}</b> (${esc(me.id)}) · ${esc(me.role)}`;
  document.title = `concord · ${me.id}`;
  setMute(muted);
  queues.init({
    me, onShow: showOnMap, onCount: setBadge,
    box: { alerts: $('q-alerts'), movements: $('q-movements'), incidents: $('q-incidents'), zones: $('q-zones'), zonesSection: $('q-zones-section'), summary: $('queue-summary') },
  });
  buildLayers();
  route();
  await mapView.init($('map'), { tilesURL: document.querySelector('meta[name=concord-tiles]').content, party: me, select: showDetails });
  records.onChange(onRecord);
  const size = await snapshot();
  follow(size);
  queues.render();
  queues.loadSites();
  refreshCounts();
  document.body.dataset.ready = 'true';
}

/** snapshot reads the journal size, then every list; the stream resumes
 *  after that size, so nothing written in between is missed (a record seen
 *  twice is harmless: versions never go back). */
async function snapshot() {
  let size = 0;
  try { size = journal.parseNote(await api('/v1/journal/checkpoint', { text: true })).size; } catch { /* stream from the start */ }
  if (me.role !== 'auditor') {
    await Promise.all(lists.map(async ([path, key, type]) => {
      try {
        const list = await listAll(path, key);
        for (const r of list ?? []) records.put(type, r);
        if (list && type === 'track') pollTracks(path);
      } catch (e) { console.warn(`${path}: ${e.message}`); }
    }));
  }
  return size;
}

/** pollTracks refreshes live tracks, which are state rather than journaled
 *  records (they do not come over the event stream); a track the server
 *  dropped as stale leaves the map. */
function pollTracks(path) {
  setInterval(async () => {
    try {
      const list = await listAll(path, 'tracks');
      if (list) records.replace('track', list);
    } catch { /* next time */ }
  }, 5000);
}

function follow(size) {
  stream('/v1/events', {
    lastId: size > 0 ? String(size - 1) : '',
    onEvent(ev) {
      events++;
      try { records.put(ev.type, JSON.parse(ev.data), true); } catch { /* not JSON: ignore */ }
      setLive('on', `live · ${events} event${events === 1 ? '' : 's'}`);
    },
    onState(s, detail) {
      if (s === 'live') setLive('on', `live · ${events} events`);
      else setLive('off', s === 'stopped' ? `stopped${detail ? ` (${detail})` : ''}` : 'reconnecting…');
    },
  });
}

function setLive(cls, text) {
  const l = $('live');
  l.className = `live ${cls}`;
  l.textContent = text;
}

let pendingRender = 0, sitesTimer = 0;
function onRecord(type, r, { live, old }) {
  if (type === 'alert' && live && !old && queues.alertPending(r)) cue(r);
  if (type === 'zone' && live) { clearTimeout(sitesTimer); sitesTimer = setTimeout(queues.loadSites, 500); }
  clearTimeout(pendingRender);
  pendingRender = setTimeout(() => { queues.render(); refreshCounts(); }, 60);
}

/** cue: a new alert for this party — sound, a live announcement, a pulse. */
function cue(a) {
  if (!muted) beep();
  $('announce').textContent = `New ${a.kind || ''} alert ${a.id}`;
  setTimeout(() => queues.flag(a.id), 120);
  const b = $('queue-badge');
  b.classList.remove('pulse');
  void b.offsetWidth;
  b.classList.add('pulse');
}

function setBadge(n) {
  const b = $('queue-badge');
  b.hidden = n === 0;
  b.textContent = String(n);
  document.title = `${n ? `(${n}) ` : ''}concord · ${me.id}`;
}

function setMute(on) {
  muted = on;
  sessionStorage.setItem('concord.muted', on ? '1' : '0');
  $('mute').textContent = on ? 'Sound off' : 'Sound on';
  $('mute').setAttribute('aria-pressed', String(on));
}

// Layers: one checkbox per layer, with its legend swatch and count.
function buildLayers() {
  const notes = {
    party: 'Protected sites and safe zones reach armed parties only as S2 cells (coarse cover): where not to strike, not what is there.',
    auditor: 'The auditor role reads the journal (commitments, not contents): the map has no layers for it.',
    humanitarian: "Your own sites in full; other organisations' as cells.",
  };
  $('layers-note').textContent = notes[me.role] || '';
  $('layers').replaceChildren(...layerDefs.map((d) => el('li', { 'data-layer': d.key },
    el('label', {},
      el('input', { type: 'checkbox', checked: true, onchange: (e) => mapView.setVisible(d.key, e.target.checked), 'aria-describedby': `count-${d.key}` }),
      el('span', { class: `swatch ${d.swatch}`, 'aria-hidden': 'true', style: `border-color:${d.color};background:${d.swatch === 'line' ? 'transparent' : d.color + '40'}` }),
      d.label),
    el('span', { class: 'count', id: `count-${d.key}` }, '0'))));
  const now = new Date();
  $('time-at').value = now.toISOString().slice(0, 16);
  const apply = () => mapView.setTime($('time-on').checked ? Date.parse($('time-at').value + 'Z') : null);
  $('feature').addEventListener('change', (e) => {
    const x = mapView.listDrawn().find((f) => f.id === e.target.value);
    if (x) { mapView.focus(x.type, x.record); showDetails(x.type, x.record); }
  });
  $('time-on').addEventListener('change', () => { apply(); refreshCounts(); });
  $('time-at').addEventListener('change', () => { $('time-on').checked = true; apply(); refreshCounts(); });
  $('time-now').addEventListener('click', () => { $('time-at').value = new Date().toISOString().slice(0, 16); $('time-on').checked = true; apply(); refreshCounts(); });
}

/** featureName names a drawn record for the "Go to" list (never by its
 *  coordinates). */
function featureName(type, r) {
  if (r.coarse) return `${r.kind === 'safe-zone' ? 'Safe zone' : `Protected site${r.site_type ? ` (${r.site_type})` : ''}`} · ${r.cells?.length ?? 0} cell(s)`;
  return r.name || r.callsign || r.track_id || `${r.kind || r.category || type} ${r.id ?? ''}`.trim();
}

function refreshFeatures() {
  const sel = $('feature');
  const keep = sel.value;
  const items = mapView.listDrawn();
  const groups = layerDefs.map((d) => {
    const mine = items.filter((x) => x.layer === d.key).sort((a, b) => featureName(a.type, a.record).localeCompare(featureName(b.type, b.record)));
    return mine.length ? el('optgroup', { label: d.label }, ...mine.map((x) => el('option', { value: x.id }, featureName(x.type, x.record)))) : null;
  }).filter(Boolean);
  sel.replaceChildren(el('option', { value: '' }, items.length ? `${items.length} shapes — choose one…` : 'Nothing on the map'), ...groups);
  sel.value = items.some((x) => x.id === keep) ? keep : '';
}

function refreshCounts() {
  refreshFeatures();
  const c = mapView.counts();
  for (const d of layerDefs) {
    const n = $(`count-${d.key}`);
    if (!n) continue;
    n.textContent = `${c[d.key].n}${c[d.key].coarse ? ' (cells)' : ''}`;
    n.closest('li').dataset.count = String(c[d.key].n);
    n.closest('li').dataset.coarse = String(c[d.key].coarse);
  }
}

// Details of a selected record: descriptive fields only, never coordinates.
const detailFields = ['kind', 'name', 'id', 'state', 'status', 'site_type', 'owner', 'party', 'applies_to', 'category', 'callsign', 'track_id',
  'alt_ft', 'gs_kt', 'track_deg', 'tcpa_s', 'dcpa_nm', 'dv_ft', 'parties', 'required_consents', 'alleged_parties', 'cell_level', 'start', 'end', 'time', 'created_at', 'updated_at'];

function showDetails(type, r) {
  const v = r.volumes?.[0];
  const extra = v ? { floor_ft: v.floor_ft, ceiling_ft: v.ceiling_ft, start: v.start, end: v.end } : {};
  const rows = [['type', type]];
  for (const f of detailFields) {
    const x = f in extra ? extra[f] : r[f];
    if (x == null || x === '' || typeof x === 'object' && !Array.isArray(x)) continue;
    rows.push([f, /(_at|^start|^end|^time)$/.test(f) ? fmtTime(x) : Array.isArray(x) ? x.join(', ') : String(x)]);
  }
  if (v) rows.push(['altitude', `${v.floor_ft ?? 0}–${v.ceiling_ft ?? 60000} ft`]);
  if (r.coarse) rows.push(['shown as', `${r.cells?.length ?? 0} S2 cell(s); exact location withheld`]);
  $('details').replaceChildren(el('dl', {}, ...rows.flatMap(([k, x]) => [el('dt', {}, k), el('dd', {}, x)])));
}

function showOnMap(type, r) {
  location.hash = '#map';
  setTimeout(() => { mapView.focus(type, r); showDetails(type, r); }, 50);
}

// Views, by URL fragment.
function route() {
  const view = (location.hash || (me.role === 'auditor' ? '#journal' : '#map')).slice(1);
  const known = ['map', 'queues', 'journal', 'report'];
  const v = known.includes(view) ? view : 'map';
  for (const k of known) $(`view-${k}`).hidden = k !== v;
  for (const a of document.querySelectorAll('.tab')) {
    if (a.dataset.view === v) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  if (v === 'map') mapView.shown();
  if (v === 'journal') loadJournal();
  if (v === 'report' && !$('report-frame').dataset.loaded) loadReport();
}

async function loadJournal() {
  try { await journal.showCheckpoint($('checkpoint'), document.querySelector('#leaves tbody')); } catch (e) { $('checkpoint').textContent = e.message; }
}

async function runVerify() {
  const out = $('verify-result');
  const btn = $('verify');
  btn.disabled = true;
  out.replaceChildren();
  out.dataset.result = 'running';
  const report = (kind, text) => {
    const last = out.lastElementChild;
    if (kind === 'info' && last?.classList.contains('info') && /^Hashed leaves/.test(last.textContent) && /^Hashed leaves/.test(text)) last.textContent = text;
    else out.append(el('li', { class: kind }, text));
  };
  try {
    const ok = await journal.verify(report);
    out.dataset.result = ok ? 'pass' : 'fail';
  } catch (e) {
    report('fail', e instanceof ApiError ? `${e.status}: ${e.message}` : e.message);
    out.dataset.result = 'fail';
  }
  btn.disabled = false;
}

async function loadReport() {
  const date = $('report-date').value || new Date().toISOString().slice(0, 10);
  $('report-date').value = date;
  const frame = $('report-frame'), status = $('report-status');
  frame.dataset.loaded = date;
  status.textContent = 'Loading…';
  try {
    const html = await api(`/v1/summaries/daily?date=${encodeURIComponent(date)}&format=html`, { text: true });
    frame.classList.remove('empty');
    frame.srcdoc = html;
    status.textContent = `Daily report for ${date}.`;
  } catch (e) {
    frame.classList.add('empty');
    frame.srcdoc = '';
    status.textContent = e instanceof ApiError && e.status === 404 ? 'Daily reports are not available on this server yet (404).' : `Could not load the report: ${e.message}`;
  }
}

function wire() {
  $('signin-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    unlockAudio();
    $('signin-error').textContent = '';
    try {
      await signIn($('token').value.trim());
      $('token').value = '';
      await start();
    } catch (err) {
      $('signin-error').textContent = err instanceof ApiError && err.status === 401 ? 'This token is not valid.' : `Sign-in failed: ${err.message}`;
      $('token').focus();
    }
  });
  $('signout').addEventListener('click', () => { sessionStorage.removeItem(TOKEN); location.hash = ''; location.reload(); });
  $('mute').addEventListener('click', () => { setMute(!muted); unlockAudio(); });
  $('verify').addEventListener('click', runVerify);
  $('cp-refresh').addEventListener('click', loadJournal);
  $('report-form').addEventListener('submit', (e) => { e.preventDefault(); loadReport(); });
  window.addEventListener('hashchange', () => { if (me) route(); });
}

wire();
const saved = sessionStorage.getItem(TOKEN);
if (saved) {
  signIn(saved).then(start).catch(() => { sessionStorage.removeItem(TOKEN); $('token').focus(); });
} else {
  $('token').focus();
}
