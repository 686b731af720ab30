// Server-Sent Events over fetch(): EventSource cannot send an Authorization
// header, and a token in the URL would end up in logs. This reads the
// text/event-stream body (WHATWG HTML §9.2) and reconnects with
// Last-Event-ID after the server's retry delay.
import { authHeaders } from './api.js';

/** parseEvents feeds text into the parser state and calls onEvent for each
 *  complete event; it returns the unconsumed remainder. */
export function parseEvents(buffer, state, onEvent) {
  const lines = buffer.split(/\r\n|\r|\n/);
  const rest = lines.pop();
  for (const line of lines) {
    if (line === '') {
      if (state.data.length) {
        onEvent({ id: state.id, type: state.type || 'message', data: state.data.join('\n') });
      }
      state.data = [];
      state.type = '';
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') state.data.push(value);
    else if (field === 'event') state.type = value;
    else if (field === 'id' && !value.includes('\0')) state.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) state.retry = Number(value);
  }
  return rest;
}

/** stream follows path until stop() is called: onEvent({id, type, data}),
 *  onState('live' | 'reconnecting' | 'stopped', detail). */
export function stream(path, { lastId = '', onEvent, onState }) {
  const state = { id: lastId, type: '', data: [], retry: 2000 };
  let ctrl = null, stopped = false;
  async function once() {
    ctrl = new AbortController();
    const h = authHeaders({ Accept: 'text/event-stream' });
    if (state.id !== '') h['Last-Event-ID'] = state.id;
    const res = await fetch(path, { headers: h, signal: ctrl.signal, cache: 'no-store' });
    if (res.status === 401 || res.status === 403) {
      stopped = true;
      onState('stopped', `HTTP ${res.status}`);
      return;
    }
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
    onState('live');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf = parseEvents(buf + value, state, onEvent);
    }
  }
  (async () => {
    while (!stopped) {
      try { await once(); } catch (e) { if (stopped) break; onState('reconnecting', e.message); }
      if (stopped) break;
      onState('reconnecting');
      await new Promise((r) => setTimeout(r, state.retry));
    }
  })();
  return { stop() { stopped = true; ctrl?.abort(); onState('stopped'); }, get lastId() { return state.id; } };
}
