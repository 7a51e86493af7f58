// The server's refusals in the page's words: one sentence per code of src/server/refusals.c,
// in English and Korean, filled with the refusal's values ({"code", "args"} beside the
// server's own "error"). A reply without a code the page knows (an older server, a proxy)
// is shown as the server wrote it. Pure: no DOM, tested with node's test runner
// (web/test/refusals.test.mjs checks every code of the server has both sentences).

import { language, particles } from './i18n.js';

export const REFUSALS = {
  bad_utf8_path: { en: 'The address is not valid UTF-8.', ko: '주소가 올바른 UTF-8이 아닙니다.' },
  bad_header_name: { en: 'A header name is not a valid token.', ko: '헤더 이름이 올바르지 않습니다.' },
  bad_utf8_header: { en: 'The {header} header is not valid UTF-8.', ko: '{header} 헤더가 올바른 UTF-8이 아닙니다.' },
  repeated_header: { en: 'The {header} header appears more than once.', ko: '{header} 헤더가 두 번 이상 있습니다.' },
  bad_utf8_query: { en: 'A query argument{separator}{name} is not valid UTF-8.', ko: '주소의 인자{separator}{name}이(가) 올바른 UTF-8이 아닙니다.' },
  foreign_host: {
    en: 'Host "{host}" is not this server; it answers to localhost, 127.0.0.1, [::1] and {names}.',
    ko: '호스트 "{host}"는 이 서버가 아닙니다. 이 서버는 localhost, 127.0.0.1, [::1], {names}에만 응답합니다.',
  },
  foreign_origin: {
    en: 'Origin "{origin}" is not this server\'s own page; the server takes work only from its own page.',
    ko: '출처 "{origin}"는 이 서버의 페이지가 아닙니다. 서버는 자기 페이지에서 온 작업만 받습니다.',
  },
  host_required: { en: 'The request has no Host header; HTTP/1.1 needs one.', ko: '요청에 Host 헤더가 없습니다. HTTP/1.1 요청에는 꼭 있어야 합니다.' },
  cross_site: { en: 'This request came from another site\'s page ({site}); the server computes only for its own page.', ko: '이 요청은 다른 사이트의 페이지에서 왔습니다({site}). 서버는 자기 페이지의 요청만 계산합니다.' },
  body_too_large: { en: 'The request has {bytes} bytes; the limit is {limit}.', ko: '요청이 {bytes}바이트로, 한도 {limit}바이트를 넘습니다.' },
  body_over_limit: { en: 'The request has more than {limit} bytes, the limit.', ko: '요청이 한도인 {limit}바이트를 넘습니다.' },
  bad_content_type: { en: 'The request\'s type is "{type}"; the server takes application/json.', ko: '요청 형식이 "{type}"입니다. 서버는 application/json만 받습니다.' },
  not_number_array: { en: '{field} must be a list of {count} numbers.', ko: '{field}에는 숫자 {count}개의 목록을 넣어야 합니다.' },
  not_finite: { en: '{field}[{index}] must be a finite number.', ko: '{field}[{index}]에는 유한한 숫자를 넣어야 합니다.' },
  foreign_field: { en: '{field} is not a setting of a {kind} exploration; it takes {expected}.', ko: '{field}은(는) {kind} 탐색의 설정이 아닙니다. 받는 설정: {expected}.' },
  grid_required: { en: 'The grid is missing: a number of cells a side.', ko: '격자가 없습니다. 한 변의 칸 수를 적어 주세요.' },
  grid_type: { en: 'The grid must be a whole number of cells a side.', ko: '격자는 한 변의 칸 수를 정수로 적어야 합니다.' },
  grid_side: { en: 'A grid of {nx} × {ny}: each side must be 2 to {max}.', ko: '격자 {nx} × {ny}: 한 변은 2부터 {max}까지여야 합니다.' },
  vary_required: { en: 'A sweep needs one or two hyperparameters to vary.', ko: '스윕에는 바꿀 하이퍼파라미터가 하나나 둘 있어야 합니다.' },
  vary_type: { en: 'A sweep varies one or two hyperparameters.', ko: '스윕은 하이퍼파라미터를 하나나 둘 바꿉니다.' },
  axis_type: { en: '{field} must name a hyperparameter with from, to and points.', ko: '{field}에는 하이퍼파라미터와 시작, 끝, 점 개수가 있어야 합니다.' },
  axis_member: { en: '{field} has an unknown part "{member}".', ko: '{field}에 알 수 없는 항목 "{member}"이(가) 있습니다.' },
  axis_name: { en: '{field}: choose a hyperparameter.', ko: '{field}: 하이퍼파라미터를 골라 주세요.' },
  axis_range: { en: '{field}: from and to must be finite numbers.', ko: '{field}: 시작과 끝에는 유한한 숫자를 넣어야 합니다.' },
  axis_count: { en: '{field}: points must be a whole number from 2 to {max}.', ko: '{field}: 점 개수는 2부터 {max}까지의 정수여야 합니다.' },
  axis_log: { en: '{field}: log scale is on or off.', ko: '{field}: 로그 눈금은 켜거나 끄는 값입니다.' },
  follow_required: { en: 'A cancellation must name the follow token that the job\'s POST answered.', ko: '취소 요청에는 작업을 보낼 때 받은 follow 토큰이 있어야 합니다.' },
  follow_unknown: { en: 'This follow token is not one of the job\'s, or was used already: a page cancels only a job it started itself, once.', ko: '이 follow 토큰은 이 작업의 것이 아니거나 이미 쓰였습니다. 페이지는 직접 시작한 작업만, 한 번만 취소할 수 있습니다.' },
  no_memory: { en: 'The server is out of memory; try again in a moment.', ko: '서버의 메모리가 부족합니다. 잠시 뒤에 다시 해 보세요.' },
  queue_full: { en: '{waiting} jobs are already waiting on the server; try again in a moment.', ko: '서버에서 작업 {waiting}개가 이미 기다리고 있습니다. 잠시 뒤에 다시 해 보세요.' },
  explore_kind: { en: 'An exploration is a basin map, a sweep or a trainability window.', ko: '탐색은 수렴 영역 지도, 스윕, 학습 가능성 지도 가운데 하나입니다.' },
  train_activation: { en: 'The activation must be tanh, relu or identity.', ko: '활성화 함수는 tanh, relu, identity 가운데 하나여야 합니다.' },
  train_window_range: { en: 'window[{index}] = {value}: each end is log10 of a learning rate, from -{limit} to {limit}.', ko: 'window[{index}] = {value}: 각 끝은 학습률의 log10 값으로, -{limit}부터 {limit}까지입니다.' },
  train_window_order: { en: 'The window must have x0 < x1 and y0 < y1.', ko: '범위는 x0 < x1, y0 < y1이어야 합니다.' },
  train_data_seed: { en: 'Give a seed or the data, not both: the data is what a seed draws.', ko: '시드와 데이터 가운데 하나만 주세요. 데이터는 시드가 뽑는 값입니다.' },
  train_data_type: { en: 'The data must be an object with X, Y, W1 and W2.', ko: '데이터는 X, Y, W1, W2가 든 객체여야 합니다.' },
  train_data_member: { en: 'The data has an unknown part "{member}"; it takes X, Y, W1 and W2.', ko: '데이터에 알 수 없는 항목 "{member}"이(가) 있습니다. X, Y, W1, W2만 받습니다.' },
  train_data_count: { en: 'data.{name} must hold {count} numbers for width {width}.', ko: 'data.{name}에는 너비 {width}에 맞게 숫자 {count}개가 있어야 합니다.' },
  train_too_much_work: {
    en: '{cells} cells × {steps} steps at width {width} is more work than a trainability window may take ({limit} units); fewer cells or steps, or a smaller width.',
    ko: '칸 {cells}개 × {steps}스텝, 너비 {width}는 학습 가능성 지도 하나가 계산할 수 있는 작업량({limit})을 넘습니다. 칸이나 스텝, 너비를 줄여 주세요.',
  },
  train_cell_work: {
    en: '{steps} steps at width {width} are {work} units of work a cell; a cell may take at most {limit}, as long as the server lends the device at once. Fewer steps or a smaller width.',
    ko: '너비 {width}에서 {steps}스텝은 칸 하나에 작업량 {work}입니다. 서버가 장치를 한 번에 내주는 만큼인 {limit}까지만 됩니다. 스텝이나 너비를 줄여 주세요.',
  },
  no_such_train_field: { en: 'The server has no such field of a trainability pass.', ko: '서버에 학습 가능성 계산의 그런 결과 항목이 없습니다.' },
  function_required: { en: 'Choose a function.', ko: '함수를 골라 주세요.' },
  explore_not_catalogue: { en: '{reason} (explorations take the menu\'s functions, not your own).', ko: '{reason} (탐색은 목록의 함수만 받습니다. 직접 만든 함수는 아직 안 됩니다.)' },
  bad_tol: { en: 'The tolerance must be a number of at least 0.', ko: '허용 오차는 0 이상의 숫자여야 합니다.' },
  bad_precision: { en: 'The precision must be "float" or "double".', ko: '정밀도는 "float" 또는 "double"이어야 합니다.' },
  no_fp64: { en: 'Double precision needs the device\'s cl_khr_fp64 extension, which this device lacks; use float.', ko: '배정밀도(double)에는 장치의 cl_khr_fp64 확장이 필요한데, 이 장치에는 없습니다. float를 사용해 주세요.' },
  view_order: { en: 'The view must have x0 < x1 and y0 < y1.', ko: '보기 범위는 x0 < x1, y0 < y1이어야 합니다.' },
  tune_not_catalogue: { en: '{reason}: a fair race tunes on the catalogue\'s functions, not on your own.', ko: '{reason}: 공정한 경주는 목록에 있는 함수로만 조정합니다. 직접 입력한 함수는 안 됩니다.' },
  tune_too_many_runs: { en: '{optimizers} optimizers × {values} values × {seeds} seeds × {starts} starts is more than {limit} runs; use fewer values, seeds or starts.', ko: '최적화기 {optimizers}개 × 값 {values}개 × 시드 {seeds}개 × 시작점 {starts}개는 실행 한도 {limit}개를 넘습니다. 값, 시드, 시작점 수를 줄여 주세요.' },
  tune_noise: { en: 'The noise must be a number of at least 0.', ko: '잡음은 0 이상의 숫자여야 합니다.' },
  tune_optimizers_required: { en: 'Choose the optimizers to tune (1 to {limit}).', ko: '조정할 최적화기를 골라 주세요(1개부터 {limit}개까지).' },
  tune_score: { en: 'The score must be final, auc or reach.', ko: '점수는 final, auc, reach 중 하나여야 합니다.' },
  tune_vary_type: { en: 'A tuning varies zero, one or two hyperparameters.', ko: '조정은 하이퍼파라미터를 0개에서 2개까지 바꿉니다.' },
  too_many_runs: { en: '{runs} runs: an exploration has at most {limit} (fewer {fewer}).', ko: '실행 {runs}개: 탐색 한 번은 최대 {limit}개입니다({fewer}을(를) 줄여 주세요).' },
  too_much_work: {
    en: '{runs} runs of {steps} steps = {total} steps: an exploration computes at most {limit}; fewer runs or steps.',
    ko: '실행 {runs}개 × {steps}스텝 = {total}스텝: 탐색 한 번은 최대 {limit}스텝까지 계산합니다. 실행이나 스텝을 줄여 주세요.',
  },
  no_such_field: { en: 'The server has no such field of a pass.', ko: '서버에 그런 결과 항목이 없습니다.' },
  pass_not_ready: { en: 'Pass {pass} is not computed yet.', ko: '{pass}번째 계산은 아직 끝나지 않았습니다.' },
  check_required: { en: 'Nothing to check: give a function or an optimizer.', ko: '확인할 것이 없습니다. 함수나 옵티마이저를 주세요.' },
  unknown_field: { en: 'Unknown setting "{name}"; the server takes {expected}.', ko: '알 수 없는 설정 "{name}"입니다. 서버가 받는 설정: {expected}.' },
  bad_json: { en: 'The request is not valid JSON (line {line}, column {column}): {reason}', ko: '요청이 올바른 JSON이 아닙니다({line}번째 줄, {column}번째 글자): {reason}' },
  not_object: { en: 'The request must be a JSON object such as {example}.', ko: '요청은 {example} 같은 JSON 객체여야 합니다.' },
  not_integer: { en: '{field} must be a whole number from {min} to {max}.', ko: '{field}에는 {min}부터 {max}까지의 정수를 넣어야 합니다.' },
  out_of_range: { en: '{field} = {value} is out of range: from {min} to {max}.', ko: '{field} = {value}은(는) 범위를 벗어납니다. {min}부터 {max}까지입니다.' },
  optimizers_type: { en: 'The optimizers must be a list of specs such as adam(lr=0.01).', ko: '옵티마이저는 adam(lr=0.01) 같은 설정의 목록이어야 합니다.' },
  optimizers_count: { en: '{count} optimizers: from 1 to {max}.', ko: '옵티마이저 {count}개: 1개부터 {max}개까지입니다.' },
  optimizer_type: { en: '{field} must be a spec such as adam(lr=0.01).', ko: '{field}에는 adam(lr=0.01) 같은 설정을 넣어야 합니다.' },
  bad_optimizer: { en: '{reason}', ko: '서버가 이 옵티마이저를 받아들이지 않았습니다: {reason}' },
  optimizer_too_long: { en: 'Optimizer {index} is too long.', ko: '옵티마이저 {index}의 설정이 너무 깁니다.' },
  body_budget: { en: 'The server has no room for this request now; try again in a moment.', ko: '서버에 지금 이 요청을 받을 자리가 없습니다. 잠시 뒤에 다시 해 보세요.' },
  id_collision: { en: 'Two different requests have the same {kind} id {id}.', ko: '서로 다른 두 요청의 {kind} id {id}가 같습니다.' },
  over_budget: {
    en: 'This {kind} needs up to {need} MiB and the server\'s budget is {budget} MiB; ask for less.',
    ko: '이 {kind}에는 최대 {need} MiB가 필요한데 서버의 한도는 {budget} MiB입니다. 더 작게 요청해 주세요.',
  },
  budget_busy: {
    en: 'The server\'s memory ({budget} MiB) is held by other work; this {kind} needs up to {need} MiB. Try again when some has finished.',
    ko: '서버의 메모리({budget} MiB)를 다른 작업이 쓰고 있습니다. 이 {kind}에는 최대 {need} MiB가 필요합니다. 다른 작업이 끝난 뒤에 다시 해 보세요.',
  },
  bad_integer: { en: '{field} = "{text}": a whole number from {min} to {max}.', ko: '{field} = "{text}": {min}부터 {max}까지의 정수여야 합니다.' },
  bad_view: { en: 'The view "{text}" must be four numbers x0,x1,y0,y1 within ±1e6.', ko: '보기 범위 "{text}"는 ±1e6 안의 숫자 네 개 x0,x1,y0,y1이어야 합니다.' },
  bad_view_order: { en: 'The view "{text}" must have x0 < x1 and y0 < y1.', ko: '보기 범위 "{text}"는 x0 < x1, y0 < y1이어야 합니다.' },
  bad_format: { en: 'Format "{text}": json or f32.', ko: '형식 "{text}": json이나 f32여야 합니다.' },
  too_many_values: { en: '{values} values: a landscape has at most {limit}.', ko: '값 {values}개: 지형은 최대 {limit}개입니다.' },
  method_not_allowed: { en: 'Method {method} is not allowed here; use {allowed}.', ko: '여기서는 {method} 요청을 쓸 수 없습니다. {allowed}을(를) 쓰세요.' },
  function_type: { en: 'The function must be a name or an expression.', ko: '함수는 이름이나 식이어야 합니다.' },
  starts_type: { en: 'The start points must be a list of [x, y] pairs.', ko: '시작점은 [x, y] 쌍의 목록이어야 합니다.' },
  starts_count: { en: '{count} start points: from 1 to {max}.', ko: '시작점 {count}개: 1개부터 {max}개까지입니다.' },
  start_type: { en: '{field} must be a pair of numbers [x, y].', ko: '{field}에는 숫자 쌍 [x, y]를 넣어야 합니다.' },
  start_range: { en: '{field}: {axis} = {value} is out of range; |{axis}| ≤ 1e6.', ko: '{field}: {axis} = {value}은(는) 범위를 벗어납니다. |{axis}| ≤ 1e6이어야 합니다.' },
  bad_noise: { en: 'The noise must be a number from 0 to 1e6.', ko: '노이즈는 0부터 1e6까지의 숫자여야 합니다.' },
  state_type: { en: 'Live numbers are on or off.', ko: '실시간 값은 켜거나 끄는 값입니다.' },
  too_many_trajectories: {
    en: '{optimizers} optimizers × {starts} start points = {trajectories} trajectories, more than the {limit} a run may have.',
    ko: '옵티마이저 {optimizers}개 × 시작점 {starts}개 = 궤적 {trajectories}개로, 한 번에 계산할 수 있는 {limit}개를 넘습니다.',
  },
  too_many_state: { en: 'Live numbers need at most {limit} trajectories; this run has {trajectories}.', ko: '실시간 값은 궤적이 {limit}개 이하일 때만 볼 수 있습니다. 이번 실행은 {trajectories}개입니다.' },
  state_every: { en: 'Live numbers record every step, so every must be 1 (it is {every}).', ko: '실시간 값은 모든 스텝을 기록하므로 every는 1이어야 합니다(지금은 {every}).' },
  too_many_points: {
    en: '{trajectories} trajectories × {points} points each = {total} points, more than the {limit} a run may have: use fewer steps, start points or optimizers.',
    ko: '궤적 {trajectories}개 × 궤적마다 점 {points}개 = 점 {total}개로, 한 번에 계산할 수 있는 {limit}개를 넘습니다. 스텝 수, 시작점, 옵티마이저 가운데 하나를 줄여 주세요.',
  },
  no_such_endpoint: { en: 'The server has no such address; {collection} are at /api/v1/{collection}/ID.', ko: '서버에 그런 주소가 없습니다. {collection}은(는) /api/v1/{collection}/ID에 있습니다.' },
  streams_full: { en: '{streams} streams are open, the most the server keeps; try again in a moment.', ko: '스트림 {streams}개가 열려 있어 서버가 더 받지 못합니다. 잠시 뒤에 다시 해 보세요.' },
  client_streams: { en: 'This browser already has {streams} streams open, the most one client may hold; close a tab.', ko: '이 브라우저가 이미 스트림 {streams}개를 열고 있어 더 열 수 없습니다. 탭을 하나 닫아 주세요.' },
  bad_event_id: { en: '{field} = "{text}" is not the id of an event.', ko: '{field} = "{text}"는 이벤트 id가 아닙니다.' },
  over_examples: { en: 'Limit {limit}: the data set has {examples} training examples (0 takes all).', ko: '한도 {limit}: 데이터 세트의 학습 예제는 {examples}개입니다(0이면 전부).' },
  refused: { en: '{reason}', ko: '서버가 받아들이지 않았습니다: {reason}' },
};

/** A value as the sentence shows it: numbers grouped by thousands (1,234,567). */
function shown(v) {
  return typeof v === 'number' ? v.toLocaleString('en-US') : String(v);
}

/**
 * The sentence for a refusal (a 4xx reply's body: {error, field, code, args}) in the page's
 * language; the server's own sentence when the code is not one the page knows.
 */
export function refusalText(body, lang = language()) {
  const row = body && REFUSALS[body.code];
  if (!row) return String((body && body.error) || '');
  const args = body.args || {};
  const text = row[lang].replace(/\{(\w+)\}/g, (m, k) => (k in args ? shown(args[k]) : m));
  return lang === 'ko' ? particles(text) : text;
}
