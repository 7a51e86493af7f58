// The page's words in English and Korean. t(key) reads the current language.

export const TEXT = {
  en: {
    title: 'clopt — how optimizers move',
    subtitle: 'Watch optimizers (SGD, RMSprop, Adam…) walk downhill on a 2-D function, one step at a time.',
    startLessons: 'New here? Start with the lessons',
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
    startsHelpTouch: 'Tap the map to set the start.',
    play: 'Play',
    pause: 'Pause',
    back: 'Step back',
    forward: 'Step forward',
    speed: 'Speed',
    step: 'step',
    loss: 'Loss f(x, y) per step',
    equations: 'The update, with this step\'s numbers',
    pickTrajectory: 'Click a trajectory or its legend entry to see its update here.',
    noState: 'Live numbers need at most {max} trajectories; this run has more.',
    beforeFirst: 'Step 0 is the start point: move on one step to see an update.',
    share: 'Copy link',
    copied: 'Link copied',
    exportJson: 'JSON',
    exportCsv: 'CSV',
    savePng: 'PNG',
    saveSvg: 'SVG',
    diverged: 'diverged at step {step}',
    loading: 'Loading…',
    running: 'Computing…',
    done: 'Done',
    tunedNote: 'Learning rates changed for {fn}: {list}.',
    linkIgnored: 'The link\'s "{part}" was left out: {reason}',
    linkBadValue: 'not a value this page can use',
    defaultsNote: 'Keras defaults: some optimizers crawl on this function.',
    zoomHelp: 'Scroll to zoom, drag to pan.',
    lossFloor: 'f = 0 (exactly)',
    zoomHelpTouch: 'One finger scrolls the page; two fingers zoom and move the map.',
    mapPan: 'Move map',
    resetView: 'Reset view',
    minimum: 'minimum',
    lang: '한국어',
    viewRace: 'Race',
    viewTrain: 'Train a network',
    viewLessons: 'Lessons',
    viewExplore: 'Explore',
    exploreKinds: 'What to explore',
    exploreBasins: 'Basin maps',
    exploreSweep: 'Hyperparameter sweep',
    exploreIntroBasins: 'One run from every point of the map, per optimizer of the race: which minimum each start reaches, and how fast.',
    exploreIntroSweep: 'One run per value of one or two hyperparameters, all from the same start: where the optimizer gets close to the minimum, and where it blows up.',
    exploreGrid: 'Grid',
    exploreOptimizer: 'Optimizer',
    exploreStartPoint: 'Start x, y',
    exploreVary: 'Vary',
    exploreAnd: 'and',
    exploreNone: '(nothing)',
    exploreFrom: 'from',
    exploreTo: 'to',
    explorePoints: 'points',
    exploreLog: 'log scale',
    exploreOpts: 'Optimizers (from the race; change them there): {opts}',
    exploreOwn: 'Explore takes the functions of the menu; your own function can race, not be explored yet.',
    exploreStart: 'Explore',
    exploreRunning: 'Computing…',
    exploreCoarse: 'A coarse map first; the full grid follows.',
    exploreDoneBasins: 'Done. Point at a cell to see its run; click it to race from there.',
    exploreDoneSweep: 'Done. Point at a cell to see its run; click it to race with those values.',
    exploreDoneBasinsTouch: 'Done. Tap a cell to see its run; tap it again to race from there.',
    exploreDoneSweepTouch: 'Done. Tap a cell to see its run; tap it again to race with those values.',
    exploreMinimumKey: 'minimum {n} ({x}, {y})',
    exploreNeither: 'no minimum reached in {steps} steps',
    exploreDivergedKey: 'diverged',
    exploreLighter: 'lighter: reached sooner',
    exploreBar: 'final f above the minimum',
    exploreHoverStart: 'start ({x}, {y})',
    exploreHoverEnd: 'ends at ({x}, {y}), f = {f}',
    exploreHoverConverged: 'converged at step {step}',
    exploreHoverNotConverged: 'not converged',
    exploreHoverDiverged: 'diverged at step {step}',
    exploreHoverMinimum: 'at minimum {n} ({x}, {y})',
    exploreHoverNoMinimum: 'no minimum reached in {steps} steps',
    exploreBadGrid: 'Grid: a whole number of cells a side, from 2 to {max}.',
    exploreBadSteps: 'Steps: a whole number from 1 to {max}.',
    exploreTooMany: '{runs} runs: an exploration has at most {max}.',
    exploreTooManyMaps: '{n} optimizers in the race: a basin map takes at most {max}; remove some there.',
    exploreKeys: 'arrow keys move between cells, Enter races from the one outlined',
    exploreTooMuchWork: '{runs} runs of {steps} steps: an exploration computes at most {max} steps in all; fewer runs or steps.',
    exploreBadName: 'Choose a hyperparameter to vary.',
    exploreBadRange: '{name}: “from” must be a number below “to”.',
    exploreBadLog: '{name}: a log scale needs “from” above 0.',
    exploreBadCount: '{name}: points must be a whole number from 2 to {max}.',
    exploreSameName: '{name} is the first axis already; choose another.',
    exploreBadStart: 'Start x, y: two numbers with a comma between them, as in -1.5, 2.',
    exploreNetwork: 'The server could not be reached ({error}).',
    exploreLost: 'The connection to the server was lost before the exploration ended; press Explore to try again.',
    exploreIgnored: 'Left out of the link (not understood): {parts}',
    exploreUnknownFunction: 'The link names a function "{name}" that the menu does not have.',
    exploreBusy: 'The server is busy with other explorations; try again in a moment.',
    exploreTrail: 'Zoom:',
    exploreZoomWhole: 'whole window',
    exploreZoomHint: 'Drag a rectangle or turn the wheel on a map to zoom in (a flat drag zooms across only); + and − with a map focused.',
    exploreZoomHintTouch: 'Turn on “Zoom box”, then drag a finger across a map to zoom in.',
    exploreZoomBox: 'Zoom box',
    exploreDouble: 'Computed in double precision: the cells of {name} are {gap} apart at {at}, closer than float32 tells apart (2^-20 of the value).',
    exploreZoomLimit: 'Even double precision cannot tell the cells of this window apart; zoom in less.',
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
    trainSpecHelp: 'The same menus and settings as in the race; every optimizer trains its own model, all of them epoch by epoch together.',
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
    changed: 'Changed — press Run to see the new paths.',
    notRun: 'Not run: fix the marked value first ({where}).',
    off: 'off',
    startOf: 'start ({x}, {y})',
    mapLabel: 'Landscape map. Arrow keys move the start point, Enter adds another start.',
    lossLabel: 'Loss per step. Hover or click to see a step.',
    schedule: 'Learning-rate schedule',
    scheduleNone: 'none: lr throughout',
    scheduleNeeded: 'needed',
    rates: 'Learning rate per step',
    ratesLabel: 'The learning rate each optimizer takes at each step; the line marks the step on show.',
    rateNow: 'step {step}: lr = {rate}',
    trainLossLabel: 'Training loss per batch',
    views: 'Views',
    keysButton: 'Keyboard help',
    keysTitle: 'Keyboard',
    helpTitle: 'What is this?',
    helpAbout: 'Optimizers such as SGD, RMSprop and Adam are how neural networks learn: each step moves downhill along the gradient. Here they walk on a 2-D function you can see: pick a function, press Run, watch the paths and the loss, and read each step\'s numbers in the equations. Click (tap) the map to start elsewhere; Explore maps where each start ends; Train a network compares them on real data.',
    keysRun: 'Enter or Space on Run: run with these settings',
    keysPlay: 'Space (outside a field or button): play or pause',
    keysSeek: '← →: one step back or forward',
    keysMap: 'On the map (Tab to it): ← ↑ → ↓ move the start point (Shift: farther), Enter adds another start',
    keysExplore: 'In Explore, on a map (Tab to it): ← ↑ → ↓ move between cells (Shift: 8 at a time), Enter races from the outlined one',
    keysFunction: 'Function menu: ↑ ↓ choose, Enter runs the chosen function',
    keysHelp: '?: open or close this help',
    close: 'Close',
    mustNumber: '{name} ({param}) needs a number; "{value}" is not one.',
    mustMinIn: '{name} ({param}) must be at least {bound}; you typed {value}.',
    mustMinEx: '{name} ({param}) must be greater than {bound}; you typed {value}.',
    mustMaxIn: '{name} ({param}) must be at most {bound}; you typed {value}.',
    mustMaxEx: '{name} ({param}) must be less than {bound}; you typed {value}.',
    mustInteger: '{name} ({param}) must be a whole number; you typed {value}.',
    mustWord: '{name} ({param}) must be one of {words}; you typed {value}.',
    mustSpec: 'Optimizer {n}: write it as name(setting=value, …), for example adam(lr=0.01); "{value}" is not.',
    unknownOptimizer: 'Optimizer {n}: there is no optimizer called "{value}".',
    unknownParam: '{who} has no setting called "{value}".',
  },
  ko: {
    title: 'clopt — 옵티마이저는 어떻게 움직일까',
    subtitle: 'SGD, RMSprop, Adam 같은 옵티마이저가 2차원 함수의 비탈을 한 스텝씩 내려가는 모습을 봅니다.',
    startLessons: '처음이라면 강의부터 시작하세요',
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
    startsHelpTouch: '지도를 누르면 시작점이 바뀝니다.',
    play: '재생',
    pause: '일시정지',
    back: '한 스텝 뒤로',
    forward: '한 스텝 앞으로',
    speed: '속도',
    step: '스텝',
    loss: '스텝별 손실 f(x, y)',
    equations: '이번 스텝의 값을 넣은 갱신식',
    pickTrajectory: '궤적이나 범례를 클릭하면 그 옵티마이저의 갱신 과정이 여기에 나옵니다.',
    noState: '실시간 값은 궤적이 {max}개 이하일 때만 볼 수 있습니다. 이번 실행은 그보다 많습니다.',
    beforeFirst: '0번 스텝은 시작점입니다. 한 스텝 앞으로 가면 갱신 과정을 볼 수 있습니다.',
    share: '링크 복사',
    copied: '링크를 복사했습니다',
    exportJson: 'JSON',
    exportCsv: 'CSV',
    savePng: 'PNG',
    saveSvg: 'SVG',
    diverged: '{step}스텝에서 발산',
    loading: '불러오는 중…',
    running: '계산 중…',
    done: '완료',
    tunedNote: '{fn}에 맞게 학습률을 바꿨습니다: {list}.',
    linkIgnored: '링크의 "{part}" 부분은 쓰지 않았습니다: {reason}',
    linkBadValue: '이 페이지에서 쓸 수 없는 값입니다',
    defaultsNote: 'Keras 기본값입니다. 이 함수에서는 아주 느리게 움직이는 옵티마이저도 있습니다.',
    zoomHelp: '스크롤하면 확대·축소, 끌면 이동합니다.',
    lossFloor: 'f = 0 (정확히)',
    zoomHelpTouch: '한 손가락으로는 페이지가 움직이고, 두 손가락으로 지도를 확대·축소하고 옮깁니다.',
    mapPan: '지도 옮기기',
    resetView: '보기 초기화',
    minimum: '최솟점',
    lang: 'English',
    viewRace: '지형 위의 경주',
    viewTrain: '신경망 학습',
    viewLessons: '강의',
    viewExplore: '탐색',
    exploreKinds: '탐색 종류',
    exploreBasins: '수렴 영역 지도',
    exploreSweep: '하이퍼파라미터 스윕',
    exploreIntroBasins: '지도의 모든 점에서, 경주에 나온 옵티마이저마다 한 번씩 실행합니다. 각 시작점이 어느 최솟점에 얼마나 빨리 닿는지 보여 줍니다.',
    exploreIntroSweep: '하이퍼파라미터 한두 개의 값마다 같은 시작점에서 한 번씩 실행합니다. 어떤 값에서 최솟점에 가까워지고 어떤 값에서 발산하는지 보여 줍니다.',
    exploreGrid: '격자',
    exploreOptimizer: '옵티마이저',
    exploreStartPoint: '시작점 x, y',
    exploreVary: '바꿀 값',
    exploreAnd: '함께 바꿀 값',
    exploreNone: '(없음)',
    exploreFrom: '시작 값',
    exploreTo: '끝 값',
    explorePoints: '개수',
    exploreLog: '로그 눈금',
    exploreOpts: '옵티마이저: {opts} (경주에서 가져옵니다. 바꾸려면 경주에서 바꿔 주세요.)',
    exploreOwn: '탐색은 메뉴에 있는 함수만 받습니다. 직접 입력한 함수는 아직 경주만 할 수 있습니다.',
    exploreStart: '탐색',
    exploreRunning: '계산 중…',
    exploreCoarse: '먼저 거친 지도를 보여 주고, 곧 전체 격자가 이어집니다.',
    exploreDoneBasins: '완료. 칸을 가리키면 그 실행의 값이 나오고, 누르면 그곳에서 경주를 시작합니다.',
    exploreDoneSweep: '완료. 칸을 가리키면 그 실행의 값이 나오고, 누르면 그 값으로 경주를 시작합니다.',
    exploreDoneBasinsTouch: '완료. 칸을 누르면 그 실행의 값이 나오고, 한 번 더 누르면 그곳에서 경주를 시작합니다.',
    exploreDoneSweepTouch: '완료. 칸을 누르면 그 실행의 값이 나오고, 한 번 더 누르면 그 값으로 경주를 시작합니다.',
    exploreMinimumKey: '최솟점 {n} ({x}, {y})',
    exploreNeither: '{steps}스텝 안에 어느 최솟점에도 닿지 않음',
    exploreDivergedKey: '발산',
    exploreLighter: '밝을수록 빨리 도달',
    exploreBar: '최종 f와 최솟값의 차이',
    exploreHoverStart: '시작점 ({x}, {y})',
    exploreHoverEnd: '도착점 ({x}, {y}), f = {f}',
    exploreHoverConverged: '{step}스텝에서 수렴',
    exploreHoverNotConverged: '수렴하지 않음',
    exploreHoverDiverged: '{step}스텝에서 발산',
    exploreHoverMinimum: '최솟점 {n} ({x}, {y})에 도달',
    exploreHoverNoMinimum: '{steps}스텝 안에 어느 최솟점에도 닿지 않음',
    exploreBadGrid: '격자: 한 변의 칸 수를 2부터 {max}까지의 정수로 적어 주세요.',
    exploreBadSteps: '스텝: 1부터 {max}까지의 정수로 적어 주세요.',
    exploreTooMany: '실행 {runs}번: 한 번의 탐색은 최대 {max}번까지입니다.',
    exploreTooManyMaps: '경주에 옵티마이저가 {n}개 있습니다. 수렴 영역 지도는 최대 {max}개까지 그릴 수 있으니 경주에서 몇 개를 빼 주세요.',
    exploreKeys: '화살표 키로 칸을 옮기고, Enter를 누르면 표시된 칸에서 경주를 시작합니다',
    exploreTooMuchWork: '{steps}스텝씩 {runs}번 실행: 한 번의 탐색은 모두 합쳐 {max}스텝까지 계산합니다. 실행 수나 스텝 수를 줄여 주세요.',
    exploreBadName: '바꿀 하이퍼파라미터를 골라 주세요.',
    exploreBadRange: '{name}: ‘시작 값’은 ‘끝 값’보다 작은 수여야 합니다.',
    exploreBadLog: '{name}: 로그 눈금을 쓰려면 ‘시작 값’이 0보다 커야 합니다.',
    exploreBadCount: '{name}: 개수는 2부터 {max}까지의 정수여야 합니다.',
    exploreSameName: '{name}은(는) 이미 첫 번째 축입니다. 다른 것을 골라 주세요.',
    exploreBadStart: '시작점 x, y: -1.5, 2처럼 두 수를 쉼표로 나눠 적어 주세요.',
    exploreNetwork: '서버에 연결하지 못했습니다({error}).',
    exploreLost: '탐색이 끝나기 전에 서버와의 연결이 끊겼습니다. 탐색 버튼을 눌러 다시 해 보세요.',
    exploreIgnored: '링크에서 알아보지 못해 뺀 부분: {parts}',
    exploreUnknownFunction: '링크에 있는 함수 "{name}"은(는) 메뉴에 없습니다.',
    exploreBusy: '서버가 다른 탐색을 처리하는 중입니다. 잠시 뒤에 다시 해 보세요.',
    exploreTrail: '확대:',
    exploreZoomWhole: '전체 범위',
    exploreZoomHint: '지도 위에서 사각형을 끌거나 휠을 돌리면 확대합니다(가로로 납작하게 끌면 가로축만). 지도에 초점이 있을 때는 +와 −도 됩니다.',
    exploreZoomHintTouch: '‘확대 상자’를 켠 뒤 지도 위를 한 손가락으로 끌면 확대합니다.',
    exploreZoomBox: '확대 상자',
    exploreDouble: '배정밀도(double)로 계산했습니다. {name}의 칸 간격({at} 부근에서 {gap})이 float32가 구별할 수 있는 간격(값의 2^-20)보다 좁기 때문입니다.',
    exploreZoomLimit: '이 범위는 배정밀도로도 칸을 구별할 수 없습니다. 조금 덜 확대해 주세요.',
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
    trainSpecHelp: '경주와 같은 메뉴와 설정입니다. 옵티마이저마다 자기 모델을 학습하고, 모두 에포크마다 함께 나아갑니다.',
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
    examplesPerSecond: '샘플/초',
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
    changed: '설정이 바뀌었습니다. 실행을 눌러야 새 경로가 보입니다.',
    notRun: '실행하지 않았습니다. 표시된 값을 먼저 고쳐 주세요 ({where}).',
    off: '끔',
    startOf: '시작점 ({x}, {y})',
    mapLabel: '함수 지형 지도. 화살표 키로 시작점을 옮기고, Enter 키로 시작점을 하나 더 추가합니다.',
    lossLabel: '스텝별 손실. 마우스를 올리거나 클릭하면 그 스텝을 볼 수 있습니다.',
    schedule: '학습률 스케줄',
    scheduleNone: '없음: 처음부터 끝까지 lr',
    scheduleNeeded: '꼭 필요',
    rates: '스텝별 학습률',
    ratesLabel: '옵티마이저마다 각 스텝에서 쓰는 학습률. 세로선은 지금 보고 있는 스텝입니다.',
    rateNow: '{step}스텝: 학습률 {rate}',
    trainLossLabel: '배치별 학습 손실',
    views: '화면',
    keysButton: '키보드 도움말',
    keysTitle: '키보드',
    helpTitle: '이 페이지는?',
    helpAbout: 'SGD, RMSprop, Adam 같은 옵티마이저는 신경망이 학습하는 방법입니다. 스텝마다 기울기를 따라 비탈을 내려갑니다. 여기서는 눈에 보이는 2차원 함수 위를 걷습니다. 함수를 고르고 실행을 누른 뒤 경로와 손실을 보고, 식 패널에서 스텝마다의 값을 읽어 보세요. 지도를 누르면 다른 곳에서 출발하고, 탐색은 시작점마다 어디에 닿는지 지도로 보여 주며, 신경망 학습은 실제 데이터에서 옵티마이저를 비교합니다.',
    keysRun: '실행 버튼에서 Enter 또는 Space: 지금 설정으로 실행',
    keysPlay: 'Space (입력 칸이나 버튼 밖에서): 재생 또는 일시정지',
    keysSeek: '← →: 한 스텝 뒤로 또는 앞으로',
    keysMap: '지도에서 (Tab으로 이동): ← ↑ → ↓ 시작점 이동 (Shift: 더 멀리), Enter 시작점 추가',
    keysExplore: '탐색의 지도에서 (Tab으로 이동): ← ↑ → ↓ 칸 이동 (Shift: 8칸씩), Enter 표시된 칸에서 경주 시작',
    keysFunction: '함수 메뉴: ↑ ↓로 고르고 Enter를 누르면 그 함수로 실행',
    keysHelp: '?: 이 도움말 열기·닫기',
    close: '닫기',
    mustNumber: '{name}({param}) 값에는 숫자를 넣어야 합니다. "{value}"은(는) 숫자가 아닙니다.',
    mustMinIn: '{name}({param}) 값은 {bound} 이상이어야 합니다. 입력한 값: {value}',
    mustMinEx: '{name}({param}) 값은 {bound}보다 커야 합니다. 입력한 값: {value}',
    mustMaxIn: '{name}({param}) 값은 {bound} 이하여야 합니다. 입력한 값: {value}',
    mustMaxEx: '{name}({param}) 값은 {bound}보다 작아야 합니다. 입력한 값: {value}',
    mustInteger: '{name}({param}) 값은 정수여야 합니다. 입력한 값: {value}',
    mustWord: '{name}({param}) 값은 {words} 가운데 하나여야 합니다. 입력한 값: {value}',
    mustSpec: '옵티마이저 {n}: 이름(설정=값, …) 형식으로 적어 주세요. 예: adam(lr=0.01). "{value}"은(는) 이 형식이 아닙니다.',
    unknownOptimizer: '옵티마이저 {n}: "{value}"라는 옵티마이저는 없습니다.',
    unknownParam: '{who}에는 "{value}"라는 설정이 없습니다.',
    // Why the server refused an expression typed in "직접 입력…", one sentence per code of
    // src/expr.h's CLOPT_EXPR_ERRORS, filled with that row's values (English shows the server's
    // own sentence). A column is "N번째 글자"; {found} comes quoted ('#').
    expr_too_long: '식이 {count}자입니다. 식은 {limit}자까지 쓸 수 있습니다.',
    expr_empty: '식이 비어 있습니다. x^2 + 10*y^2처럼 f(x, y)를 적어 주세요.',
    expr_out_of_memory: '서버의 메모리가 부족해 식을 읽지 못했습니다. 잠시 뒤에 다시 해 보세요.',
    expr_too_many_nodes: '{column}번째 글자에서 숫자, 변수, 연산이 모두 {limit}개를 넘었습니다. 식을 줄여 주세요.',
    expr_too_deep: '{column}번째 글자에서 괄호, 함수, 부호, 거듭제곱의 중첩이 {limit}단계를 넘었습니다.',
    expr_lone_dot: '{column}번째 글자: 소수점 \'.\'은 0.5처럼 숫자 안에서만 쓸 수 있습니다.',
    expr_number_too_large: '{column}번째 글자에서 시작하는 숫자가 너무 큽니다.',
    expr_number_too_small: '{column}번째 글자에서 시작하는 숫자가 너무 작습니다. 0이 아니라면 1.2e-38 이상이어야 합니다.',
    expr_unknown_function: '"{name}" 함수는 없습니다. 혹시 {suggestion}을(를) 쓰려고 하셨나요?',
    expr_unknown_function_list: '{column}번째 글자: "{name}" 함수는 없습니다. 쓸 수 있는 함수는 {functions}입니다.',
    expr_missing_paren: '{column}번째 글자의 여는 괄호 \'(\'를 닫는 \')\'가 없습니다.',
    expr_expected_comma_or_paren: '{column}번째 글자에 {found}이(가) 있습니다. {open}번째 글자의 \'(\' 안에서는 여기에 \',\'나 \')\'가 와야 합니다.',
    expr_arity: '{function} 함수는 인수를 {expected}개 받는데, {given}개를 넣었습니다.',
    expr_needs_parentheses: '{column}번째 글자: {function} 함수는 {example}처럼 인수를 괄호 안에 넣어야 합니다.',
    expr_unknown_name: '{column}번째 글자의 "{name}"은(는) 알 수 없는 이름입니다. 변수는 x와 y뿐입니다.',
    expr_expected_operator_or_paren: '{column}번째 글자에 {found}이(가) 있습니다. {open}번째 글자의 \'(\' 안에서는 여기에 연산자나 \')\'가 와야 합니다.',
    expr_unexpected_end: '식이 중간에 끝났습니다. {column}번째 글자 자리에 숫자, x, y, 함수 또는 \'(\'가 와야 합니다.',
    expr_expected_operand: '{column}번째 글자에는 숫자, x, y, 함수 또는 \'(\'가 와야 합니다.',
    expr_unexpected: '{column}번째 글자의 {found}은(는) 식에 쓸 수 없습니다. 그 자리에는 숫자, x, y, 함수 또는 \'(\'가 와야 합니다.',
    expr_unmatched_paren: '{column}번째 글자의 \')\'와 짝이 되는 \'(\'가 없습니다.',
    expr_missing_multiply: '{column}번째 글자 앞에 연산자가 와야 합니다. 곱하기는 2*x처럼 \'*\'로 적습니다.',
    expr_expected_operator: '{column}번째 글자에 {found}이(가) 올 수 없습니다. 그 자리에는 연산자가 와야 합니다.',
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
    ns_steps: 'Newton–Schulz iterations', a: 'Coefficient a', b: 'Coefficient b',
    c: 'Coefficient c', adjust_lr: 'Step scale by shape',
  },
  ko: {
    lr: '학습률', momentum: '모멘텀', decay: '학습률 감쇠', nesterov: '네스테로프 모멘텀',
    rho: '감쇠율 ρ', epsilon: '엡실론 ε', beta_1: '1차 모멘트 감쇠율 β₁',
    beta_2: '2차 모멘트 감쇠율 β₂', schedule_decay: '모멘텀 스케줄 감쇠',
    clipnorm: '기울기 노름 상한', clipvalue: '기울기 값 상한', weight_decay: '가중치 감쇠',
    amsgrad: 'AMSGrad', ns_steps: '뉴턴-슐츠 반복 횟수', a: '계수 a', b: '계수 b', c: '계수 c',
    adjust_lr: '모양에 따른 스텝 배율',
  },
};

let lang = 'en';
let touch = false; // a touch screen: texts with a "…Touch" variant use it (tap, two fingers)

/** Says whether the page is used by touch ((pointer: coarse)). */
export function setTouch(on) {
  touch = Boolean(on);
}

/** Switches the language: <html lang> and the document's title follow. */
export function setLanguage(l) {
  lang = l === 'ko' ? 'ko' : 'en';
  if (typeof document === 'undefined') return; // node's unit tests
  document.documentElement.lang = lang;
  document.title = t('title');
}

// A Korean particle depends on the word before it: 은/는, 이/가, 을/를, 과/와, 으로/로. A
// sentence whose word comes from a value ({name}, {value}) says both ("은(는)"); particles()
// keeps the one the word takes. Digits as read (일, 이, 삼 …); a Latin word by its last
// letter as a Korean reader says it (adam 아담, sgd 에스지디).
const PAIRS = { '은(는)': ['은', '는'], '이(가)': ['이', '가'], '을(를)': ['을', '를'], '과(와)': ['과', '와'],
  '(으)로': ['으로', '로'] };
// Symbols as read: 샵, 앳, 달러, 콜론, 세미콜론, 이퀄 (others end in a vowel: 퍼센트, 물음표).
const SYMBOLS = { '#': 1, '@': 1, $: 8, ':': 1, ';': 1, '=': 8 };
const CLOSERS = new Set(['"', "'", '”', '’', ')', ']', '」', '』', ' ']);

function finalConsonant(ch) {
  const c = ch.codePointAt(0);
  if (c >= 0xac00 && c <= 0xd7a3) return (c - 0xac00) % 28; // 0: none, 8: ㄹ
  if (c >= 0x3131 && c <= 0x314e) return c === 0x3139 ? 8 : 1; // a consonant by its name: 티읕, 리을
  if (c >= 0x314f && c <= 0x3163) return 0; // a vowel: 아, 오
  if (/[0-9]/.test(ch)) return [21, 8, 0, 16, 0, 0, 1, 8, 8, 0][Number(ch)];
  if (/[lmnpkbt]/i.test(ch)) return ch.toLowerCase() === 'l' ? 8 : 1;
  return SYMBOLS[ch] ?? 0;
}

/** text with each "은(는)"-style pair reduced to the particle its word takes. */
export function particles(text) {
  return text.replace(/은\(는\)|이\(가\)|을\(를\)|과\(와\)|\(으\)로/g, (pair, at) => {
    let i = at - 1;
    while (i > 0 && CLOSERS.has(text[i])) i--;
    const fc = i >= 0 ? finalConsonant(text[i]) : 0;
    const [after, open] = PAIRS[pair];
    if (pair === '(으)로') return fc && fc !== 8 ? after : open;
    return fc ? after : open;
  });
}

export function language() {
  return lang;
}

/** The text for key in the current language, with {name} filled from vars. */
export function t(key, vars = {}) {
  const which = touch && TEXT.en[`${key}Touch`] ? `${key}Touch` : key;
  const s = TEXT[lang][which] ?? TEXT.en[which] ?? key;
  const filled = s.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '');
  return lang === 'ko' ? particles(filled) : filled;
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
    max: p.inclusive ? 'mustMaxIn' : 'mustMaxEx', integer: 'mustInteger', word: 'mustWord' }[p.kind];
  return t(key, { name, param, bound: p.bound, value: p.text, words: (p.words || []).join(', ') });
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
