// Queues: what waits for the signed-in party — alerts to acknowledge,
// movements awaiting its consent, incidents awaiting a verdict (observers)
// or a response (alleged parties) — each actionable in place. Field names
// follow SPEC §2; a route this server does not have yet (404) is said so.
import { api, ApiError, optional } from './api.js';
import * as records from './records.js';
import { el, flatAlert, fmtTime } from './ui.js';

let me, box, onShow, onCount;
const done = new Map(); // `${type}:${id}` -> message after an action
const acted = new Set(); // `${type}:${id}@${version}` this console acted on
const answers = new Map(); // `${id}@${version}` -> parties that answered a movement (null: loading)
const at = (type, r) => `${type}:${r.id}@${r.version ?? ''}`;

/** init wires the queues to their containers. */
export function init(opts) {
  ({ me, box, onShow, onCount } = opts);
}

const ids = (xs) => (Array.isArray(xs) ? xs : xs && typeof xs === 'object' ? Object.keys(xs) : []).map((x) => (typeof x === 'string' ? x : x?.party)).filter(Boolean);

function alertParties(a) {
  const c = a.conflict || {};
  return [...new Set([...ids(a.parties), a.party_a, a.party_b, c.party_a, c.party_b, a.party].filter(Boolean))];
}

/** alertPending: open (or escalated) and not yet acknowledged by me. */
export function alertPending(a) {
  if (!['open', 'escalated'].includes(a.state)) return false;
  const ps = alertParties(a);
  if (ps.length && !ps.includes(me.id) && me.role !== 'coordinator') return false;
  return !ids(a.acks ?? a.acknowledged_by ?? a.acknowledgements).includes(me.id);
}

function movementPending(m) {
  const state = m.state || m.status;
  if (!(state === 'requested' || state === undefined) || !ids(m.required_consents).includes(me.id) || ids(m.consents).includes(me.id)) return false;
  const k = `${m.id}@${m.version ?? ''}`;
  if (!answers.has(k)) loadAnswers(m, k);
  return !answers.get(k)?.includes(me.id);
}

// A movement lists its consents only once decided; until then its answers
// are at /v1/movements/{id}/consents.
async function loadAnswers(m, k) {
  answers.set(k, null);
  try {
    const doc = await optional(`/v1/movements/${encodeURIComponent(m.id)}/consents`);
    answers.set(k, ids(doc?.consents));
  } catch { answers.delete(k); return; }
  render();
}

function incidentPending(i) {
  if (me.role === 'observer' || me.role === 'coordinator') return ['reported', 'corroborated', 'disputed'].includes(i.state);
  if (me.role !== 'party' || !ids(i.alleged_parties).includes(me.id)) return false;
  return Boolean(openRFI(i));
}

// An alleged party responds to a request for information; the requests are
// in the incident's detail (GET /v1/incidents/{id}), loaded when needed.
const rfis = new Map(); // `${id}@${version}` -> requests (null: loading)
function openRFI(i) {
  const k = `${i.id}@${i.version ?? ''}`;
  if (!rfis.has(k)) loadRFIs(i, k);
  return (rfis.get(k) || []).find((q) => q.party === me.id && !q.response);
}

async function loadRFIs(i, k) {
  rfis.set(k, null);
  try {
    const doc = await optional(`/v1/incidents/${encodeURIComponent(i.id)}`);
    rfis.set(k, Array.isArray(doc?.rfis) ? doc.rfis : []);
  } catch { rfis.delete(k); return; }
  render();
}

// Protected sites and safe zones notified to an armed party that it has not
// acknowledged (GET /v1/zones/unacknowledged; null: no such route here).
let sites = null;

/** loadSites refreshes the sites an armed party has to acknowledge. */
export async function loadSites() {
  if (me.role !== 'party') return;
  try {
    const doc = await optional('/v1/zones/unacknowledged');
    sites = doc ? doc.zones || [] : null;
  } catch { return; }
  render();
}

/** pending lists what waits, by queue. */
export function pending() {
  const fresh = (type) => (r) => !acted.has(at(type, r));
  return {
    alerts: records.all('alert').filter(alertPending).filter(fresh('alert')),
    movements: records.all('movement').filter(movementPending).filter(fresh('movement')),
    incidents: records.all('incident').filter(incidentPending).filter(fresh('incident')),
    zones: (sites || []).filter(fresh('zone')),
  };
}

/** render redraws the queues and the summary. */
export function render() {
  const p = pending();
  fill(box.alerts, p.alerts, alertItem, 'No alert waits for your acknowledgement.');
  fill(box.movements, p.movements, movementItem, 'No movement waits for your consent.');
  fill(box.incidents, p.incidents, incidentItem, me.role === 'party' ? 'No incident alleging your party waits for a response.' : 'No incident waits for a verdict.');
  box.zonesSection.hidden = sites === null;
  if (sites !== null) fill(box.zones, p.zones, siteItem, 'Every protected site notified to you is acknowledged.');
  const n = p.alerts.length + p.movements.length + p.incidents.length + p.zones.length;
  const incidents = { party: 'Incidents to respond to', observer: 'Incidents awaiting verdict', coordinator: 'Incidents awaiting verdict' }[me.role];
  box.summary.replaceChildren(el('div', { class: 'qsum' },
    el('a', { href: '#queues' }, 'Alerts to acknowledge', el('b', {}, String(p.alerts.length))),
    sites !== null && el('a', { href: '#queues' }, 'Protected sites to acknowledge', el('b', {}, String(p.zones.length))),
    el('a', { href: '#queues' }, 'Movements awaiting consent', el('b', {}, String(p.movements.length))),
    incidents && el('a', { href: '#queues' }, incidents, el('b', {}, String(p.incidents.length)))));
  onCount(n);
}

function fill(container, items, make, emptyText) {
  const keep = container.querySelector('.item.new') ? new Set([...container.querySelectorAll('.item.new')].map((e) => e.dataset.id)) : new Set();
  const nodes = items.map((r) => {
    const n = make(r);
    n.dataset.id = r.id;
    if (keep.has(r.id)) n.classList.add('new');
    return n;
  });
  for (const [k, msg] of done) {
    const [type, id] = k.split(':');
    if (container === box[`${type}s`] && !items.some((r) => r.id === id)) nodes.push(el('div', { class: 'item done' }, el('p', { class: 'msg ok', role: 'status' }, msg)));
  }
  container.replaceChildren(...(nodes.length ? nodes : [el('p', { class: 'empty' }, emptyText)]));
}

/** flag marks the queue item of a new alert (visible cue). */
export function flag(id) {
  box.alerts.querySelector(`[data-id="${CSS.escape(id)}"]`)?.classList.add('new');
}

function showButton(type, r) {
  return el('button', { type: 'button', class: 'ghost small', onclick: () => onShow(type, r), 'aria-label': `Show ${type} ${r.id} on the map` }, 'Show on map');
}

async function act(item, type, r, path, body, okText) {
  const msg = item.querySelector('.msg');
  item.querySelectorAll('button, input').forEach((b) => { b.disabled = true; });
  msg.className = 'msg';
  msg.textContent = 'Sending…';
  try {
    const res = await api(path, { method: 'POST', body });
    const updated = [res?.[type], res].find((x) => x && x.id === r.id);
    done.set(`${type}:${r.id}`, `${okText} (${r.id})`);
    acted.add(at(type, r));
    if (type === 'zone') loadSites(); // a zone answer is not put: the stream carries the caller's view
    else if (updated) records.put(type, updated);
    else render();
  } catch (e) {
    item.querySelectorAll('button, input').forEach((b) => { b.disabled = false; });
    msg.className = 'msg err';
    msg.textContent = e instanceof ApiError && e.status === 404 && /no route/i.test(e.message)
      ? 'This server does not offer this action yet (404).'
      : `Refused: ${e.message}${e.field ? ` (${e.field})` : ''}`;
    msg.focus();
  }
}

function alertItem(a) {
  const c = flatAlert(a);
  const item = el('article', { class: 'item alert', 'aria-label': `${c.kind || ''} alert ${a.id}` },
    el('h3', {}, `${c.kind || 'Alert'} alert · ${a.state}`),
    el('p', { class: 'meta' }, [
      alertParties(a).length ? `Parties ${alertParties(a).join(', ')}` : '',
      a.escalated_at ? ' · escalated' : '',
      Number.isFinite(c.time_to_entry_s) ? (c.inside ? ' · inside the zone' : ` · entry in ${Math.round(c.time_to_entry_s)} s`) : '',
      Number.isFinite(c.tcpa_s) ? ` · CPA in ${Math.round(c.tcpa_s)} s, ${Number(c.dcpa_nm).toFixed(2)} NM, ${Math.round(c.dv_ft ?? 0)} ft` : '',
      a.time || a.created_at ? ` · ${fmtTime(a.time || a.created_at)}` : '',
    ].join('')),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'primary', onclick: () => act(item, 'alert', a, `/v1/alerts/${encodeURIComponent(a.id)}/ack`, {}, 'Acknowledged') }, 'Acknowledge'),
      showButton('alert', a)),
    el('p', { class: 'msg', tabindex: '-1', role: 'status' }));
  return item;
}

function siteItem(z) {
  const what = z.kind === 'safe-zone' ? 'Safe zone' : `Protected site${z.site_type ? ` (${z.site_type})` : ''}`;
  const item = el('article', { class: 'item site', 'aria-label': `${what} ${z.id}` },
    el('h3', {}, what),
    el('p', { class: 'meta' }, `${z.cells?.length ?? 0} cell(s) at level ${z.cell_level ?? '?'} · from ${fmtTime(z.start)}${z.end ? ` to ${fmtTime(z.end)}` : ''} · version ${z.version}`),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'primary', onclick: () => act(item, 'zone', z, `/v1/zones/${encodeURIComponent(z.id)}/ack`, { version: z.version }, 'Acknowledged') }, 'Acknowledge'),
      showButton('zone', records.all('zone').find((x) => x.id === z.id) || z)),
    el('p', { class: 'msg', tabindex: '-1', role: 'status' }));
  return item;
}

function movementItem(m) {
  const cargo = Array.isArray(m.convoy?.cargo) ? m.convoy.cargo.map((c) => `${c.quantity ?? ''} ${c.unit ?? ''} ${c.item ?? c.name ?? ''}`.trim()).join(', ') : '';
  const note = el('input', { type: 'text', 'aria-label': `Conditions or reason for movement ${m.id}`, placeholder: 'Conditions (approve) or reason (deny)' });
  const item = el('article', { class: 'item movement', 'aria-label': `Movement ${m.id}` },
    el('h3', {}, m.name || `Movement ${m.id}`),
    el('p', { class: 'meta' }, [m.owner || m.party ? `From ${m.owner || m.party}` : '', m.start ? ` · ${fmtTime(m.start)} – ${fmtTime(m.end)}` : '', cargo ? ` · ${cargo}` : ''].join('')),
    el('div', { class: 'actions' }, note),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'ok', onclick: () => act(item, 'movement', m, `/v1/movements/${encodeURIComponent(m.id)}/consent`, { decision: 'approve', ...(note.value ? { conditions: note.value } : {}) }, 'Approved') }, 'Approve'),
      el('button', { type: 'button', class: 'danger', onclick: () => act(item, 'movement', m, `/v1/movements/${encodeURIComponent(m.id)}/consent`, { decision: 'deny', reason: note.value }, 'Denied') }, 'Deny'),
      showButton('movement', m)),
    el('p', { class: 'msg', tabindex: '-1', role: 'status' }));
  return item;
}

function incidentItem(i) {
  const head = [el('h3', {}, `${i.category || 'Incident'} · ${i.state}`),
    el('p', { class: 'meta' }, [fmtTime(i.start), i.reports ? ` · ${i.reports.length} report(s)` : '', i.alleged_parties?.length ? ` · alleged: ${i.alleged_parties.join(', ')}` : ''].join(''))];
  const note = el('input', { type: 'text', 'aria-label': `${me.role === 'party' ? 'Response' : 'Note'} for incident ${i.id}`, placeholder: me.role === 'party' ? 'Your response' : 'Reason (optional)' });
  let buttons;
  const item = el('article', { class: 'item incident', 'aria-label': `Incident ${i.id}` });
  const path = (what) => `/v1/incidents/${encodeURIComponent(i.id)}/${what}`;
  if (me.role === 'party') {
    const q = openRFI(i);
    if (q?.question) head.push(el('p', { class: 'question' }, `Observers ask: “${q.question}”${q.deadline ? ` (by ${fmtTime(q.deadline)})` : ''}`));
    buttons = [el('button', { type: 'button', class: 'primary', onclick: () => act(item, 'incident', i, path('response'), { ...(q?.id ? { rfi: q.id } : {}), text: note.value }, 'Response sent') }, 'Send response')];
  } else {
    const verdict = (v, label, cls) => el('button', { type: 'button', class: cls, onclick: () => act(item, 'incident', i, path('verdict'), { verdict: v, ...(note.value ? { reason: note.value } : {}) }, label) }, v[0].toUpperCase() + v.slice(1));
    buttons = [verdict('verify', 'Verified', 'ok'), verdict('dispute', 'Disputed', ''), verdict('reject', 'Rejected', 'danger')];
  }
  item.append(...head, el('div', { class: 'actions' }, note), el('div', { class: 'actions' }, ...buttons, showButton('incident', i)), el('p', { class: 'msg', tabindex: '-1', role: 'status' }));
  return item;
}
