// The race's phase, kept in state and rendered for the browser tests and for a person.
// document.body.dataset.state is loading, ready, running, done or error (the message in
// dataset.error): the contract the browser tests read. #status says what is true for a
// person: computing, playing, paused, done, not run, error (data-phase says which).

import { t } from './i18n.js';

/**
 * Sets the phase s (state.phase), with the error's message; refusal: the error is a run the
 * page did not make (else the server or the network failed).
 */
export function setStatus(state, s, message = '', refusal = false) {
  state.phase = s;
  state.error = s === 'error' ? message : '';
  state.refused = refusal;
  document.body.dataset.state = s;
  if (s === 'error') document.body.dataset.error = message;
  else delete document.body.dataset.error;
  renderStatus(state);
}

/** The header's word for what is true now (a fixed-width slot: the header does not move). */
export function renderStatus(state) {
  const s = state.phase;
  const r = state.run;
  let phase = s;
  if (s === 'done') phase = state.playing ? 'playing' : (r && state.step < r.steps ? 'paused' : 'done');
  else if (s === 'running') phase = 'computing';
  else if (s === 'ready') phase = '';
  else if (s === 'error' && state.refused) phase = 'refused';
  const text = { loading: t('loading'), computing: t('running'), playing: t('playing'),
    paused: t('paused'), done: t('done'), refused: t('refused'), error: t('error'), '': '' }[phase];
  const el = document.getElementById('status');
  el.dataset.phase = phase;
  if (el.textContent !== text) el.textContent = text;
  el.title = s === 'error' ? state.error : '';
}
