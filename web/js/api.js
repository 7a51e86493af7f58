// The server's API: every request the page makes goes through here (JSON in and out, the
// binary landscapes and fields, DELETEs, the event streams), so the base path, the reading
// of errors and the streams' reconnect rules are in one place.

import { refusalText } from './refusals.js';

/** A refused or failed request: its sentence (refusals.js), with its status and JSON body. */
function httpError(path, status, body) {
  const e = new Error((body && refusalText(body)) || `${path}: HTTP ${status}`);
  e.status = status;
  e.body = body || {};
  return e;
}

async function bodyOf(r) {
  try {
    return await r.json();
  } catch {
    return { error: `HTTP ${r.status}`, field: '' };
  }
}

/** GET path as JSON; a 4xx/5xx throws its error (e.status, e.body). */
export async function getJSON(path) {
  const r = await fetch(path);
  const body = await bodyOf(r);
  if (!r.ok) throw httpError(path, r.status, body);
  return body;
}

/** GET path as JSON without throwing on a refusal: {ok, status, body}. */
export async function askJSON(path) {
  const r = await fetch(path);
  return { ok: r.ok, status: r.status, body: await bodyOf(r) };
}

/** GET path as float32 values: {values, headers}; a refusal throws (e.status). */
export async function getFloat32(path) {
  const r = await fetch(path);
  if (!r.ok) throw httpError(path, r.status, await bodyOf(r));
  return { values: new Float32Array(await r.arrayBuffer()), headers: r.headers };
}

/**
 * GET /api/v1/landscape as binary float32 (format=f32: a quarter of the JSON's bytes, no
 * number parsing); the same object as the JSON answer, null where not finite. The server
 * computes landscapes in a queue: when it is full (503, Retry-After: 1), and while an
 * expression's first kernels build, ask again once a second, up to `retries` times.
 */
export async function getLandscape(fn, nx, ny, view, { retries = 0 } = {}) {
  const path = `/api/v1/landscape?function=${encodeURIComponent(fn)}&nx=${nx}&ny=${ny}`
    + `&view=${view.join(',')}&format=f32`;
  let answer = null;
  for (let tries = 0; !answer; tries++) {
    try {
      answer = await getFloat32(path);
    } catch (e) {
      if (e.status !== 503 || tries >= retries) throw e;
      await new Promise((ok) => setTimeout(ok, 1000));
    }
  }
  const { values, headers } = answer;
  const bound = (name) => (headers.has(name) ? Number(headers.get(name)) : null); // none finite
  return {
    function: fn, nx, ny, view,
    min: bound('X-Landscape-Min'), max: bound('X-Landscape-Max'),
    values: Array.from(values, (v) => (Number.isFinite(v) ? v : null)),
  };
}

/** GET /api/v1/check?name=text: {ok, status, body} (body.valid, or the refusal's code). */
export function check(name, text) {
  return askJSON(`/api/v1/check?${name}=${encodeURIComponent(text)}`);
}

/** POST path with a JSON body: {ok, status, body}; body is the job or {error, field, ...}. */
export async function postJSON(path, request) {
  const r = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
  });
  return { ok: r.ok, status: r.status, body: await bodyOf(r) };
}

/** POST /api/v1/runs. */
export function postRun(request) {
  return postJSON('/api/v1/runs', request);
}

/** POST /api/v1/trainings. */
export function postTraining(request) {
  return postJSON('/api/v1/trainings', request);
}

/** POST /api/v1/explorations. */
export function postExploration(request) {
  return postJSON('/api/v1/explorations', request);
}

/** POST /api/v1/tunings. */
export function postTuning(request) {
  return postJSON('/api/v1/tunings', request);
}

/**
 * Lets go of a job the page no longer follows: DELETE /api/v1/collection/ID with the follow
 * token of its POST's answer (a job posted past the server's followers has none: nothing to
 * do); resolves whatever the answer.
 */
export function cancel(collection, answer) {
  if (!answer.follow) return Promise.resolve();
  const path = `/api/v1/${collection}/${answer.id}?follow=${encodeURIComponent(answer.follow)}`;
  return fetch(path, { method: 'DELETE' }).catch(() => {});
}

/**
 * Follows an event stream: events[name](data) for each named event (a 'done' event closes
 * the stream first), onError(message) at the server's error event, onError(null) when the
 * connection is lost for good. With reconnect (the default) a dropped connection is left to
 * EventSource, which resumes with Last-Event-ID; without it any drop ends the stream.
 * Returns a function that stops following.
 */
export function stream(url, events, onError, { reconnect = true } = {}) {
  const source = new EventSource(url);
  for (const [name, handle] of Object.entries(events)) {
    source.addEventListener(name, (e) => {
      if (name === 'done') source.close();
      handle(e.data ? JSON.parse(e.data) : null);
    });
  }
  source.addEventListener('error', (e) => {
    if (e.data) { // the server's error event
      source.close();
      onError(JSON.parse(e.data).error);
    } else if (!reconnect || source.readyState === EventSource.CLOSED) {
      source.close();
      onError(null);
    }
  });
  return () => source.close();
}

const LOST = 'the connection to the server was lost';

/**
 * Follows a run's events: onRows(rows) for each step event (rows: [{step, points}]),
 * onDone(data), onError(message). Returns a function that stops following.
 */
export function follow(eventsUrl, { onRows, onDone, onError }) {
  return stream(eventsUrl, {
    step: (d) => onRows(d.steps ? d.steps : [d]),
    done: onDone,
  }, (message) => onError(message || LOST));
}

/**
 * Follows a training's events: handlers.start / batch / epoch / done(data) as they come,
 * handlers.error(message) at a server error event or a lost connection. Returns a
 * function that stops following.
 */
export function followTraining(eventsUrl, handlers) {
  const events = {};
  for (const name of ['start', 'batch', 'epoch', 'done']) events[name] = (d) => handlers[name](d);
  return stream(eventsUrl, events, (message) => handlers.error(message || LOST));
}
