// Browser tests of concord's web console: playwright-core driving Debian's
// Chromium (/usr/bin/chromium; never a downloaded browser). Started by
// cmd/concord/console_test.go with CONCORD_E2E = {url, tokens, protected,
// golden, screenshots}; it can also be run by hand against `concord demo`
// (see the README). Exits non-zero on the first failed check.
import { readFileSync, mkdirSync } from 'node:fs';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { chromium } from 'playwright-core';

const cfg = JSON.parse(process.env.CONCORD_E2E || '{}');
const base = cfg.url;
const shots = cfg.screenshots || 'screenshots';
mkdirSync(shots, { recursive: true });
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let passed = 0, failed = 0;
const t0 = Date.now();
function check(ok, what, detail = '') {
  if (ok) { passed++; console.log(`  ok   ${what}`); return; }
  failed++;
  console.log(`  FAIL ${what}${detail ? `: ${detail}` : ''}`);
}
const step = (name) => console.log(`# ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

// ---- what an armed party must never receive ----------------------------
const secrets = (cfg.protected || []).filter((p) => !p.shared);
const coincident = (cfg.protected || []).filter((p) => p.shared);

/** leaks finds, in text, a protected site's lon and lat written at 2 to 5
 *  decimals (or more, compared at 5), near each other in either order. */
function leaks(text) {
  const nums = [...String(text).matchAll(/-?\d{1,3}\.\d{2,}/g)].map((m) => ({ s: m[0], at: m.index }));
  const same = (s, v) => {
    const d = Math.min(5, s.split('.')[1].length);
    return Number(s).toFixed(d) === v.toFixed(d);
  };
  const found = [];
  for (let i = 0; i < nums.length; i++) {
    for (let j = i + 1; j < nums.length && nums[j].at - nums[i].at < 80; j++) {
      for (const p of secrets) {
        if ((same(nums[i].s, p.lon) && same(nums[j].s, p.lat)) || (same(nums[i].s, p.lat) && same(nums[j].s, p.lon))) {
          found.push(`${p.name}: "${nums[i].s}" … "${nums[j].s}"`);
        }
      }
    }
  }
  return found;
}

// ---- a page with every request watched and every foreign one blocked ----
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS, headless: true });

async function open({ viewport = { width: 1440, height: 900 }, record = false } = {}) {
  const context = await browser.newContext({ viewport, serviceWorkers: 'block' });
  const w = { context, foreign: [], errors: [], bodies: [], pending: [] };
  await context.route('**/*', async (route) => {
    const u = new URL(route.request().url());
    if (u.origin !== new URL(base).origin) {
      w.foreign.push(u.href);
      return route.abort('blockedbyclient');
    }
    return route.fallback();
  });
  const page = await context.newPage();
  w.page = page;
  page.on('pageerror', (e) => w.errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy|Refused to/i.test(text)) w.errors.push(`CSP: ${text}`);
    else if (m.type() === 'error' && !/status of (404|403)/.test(text)) w.errors.push(`console: ${text}`);
  });
  if (record) {
    page.on('request', (r) => w.bodies.push(`${r.method()} ${r.url()}\n${r.postData() || ''}`));
    page.on('response', (r) => {
      if ((r.headers()['content-type'] || '').includes('event-stream')) return;
      w.pending.push(r.text().then((b) => w.bodies.push(`${r.url()}\n${b}`), () => {}));
    });
  }
  return w;
}

async function signIn(w, who, hash = '') {
  const { page } = w;
  await page.goto(`${base}/${hash}`);
  await page.fill('#token', cfg.tokens[who]);
  await page.press('#token', 'Enter');
  await page.waitForSelector('body[data-ready=true]', { timeout: 15000 });
  await page.waitForTimeout(300);
}

async function done(w, name) {
  check(w.foreign.length === 0, `${name}: no request left concord (offline)`, w.foreign.join(', '));
  check(w.errors.length === 0, `${name}: no page, CSP or console errors`, w.errors.join(' | '));
  await w.context.close();
}

async function api(who, path, opts = {}) {
  const res = await fetch(base + path, { ...opts, headers: { Authorization: `Bearer ${cfg.tokens[who]}`, 'Content-Type': 'application/json', ...(opts.headers || {}) } });
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
}

/** expected layer counts from the API itself, as the role sees it. */
async function expectedLayers(who) {
  const { status, body } = await api(who, '/v1/zones?limit=1000');
  const out = {};
  if (status !== 200) return out;
  for (const z of body.zones) {
    if (z.status !== 'active') continue;
    out[z.kind] ??= { n: 0, coarse: false, cells: 0, exact: 0 };
    out[z.kind].n++;
    if (z.coarse) out[z.kind].coarse = true;
    if (z.coarse) out[z.kind].cells++; else out[z.kind].exact++;
  }
  return out;
}

async function shownLayers(page) {
  return page.$$eval('#layers li', (lis) => Object.fromEntries(lis.map((li) => [li.dataset.layer, { n: Number(li.dataset.count), coarse: li.dataset.coarse === 'true' }])));
}

async function checkLayers(w, who) {
  const want = await expectedLayers(who);
  const got = await shownLayers(w.page);
  for (const kind of ['protected-site', 'safe-zone', 'no-fly', 'besieged-area', 'control-area', 'ceasefire-area']) {
    const e = want[kind] || { n: 0, coarse: false };
    check(got[kind]?.n === e.n && got[kind]?.coarse === e.coarse, `${who}: layer ${kind} shows ${e.n}${e.coarse ? ' as cells' : ''}`, JSON.stringify(got[kind]));
  }
  return { want, got };
}

// 1. S2 cell corners computed in the browser match Go's ------------------
step('S2 cell tokens → corners, against Go golden corners');
{
  const w = await open();
  await w.page.goto(base + '/');
  const golden = JSON.parse(readFileSync(cfg.golden, 'utf8'));
  const worst = await w.page.evaluate(async (cells) => {
    const s2 = await import('/assets/js/s2.js');
    let max = 0, bad = '';
    for (const c of cells) {
      const got = s2.corners(c.token);
      got.forEach(([lat, lng], k) => {
        let dLng = Math.abs(lng - c.corners[k][1]);
        dLng = Math.min(dLng, 360 - dLng);
        const d = Math.max(Math.abs(lat - c.corners[k][0]), dLng);
        if (d > max) { max = d; bad = `${c.token} corner ${k}`; }
      });
      if (s2.cell(c.token).level !== c.level) return { max: Infinity, bad: `${c.token} level` };
    }
    let rejects = 0;
    for (const t of ['', 'zz', '0', 'c', '1000000000000000000', '2']) { try { s2.corners(t); } catch { rejects++; } }
    return { max, bad, rejects };
  }, golden);
  check(worst.max < 1e-9, `s2.js matches Go's corners for ${golden.length} cells (max error ${worst.max.toExponential(1)}°)`, worst.bad);
  check(worst.rejects === 6, 's2.js rejects malformed and invalid tokens', `${worst.rejects}/6`);
  // Signed notes: keys whose base64 holds '+' and '/', signed here by node.
  const notes = [];
  for (let i = 0; notes.length < 3 && i < 200; i++) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pub = Buffer.concat([Buffer.of(1), publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)]);
    if (!/[+/]/.test(pub.toString('base64'))) continue;
    const name = 'test.example/log';
    const hash = createHash('sha256').update(name + '\n').update(pub).digest().subarray(0, 4);
    const text = `${name}\n7\n${Buffer.alloc(32, i).toString('base64')}\n`;
    const sig = Buffer.concat([hash, sign(null, Buffer.from(text), privateKey)]);
    notes.push({ key: `${name}+${hash.toString('hex')}+${pub.toString('base64')}`, note: `${text}\n\u2014 ${name} ${sig.toString('base64')}\n` });
  }
  const verdicts = await w.page.evaluate(async (notes) => {
    const j = await import('/assets/js/journal.js');
    const out = [];
    for (const n of notes) {
      const key = await j.parseKey(n.key);
      out.push(await j.verifyNote(j.parseNote(n.note), key));
      out.push(!(await j.verifyNote(j.parseNote(n.note.replace('\n7\n', '\n8\n')), key)));
    }
    return out;
  }, notes);
  check(notes.length === 3 && verdicts.every(Boolean), 'journal.js parses keys with + and / in their base64, verifies Ed25519 notes and rejects altered ones', JSON.stringify(verdicts));
  await w.page.screenshot({ path: `${shots}/01-signin.png` });
  await done(w, 'sign-in page');
}

// 2. Armed party A: coarse cells only, and no protected coordinate anywhere
step('armed party A: layers, coarse covers, no protected coordinates, live updates');
{
  const w = await open({ record: true });
  await signIn(w, 'A');
  const { page } = w;
  check((await page.textContent('#who')).includes('(A)'), 'A: signed in as A (GET /v1/me)');
  await checkLayers(w, 'A');
  check(await page.locator('path.zone-protected-site.coarse').count() > 0, 'A: protected sites drawn from S2 cells');
  check(await page.locator('path.zone-protected-site:not(.coarse), path.zone-safe-zone:not(.coarse)').count() === 0, 'A: no exact protected footprint drawn');
  // Live: H declares a site and the coordinator a no-fly zone; A sees both arrive over the stream.
  const before = await shownLayers(page);
  const site = await api('H', '/v1/zones', { method: 'POST', body: JSON.stringify({ kind: 'protected-site', name: 'Bakery, Maarat (synthetic)', site_type: 'other', volumes: [{ footprint: { type: 'Point', coordinates: [36.6731, 35.6436] }, radius_m: 250, start: '2016-09-12T00:00:00Z' }] }) });
  const nofly = await api('coordinator', '/v1/zones', { method: 'POST', body: JSON.stringify({ kind: 'no-fly', name: 'Live test no-fly zone', volumes: [{ footprint: { type: 'Point', coordinates: [38.0, 35.0] }, radius_m: 8000, start: '2016-09-12T00:00:00Z' }] }) });
  check(site.status === 201 && nofly.status === 201, 'zones declared through the API during the session', `${site.status} ${nofly.status}`);
  secrets.push({ name: 'Bakery, Maarat (synthetic)', lon: 36.6731, lat: 35.6436 });
  await page.waitForFunction((n) => Number(document.querySelector('#layers li[data-layer="no-fly"]').dataset.count) === n + 1, before['no-fly'].n, { timeout: 10000 }).catch(() => {});
  const after = await shownLayers(page);
  check(after['no-fly'].n === before['no-fly'].n + 1, 'A: a new no-fly zone appears live (SSE over fetch)', JSON.stringify(after['no-fly']));
  check(after['protected-site'].n === before['protected-site'].n + 1 && after['protected-site'].coarse, 'A: a new protected site appears live, as cells', JSON.stringify(after['protected-site']));
  check(/live · \d+ event/.test(await page.textContent('#live')), 'A: the stream is live and counts events', await page.textContent('#live'));
  // Withdraw the no-fly zone: it leaves the map.
  const wd = await api('coordinator', `/v1/zones/${nofly.body.zone?.id}/withdraw`, { method: 'POST', body: '{}' });
  await page.waitForFunction((n) => Number(document.querySelector('#layers li[data-layer="no-fly"]').dataset.count) === n, before['no-fly'].n, { timeout: 10000 }).catch(() => {});
  check(wd.status === 200 && (await shownLayers(page))['no-fly'].n === before['no-fly'].n, 'A: a withdrawn zone leaves the map live', String(wd.status));
  // Time filter: nothing was active the day before the seed.
  await page.fill('#time-at', '2016-09-11T12:00');
  await page.dispatchEvent('#time-at', 'change');
  const early = await shownLayers(page);
  check(Object.values(early).every((l) => l.n === 0), 'A: time filter: no zone active on 2016-09-11', JSON.stringify(early));
  await page.click('#time-now');
  check((await shownLayers(page))['ceasefire-area'].n > 0, 'A: time filter: zones active now');
  await page.click('#time-on');
  // Select a coarse site: details say what is withheld, with no coordinate.
  await page.locator('path.zone-protected-site.coarse').first().click({ force: true });
  check(/exact location withheld/.test(await page.textContent('#details')), 'A: details of a coarse site say the location is withheld');
  await page.screenshot({ path: `${shots}/02-map-party-A.png` });
  // Everything A's browser received, and A's event stream read directly.
  await Promise.all(w.pending);
  const html = await page.content();
  const ctrl = new AbortController();
  const res = await fetch(`${base}/v1/events`, { headers: { Authorization: `Bearer ${cfg.tokens.A}` }, signal: ctrl.signal });
  let events = '';
  const reader = res.body.getReader();
  const stop = setTimeout(() => ctrl.abort(), 1500);
  try { for (;;) { const { value, done: end } = await reader.read(); if (end) break; events += new TextDecoder().decode(value); } } catch { /* aborted */ }
  clearTimeout(stop);
  check(events.includes('event: zone') && events.includes('"coarse":true'), "A's event stream carries zones, protected ones coarse");
  const all = [html, ...w.bodies, events].join('\n');
  check(secrets.length >= 3 && w.bodies.length > 5, `the leak check looks for ${secrets.length} protected points in ${w.bodies.length} requests and responses, the page and the stream`);
  const found = leaks(all);
  check(found.length === 0, 'A: no protected coordinate in the page, any request or response, or the event stream', found.slice(0, 5).join('; '));
  check(leaks(`[${secrets[0].lon.toFixed(3)}, ${secrets[0].lat.toFixed(3)}]`).length === 1, 'the leak check finds a coordinate written at 3 decimals (it can fail)');
  if (coincident.length) console.log(`  note ${coincident.map((p) => `${p.name} shares its point with ${p.shared}`).join('; ')} — not counted`);
  await done(w, 'party A');
}

// 3. The other roles see what the API gives them -------------------------
for (const [who, role] of [['H', 'humanitarian'], ['O', 'observer'], ['coordinator', 'coordinator'], ['B', 'party']]) {
  step(`${role} ${who}: layers`);
  const w = await open();
  await signIn(w, who);
  const { want } = await checkLayers(w, who);
  const exact = await w.page.locator('path.zone-protected-site:not(.coarse)').count();
  const coarse = await w.page.locator('path.zone-protected-site.coarse').count();
  const ps = want['protected-site'] || { exact: 0, cells: 0 };
  check(exact === ps.exact && coarse === ps.cells, `${who}: ${ps.exact} protected site(s) drawn in full, ${ps.cells} as cells, as the API gives them`, `${exact} exact, ${coarse} coarse`);
  if (role === 'party') check(exact === 0 && coarse > 0, `${who}: an armed party gets cells only`);
  else check(exact > 0, `${who}: sees protected sites in full`);
  if (who !== 'B') await w.page.screenshot({ path: `${shots}/03-map-${role}-${who}.png` });
  await done(w, `${role} ${who}`);
}

// 4. The auditor: journal view, verified in the browser ------------------
step('auditor W: journal verified in the browser; a forged leaf and a forged signature fail');
{
  const w = await open();
  await signIn(w, 'W');
  const { page } = w;
  check(await page.isVisible('#view-journal') && !(await page.isVisible('#view-map')), 'W: the auditor lands on the journal view');
  const got = await shownLayers(page);
  check(Object.values(got).every((l) => l.n === 0), 'W: no map layer has contents for an auditor');
  await page.waitForSelector('#checkpoint dd');
  const size = Number((await page.textContent('#checkpoint')).match(/(\d+) leaves/)?.[1]);
  check(size > 40, `W: the checkpoint shows the journal's size (${size})`);
  await page.click('#verify');
  await page.waitForSelector('#verify-result[data-result=pass], #verify-result[data-result=fail]', { timeout: 30000 });
  const text = await page.textContent('#verify-result');
  check(await page.getAttribute('#verify-result', 'data-result') === 'pass', 'W: the journal verifies in the browser', text);
  for (const what of ['signature verifies', 'leaves fetched', 'Merkle root recomputed']) check(text.includes(what), `W: the verification says "${what}"`);
  await page.screenshot({ path: `${shots}/04-journal-auditor-W.png` });
  // A second run checks against the checkpoint this browser verified before.
  await page.click('#verify');
  await page.waitForSelector('#verify-result[data-result=pass], #verify-result[data-result=fail]', { timeout: 30000 });
  check((await page.textContent('#verify-result')).includes('Consistent with the checkpoint this browser verified before'), 'W: a second verification checks consistency with the first');
  // Forge one leaf in transit: the verification must fail, naming it.
  await page.route('**/v1/journal/leaves?*', async (route) => {
    const res = await route.fetch();
    const doc = await res.json();
    if (doc.leaves.length > 3) doc.leaves[3].data = doc.leaves[3].data.replace('actor ', 'actor X');
    await route.fulfill({ response: res, json: doc });
  });
  await page.click('#verify');
  await page.waitForSelector('#verify-result[data-result=pass], #verify-result[data-result=fail]', { timeout: 30000 });
  check(await page.getAttribute('#verify-result', 'data-result') === 'fail' && (await page.textContent('#verify-result')).includes('Leaf 3'), 'W: a forged leaf fails verification, named', await page.textContent('#verify-result'));
  await page.unroute('**/v1/journal/leaves?*');
  // Forge the checkpoint's root: the signature no longer verifies.
  await page.route('**/v1/journal/checkpoint', async (route) => {
    const res = await route.fetch();
    const lines = (await res.text()).split('\n');
    lines[2] = Buffer.alloc(32, 7).toString('base64');
    await route.fulfill({ response: res, body: lines.join('\n') });
  });
  await page.click('#verify');
  await page.waitForSelector('#verify-result[data-result=pass], #verify-result[data-result=fail]', { timeout: 30000 });
  check(await page.getAttribute('#verify-result', 'data-result') === 'fail' && (await page.textContent('#verify-result')).includes('signature does not verify'), 'W: a forged checkpoint fails its signature check');
  await page.unroute('**/v1/journal/checkpoint');
  await page.screenshot({ path: `${shots}/05-journal-forged-checkpoint.png` });
  await done(w, 'auditor W');
}

// 5. Keyboard: everything reachable, focus visible ------------------------
step('keyboard: observer O signs in and works with the keyboard only');
{
  const w = await open();
  const { page } = w;
  await page.goto(base + '/');
  check(await page.evaluate(() => document.activeElement?.id) === 'token', 'the token field has focus on load');
  await page.keyboard.type(cfg.tokens.O);
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-ready=true]');
  const seen = [], unnamed = [], invisible = [];
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < 90 && !(seen.includes('map') && seen.at(-1) === 'Skip to content'); i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      const s = getComputedStyle(e);
      const name = e.getAttribute('aria-label') || [...(e.labels || [])].map((l) => l.textContent.trim()).join(' ') || e.textContent.trim() || e.title;
      return { id: e.id, label: name.slice(0, 30), tag: e.tagName, visible: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 };
    });
    if (!f) continue;
    seen.push(f.id || f.label);
    if (!f.label) unnamed.push(f.tag);
    if (!f.visible) invisible.push(f.id || f.label);
  }
  for (const want of ['Skip to content', 'Map', 'Queues', 'Journal', 'Daily report', 'mute', 'signout', 'Protected sites', 'Ceasefire areas', 'time-on', 'time-at', 'time-now', 'feature', 'map']) {
    check(seen.some((s) => s.startsWith(want)), `keyboard reaches ${want}`);
  }
  check(unnamed.length === 0, 'every element reached has an accessible name', unnamed.join(', '));
  check(seen.length < 60, `the tab order is short enough to use (${seen.length} stops)`, seen.join(' | '));
  check(invisible.length === 0, 'focus is visible on every element reached', invisible.join(', '));
  // Pick a shape from the "Go to" list: its details show.
  await page.focus('#feature');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => document.querySelector('#details dl'), null, { timeout: 5000 }).catch(() => {});
  check(/kind/.test(await page.textContent('#details')), 'keyboard: a shape chosen from the "Go to" list shows its details', await page.textContent('#details'));
  // Open the journal with the keyboard and verify.
  await page.focus('a[data-view=journal]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#view-journal:not([hidden])');
  await page.focus('#verify');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#verify-result[data-result=pass]', { timeout: 30000 }).catch(() => {});
  check(await page.getAttribute('#verify-result', 'data-result') === 'pass', 'keyboard: Journal → Verify works');
  // Daily report view (404-tolerant until the route lands).
  await page.focus('a[data-view=report]');
  await page.keyboard.press('Enter');
  await page.fill('#report-date', '2016-09-12');
  await page.click('#report-form button[type=submit]');
  await page.waitForFunction(() => !/Loading/.test(document.getElementById('report-status').textContent));
  const status = await page.textContent('#report-status');
  check(/Daily report for 2016-09-12|not available on this server yet/.test(status), 'daily report: shown, or its absence said', status);
  await page.screenshot({ path: `${shots}/06-daily-report.png` });
  await done(w, 'keyboard');
}

// 6. Movements, incidents, tracks and alerts: real where concord has the
// routes, fixtures in the SPEC's field names where it answers 404 (so the
// rendering is tested either way); actions always go to concord.
step('party A: movement consent and RFI response in place; observer O: a verdict in place');
{
  const has = async (path) => (await api('coordinator', path)).status !== 404;
  const real = { movements: await has('/v1/movements'), incidents: await has('/v1/incidents') };
  let movementID, incidentID;
  if (real.movements) {
    const zs = (await api('coordinator', '/v1/zones?kind=besieged-area')).body.zones;
    const dest = zs.find((z) => z.name === 'Eastern Aleppo').id;
    const hour = 3600e3, t = Date.now();
    const mv = await api('H', '/v1/movements', { method: 'POST', body: JSON.stringify({ name: 'Convoy to Eastern Aleppo', route: { type: 'LineString', coordinates: [[36.75, 36.25], [37.0, 36.22], [37.19, 36.2]] }, width_m: 1000,
      start: new Date(t + hour).toISOString(), end: new Date(t + 6 * hour).toISOString(), destination: dest,
      convoy: { vehicles: 5, cargo: [{ item: 'flour', quantity: 40, unit: 't' }], beneficiaries: 5000 } }) });
    movementID = mv.body.movement?.id;
    check(mv.status === 201 && mv.body.movement.required_consents.includes('A'), 'H requests a movement that needs A\'s consent', `${mv.status} ${JSON.stringify(mv.body).slice(0, 200)}`);
  }
  if (real.incidents) {
    const observed = new Date(Date.now() - 2 * 3600e3).toISOString();
    const report = (n) => JSON.stringify({ observed_at: observed, location: { lat: 36.1, lon: 37.0 }, uncertainty_m: 500, category: 'shelling', alleged_party: 'A', confidence: 'seen',
      casualties: { killed: 0, injured: 2, civilian_killed: 0, civilian_injured: 2 }, sources: [`console-test-${n}`] });
    const r1 = await api('O', '/v1/reports', { method: 'POST', body: report(1) });
    const r2 = await api('H', '/v1/reports', { method: 'POST', body: report(2) });
    incidentID = r2.body.incidents?.[0];
    const rfi = await api('O', `/v1/incidents/${incidentID}/rfi`, { method: 'POST', body: JSON.stringify({ party: 'A', question: 'Were your units firing near Aleppo at that hour?', deadline: new Date(Date.now() + 2 * 86400e3).toISOString() }) });
    check(r1.status === 201 && r2.status === 201 && rfi.status === 201, 'O and H report shelling alleged against A; O asks A for information', `${r1.status} ${r2.status} ${rfi.status}`);
  }
  const w = await open();
  const { page } = w;
  const now = new Date().toISOString();
  const fixtures = {
    '/v1/tracks': { tracks: [
      { track_id: 'A101', party: 'A', callsign: 'FALCON1', lat: 35.2, lon: 37.2, alt_ft: 24000, gs_kt: 420, track_deg: 75, vs_fpm: 0, time: now },
      { track_id: 'A102', party: 'A', callsign: 'FALCON2', lat: 34.6, lon: 38.4, alt_ft: 31000, gs_kt: 450, track_deg: 300, vs_fpm: -500, time: now }] },
    '/v1/alerts': { alerts: [{ id: 'al_fixture1', version: 1, kind: 'separation', state: 'open', parties: ['A', 'B'], separation: { tcpa_s: 95, dcpa_nm: 2.1, dv_ft: 400, cpa: { lat: 35.27, lon: 37.55 },
      aircraft: [{ party: 'A', track_id: 'A101', lat: 35.2, lon: 37.2 }, { party: 'B', lat: 35.5, lon: 37.9 }] }, created_at: now }] },
    '/v1/movements': { movements: [{ id: 'mv_fixture1', version: 1, name: 'Convoy to Eastern Ghouta (fixture)', state: 'requested', owner: 'H', required_consents: ['A', 'B'], width_m: 1500,
      route: { type: 'LineString', coordinates: [[36.29, 33.51], [36.35, 33.54], [36.40, 33.57]] }, start: '2016-09-19T06:00:00Z', end: '2016-09-19T18:00:00Z', convoy: { cargo: [{ quantity: 40, unit: 't', item: 'flour' }] } }] },
    '/v1/incidents': { incidents: [{ id: 'in_fixture1', version: 1, category: 'shelling', state: 'corroborated', alleged_parties: ['A'], reports: ['r1', 'r2'], centroid: { lat: 36.2, lon: 37.1 }, radius_m: 2000, start: '2016-09-19T14:00:00Z' }] },
    '/v1/incidents/in_fixture1': { incident: {}, rfis: [{ id: 'rfi1', party: 'A', question: 'Where were your batteries?' }] },
  };
  const served = [];
  for (const [path, body] of Object.entries(fixtures)) {
    await page.route(`${base}${path}`, async (route) => {
      const res = await route.fetch();
      if (res.status() !== 404 || route.request().method() !== 'GET') return route.fulfill({ response: res });
      served.push(path);
      return route.fulfill({ json: body });
    });
  }
  await signIn(w, 'A');
  await page.waitForTimeout(800);
  console.log(`  note fixtures served for: ${[...new Set(served)].join(', ') || 'none (every route exists)'}`);
  const shown = await shownLayers(page);
  if (served.includes('/v1/tracks')) check(shown.track.n === 2 && await page.locator('.track-icon').count() === 2, 'tracks drawn with heading icons and labels', JSON.stringify(shown.track));
  if (served.includes('/v1/alerts')) check(await page.locator('path.alert-cpa-line').count() === 2 && await page.locator('path.alert-cpa').count() === 1, 'a fixture alert is drawn with its predicted CPA and lines to it');
  check(await page.locator('path.movement-corridor').count() >= 1, 'the movement is drawn along its corridor');
  check(await page.locator('path.incident').count() >= 1, `the incident is drawn${real.incidents ? ' (as its cell, for an armed party)' : ''}`);
  await page.screenshot({ path: `${shots}/07-map-party-A-air-picture.png` });
  await page.click('a[data-view=queues]');
  await page.waitForSelector('#view-queues:not([hidden])');
  await page.waitForSelector('#q-movements .item', { timeout: 8000 }).catch(() => {});
  await page.waitForSelector('#q-incidents .item', { timeout: 8000 }).catch(() => {});
  await page.screenshot({ path: `${shots}/08-queues-party-A.png` });
  // Approve the movement, with conditions.
  const mvItem = page.locator(`#q-movements .item${movementID ? `[data-id="${movementID}"]` : ''}`).first();
  await mvItem.locator('input').fill('daylight only');
  await mvItem.locator('button.ok').click();
  await page.waitForFunction(() => /yet|Refused|Approved/.test(document.querySelector('#q-movements').textContent), null, { timeout: 10000 }).catch(() => {});
  if (real.movements) {
    check((await page.textContent('#q-movements')).includes('Approved'), 'A approves the movement in place', await page.textContent('#q-movements'));
    const cs = await api('H', `/v1/movements/${movementID}/consents`);
    check(cs.body.consents?.some((c) => c.party === 'A' && c.decision === 'approve' && c.conditions === 'daylight only'), 'concord recorded A\'s approval with its conditions', JSON.stringify(cs.body).slice(0, 200));
  } else check(/yet \(404\)/.test(await page.textContent('#q-movements')), 'consenting where concord has no consent route yet says so');
  // Acknowledge a protected site notified to A (proof of awareness).
  const un = await api('A', '/v1/zones/unacknowledged');
  if (un.status === 200) {
    const site = page.locator('#q-zones .item').first();
    check(await page.locator('#q-zones .item').count() === un.body.zones.length, `A's queue lists the ${un.body.zones.length} sites it has not acknowledged`);
    await site.locator('button.primary').click();
    await page.waitForFunction(() => /Refused|Acknowledged/.test(document.querySelector('#q-zones').textContent), null, { timeout: 10000 }).catch(() => {});
    const after = await api('A', '/v1/zones/unacknowledged');
    check((await page.textContent('#q-zones')).includes('Acknowledged') && after.body.zones.length === un.body.zones.length - 1, 'A acknowledges a protected site in place; concord has one fewer to acknowledge', await page.textContent('#q-zones'));
  }
  // Answer the observers' request for information.
  const incItem = page.locator('#q-incidents .item').first();
  check(/Observers ask/.test(await incItem.textContent()), 'A sees the observers\' question in its queue');
  await incItem.locator('input').fill('No unit of ours was there.');
  await incItem.locator('button.primary').click();
  await page.waitForFunction(() => /yet|Refused|sent/.test(document.querySelector('#q-incidents').textContent), null, { timeout: 10000 }).catch(() => {});
  if (real.incidents) {
    check((await page.textContent('#q-incidents')).includes('Response sent'), 'A answers the request for information in place', await page.textContent('#q-incidents'));
    const d = await api('O', `/v1/incidents/${incidentID}`);
    check(d.body.rfis?.some((q) => q.party === 'A' && q.response?.text === 'No unit of ours was there.'), 'concord recorded A\'s response', JSON.stringify(d.body.rfis).slice(0, 200));
  } else check(/yet \(404\)/.test(await page.textContent('#q-incidents')), 'responding where concord has no response route yet says so');
  await page.screenshot({ path: `${shots}/08b-queues-party-A-answered.png` });
  await done(w, 'party A queues');

  if (real.incidents) {
    const o = await open();
    await signIn(o, 'O', '#queues');
    const item = o.page.locator(`#q-incidents .item[data-id="${incidentID}"]`);
    await item.waitFor({ timeout: 8000 }).catch(() => {});
    check(await item.count() === 1, 'the corroborated incident waits for O\'s verdict');
    await o.page.screenshot({ path: `${shots}/08c-queues-observer-O.png` });
    await item.locator('input').fill('Two independent reporters; crater analysis consistent.');
    await item.locator('button.ok').click();
    await o.page.waitForFunction(() => /Refused|Verified/.test(document.querySelector('#q-incidents').textContent), null, { timeout: 10000 }).catch(() => {});
    check((await o.page.textContent('#q-incidents')).includes('Verified'), 'O verifies the incident in place', await o.page.textContent('#q-incidents'));
    const d = await api('O', `/v1/incidents/${incidentID}`);
    check(d.body.incident?.state === 'verified', 'concord recorded the verdict: verified', JSON.stringify(d.body.incident).slice(0, 160));
    await done(o, 'observer O verdict');
  }
}

// 7. A new alert arriving live: visible and audible cue, acknowledged ----
// With concord's airspace routes, A and B fly head-on and the real alert
// arrives over the stream; without them, a synthetic stream carries one.
step('a new alert on the stream: badge, announcement, highlighted item, sound; acknowledged in place');
{
  const w = await open();
  const { page } = w;
  await page.addInitScript(() => {
    window.__beeps = 0;
    const Orig = window.AudioContext;
    window.AudioContext = class extends Orig { createOscillator() { window.__beeps++; return super.createOscillator(); } };
  });
  const real = (await api('A', '/v1/tracks')).status !== 404;
  if (!real) {
    let sent = false;
    await page.route(`${base}/v1/events`, async (route) => {
      if (sent) return route.fulfill({ status: 200, headers: { 'Content-Type': 'text/event-stream' }, body: 'retry: 60000\n\n' });
      sent = true;
      const alert = { id: 'al_live1', kind: 'separation', state: 'open', parties: ['A', 'C'], separation: { tcpa_s: 120, dcpa_nm: 3.2, dv_ft: 600, cpa: { lat: 35.9, lon: 38.1 } }, created_at: new Date().toISOString() };
      await route.fulfill({ status: 200, headers: { 'Content-Type': 'text/event-stream' }, body: `retry: 60000\n\nid: 999999\nevent: alert\ndata: ${JSON.stringify(alert)}\n\nid: 1000000\nevent: future-thing\ndata: {"id":"x"}\n\n` });
    });
  }
  await signIn(w, 'A', '#queues');
  const before = await page.locator('#q-alerts .item').count();
  if (real) {
    const now = new Date().toISOString();
    const track = (id, lat, lon, trk) => JSON.stringify({ track_id: id, lat, lon, alt_ft: 30000, gs_kt: 450, track_deg: trk, vs_fpm: 0, time: now });
    const ra = await api('A', '/v1/tracks', { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body: track('RFA101', 35.0, 38.0, 90) + '\n' });
    const rb = await api('B', '/v1/tracks', { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body: track('USB201', 35.0, 38.4, 270) + '\n' });
    check(ra.status === 200 && rb.status === 200, 'A and B report tracks head-on at FL300 (POST /v1/tracks)', `${ra.status} ${rb.status}`);
  }
  await page.waitForSelector('#q-alerts .item.new', { timeout: 10000 }).catch(() => {});
  check(await page.locator('#q-alerts .item.new').count() === 1, `the new ${real ? 'real' : 'synthetic'} alert is highlighted in the queue`);
  check((await page.textContent('#announce')).includes('New separation alert'), 'the new alert is announced to screen readers', await page.textContent('#announce'));
  check(!(await page.isHidden('#queue-badge')), 'the queue badge shows');
  check(await page.evaluate(() => window.__beeps) === 2, 'two tones play (WebAudio)', String(await page.evaluate(() => window.__beeps)));
  check(/CPA in \d+ s/.test(await page.textContent('#q-alerts .item.new')), 'the queue item gives the predicted CPA', await page.textContent('#q-alerts .item.new'));
  await page.screenshot({ path: `${shots}/09-new-alert-cue.png` });
  const id = await page.getAttribute('#q-alerts .item.new', 'data-id');
  await page.click('#q-alerts .item.new button.primary');
  await page.waitForFunction(() => /Acknowledged|Refused|yet/.test(document.querySelector('#q-alerts').textContent), null, { timeout: 10000 }).catch(() => {});
  if (real) {
    check((await page.textContent('#q-alerts')).includes('Acknowledged'), 'A acknowledges the alert in place', await page.textContent('#q-alerts'));
    check(await page.locator('#q-alerts .item:not(.done)').count() === before, 'the acknowledged alert leaves A\'s queue');
    const got = await api('A', `/v1/alerts/${id}`);
    check(got.status === 200 && got.body.alert?.acks?.A, 'concord recorded A\'s acknowledgement', JSON.stringify(got.body).slice(0, 200));
    await page.click('a[data-view=map]');
    await page.waitForFunction(() => document.querySelectorAll('.track-icon').length > 0, null, { timeout: 8000 }).catch(() => {});
    check(await page.locator('.track-icon').count() >= 1, "A's own aircraft is on the map (live tracks)");
    check(await page.locator('path.alert-cpa').count() >= 1 && await page.locator('path.alert-cpa-line').count() >= 1, 'the alert is drawn with its predicted CPA and lines from the aircraft');
    await page.locator('#map').focus();
    await page.screenshot({ path: `${shots}/07b-map-party-A-live-alert.png` });
  } else {
    check(/yet \(404\)/.test(await page.textContent('#q-alerts')), 'acknowledging where concord has no ack route yet says so');
  }
  await done(w, 'new alert cue');
}

// 8. Tablet layouts --------------------------------------------------------
step('tablet layouts');
for (const [name, viewport] of [['tablet-landscape', { width: 1024, height: 768 }], ['tablet-portrait', { width: 768, height: 1024 }]]) {
  const w = await open({ viewport });
  await signIn(w, 'H');
  const box = await w.page.locator('#map').boundingBox();
  check(box && box.width >= viewport.width * 0.5 && box.height >= 300, `${name}: the map keeps most of the screen`, JSON.stringify(box));
  const overflow = await w.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(overflow <= 0, `${name}: no horizontal scrolling`, `${overflow}px`);
  await w.page.screenshot({ path: `${shots}/10-${name}-humanitarian-H.png`, fullPage: name === 'tablet-portrait' });
  await done(w, name);
}

await browser.close();
console.log(`${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
process.exit(failed ? 1 : 0);
