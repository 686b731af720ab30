// The console's only way to the server: same-origin fetch() with the bearer
// token in the Authorization header (never in a URL).

let token = '';

/** setToken sets the bearer token every request carries. */
export function setToken(t) { token = t; }

/** ApiError is a non-2xx answer; detail comes from RFC 9457 problem+json. */
export class ApiError extends Error {
  constructor(status, detail, field) {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.field = field;
  }
}

function headers(extra) {
  return { Authorization: `Bearer ${token}`, ...extra };
}

async function failure(res) {
  let detail = res.statusText, field;
  try {
    const p = await res.json();
    detail = p.detail || p.title || detail;
    field = p.field;
  } catch { /* not problem+json */ }
  return new ApiError(res.status, detail, field);
}

/** api sends a request and returns the parsed JSON (or text) answer. */
export async function api(path, { method = 'GET', body, text = false, signal } = {}) {
  const h = headers(body === undefined ? {} : { 'Content-Type': 'application/json' });
  if (method !== 'GET') h['Idempotency-Key'] = `console-${crypto.randomUUID()}`;
  const res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), signal, cache: 'no-store' });
  if (!res.ok) throw await failure(res);
  return text ? res.text() : res.json();
}

/** optional is api for routes that may not exist on this server yet (404)
 *  or that the caller's role may not call (403): it answers null then. */
export async function optional(path, opts) {
  try {
    return await api(path, opts);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return null;
    throw e;
  }
}

/** listAll follows a list route's `next` cursor (as /v1/zones does) and
 *  returns every item under key, or null when the route is absent. */
export async function listAll(path, key, maxPages = 50) {
  const items = [];
  let after = '';
  for (let page = 0; page < maxPages; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const doc = await optional(after ? `${path}${sep}after=${encodeURIComponent(after)}` : path);
    if (doc === null) return page === 0 ? null : items;
    const list = Array.isArray(doc) ? doc : doc[key];
    if (!Array.isArray(list)) return items;
    items.push(...list);
    if (!doc.next || doc.next === after) return items;
    after = doc.next;
  }
  return items;
}

/** authHeaders is for the event stream, which uses fetch() directly. */
export function authHeaders(extra) { return headers(extra); }
