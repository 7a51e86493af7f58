// The server's API: JSON requests and the run's event stream.

export async function getJSON(path) {
  const r = await fetch(path);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || `${path}: HTTP ${r.status}`);
  return body;
}

/** POST /api/v1/runs: {ok, status, body}; body is the run or {error, field}. */
export async function postRun(request) {
  const r = await fetch('/api/v1/runs', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
  });
  let body;
  try {
    body = await r.json();
  } catch {
    body = { error: `HTTP ${r.status}`, field: '' };
  }
  return { ok: r.ok, status: r.status, body };
}

/**
 * Follows a run's events: onRows(rows) for each step event (rows: [{step, points}]),
 * onDone(data), onError(message). Returns a function that stops following.
 */
export function follow(eventsUrl, { onRows, onDone, onError }) {
  const source = new EventSource(eventsUrl);
  source.addEventListener('step', (e) => {
    const d = JSON.parse(e.data);
    onRows(d.steps ? d.steps : [d]);
  });
  source.addEventListener('done', (e) => {
    source.close();
    onDone(JSON.parse(e.data));
  });
  source.addEventListener('error', (e) => {
    if (e.data) { // the server's error event
      source.close();
      onError(JSON.parse(e.data).error);
    } else if (source.readyState === EventSource.CLOSED) {
      onError('the connection to the server was lost');
    } // otherwise EventSource reconnects with Last-Event-ID by itself
  });
  return () => source.close();
}
