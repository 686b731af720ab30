// The map: an embedded Natural Earth basemap (vector, no tiles unless the
// operator configured their own), zones by kind, tracks, alerts with their
// predicted closest point of approach, movements along their corridors,
// incidents and reports. It draws whatever the server sent, as it sent it:
// a coarse zone (an armed party's view of a protected site or safe zone) is
// drawn from its S2 cell tokens, whose corners are computed here.
import { corners } from './s2.js';
import * as records from './records.js';
import { esc, flatAlert, fmtTime, layerDefs, zoneKinds } from './ui.js';

const L = window.L;
const SYRIA = [[32.3, 35.6], [37.4, 42.4]];

let map, me = null, timeAt = null, onSelect = () => {};
const groups = new Map(); // layer key -> L.LayerGroup
const drawn = new Map(); // `${type}:${key}` -> [L.Layer]
const visible = new Map(); // layer key -> bool

/** init builds the map in el. tilesURL: the operator's XYZ tiles or ''. */
export async function init(el, { tilesURL, party, select }) {
  me = party;
  onSelect = select;
  map = L.map(el, { zoomControl: true, zoomSnap: 0.25, minZoom: 5, maxZoom: 14, maxBounds: [[22, 18], [46, 58]], worldCopyJump: false, attributionControl: false });
  // A view first, so Leaflet counts the map as loaded even in a hidden
  // (zero-size) container; shown() frames Syria once it has a size.
  map.setView([35, 38.5], 7);
  new ResizeObserver(() => shown()).observe(el);
  shown();
  L.control.scale({ imperial: false }).addTo(map);
  const panes = { basemap: 250, tiles: 240, 'ceasefire-area': 400, 'control-area': 410, 'besieged-area': 420, 'no-fly': 430, 'safe-zone': 440, 'protected-site': 450, movement: 460, incident: 470, report: 475, alert: 480, track: 650 };
  for (const [name, z] of Object.entries(panes)) map.createPane(name).style.zIndex = String(z);
  if (tilesURL) L.tileLayer(tilesURL, { pane: 'tiles', maxZoom: 18 }).addTo(map);
  for (const d of layerDefs) {
    groups.set(d.key, L.layerGroup().addTo(map));
    visible.set(d.key, true);
  }
  map.on('zoomend', restyleCorridors);
  await basemap(Boolean(tilesURL));
  records.onChange((type, r, info) => (info?.gone ? remove(`${type}:${records.key(type, r)}`) : draw(type, r)));
  return map;
}

async function basemap(hasTiles) {
  const get = async (p) => (await fetch(p)).json();
  const [countries, govs] = await Promise.all([get('/assets/data/countries.geojson'), get('/assets/data/governorates.geojson')]);
  L.geoJSON(countries, {
    pane: 'basemap', interactive: false,
    style: (f) => ({ color: '#3d4a58', weight: 1, fillColor: f.properties.name === 'Syria' ? '#232c36' : '#1a2027', fillOpacity: hasTiles ? 0 : 1, className: 'basemap-country' }),
  }).addTo(map);
  L.geoJSON(govs, { pane: 'basemap', interactive: false, style: { color: '#4f6072', weight: 1, dashArray: '3 4', fill: false, className: 'basemap-governorate' } }).addTo(map);
  const labels = [['Syria', 35.1, 38.9], ['Turkey', 37.85, 36.2], ['Iraq', 33.6, 42.9], ['Jordan', 31.3, 36.9], ['Lebanon', 34.2, 35.95],
    ['Israel', 31.2, 34.85], ['Cyprus', 35.05, 33.1], ['Saudi Arabia', 30.3, 40.5], ['Mediterranean Sea', 33.4, 32.7], ['Iran', 33.8, 47.5], ['Egypt', 29.6, 30.8]];
  for (const [name, lat, lng] of labels) {
    L.marker([lat, lng], { pane: 'basemap', interactive: false, keyboard: false, icon: L.divIcon({ className: 'country-label', html: `<span>${esc(name)}</span>`, iconSize: [0, 0] }) }).addTo(map);
  }
}

let fitted = false;
/** shown tells the map its container may have changed size (a view
 *  switch); the first time it has a size, it frames Syria. */
export function shown() {
  if (!map) return;
  map.invalidateSize();
  const { x, y } = map.getSize();
  if (!fitted && x > 0 && y > 0) {
    map.fitBounds(SYRIA);
    fitted = true;
  }
}

/** setVisible shows or hides one layer. */
export function setVisible(layerKey, on) {
  visible.set(layerKey, on);
  const g = groups.get(layerKey);
  if (!g) return;
  if (on) g.addTo(map); else g.remove();
}

/** setTime shows only zones active at t (ms since the epoch; null: all). */
export function setTime(t) {
  timeAt = t;
  for (const z of records.all('zone')) draw('zone', z);
}

/** counts returns, for each layer key, how many items are drawn and
 *  whether any is a coarse cover. */
export function counts() {
  const out = {};
  for (const d of layerDefs) out[d.key] = { n: 0, coarse: false };
  for (const [id, ls] of drawn) {
    const k = ls.layerKey;
    if (!out[k] || !ls.length) continue;
    out[k].n++;
    if (ls.coarse) out[k].coarse = true;
    void id;
  }
  return out;
}

/** listDrawn returns what is on the map: [{id, type, record, layer}]. */
export function listDrawn() {
  return [...drawn.values()].map((ls) => ({ id: ls.id, type: ls.type, record: ls.record, layer: ls.layerKey }));
}

function remove(id) {
  const old = drawn.get(id);
  if (!old) return;
  for (const l of old) groups.get(old.layerKey)?.removeLayer(l);
  drawn.delete(id);
}

function draw(type, r) {
  const id = `${type}:${records.key(type, r)}`;
  remove(id);
  const spec = render[type];
  if (!spec) return; // a record type this console does not draw
  const out = spec(r);
  if (!out || !out.layers.length) return;
  const ls = out.layers;
  ls.layerKey = out.layer;
  Object.assign(ls, { type, record: r, id });
  ls.coarse = Boolean(out.coarse);
  for (const l of ls) {
    l.on('click', () => onSelect(type, r));
    // Shapes are reached from the keyboard through the feature list, not one
    // tab stop each (Chromium makes clickable SVG paths focusable).
    l.on('add', () => l.getElement?.()?.setAttribute('tabindex', '-1'));
    groups.get(out.layer)?.addLayer(l);
  }
  drawn.set(id, ls);
}

/** bounds of what is drawn for a record (for "show on map"). */
export function focus(type, r) {
  const ls = drawn.get(`${type}:${records.key(type, r)}`);
  if (!ls || !ls.length) return false;
  const b = L.latLngBounds([]);
  for (const l of ls) b.extend(l.getBounds ? l.getBounds() : l.getLatLng());
  map.flyToBounds(b.pad(0.6), { maxZoom: 11, duration: 0.6 });
  return true;
}

const colors = { 'ceasefire-area': '#5cb8ff', 'no-fly': '#ff5c5c', 'control-area': '#b48cff', 'protected-site': '#4cd08a', 'safe-zone': '#2fd3c6', 'besieged-area': '#ffb648', track: '#f2f5f8', alert: '#ff4d6d', movement: '#ffd84d', incident: '#ff8a3d', report: '#ff8a3d' };
const fill = { 'ceasefire-area': 0.03, 'no-fly': 0.14, 'control-area': 0.06, 'protected-site': 0.35, 'safe-zone': 0.22, 'besieged-area': 0.18 };
const dash = { 'no-fly': '8 5', 'control-area': '2 6', 'besieged-area': null };

function zoneStyle(kind, coarse) {
  const c = colors[kind] || '#9aa7b4';
  return {
    color: c, fillColor: c, weight: kind === 'ceasefire-area' ? 1.2 : 2, fillOpacity: fill[kind] ?? 0.1,
    dashArray: coarse ? null : dash[kind] ?? null,
    ...(coarse ? { weight: 0.8, fillOpacity: 0.4 } : {}), pane: zoneKinds.includes(kind) ? kind : 'ceasefire-area',
    className: `zone zone-${kind}${coarse ? ' coarse' : ''}`,
  };
}

/** activeAt: a zone is shown when active (not withdrawn or superseded) and,
 *  with a time set, when one of its volumes' windows holds that time. */
export function activeAt(z, t) {
  if (z.status && z.status !== 'active') return false;
  if (t == null) return true;
  const windows = z.coarse ? [z] : z.volumes || [];
  return windows.some((v) => (!v.start || Date.parse(v.start) <= t) && (!v.end || t < Date.parse(v.end)));
}

const ll = ([x, y]) => [y, x];

function footprint(v, opts) {
  const g = v.footprint;
  if (!g || !Array.isArray(g.coordinates)) return null;
  if (g.type === 'Point') return v.radius_m > 0 ? L.circle(ll(g.coordinates), { ...opts, radius: v.radius_m }) : L.circleMarker(ll(g.coordinates), { ...opts, radius: 6 });
  if (g.type === 'Polygon') return L.polygon(g.coordinates.map((ring) => ring.map(ll)), opts);
  if (g.type === 'MultiPolygon') return L.polygon(g.coordinates.map((p) => p.map((ring) => ring.map(ll))), opts);
  return null;
}

// Small sites vanish at country scale: a fixed-size pin marks each point
// footprint of these kinds (for roles that see them in full).
const pinned = ['protected-site', 'safe-zone', 'besieged-area'];
function pins(z, opts) {
  return (z.volumes || []).filter((v) => v.footprint?.type === 'Point').map((v) =>
    L.circleMarker(ll(v.footprint.coordinates), { ...opts, radius: 4, weight: 1.5, fillOpacity: 0.9, dashArray: null, className: `zone-pin zone-pin-${z.kind}` }));
}

function cellsLayer(cells, opts) {
  const polys = [];
  for (const t of cells || []) {
    try { polys.push([corners(t)]); } catch { /* not a cell token: skip */ }
  }
  return polys.length ? [L.polygon(polys, opts)] : [];
}

function tip(layer, html) { layer.bindTooltip(html, { sticky: true }); return layer; }

function zoneName(z) {
  if (z.coarse) return `${z.kind === 'safe-zone' ? 'Safe zone' : `Protected site${z.site_type ? ` (${esc(z.site_type)})` : ''}`} — coarse cover, ${z.cells?.length ?? 0} cell(s)`;
  return `${esc(z.name || z.id)} <span class="muted">${esc(z.kind)}</span>`;
}

const render = {
  zone(z) {
    if (!zoneKinds.includes(z.kind) || !activeAt(z, timeAt)) return null;
    const opts = zoneStyle(z.kind, z.coarse);
    const layers = z.coarse ? cellsLayer(z.cells, opts) : (z.volumes || []).map((v) => footprint(v, opts)).filter(Boolean);
    if (!z.coarse && pinned.includes(z.kind)) layers.push(...pins(z, opts));
    layers.forEach((l) => tip(l, zoneName(z)));
    return { layer: z.kind, layers, coarse: z.coarse };
  },
  track(t) {
    if (!Number.isFinite(t.lat) || !Number.isFinite(t.lon)) return null;
    const mine = me && t.party === me.id;
    const label = `${esc(t.callsign || t.track_id)} ${Number.isFinite(t.alt_ft) ? `FL${String(Math.round(t.alt_ft / 100)).padStart(3, '0')}` : ''}`;
    const arrow = `<svg width="22" height="22" viewBox="-11 -11 22 22" aria-hidden="true"><g transform="rotate(${Number(t.track_deg) || 0})"><path d="M0,-10 L6,8 L0,4 L-6,8 Z" fill="currentColor" stroke="#000" stroke-width="1"/></g></svg>`;
    const stale = staleTrack(t);
    const icon = L.divIcon({ className: `track-icon${mine ? ' mine' : ''}${stale ? ' stale' : ''}`, html: `${arrow}<span class="track-label">${label}</span>`, iconSize: [22, 22], iconAnchor: [11, 11] });
    const m = L.marker([t.lat, t.lon], { icon, pane: 'track', keyboard: false, title: `${t.callsign || t.track_id} ${t.party || ''}` });
    return { layer: 'track', layers: [tip(m, `${label}<br>${Math.round(t.gs_kt ?? 0)} kt, ${Math.round(t.track_deg ?? 0)}°, ${Math.round(t.vs_fpm ?? 0)} ft/min<br>${esc(fmtTime(t.time))}`)] };
  },
  alert(a) {
    if (['resolved', 'expired', 'ended'].includes(a.state)) return null;
    const c = flatAlert(a);
    const cpa = point(c.cpa) || point({ lat: c.lat_cpa, lon: c.lon_cpa }) || point(c.entry) || point(c.where);
    const opts = { color: colors.alert, pane: 'alert', className: 'alert-shape' };
    const layers = [];
    for (const ac of aircraftOf(c)) {
      if (cpa) layers.push(L.polyline([ac, cpa], { ...opts, weight: 2, dashArray: '6 4', className: 'alert-cpa-line' }));
      else layers.push(L.circleMarker(ac, { ...opts, radius: 12, weight: 2, fill: false }));
    }
    if (cpa) layers.push(L.circleMarker(cpa, { ...opts, radius: 8, weight: 3, fillOpacity: 0.25, className: 'alert-cpa' }));
    if (!layers.length && c.cells) layers.push(...cellsLayer(c.cells, { ...opts, fillOpacity: 0.3, dashArray: '3 3' }));
    const parts = [`<b>${esc(c.kind || 'alert')} alert</b> · ${esc(c.state || '')}`];
    if (Number.isFinite(c.tcpa_s)) parts.push(`CPA in ${Math.round(c.tcpa_s)} s at ${c.dcpa_nm?.toFixed?.(2) ?? '?'} NM, ${Math.round(c.dv_ft ?? 0)} ft apart`);
    if (Number.isFinite(c.time_to_entry_s)) parts.push(c.inside ? 'inside the no-fly zone' : `entry in ${Math.round(c.time_to_entry_s)} s`);
    layers.forEach((l) => tip(l, parts.join('<br>')));
    return { layer: 'alert', layers };
  },
  movement(m) {
    if (m.coarse) {
      const layers = cellsLayer(m.cells, { color: colors.movement, weight: 0.8, fillOpacity: 0.35, pane: 'movement', className: 'movement-cells coarse' });
      layers.forEach((l) => tip(l, `Movement · ${esc(m.status || m.state || '')} — corridor as cells`));
      return { layer: 'movement', layers, coarse: true };
    }
    const route = m.route?.coordinates || (m.route?.type === 'Feature' ? m.route.geometry?.coordinates : null);
    if (!Array.isArray(route) || route.length < 2) return null;
    const path = route.map(ll);
    const width = Number(m.width_m ?? m.corridor_width_m ?? 0);
    const corridor = L.polyline(path, { color: colors.movement, opacity: 0.22, weight: 6, pane: 'movement', className: 'movement-corridor', lineCap: 'round' });
    corridor.widthM = width;
    const line = L.polyline(path, { color: colors.movement, weight: 2.5, pane: 'movement', className: 'movement-route' });
    const html = `<b>${esc(m.name || m.id)}</b> · movement ${esc(m.state || m.status || '')}${width ? `<br>corridor ${width} m` : ''}`;
    const layers = [tip(corridor, html), tip(line, html)];
    setTimeout(restyleCorridors);
    return { layer: 'movement', layers };
  },
  incident(i) {
    const c = point(i.centroid) || point(i.location);
    if (!c && (i.cells || i.cell)) {
      const layers = cellsLayer(i.cells || [i.cell], { color: colors.incident, weight: 1, fillOpacity: 0.4, pane: 'incident', className: `incident coarse state-${i.state}` });
      layers.forEach((l) => tip(l, `<b>${esc(i.category || 'incident')}</b> · ${esc(i.state || '')} (as a cell)<br>${esc(fmtTime(i.start))}`));
      return { layer: 'incident', layers, coarse: true };
    }
    if (!c) return null;
    const l = L.circle(c, { radius: Math.max(Number(i.radius_m) || 0, 300), color: colors.incident, fillOpacity: 0.2, weight: 2, pane: 'incident', className: `incident state-${i.state}` });
    return { layer: 'incident', layers: [tip(l, `<b>${esc(i.category || 'incident')}</b> · ${esc(i.state || '')}<br>${esc(fmtTime(i.start))}`)] };
  },
  report(r) {
    const c = point(r.location);
    if (!c) return null;
    const l = L.circleMarker(c, { radius: 4, color: colors.report, weight: 1, fillOpacity: 0.7, pane: 'report', className: 'report' });
    return { layer: 'report', layers: [tip(l, `${esc(r.category || 'report')} · ${esc(fmtTime(r.observed_at))}`)] };
  },
};

/** point reads {lat, lon}, {lat, lng} or a GeoJSON Point into [lat, lng]. */
function point(p) {
  if (!p) return null;
  if (Array.isArray(p.coordinates) && p.coordinates.length >= 2) return ll(p.coordinates);
  const lat = Number(p.lat), lon = Number(p.lon ?? p.lng);
  return p.lat != null && Number.isFinite(lat) && Number.isFinite(lon) ? [lat, lon] : null;
}

/** aircraftOf finds the positions an alert carries for its aircraft, or
 *  those of the tracks it names that this console holds. */
function aircraftOf(c) {
  const out = [];
  for (const f of ['tracks', 'aircraft', 'subjects']) for (const x of Array.isArray(c[f]) ? c[f] : []) { const p = point(x); if (p) out.push(p); }
  for (const f of ['aircraft', 'own', 'other', 'track']) { const p = !Array.isArray(c[f]) && point(c[f]); if (p) out.push(p); }
  if (!out.length) {
    for (const [tid, party] of [[c.a, c.party_a], [c.b, c.party_b], [c.track_id, c.party]]) {
      const t = tid && records.all('track').find((x) => x.track_id === tid && (!party || !x.party || x.party === party));
      if (t) out.push([t.lat, t.lon]);
    }
  }
  return out;
}

let latestTrack = 0;
function staleTrack(t) {
  const ts = Date.parse(t.time);
  if (!Number.isFinite(ts)) return false;
  latestTrack = Math.max(latestTrack, ts);
  return latestTrack - ts > 120_000;
}

/** restyleCorridors sets corridor widths in pixels from metres at this zoom. */
function restyleCorridors() {
  if (!map) return;
  const g = groups.get('movement');
  g?.eachLayer((l) => {
    if (!l.widthM) return;
    const lat = l.getBounds().getCenter().lat;
    const mPerPx = (40075016.686 * Math.cos((lat * Math.PI) / 180)) / 2 ** (map.getZoom() + 8);
    l.setStyle({ weight: Math.max(4, Math.min(80, l.widthM / mPerPx)) });
  });
}
