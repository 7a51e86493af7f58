// The page's words in English and Korean. t(key) reads the current language.

const TEXT = {
  en: {
    title: 'clopt — how optimizers move',
    subtitle: 'Keras optimizers as OpenCL kernels, racing on a 2-D landscape',
    function: 'Function',
    ownFunction: 'Your own…',
    ownPlaceholder: 'f(x, y), e.g. x^2 + 10*y^2',
    optimizers: 'Optimizers',
    add: 'Add optimizer',
    remove: 'Remove',
    allSeven: 'All seven, Keras defaults',
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
    running: 'Running…',
    done: 'Done',
    tunedNote: 'Learning rates changed for {fn}: {list}.',
    defaultsNote: 'Keras defaults: some optimizers crawl on this function.',
    zoomHelp: 'Scroll to zoom, drag to pan.',
    resetView: 'Reset view',
    minimum: 'minimum',
    lang: '한국어',
    viewRace: 'Race on a landscape',
    viewTrain: 'Train a network',
    trainIntro: 'A real training: a multilayer perceptron (784 → hidden, ReLU → 10 classes) learns to tell the 10 kinds of clothing of Fashion-MNIST apart, on the server\'s OpenCL device. Each optimizer trains its own model from the same initial weights on the same batches, so the curves compare the optimizers alone.',
    trainLossCaption: 'Training loss per batch (faint) and its moving average',
    trainTableCaption: 'Test accuracy after each epoch (10,000 test images)',
    trainSeven: 'All seven',
    trainSpecHelp: 'One optimizer per line, as in clopt train: adam(lr=0.001), sgd(lr=0.01, momentum=0.9, nesterov=true), …',
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
  },
  ko: {
    title: 'clopt — 옵티마이저는 어떻게 움직일까',
    subtitle: 'OpenCL 커널로 돌아가는 Keras 옵티마이저들이 2차원 지형 위에서 경주합니다',
    function: '함수',
    ownFunction: '직접 입력…',
    ownPlaceholder: 'f(x, y), 예: x^2 + 10*y^2',
    optimizers: '옵티마이저',
    add: '옵티마이저 추가',
    remove: '삭제',
    allSeven: '일곱 가지 모두 (Keras 기본값)',
    tuned: '이 함수에 맞춘 학습률',
    run: '실행',
    steps: '스텝 수',
    noise: '그래디언트 잡음 σ',
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
    defaultsNote: 'Keras 기본값입니다. 이 함수에서는 아주 느리게 움직이는 옵티마이저도 있습니다.',
    zoomHelp: '스크롤하면 확대·축소, 끌면 이동합니다.',
    resetView: '처음 화면으로',
    minimum: '최솟값',
    lang: 'English',
    viewRace: '지형 위의 경주',
    viewTrain: '신경망 학습',
    trainIntro: '진짜 학습입니다: 다층 퍼셉트론(784 → 은닉층, ReLU → 10개 클래스)이 서버의 OpenCL 장치에서 Fashion-MNIST의 옷 10종류를 구별하도록 배웁니다. 옵티마이저마다 같은 초기 가중치와 같은 배치로 자기 모델을 학습하므로, 곡선의 차이는 옵티마이저의 차이입니다.',
    trainLossCaption: '배치별 학습 손실(흐린 선)과 이동 평균',
    trainTableCaption: '에포크마다의 테스트 정확도 (테스트 이미지 10,000장)',
    trainSeven: '일곱 가지 모두',
    trainSpecHelp: '한 줄에 옵티마이저 하나, clopt train과 같은 형식: adam(lr=0.001), sgd(lr=0.01, momentum=0.9, nesterov=true), …',
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
  },
};

// What each optimizer does, in a few sentences (the catalogue has the one-liners).
const ABOUT = {
  en: {
    sgd: 'Stochastic gradient descent steps against the gradient. With momentum it keeps a '
      + 'velocity, so it speeds up along a long valley and coasts through small bumps; '
      + 'Nesterov looks ahead along that velocity before it steps.',
    rmsprop: 'RMSprop divides each step by a running root-mean-square of recent gradients, '
      + 'so steep and flat directions move at similar speeds.',
    adagrad: 'Adagrad divides by the root of all squared gradients so far: every coordinate '
      + 'gets its own step size, which only ever shrinks.',
    adadelta: 'Adadelta keeps running averages of squared gradients and of squared updates; '
      + 'their ratio sets the step, so it needs almost no learning rate.',
    adam: 'Adam combines momentum (a running mean m of gradients) with RMSprop (a running mean '
      + 'v of squared gradients), corrected for their start at zero.',
    adamax: 'Adamax is Adam with the infinity norm: it divides by the largest recent '
      + '|gradient| instead of a root-mean-square.',
    nadam: 'Nadam is Adam with Nesterov momentum: it applies the momentum step it is about to '
      + 'take before it looks at the gradient.',
  },
  ko: {
    sgd: '확률적 경사 하강법은 그래디언트의 반대 방향으로 한 걸음씩 내려갑니다. 모멘텀을 쓰면 '
      + '속도를 기억하기 때문에 긴 골짜기에서는 점점 빨라지고 작은 요철은 관성으로 넘어갑니다. '
      + '네스테로프 방식은 그 속도만큼 미리 가 본 자리의 기울기를 보고 움직입니다.',
    rmsprop: 'RMSprop은 최근 그래디언트 제곱의 이동 평균으로 걸음을 나눠 줍니다. 그래서 가파른 '
      + '방향과 완만한 방향이 비슷한 속도로 움직입니다.',
    adagrad: 'Adagrad는 지금까지 나온 그래디언트 제곱을 모두 더한 값의 제곱근으로 나눕니다. '
      + '좌표마다 걸음 크기가 따로 정해지고, 그 크기는 줄어들기만 합니다.',
    adadelta: 'Adadelta는 그래디언트 제곱과 갱신량 제곱의 이동 평균을 함께 기억하고, 둘의 비율로 '
      + '걸음 크기를 정합니다. 그래서 학습률을 거의 신경 쓰지 않아도 됩니다.',
    adam: 'Adam은 모멘텀(그래디언트의 이동 평균 m)과 RMSprop(그래디언트 제곱의 이동 평균 v)을 '
      + '합친 방법입니다. 두 평균이 0에서 시작해서 생기는 치우침은 따로 보정합니다.',
    adamax: 'Adamax는 Adam에서 제곱 평균 대신 최근 그래디언트 절댓값의 최댓값으로 나누는 '
      + '변형입니다.',
    nadam: 'Nadam은 Adam에 네스테로프 모멘텀을 더한 방법입니다. 그래디언트를 보기 전에 곧 '
      + '적용할 모멘텀 걸음을 먼저 반영합니다.',
  },
};

let lang = 'en';

export function setLanguage(l) {
  lang = l === 'ko' ? 'ko' : 'en';
  document.documentElement.lang = lang;
}

export function language() {
  return lang;
}

/** The text for key in the current language, with {name} filled from vars. */
export function t(key, vars = {}) {
  const s = TEXT[lang][key] ?? TEXT.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '');
}

export function about(key) {
  return ABOUT[lang][key] ?? '';
}

/** Fills every element with data-i18n="key" (text) or data-i18n-title="key" (tooltip). */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-title]')) {
    el.title = t(el.dataset.i18nTitle);
    el.setAttribute('aria-label', el.title);
  }
}
