// The page's words in English and Korean. t(key) reads the current language.

export const TEXT = {
  en: {
    title: 'clopt — how optimizers move',
    subtitle: 'Keras optimizers as OpenCL kernels, racing on a 2-D landscape',
    function: 'Function',
    ownFunction: 'Your own…',
    ownPlaceholder: 'f(x, y), e.g. x^2 + 10*y^2',
    optimizers: 'Optimizers',
    add: 'Add optimizer',
    remove: 'Remove',
    allSeven: 'All optimizers, Keras defaults',
    tuned: 'Learning rates for this function',
    run: 'Run',
    steps: 'Steps',
    noise: 'Gradient noise σ',
    seed: 'Seed',
    starts: 'Start points',
    startsHelp: 'Click the map to set the start; shift-click adds another.',
    play: 'Play',
    pause: 'Pause',
    back: 'Step back',
    forward: 'Step forward',
    speed: 'Speed',
    step: 'step',
    loss: 'Loss f(x, y) per step',
    equations: 'The update, with this step\'s numbers',
    pickTrajectory: 'Click a trajectory or its legend entry to see its update here.',
    noState: 'Live numbers need at most 64 trajectories; this run has more.',
    beforeFirst: 'Step 0 is the start point: move on one step to see an update.',
    share: 'Copy link',
    copied: 'Link copied',
    exportJson: 'JSON',
    exportCsv: 'CSV',
    savePng: 'PNG',
    saveSvg: 'SVG',
    diverged: 'diverged at step',
    loading: 'Loading…',
    running: 'Computing…',
    done: 'Done',
    tunedNote: 'Learning rates changed for {fn}: {list}.',
    linkIgnored: 'The link\'s "{part}" was left out: {reason}',
    linkBadValue: 'not a value this page can use',
    defaultsNote: 'Keras defaults: some optimizers crawl on this function.',
    zoomHelp: 'Scroll to zoom, drag to pan.',
    resetView: 'Reset view',
    minimum: 'minimum',
    lang: '한국어',
    viewRace: 'Race',
    viewTrain: 'Train a network',
    viewLessons: 'Lessons',
    lessonList: 'Lessons',
    lessonN: 'Lesson {n} of {of}',
    lessonDone: 'done',
    lessonRight: 'Right. Now watch it happen.',
    lessonWrong: 'Not quite: the highlighted answer is what happens. Watch.',
    lessonWatch: 'The run plays on the map; the highlighted equation line is the one this lesson is about.',
    lessonWhy: 'Why',
    lessonTry: 'Try this',
    lessonPrev: 'Previous',
    lessonNext: 'Next',
    keysLessons: 'Lessons: ↑ ↓ between the answers, Enter to choose, ← → previous or next lesson',
    trainIntro: 'A real training: a multilayer perceptron (784 → hidden, ReLU → 10 classes) learns to tell the 10 kinds of clothing of Fashion-MNIST apart, on the server\'s OpenCL device. Each optimizer trains its own model from the same initial weights on the same batches, so the curves compare the optimizers alone.',
    trainLossCaption: 'Training loss per batch (faint) and its moving average',
    trainTableCaption: 'Test accuracy after each epoch (10,000 test images)',
    trainSeven: 'All optimizers',
    trainSpecHelp: 'One optimizer per box, written as for clopt train: adam(lr=0.001), sgd(lr=0.01, momentum=0.9, nesterov=true), …',
    epochs: 'Epochs',
    batch: 'Batch',
    hidden: 'Hidden units',
    limit: 'Examples',
    train: 'Train',
    stop: 'Stop',
    optimizer: 'Optimizer',
    epoch: 'epoch',
    trainLoss: 'train loss',
    testLoss: 'test loss',
    seconds: 'seconds',
    examplesPerSecond: 'examples/s',
    trainQueued: 'Waiting for the device…',
    trainProgress: '{label}: epoch {epoch}/{epochs}, batch {batch}/{batches}, loss {loss}',
    trainDone: 'Done: the best test accuracy is in bold.',
    trainCancelled: 'Stopped.',
    playing: 'Playing',
    paused: 'Paused',
    refused: 'Not run',
    error: 'Error',
    offMap: 'off the map',
    offMapTitle: 'This trajectory is outside the map; the arrow points to it.',
    stale: 'The new settings were refused: the dimmed run below is the last one that ran.',
    notRun: 'Not run: fix the marked value first ({where}).',
    serverRefused: 'The server refused this value: {text}',
    off: 'off',
    startOf: 'start ({x}, {y})',
    mapLabel: 'Landscape map. Arrow keys move the start point, Enter adds another start.',
    lossLabel: 'Loss per step. Hover or click to see a step.',
    trainLossLabel: 'Training loss per batch',
    views: 'Views',
    keysButton: 'Keyboard help',
    keysTitle: 'Keyboard',
    keysRun: 'Enter or Space on Run: run with these settings',
    keysPlay: 'Space (outside a field or button): play or pause',
    keysSeek: '← →: one step back or forward',
    keysMap: 'On the map (Tab to it): ← ↑ → ↓ move the start point (Shift: farther), Enter adds another start',
    keysFunction: 'Function menu: ↑ ↓ choose, Enter runs the chosen function',
    keysHelp: '?: open or close this help',
    close: 'Close',
    mustNumber: '{name} ({param}) needs a number; "{value}" is not one.',
    mustMinIn: '{name} ({param}) must be at least {bound}; you typed {value}.',
    mustMinEx: '{name} ({param}) must be greater than {bound}; you typed {value}.',
    mustMaxIn: '{name} ({param}) must be at most {bound}; you typed {value}.',
    mustMaxEx: '{name} ({param}) must be less than {bound}; you typed {value}.',
    mustInteger: '{name} ({param}) must be a whole number; you typed {value}.',
    mustSpec: 'Optimizer {n}: write it as name(setting=value, …), for example adam(lr=0.01); "{value}" is not.',
    unknownOptimizer: 'Optimizer {n}: there is no optimizer called "{value}".',
    unknownParam: '{who} has no setting called "{value}".',
    tooManyPoints: '{trajectories} trajectories × {points} points each = {total} points, more than the {limit} a run may have: use fewer steps, start points or optimizers.',
  },
  ko: {
    title: 'clopt — 옵티마이저는 어떻게 움직일까',
    subtitle: 'OpenCL 커널로 돌아가는 Keras 옵티마이저가 2차원 지형 위에서 경주합니다',
    function: '함수',
    ownFunction: '직접 입력…',
    ownPlaceholder: 'f(x, y), 예: x^2 + 10*y^2',
    optimizers: '옵티마이저',
    add: '옵티마이저 추가',
    remove: '삭제',
    allSeven: '모든 옵티마이저 (Keras 기본값)',
    tuned: '이 함수에 맞춘 학습률',
    run: '실행',
    steps: '스텝 수',
    noise: '기울기 잡음 σ',
    seed: '시드',
    starts: '시작점',
    startsHelp: '지도를 클릭하면 시작점이 바뀌고, Shift를 누른 채 클릭하면 하나 더 추가됩니다.',
    play: '재생',
    pause: '일시정지',
    back: '한 스텝 뒤로',
    forward: '한 스텝 앞으로',
    speed: '속도',
    step: '스텝',
    loss: '스텝별 손실 f(x, y)',
    equations: '이번 스텝의 값을 넣은 갱신식',
    pickTrajectory: '궤적이나 범례를 클릭하면 그 옵티마이저의 갱신 과정이 여기에 나옵니다.',
    noState: '실시간 값은 궤적이 64개 이하일 때만 볼 수 있습니다. 이번 실행은 그보다 많습니다.',
    beforeFirst: '0번 스텝은 시작점입니다. 한 스텝 앞으로 가면 갱신 과정을 볼 수 있습니다.',
    share: '링크 복사',
    copied: '링크를 복사했습니다',
    exportJson: 'JSON',
    exportCsv: 'CSV',
    savePng: 'PNG',
    saveSvg: 'SVG',
    diverged: '발산한 스텝:',
    loading: '불러오는 중…',
    running: '계산 중…',
    done: '완료',
    tunedNote: '{fn}에 맞게 학습률을 바꿨습니다: {list}.',
    linkIgnored: '링크의 "{part}" 부분은 쓰지 않았습니다: {reason}',
    linkBadValue: '이 페이지에서 쓸 수 없는 값입니다',
    defaultsNote: 'Keras 기본값입니다. 이 함수에서는 아주 느리게 움직이는 옵티마이저도 있습니다.',
    zoomHelp: '스크롤하면 확대·축소, 끌면 이동합니다.',
    resetView: '처음 화면으로',
    minimum: '최솟값',
    lang: 'English',
    viewRace: '지형 위의 경주',
    viewTrain: '신경망 학습',
    viewLessons: '강의',
    lessonList: '강의 목록',
    lessonN: '{of}강 중 {n}강',
    lessonDone: '마침',
    lessonRight: '맞았습니다. 이제 실제로 확인해 보세요.',
    lessonWrong: '아쉽네요. 강조된 답이 실제로 일어나는 일입니다. 지켜보세요.',
    lessonWatch: '지도 위에서 실행이 재생됩니다. 강조된 식 줄이 이 강의에서 다루는 부분입니다.',
    lessonWhy: '왜 그럴까요',
    lessonTry: '직접 해 보기',
    lessonPrev: '이전',
    lessonNext: '다음',
    keysLessons: '강의: ↑ ↓로 답 사이를 옮기고 Enter로 고르기, ← →로 이전 또는 다음 강의',
    trainIntro: '진짜 학습입니다: 다층 퍼셉트론(784 → 은닉층, ReLU → 10개 클래스)이 서버의 OpenCL 장치에서 Fashion-MNIST의 옷 10종류를 구별하도록 배웁니다. 옵티마이저마다 같은 초기 가중치와 같은 배치로 자기 모델을 학습하므로, 곡선의 차이는 옵티마이저의 차이입니다.',
    trainLossCaption: '배치별 학습 손실(흐린 선)과 이동 평균',
    trainTableCaption: '에포크마다의 테스트 정확도 (테스트 이미지 10,000장)',
    trainSeven: '모든 옵티마이저',
    trainSpecHelp: '상자 하나에 옵티마이저 하나를 clopt train과 같은 형식으로 적습니다: adam(lr=0.001), sgd(lr=0.01, momentum=0.9, nesterov=true), …',
    epochs: '에포크',
    batch: '배치 크기',
    hidden: '은닉 유닛',
    limit: '학습 예제 수',
    train: '학습',
    stop: '중지',
    optimizer: '옵티마이저',
    epoch: '에포크',
    trainLoss: '학습 손실',
    testLoss: '테스트 손실',
    seconds: '초',
    examplesPerSecond: '예제/초',
    trainQueued: '장치를 기다리는 중…',
    trainProgress: '{label}: 에포크 {epoch}/{epochs}, 배치 {batch}/{batches}, 손실 {loss}',
    trainDone: '완료: 가장 높은 테스트 정확도는 굵게 표시됩니다.',
    trainCancelled: '중지했습니다.',
    playing: '재생 중',
    paused: '일시정지됨',
    refused: '실행 안 됨',
    error: '오류',
    offMap: '지도 밖',
    offMapTitle: '이 궤적은 지도 밖에 있습니다. 화살표가 그쪽을 가리킵니다.',
    stale: '새 설정이 거부되었습니다. 아래의 흐린 결과는 마지막으로 실행된 것입니다.',
    notRun: '실행하지 않았습니다. 표시된 값을 먼저 고쳐 주세요 ({where}).',
    serverRefused: '서버가 이 값을 받아들이지 않았습니다: {text}',
    off: '끔',
    startOf: '시작점 ({x}, {y})',
    mapLabel: '함수 지형 지도. 화살표 키로 시작점을 옮기고, Enter 키로 시작점을 하나 더 추가합니다.',
    lossLabel: '스텝별 손실. 마우스를 올리거나 클릭하면 그 스텝을 볼 수 있습니다.',
    trainLossLabel: '배치별 학습 손실',
    views: '화면',
    keysButton: '키보드 도움말',
    keysTitle: '키보드',
    keysRun: '실행 버튼에서 Enter 또는 Space: 지금 설정으로 실행',
    keysPlay: 'Space (입력 칸이나 버튼 밖에서): 재생 또는 일시정지',
    keysSeek: '← →: 한 스텝 뒤로 또는 앞으로',
    keysMap: '지도에서 (Tab으로 이동): ← ↑ → ↓ 시작점 이동 (Shift: 더 멀리), Enter 시작점 추가',
    keysFunction: '함수 메뉴: ↑ ↓로 고르고 Enter를 누르면 그 함수로 실행',
    keysHelp: '?: 이 도움말 열기·닫기',
    close: '닫기',
    mustNumber: '{name}({param}) 값에는 숫자를 넣어야 합니다. "{value}"은(는) 숫자가 아닙니다.',
    mustMinIn: '{name}({param}) 값은 {bound} 이상이어야 합니다. 입력한 값: {value}',
    mustMinEx: '{name}({param}) 값은 {bound}보다 커야 합니다. 입력한 값: {value}',
    mustMaxIn: '{name}({param}) 값은 {bound} 이하여야 합니다. 입력한 값: {value}',
    mustMaxEx: '{name}({param}) 값은 {bound}보다 작아야 합니다. 입력한 값: {value}',
    mustInteger: '{name}({param}) 값은 정수여야 합니다. 입력한 값: {value}',
    mustSpec: '옵티마이저 {n}: 이름(설정=값, …) 형식으로 적어 주세요. 예: adam(lr=0.01). "{value}"은(는) 이 형식이 아닙니다.',
    unknownOptimizer: '옵티마이저 {n}: "{value}"라는 옵티마이저는 없습니다.',
    unknownParam: '{who}에는 "{value}"라는 설정이 없습니다.',
    tooManyPoints: '궤적 {trajectories}개 × 궤적마다 점 {points}개 = 점 {total}개로, 한 번에 계산할 수 있는 {limit}개를 넘습니다. 스텝 수, 시작점, 옵티마이저 가운데 하나를 줄여 주세요.',
  },
};

// Hyperparameters in the words a student meets in a course; a hyperparameter missing here is
// named by the catalogue's own text in the page's language (/api/v1/optimizers).
const WORDS = {
  en: {
    lr: 'Learning rate', momentum: 'Momentum', decay: 'Learning-rate decay',
    nesterov: 'Nesterov momentum', rho: 'Decay rate ρ', epsilon: 'Epsilon ε',
    beta_1: 'First-moment decay rate β₁', beta_2: 'Second-moment decay rate β₂',
    schedule_decay: 'Momentum schedule decay', clipnorm: 'Gradient norm limit',
    clipvalue: 'Gradient value limit', weight_decay: 'Weight decay', amsgrad: 'AMSGrad',
  },
  ko: {
    lr: '학습률', momentum: '모멘텀', decay: '학습률 감쇠', nesterov: '네스테로프 모멘텀',
    rho: '감쇠율 ρ', epsilon: '엡실론 ε', beta_1: '1차 모멘트 감쇠율 β₁',
    beta_2: '2차 모멘트 감쇠율 β₂', schedule_decay: '모멘텀 스케줄 감쇠',
    clipnorm: '기울기 노름 상한', clipvalue: '기울기 값 상한', weight_decay: '가중치 감쇠',
    amsgrad: 'AMSGrad',
  },
};

let lang = 'en';

/** Switches the language: <html lang> and the document's title follow. */
export function setLanguage(l) {
  lang = l === 'ko' ? 'ko' : 'en';
  document.documentElement.lang = lang;
  document.title = t('title');
}

export function language() {
  return lang;
}

/** The text for key in the current language, with {name} filled from vars. */
export function t(key, vars = {}) {
  const s = TEXT[lang][key] ?? TEXT.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '');
}


/** A hyperparameter h of /api/v1/optimizers in words: "Learning rate", "학습률". */
export function words(h) {
  return WORDS[lang][h.name] ?? h[lang] ?? h.name;
}

/**
 * The sentence for a problem of checkValue (validate.js): name is the field in words, param
 * its symbol (lr, steps).
 */
export function problemText(p, name, param) {
  const key = { number: 'mustNumber', min: p.inclusive ? 'mustMinIn' : 'mustMinEx',
    max: p.inclusive ? 'mustMaxIn' : 'mustMaxEx', integer: 'mustInteger' }[p.kind];
  return t(key, { name, param, bound: p.bound, value: p.text });
}

/**
 * Fills every element with data-i18n="key" (text), data-i18n-title="key" (tooltip and
 * accessible name) or data-i18n-label="key" (accessible name).
 */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-title]')) {
    el.title = t(el.dataset.i18nTitle);
    el.setAttribute('aria-label', el.title);
  }
  for (const el of root.querySelectorAll('[data-i18n-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  }
}
