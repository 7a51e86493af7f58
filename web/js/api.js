// The server's API: JSON requests and the run's event stream.

export async function getJSON(path) {
  const r = await fetch(path);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || `${path}: HTTP ${r.status}`);
  return body;
}

/**
 * GET /api/v1/landscape as binary float32 (format=f32: a quarter of the JSON's bytes, no
 * number parsing); the same object as the JSON answer, null where not finite.
 */
export async function getLandscape(fn, nx, ny, view) {
  const path = `/api/v1/landscape?function=${encodeURIComponent(fn)}&nx=${nx}&ny=${ny}`
    + `&view=${view.join(',')}&format=f32`;
  const r = await fetch(path);
  if (!r.ok) {
    const e = new Error((await r.json()).error || `${path}: HTTP ${r.status}`);
    e.status = r.status;
    throw e;
  }
  const f32 = new Float32Array(await r.arrayBuffer());
  return {
    function: fn, nx, ny, view,
    min: Number(r.headers.get('X-Landscape-Min')), max: Number(r.headers.get('X-Landscape-Max')),
    values: Array.from(f32, (v) => (Number.isFinite(v) ? v : null)),
  };
}

/** POST /api/v1/runs: {ok, status, body}; body is the run or {error, field}. */
export function postRun(request) {
  return postJSON('/api/v1/runs', request);
}

/** POST /api/v1/trainings: {ok, status, body}; body is the training or {error, field}. */
export function postTraining(request) {
  return postJSON('/api/v1/trainings', request);
}

async function postJSON(path, request) {
  const r = await fetch(path, {
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

/**
 * Follows a training's events: handlers.start / batch / epoch / done(data) as they come,
 * handlers.error(message) at a server error event or a lost connection. Returns a
 * function that stops following.
 */
export function followTraining(eventsUrl, handlers) {
  const source = new EventSource(eventsUrl);
  for (const name of ['start', 'batch', 'epoch', 'done']) {
    source.addEventListener(name, (e) => {
      if (name === 'done') source.close();
      handlers[name](JSON.parse(e.data));
    });
  }
  source.addEventListener('error', (e) => {
    if (e.data) {
      source.close();
      handlers.error(JSON.parse(e.data).error);
    } else if (source.readyState === EventSource.CLOSED) {
      handlers.error('the connection to the server was lost');
    }
  });
  return () => source.close();
}
