// The lessons: a guided course in gradient descent methods, in English and Korean.
// Pure data, no DOM: the page (lessons.js) shows them, and tests/lessons.test.mjs runs every
// scene and every try-this through the engine (clopt run) and checks every claim below, so a
// kernel or preset change that makes a lesson's words untrue fails the suite.
//
// A lesson: n; scene {function, opts (Keras call syntax, as a share link holds them), starts,
// steps, noise, seed}; minimum (the point the claims measure distances to); answer (the index
// of the right choice); focus (the start of the equation line the lesson is about, as the
// equation panel shows it, and which trajectory to select); en and ko {title, intro,
// question, choices, explain}; claims; tries: [{change (parts of the scene), en, ko, claims}].
//
// Claims (t is the trajectory index: optimizer-major, start-minor, as the engine returns them):
//   {t, diverges: true|false}
//   {t, reaches: {within, tol}}      some point at step <= within is within tol of the minimum
//   {t, misses: {within, tol}}       no point at step <= within is within tol of the minimum
//   {t, overshoots: {x: v}}          the path crosses past x = v (from the start's side)
//   {t, staysBefore: {x: v}}         the path never crosses x = v
//   {t, zigzag: {axis, steps}}       the steps along axis change sign at every one of the first steps
//   {t, monotone: axis}              the steps along axis never change sign
//   {t, stays: {y: v, tol}}          every point has |y - v| <= tol
//   {t, escapes: {y: v, by}}         the last point has |y - v| > by
//   {t, endsNear: {point, tol}}      the last point is within tol of point
//   {t, firstStep: {dx, dy, tol}}    the first step is (dx, dy) within tol
//   {t, equalFirstStep: tol}         the first step's |dx| and |dy| agree within a relative tol
//   {t, grows: {from, to}}           the step length at step `to` exceeds the one at `from`
//   {t, shrinks: {from, to, by}}     the step length at `to` is below the one at `from` / by
//   {t, signSteps: {size, until, tol}}  every step up to `until` moves x and y by exactly size
//   {t, endsAbove: v}                the last f is above v
//   {t, endNormBelow: v}             the last point is within distance v of (0, 0)
//   {better: [a, b], at}             trajectory a's f at step `at` is below trajectory b's
//   {tuned: {from, score, noise, seeds, diverged}}  the scene's opts are, in order, what
//                                    `clopt tune` makes of the specs `from` (its defaults
//                                    otherwise); `diverged`: each one's diverged share there

export const LESSONS = [
  {
    n: 1,
    scene: { function: 'sphere', opts: ['sgd(lr=0.005)', 'sgd(lr=0.3)', 'sgd(lr=1.5)'], starts: [[-4, 3]], steps: 100 },
    minimum: [0, 0],
    answer: 1,
    focus: { select: 1, eq: 'Δ' },
    en: {
      title: 'The learning rate',
      intro: 'Plain gradient descent takes one step per iteration: Δ = −lr · g, the learning rate times the gradient. On the bowl f = x² + y² the gradient is 2·(x, y), so each step multiplies the distance to the minimum by (1 − 2·lr). Three runs start from the same point (−4, 3) with lr = 0.005, 0.3 and 1.5.',
      question: 'What will the run with lr = 1.5 do?',
      choices: ['Reach the minimum first: the biggest steps win', 'Jump across the bowl, farther each time, and fly off', 'Stop halfway, where the slope gets gentle'],
      explain: 'With lr = 1.5 every step multiplies the position by 1 − 2·1.5 = −2: it lands on the other side, twice as far out, and the legend marks it diverged. lr = 0.005 multiplies by 0.99 per step and is still far away after 100 steps. lr = 0.3 multiplies by 0.4 and is at the minimum within ten steps. Too small is slow, too big diverges; the right size depends on how curved the function is.',
    },
    ko: {
      title: '학습률',
      intro: '기본 경사 하강법은 한 번에 한 스텝씩 움직입니다: Δ = −lr · g, 곧 학습률 곱하기 기울기입니다. 그릇 모양의 f = x² + y²에서는 기울기가 2·(x, y)이므로, 스텝마다 최솟점까지의 거리가 (1 − 2·lr)배가 됩니다. 같은 점 (−4, 3)에서 학습률 0.005, 0.3, 1.5로 세 번 달려 봅니다.',
      question: '학습률 1.5는 어떻게 될까요?',
      choices: ['보폭이 가장 크니 최솟점에 가장 먼저 닿는다', '그릇 건너편으로 점점 더 멀리 튀다가 날아가 버린다', '경사가 완만해지는 중간쯤에서 멈춘다'],
      explain: '학습률 1.5에서는 스텝마다 위치가 1 − 2·1.5 = −2배가 됩니다. 건너편으로 두 배 멀리 떨어지기를 되풀이하고, 범례에 발산으로 표시됩니다. 학습률 0.005는 스텝마다 0.99배라서 100스텝 뒤에도 아직 멀리 있습니다. 학습률 0.3은 0.4배씩 줄어 열 스텝 안에 최솟점에 닿습니다. 너무 작으면 느리고 너무 크면 발산합니다. 알맞은 크기는 함수가 얼마나 휘어 있는지에 달려 있습니다.',
    },
    claims: [
      { t: 0, misses: { within: 100, tol: 1 } },
      { t: 1, reaches: { within: 10, tol: 1e-3 } },
      { t: 2, diverges: true },
      { t: 0, diverges: false },
      { t: 1, diverges: false },
    ],
    tries: [
      {
        change: { opts: ['sgd(lr=0.005)', 'sgd(lr=0.3)', 'sgd(lr=0.5)'] },
        en: { label: 'lr = 0.5 instead of 1.5', note: '1 − 2·0.5 = 0: the first step lands exactly on the minimum.' },
        ko: { label: '1.5 대신 학습률 0.5', note: '1 − 2·0.5 = 0: 첫 스텝에 정확히 최솟점에 내려앉습니다.' },
        claims: [{ t: 2, reaches: { within: 1, tol: 1e-6 } }],
      },
      {
        change: { opts: ['sgd(lr=0.005)', 'sgd(lr=0.3)', 'sgd(lr=0.9)'] },
        en: { label: 'lr = 0.9 instead of 1.5', note: '1 − 2·0.9 = −0.8: it jumps across the minimum every step, but each jump is shorter, so it still arrives.' },
        ko: { label: '1.5 대신 학습률 0.9', note: '1 − 2·0.9 = −0.8: 스텝마다 최솟점을 건너뛰지만 건너뛰는 폭이 줄어들어 결국 도착합니다.' },
        claims: [{ t: 2, overshoots: { x: 0 } }, { t: 2, reaches: { within: 40, tol: 0.01 } }, { t: 2, diverges: false }],
      },
    ],
  },
  {
    n: 2,
    scene: { function: 'quadratic', opts: ['sgd(lr=0.019)'], starts: [[-9, 2]], steps: 150 },
    minimum: [0, 0],
    answer: 2,
    focus: { select: 0, eq: 'Δ' },
    en: {
      title: 'Ill-conditioning: the zig-zag',
      intro: 'f = 0.5·(x² + 100·y²) is a long, narrow valley: 100 times steeper across (y) than along (x). One learning rate serves both directions. Across the valley a step multiplies y by 1 − 100·lr, so lr must stay below 0.02 or y blows up. Here lr = 0.019.',
      question: 'How does the path go down this valley?',
      choices: ['Straight to the minimum', 'Straight down to the valley floor, then along it quickly', 'Bouncing from wall to wall while it creeps along x'],
      explain: 'Across the valley each step multiplies y by 1 − 100·0.019 = −0.9: the path crosses the floor every step, a zig-zag that dies out slowly. Along the valley the same lr multiplies x by 1 − 0.019 = 0.981, so after 50 steps x has only come from −9 to about −3.4. The steep direction limits the learning rate, and the gentle direction pays for it. The ratio of the two curvatures (here 100) is called the condition number.',
    },
    ko: {
      title: '나쁜 조건수: 지그재그',
      intro: 'f = 0.5·(x² + 100·y²)는 길고 좁은 골짜기입니다. 가로지르는 방향(y)이 골짜기를 따라가는 방향(x)보다 100배 가파릅니다. 학습률은 두 방향에 하나뿐입니다. 골짜기를 가로질러서는 스텝마다 y가 1 − 100·lr배가 되므로, 학습률이 0.02를 넘으면 y가 발산합니다. 여기서는 학습률 0.019입니다.',
      question: '경로는 이 골짜기를 어떻게 내려갈까요?',
      choices: ['최솟점으로 곧장 간다', '골짜기 바닥으로 곧장 내려간 뒤 바닥을 따라 빠르게 간다', '양쪽 벽 사이를 튕기면서 x 방향으로는 느리게 기어간다'],
      explain: '골짜기를 가로질러서는 스텝마다 y가 1 − 100·0.019 = −0.9배가 됩니다. 경로는 스텝마다 바닥을 건너고, 이 지그재그는 천천히 잦아듭니다. 골짜기를 따라서는 같은 학습률이 x를 1 − 0.019 = 0.981배로 줄일 뿐이라, 50스텝이 지나도 x는 −9에서 −3.4 정도까지밖에 못 옵니다. 가파른 방향이 학습률을 묶어 두고, 완만한 방향이 그 값을 치릅니다. 두 곡률의 비(여기서는 100)를 조건수라고 합니다.',
    },
    claims: [
      { t: 0, zigzag: { axis: 'y', steps: 20 } },
      { t: 0, misses: { within: 50, tol: 3.3 } },
      { t: 0, reaches: { within: 50, tol: 3.5 } },
      { t: 0, diverges: false },
    ],
    tries: [
      {
        change: { opts: ['sgd(lr=0.025)'] },
        en: { label: 'lr = 0.025', note: '1 − 100·0.025 = −1.5: each bounce is wider than the last, and the run diverges.' },
        ko: { label: '학습률 0.025', note: '1 − 100·0.025 = −1.5: 튕길 때마다 폭이 넓어지고 결국 발산합니다.' },
        claims: [{ t: 0, diverges: true }],
      },
      {
        change: { opts: ['sgd(lr=0.005)'] },
        en: { label: 'lr = 0.005', note: 'No zig-zag now (y shrinks by 0.5 per step), but x crawls even slower.' },
        ko: { label: '학습률 0.005', note: '이제 지그재그는 없지만(y가 스텝마다 0.5배), x는 더 느리게 기어갑니다.' },
        claims: [{ t: 0, monotone: 'y' }, { t: 0, misses: { within: 150, tol: 3 } }],
      },
    ],
  },
  {
    n: 3,
    scene: { function: 'quadratic', opts: ['sgd(lr=0.01)', 'sgd(lr=0.01, momentum=0.9)'], starts: [[-9, 2]], steps: 150 },
    minimum: [0, 0],
    answer: 1,
    focus: { select: 1, eq: 'm ←' },
    en: {
      title: 'Momentum',
      intro: 'Momentum keeps a velocity m: each step adds −lr · g to 0.9 times the previous step, m ← 0.9·m − lr·g, and moves by m. Along the valley of 0.5·(x² + 100·y²) the gradient points the same way step after step, so the velocity builds up. Plain SGD and SGD with momentum 0.9 race from (−9, 2), both with lr = 0.01.',
      question: 'What does momentum do along the valley?',
      choices: ['Nothing much: the same path as plain SGD', 'It runs much faster, overshoots the minimum past x = 1 and swings back', 'It stops at the valley floor'],
      explain: 'With a steady gradient the velocity grows towards lr·g / (1 − 0.9), ten times a plain step, so the momentum path races along x while plain SGD creeps (its loss at step 100 is far higher). But a velocity does not stop at once: it carries the point past the minimum, beyond x = 1, before the gradient turns it round. Watch the m line in the equations: it keeps pointing the old way for a while. Across the valley the same velocity makes the zig-zag you see: there lr · 100 = 1 is a big step, so the point swings past the floor to the other wall and back, about every three steps, and the swings die out only slowly, by about 5% a step (√0.9).',
    },
    ko: {
      title: '모멘텀',
      intro: '모멘텀은 속도 m을 기억합니다. 스텝마다 이전 스텝의 0.9배에 −lr · g를 더하고(m ← 0.9·m − lr·g), m만큼 움직입니다. 0.5·(x² + 100·y²)의 골짜기를 따라서는 기울기가 매 스텝 같은 쪽을 가리키므로 속도가 쌓입니다. 기본 SGD와 모멘텀 0.9의 SGD가 (−9, 2)에서 겨룹니다. 학습률은 둘 다 0.01입니다.',
      question: '모멘텀은 골짜기를 따라 어떻게 움직일까요?',
      choices: ['별 차이 없이 기본 SGD와 같은 길로 간다', '훨씬 빨리 달리다가 최솟점을 지나 x = 1 너머까지 갔다 돌아온다', '골짜기 바닥에서 멈춘다'],
      explain: '기울기가 일정하면 속도는 lr·g / (1 − 0.9), 곧 기본 스텝의 열 배까지 자랍니다. 그래서 모멘텀은 x 방향으로 내달리고 기본 SGD는 기어갑니다(100스텝에서 손실이 훨씬 큽니다). 하지만 속도는 한 번에 멈추지 않습니다. 기울기가 방향을 되돌리기 전에 점을 최솟점 너머 x = 1 밖까지 데려갑니다. 식 패널의 m 줄을 보세요. 한동안 예전 방향을 가리킵니다. 눈에 띄는 지그재그도 같은 속도 때문입니다. 골짜기를 가로지르는 방향에서는 lr · 100 = 1이라 스텝이 커서, 점이 바닥을 지나쳐 반대편 벽으로 갔다가 돌아오기를 세 스텝쯤마다 되풀이합니다. 이 흔들림은 스텝마다 5% 정도(√0.9)씩만 잦아듭니다.',
    },
    claims: [
      { t: 1, overshoots: { x: 1 } },
      { t: 0, staysBefore: { x: 0 } },
      { better: [1, 0], at: 100 },
    ],
    tries: [
      {
        change: { opts: ['sgd(lr=0.01, momentum=0.9)', 'sgd(lr=0.01, momentum=0.99)'] },
        en: { label: 'Momentum 0.9 against 0.99', note: 'With 0.99 the velocity forgets almost nothing: it swings out past x = 5 and is still swinging when 0.9 has settled.' },
        ko: { label: '모멘텀 0.9와 0.99', note: '0.99에서는 속도가 거의 잊히지 않습니다. x = 5 너머까지 크게 흔들리고, 0.9가 자리를 잡은 뒤에도 여전히 흔들립니다.' },
        claims: [{ t: 1, overshoots: { x: 5 } }, { better: [0, 1], at: 150 }],
      },
    ],
  },
  {
    n: 4,
    scene: { function: 'quadratic', opts: ['sgd(lr=0.01, momentum=0.9)', 'sgd(lr=0.01, momentum=0.9, nesterov=True)'], starts: [[-9, 2]], steps: 150 },
    minimum: [0, 0],
    answer: 0,
    focus: { select: 1, eq: 'Δ' },
    en: {
      title: 'Nesterov\'s look-ahead',
      intro: 'Classic momentum moves by its velocity m. Nesterov momentum moves by 0.9·m − lr·g instead: it takes the velocity\'s next step first and then corrects with the gradient, as if it had looked one step ahead. Both run with lr = 0.01 and momentum 0.9 on the same valley.',
      question: 'Which one overshoots less?',
      choices: ['Nesterov: it sees the slope turning and brakes earlier', 'Classic momentum: it is more careful', 'Both the same: the momentum is the same'],
      explain: 'Classic momentum overshoots past x = 1.2; Nesterov turns back before x = 1.2 and is closer to the minimum at step 100. The extra −lr·g in Nesterov\'s step applies the new gradient one step early, so when the valley starts to rise the velocity is braked sooner. Compare the Δ lines of the two in the equations.',
    },
    ko: {
      title: '네스테로프의 내다보기',
      intro: '고전 모멘텀은 속도 m만큼 움직입니다. 네스테로프 모멘텀은 대신 0.9·m − lr·g만큼 움직입니다. 속도가 갈 다음 스텝을 먼저 밟고 기울기로 바로잡으니, 한 스텝 앞을 내다본 셈입니다. 같은 골짜기에서 둘 다 학습률 0.01, 모멘텀 0.9로 달립니다.',
      question: '어느 쪽이 덜 지나칠까요?',
      choices: ['네스테로프: 경사가 바뀌는 것을 보고 먼저 브레이크를 건다', '고전 모멘텀: 더 조심스럽다', '둘 다 같다: 모멘텀이 같으니까'],
      explain: '고전 모멘텀은 x = 1.2 너머까지 지나치고, 네스테로프는 x = 1.2에 닿기 전에 돌아서며 100스텝에서 최솟점에 더 가깝습니다. 네스테로프 스텝의 −lr·g가 새 기울기를 한 스텝 일찍 반영하므로, 골짜기가 오르막이 되기 시작할 때 속도에 더 빨리 브레이크가 걸립니다. 식 패널에서 두 방법의 Δ 줄을 비교해 보세요.',
    },
    claims: [
      { t: 0, overshoots: { x: 1.2 } },
      { t: 1, staysBefore: { x: 1.2 } },
      { better: [1, 0], at: 100 },
    ],
    tries: [
      {
        change: { opts: ['sgd(lr=0.01, momentum=0.99)', 'sgd(lr=0.01, momentum=0.99, nesterov=True)'] },
        en: { label: 'Both with momentum 0.99', note: 'Heavier momentum, the same story: Nesterov\'s look-ahead damps the swings, and it ends lower.' },
        ko: { label: '둘 다 모멘텀 0.99', note: '모멘텀이 더 무거워도 이야기는 같습니다. 네스테로프의 내다보기가 흔들림을 줄여 더 낮은 곳에서 끝납니다.' },
        claims: [{ better: [1, 0], at: 150 }],
      },
    ],
  },
  {
    n: 5,
    scene: { function: 'quadratic', opts: ['adagrad(lr=0.1)', 'rmsprop(lr=0.1)'], starts: [[-9, 2]], steps: 300 },
    minimum: [0, 0],
    answer: 0,
    focus: { select: 0, eq: 'a ←' },
    en: {
      title: 'Adagrad and RMSprop',
      intro: 'Adagrad divides each step by the square root of the sum a of all past squared gradients, per coordinate: the steep y and the gentle x get steps of similar size. But a only grows. RMSprop keeps a moving average of the squared gradients instead (a ← 0.9·a + 0.1·g²). Both start with lr = 0.1.',
      question: 'Which one reaches the minimum within 300 steps?',
      choices: ['RMSprop; Adagrad\'s steps keep shrinking and it stalls on the way', 'Adagrad; it remembers more', 'Neither: adaptive steps are too small'],
      explain: 'Adagrad\'s sum a grows with every step, so its steps shrink like 1/√t: by step 200 they are a fraction of what they were at step 10, and after 300 steps it is still more than 3 away. RMSprop forgets old gradients: its a follows the recent ones, its steps stay about lr long, and it is within 0.5 of the minimum by step 150. Watch a grow in the equations.',
    },
    ko: {
      title: 'Adagrad와 RMSprop',
      intro: 'Adagrad는 좌표마다 지금까지의 기울기 제곱을 모두 더한 a의 제곱근으로 스텝을 나눕니다. 가파른 y와 완만한 x가 비슷한 크기의 스텝을 얻습니다. 하지만 a는 커지기만 합니다. RMSprop은 대신 기울기 제곱의 이동 평균을 씁니다(a ← 0.9·a + 0.1·g²). 둘 다 학습률 0.1로 출발합니다.',
      question: '300스텝 안에 최솟점에 닿는 것은 어느 쪽일까요?',
      choices: ['RMSprop: Adagrad는 스텝이 계속 줄어들어 가다가 멈춘다', 'Adagrad: 더 많이 기억하니까', '둘 다 못 닿는다: 적응형 스텝은 너무 작다'],
      explain: 'Adagrad의 합 a는 스텝마다 커지므로 스텝이 1/√t처럼 줄어듭니다. 200스텝의 스텝은 10스텝 때의 몇 분의 일이고, 300스텝 뒤에도 최솟점까지 3 넘게 남아 있습니다. RMSprop은 오래된 기울기를 잊습니다. a가 최근 기울기를 따라가니 스텝 길이가 학습률 정도로 유지되고, 150스텝 안에 최솟점에서 0.5 이내로 들어옵니다. 식 패널에서 a가 자라는 것을 보세요.',
    },
    claims: [
      { t: 0, shrinks: { from: 10, to: 200, by: 3 } },
      { t: 0, misses: { within: 300, tol: 3 } },
      { t: 1, reaches: { within: 150, tol: 0.5 } },
    ],
    tries: [
      {
        change: { opts: ['adagrad(lr=0.5)', 'rmsprop(lr=0.1)'] },
        en: { label: 'Adagrad with lr = 0.5', note: 'A bigger learning rate buys Adagrad the distance, but its steps still shrink: it arrives late, creeping.' },
        ko: { label: 'Adagrad 학습률 0.5', note: '학습률을 키우면 Adagrad도 거리를 갈 수 있지만, 스텝은 여전히 줄어듭니다. 늦게, 기어서 도착합니다.' },
        claims: [{ t: 0, reaches: { within: 300, tol: 0.5 } }, { t: 0, shrinks: { from: 10, to: 200, by: 3 } }],
      },
    ],
  },
  {
    n: 6,
    scene: { function: 'quadratic', opts: ['adadelta()'], starts: [[-9, 2]], steps: 300 },
    minimum: [0, 0],
    answer: 1,
    focus: { select: 0, eq: 'Δ' },
    en: {
      title: 'Adadelta: no learning rate',
      intro: 'Adadelta has no learning rate to tune (Keras keeps lr = 1.0 as a plain factor). It divides the gradient by the root of its average square, like RMSprop, and multiplies by the root of the average squared past update d: Δ = −√(d + ε) / √(a + ε) · g. The ratio carries the units of x, not of f. At (−9, 2) the gradient is 22 times larger in y than in x.',
      question: 'How big is the very first step, in x and in y?',
      choices: ['22 times bigger in y, like the gradient', 'The same tiny size in both, set by ε', 'lr = 1.0 in both'],
      explain: 'At step 1 there are no past updates yet (d = 0), so the step is √ε / √(0.05·g²) · g = √(ε/0.05) per coordinate: about 0.00045 in x and in y alike, whatever the gradient. From there each step feeds the next through d, and the steps grow, but slowly: after 300 steps Adadelta has barely moved. With no learning rate, ε becomes the knob that sets the scale.',
    },
    ko: {
      title: 'Adadelta: 학습률 없이',
      intro: 'Adadelta에는 맞출 학습률이 없습니다(Keras는 lr = 1.0을 단순한 배수로 둡니다). RMSprop처럼 기울기를 기울기 제곱 평균의 제곱근으로 나누고, 지난 업데이트 제곱의 평균 d의 제곱근을 곱합니다: Δ = −√(d + ε) / √(a + ε) · g. 이 비율은 f가 아니라 x의 단위를 가집니다. (−9, 2)에서 기울기는 y 쪽이 x 쪽보다 22배 큽니다.',
      question: '맨 첫 스텝은 x와 y에서 각각 얼마나 클까요?',
      choices: ['기울기처럼 y 쪽이 22배 크다', '둘 다 똑같이 아주 작다. 크기는 ε이 정한다', '둘 다 lr = 1.0이다'],
      explain: '첫 스텝에는 아직 지난 업데이트가 없으므로(d = 0) 스텝은 좌표마다 √ε / √(0.05·g²) · g = √(ε/0.05)입니다. 기울기와 상관없이 x와 y 모두 약 0.00045입니다. 그다음부터는 d를 통해 스텝이 다음 스텝을 키우지만 아주 천천히 커져서, 300스텝이 지나도 Adadelta는 거의 움직이지 못합니다. 학습률이 없으니 스케일을 정하는 손잡이는 ε이 됩니다.',
    },
    claims: [
      { t: 0, equalFirstStep: 0.01 },
      { t: 0, firstStep: { dx: 0.00045, dy: -0.00045, tol: 0.00002 } },
      { t: 0, grows: { from: 1, to: 100 } },
      { t: 0, misses: { within: 300, tol: 5 } },
      { t: 0, endsNear: { point: [-9, 2], tol: 0.5 } },
    ],
    tries: [
      {
        change: { opts: ['adadelta(epsilon=0.0001)'] },
        en: { label: 'ε = 0.0001', note: 'A hundred times the first step: now Adadelta comes down the valley and is within 1 of the minimum by step 300.' },
        ko: { label: 'ε = 0.0001', note: '첫 스텝이 백 배가 됩니다. 이제 Adadelta도 골짜기를 내려와 300스텝 안에 최솟점에서 1 이내로 들어옵니다.' },
        claims: [{ t: 0, reaches: { within: 300, tol: 1 } }, { t: 0, equalFirstStep: 0.01 }],
      },
    ],
  },
  {
    n: 7,
    scene: { function: 'quadratic', opts: ['adam(lr=0.1)'], starts: [[-9, 2]], steps: 300 },
    minimum: [0, 0],
    answer: 2,
    focus: { select: 0, eq: 'lrt' },
    en: {
      title: 'Adam and its bias correction',
      intro: 'Adam is momentum plus RMSprop: m averages the gradients (β₁ = 0.9), v averages their squares (β₂ = 0.999), and the step is lr_t · m / (√v + ε). Both averages start at 0, so early on they are far too small; the bias correction lr_t = lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ) makes up for it. Here lr = 0.1, at (−9, 2), where the gradient is (−9, 200).',
      question: 'How big is Adam\'s first step?',
      choices: ['Tiny, because m and v start at 0', 'Proportional to the gradient: 200 in y', 'About lr in each coordinate: (+0.1, −0.1)'],
      explain: 'At t = 1, m = 0.1·g and v = 0.001·g², and lr_1 = lr·√0.001 / 0.1, so the step is lr · g / |g| = lr · sign(g): exactly 0.1 in x and in y, though the gradient in y is 22 times larger. Without the correction it would be 0.1 / √0.001 ≈ 3.2 times as long. Compare the highlighted lr_t line at step 1 and later: lr_t grows from 0.0316 towards lr, but slowly, because β₂ = 0.999 forgets slowly: at step 300 it is still 0.0509, about half of lr. Adam reaches the minimum all the same, within 300 steps.',
    },
    ko: {
      title: 'Adam과 편향 보정',
      intro: 'Adam은 모멘텀과 RMSprop을 합친 것입니다. m은 기울기의 평균(β₁ = 0.9), v는 기울기 제곱의 평균(β₂ = 0.999)이고, 스텝은 lr_t · m / (√v + ε)입니다. 두 평균 모두 0에서 시작하므로 처음에는 지나치게 작습니다. 편향 보정 lr_t = lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ)이 이를 메웁니다. 학습률 0.1로, 기울기가 (−9, 200)인 (−9, 2)에서 출발합니다.',
      question: 'Adam의 첫 스텝은 얼마나 클까요?',
      choices: ['m과 v가 0에서 시작하니 아주 작다', '기울기에 비례한다: y로 200', '좌표마다 학습률 정도: (+0.1, −0.1)'],
      explain: 't = 1에서 m = 0.1·g, v = 0.001·g²이고 lr_1 = lr·√0.001 / 0.1이므로, 스텝은 lr · g / |g| = lr · sign(g)입니다. y 쪽 기울기가 22배 크지만 x와 y 모두 정확히 0.1입니다. 보정이 없다면 첫 스텝은 0.1 / √0.001 ≈ 3.2배 길었을 것입니다. 식 패널에 강조된 lr_t 줄을 1스텝과 그 뒤에 비교해 보세요. lr_t는 0.0316에서 학습률 쪽으로 커지지만, β₂ = 0.999가 천천히 잊기 때문에 아주 느리게 커집니다. 300스텝에서도 0.0509로 학습률의 절반 정도입니다. 그래도 Adam은 300스텝 안에 최솟점에 닿습니다.',
    },
    claims: [
      { t: 0, firstStep: { dx: 0.1, dy: -0.1, tol: 1e-4 } },
      { t: 0, reaches: { within: 300, tol: 0.01 } },
    ],
    tries: [
      {
        change: { opts: ['adam(lr=0.5)'] },
        en: { label: 'lr = 0.5', note: 'The first step is now (+0.5, −0.5): lr · sign(g), whatever the gradient.' },
        ko: { label: '학습률 0.5', note: '이제 첫 스텝은 (+0.5, −0.5)입니다. 기울기와 상관없이 lr · sign(g)입니다.' },
        claims: [{ t: 0, firstStep: { dx: 0.5, dy: -0.5, tol: 5e-4 } }],
      },
    ],
  },
  {
    n: 8,
    scene: { function: 'saddle', opts: ['sgd(lr=0.05)'], starts: [[-1.5, 0]], steps: 100 },
    minimum: [0, 0],
    answer: 1,
    focus: { select: 0, eq: 'Δ' },
    en: {
      title: 'Saddle points and gradient noise',
      intro: 'f = x² − y² goes up along x and down along y: (0, 0) is a saddle point, a minimum in one direction and a maximum in the other. The gradient is (2x, −2y). Plain gradient descent starts exactly on the ridge, at (−1.5, 0), with lr = 0.05.',
      question: 'Where does it end up?',
      choices: ['It slides off downhill along y', 'It stops at the saddle point (0, 0)', 'It diverges at once'],
      explain: 'On the ridge y = 0 the gradient\'s y part, −2y, is exactly 0, so nothing ever pushes the path off it: x shrinks to 0 and the run stalls at the saddle, where the gradient vanishes, though the function goes down on both sides. In high dimensions such saddles are everywhere. Try noise: the smallest push off the ridge grows by 1 + 2·lr = 1.1 per step.',
    },
    ko: {
      title: '안장점과 기울기 잡음',
      intro: 'f = x² − y²는 x 방향으로는 올라가고 y 방향으로는 내려갑니다. (0, 0)은 안장점으로, 한 방향으로는 최솟점이고 다른 방향으로는 최댓점입니다. 기울기는 (2x, −2y)입니다. 기본 경사 하강법이 능선 위의 점 (−1.5, 0)에서 학습률 0.05로 출발합니다.',
      question: '어디에서 끝날까요?',
      choices: ['y 방향으로 미끄러져 내려간다', '안장점 (0, 0)에서 멈춘다', '곧바로 발산한다'],
      explain: '능선 y = 0 위에서는 기울기의 y 성분 −2y가 정확히 0이라, 경로를 능선 밖으로 밀어낼 것이 없습니다. x는 0으로 줄어들고, 함수가 양옆으로 내려가는데도 기울기가 사라지는 안장점에서 멈춥니다. 고차원에서는 이런 안장점이 흔합니다. 잡음을 넣어 보세요. 능선에서 조금만 벗어나도 그 거리가 스텝마다 1 + 2·lr = 1.1배로 커집니다.',
    },
    claims: [
      { t: 0, stays: { y: 0, tol: 1e-9 } },
      { t: 0, endsNear: { point: [0, 0], tol: 0.01 } },
    ],
    tries: [
      {
        change: { noise: 0.05 },
        en: { label: 'Gradient noise σ = 0.05', note: 'Noise knocks the path off the ridge, and the saddle sends it away downhill.' },
        ko: { label: '기울기 잡음 σ = 0.05', note: '잡음이 경로를 능선에서 밀어내고, 안장점은 경로를 내리막으로 보냅니다.' },
        claims: [{ t: 0, escapes: { y: 0, by: 1 } }],
      },
      {
        change: { starts: [[-1.5, 0.01]] },
        en: { label: 'Start at y = 0.01', note: 'A start just off the ridge: 0.01 grows to more than 1 within 100 steps.' },
        ko: { label: 'y = 0.01에서 출발', note: '능선에서 살짝 벗어난 출발점: 0.01이 100스텝 안에 1보다 커집니다.' },
        claims: [{ t: 0, escapes: { y: 0, by: 1 } }],
      },
    ],
  },
  {
    n: 9,
    scene: { function: 'himmelblau', opts: ['sgd(lr=0.01)'], starts: [[1, 1], [-1, 1], [-1, -1], [1, -1]], steps: 300 },
    minimum: [3, 2],
    answer: 2,
    focus: null,
    en: {
      title: 'Many minima',
      intro: 'Himmelblau\'s function has four minima, all with f = 0: (3, 2), (−2.81, 3.13), (−3.78, −3.28) and (3.58, −1.85). Plain gradient descent with lr = 0.01 starts from four points around the origin, one in each quadrant.',
      question: 'Where do the four paths end?',
      choices: ['All at the same minimum, the nearest to the origin', 'At the start: between minima the slope cancels', 'Each in the minimum of its own quadrant'],
      explain: 'Gradient descent only knows the slope under its feet: each path rolls into the basin it starts in, and here each start lies in a different basin, so the four paths find all four minima. Which minimum you get depends on where you start — and, as the try-this shows, on the optimizer: Adam\'s longer first steps carry the start (1, −1) into another basin.',
    },
    ko: {
      title: '여러 개의 최솟점',
      intro: 'Himmelblau 함수에는 f = 0인 최솟점이 네 개 있습니다: (3, 2), (−2.81, 3.13), (−3.78, −3.28), (3.58, −1.85). 기본 경사 하강법이 학습률 0.01로, 원점 둘레의 사분면마다 한 점씩 네 점에서 출발합니다.',
      question: '네 경로는 어디에서 끝날까요?',
      choices: ['모두 원점에서 가장 가까운 같은 최솟점', '출발점 그대로: 최솟점 사이에서는 경사가 상쇄된다', '각자 자기 사분면의 최솟점'],
      explain: '경사 하강법은 발밑의 경사만 압니다. 경로는 저마다 출발한 분지로 굴러 내려가고, 여기서는 출발점이 모두 다른 분지에 있으니 네 경로가 네 최솟점을 모두 찾습니다. 어느 최솟점에 닿을지는 출발점에 달려 있고, 직접 해 보기에서 보듯 옵티마이저에도 달려 있습니다. Adam은 첫 스텝이 길어서 (1, −1)에서 출발한 경로를 다른 분지로 데려갑니다.',
    },
    claims: [
      { t: 0, endsNear: { point: [3, 2], tol: 0.01 } },
      { t: 1, endsNear: { point: [-2.805118, 3.131312], tol: 0.01 } },
      { t: 2, endsNear: { point: [-3.779310, -3.283186], tol: 0.01 } },
      { t: 3, endsNear: { point: [3.584428, -1.848126], tol: 0.01 } },
    ],
    tries: [
      {
        change: { opts: ['adam(lr=0.1)'] },
        en: { label: 'Adam with lr = 0.1', note: 'The same four starts: three end as before, but the start (1, −1) now ends at (3, 2).' },
        ko: { label: 'Adam 학습률 0.1', note: '같은 네 출발점: 셋은 전과 같지만, (1, −1)에서 출발한 경로는 이제 (3, 2)에서 끝납니다.' },
        claims: [
          { t: 0, endsNear: { point: [3, 2], tol: 0.01 } },
          { t: 1, endsNear: { point: [-2.805118, 3.131312], tol: 0.01 } },
          { t: 2, endsNear: { point: [-3.779310, -3.283186], tol: 0.01 } },
          { t: 3, endsNear: { point: [3, 2], tol: 0.01 } },
        ],
      },
    ],
  },
  {
    n: 10,
    scene: { function: 'himmelblau', opts: ['adam(lr=0.1)', 'adamw(lr=0.1, weight_decay=0.3)', 'lion(lr=0.05)'], starts: [[0, 0]], steps: 200 },
    minimum: [3, 2],
    answer: 1,
    focus: { select: 1, eq: 'Δ' },
    en: {
      title: 'After Keras 1: AdamW and Lion',
      intro: 'Two newer optimizers. AdamW is Adam plus decoupled weight decay: besides Adam\'s step, every parameter shrinks towards 0 by lr · weight_decay of its value. Lion keeps a momentum but moves every coordinate by exactly lr, in the direction of the sign of a blend of momentum and gradient. From (0, 0) on Himmelblau\'s function: Adam (lr 0.1), AdamW (weight decay 0.3) and Lion (lr 0.05).',
      question: 'Where does AdamW stop?',
      choices: ['At (3, 2), like Adam: decay only matters for big networks', 'Short of (3, 2), pulled back towards (0, 0)', 'At (0, 0): the decay wins'],
      explain: 'Adam reaches (3, 2). AdamW\'s decay pulls every step back towards the origin, so it stops where the pull balances the slope, short of the minimum, at a higher f: weight decay trades loss for small weights. Lion moves by exactly 0.05 in x and in y at every step — diagonal steps, whatever the gradient\'s size — and so reaches the minimum in a straight staircase.',
    },
    ko: {
      title: 'Keras 1 이후: AdamW와 Lion',
      intro: '새로 나온 옵티마이저 둘입니다. AdamW는 Adam에 분리된 가중치 감쇠를 더한 것입니다. Adam의 스텝과 별도로 모든 매개변수가 자기 값의 lr · weight_decay만큼 0 쪽으로 줄어듭니다. Lion은 모멘텀을 쓰지만, 모멘텀과 기울기를 섞은 값의 부호 방향으로 모든 좌표를 정확히 학습률만큼 움직입니다. Himmelblau 함수의 (0, 0)에서 Adam(학습률 0.1), AdamW(가중치 감쇠 0.3), Lion(학습률 0.05)이 출발합니다.',
      question: 'AdamW는 어디에서 멈출까요?',
      choices: ['Adam처럼 (3, 2): 감쇠는 큰 신경망에서만 의미가 있다', '(3, 2)에 못 미쳐서, (0, 0) 쪽으로 끌려 돌아간 곳', '(0, 0): 감쇠가 이긴다'],
      explain: 'Adam은 (3, 2)에 닿습니다. AdamW의 감쇠는 스텝마다 경로를 원점 쪽으로 끌어당기므로, 끌어당기는 힘과 경사가 맞서는 곳, 곧 최솟점에 못 미치는 더 높은 f에서 멈춥니다. 가중치 감쇠는 손실을 조금 내주고 작은 가중치를 얻습니다. Lion은 기울기 크기와 상관없이 매 스텝 x와 y로 정확히 0.05씩, 대각선으로 움직여 곧은 계단을 따라 최솟점에 닿습니다.',
    },
    claims: [
      { t: 0, reaches: { within: 100, tol: 0.05 } },
      { t: 1, misses: { within: 200, tol: 0.2 } },
      { t: 1, endsAbove: 1 },
      { t: 1, endNormBelow: 3.45 },
      { t: 2, signSteps: { size: 0.05, until: 40, tol: 1e-4 } },
      { t: 2, reaches: { within: 150, tol: 0.2 } },
    ],
    tries: [
      {
        change: { opts: ['adam(lr=0.1)', 'adamw(lr=0.1, weight_decay=0.1)', 'lion(lr=0.02)'] },
        en: { label: 'Weight decay 0.1, Lion lr 0.02', note: 'Less decay, a smaller gap: AdamW now stops near (3, 2). Lion\'s steps are exactly 0.02, so the staircase takes longer.' },
        ko: { label: '가중치 감쇠 0.1, Lion 학습률 0.02', note: '감쇠가 작으면 차이도 작습니다. 이제 AdamW는 (3, 2) 가까이에서 멈춥니다. Lion의 스텝은 정확히 0.02라서 계단이 더 길어집니다.' },
        claims: [
          { t: 1, reaches: { within: 200, tol: 0.2 } },
          { t: 2, signSteps: { size: 0.02, until: 40, tol: 1e-4 } },
          { t: 2, misses: { within: 100, tol: 0.2 } },
        ],
      },
    ],
  },
  {
    n: 11,
    scene: { function: 'rosenbrock', opts: ['adam(lr=0.01)', 'sgd(lr=0.0001, momentum=0.9)'], starts: [[-1.5, 2], [1.5, -0.5]], steps: 500 },
    minimum: [1, 1],
    answer: 1,
    en: {
      title: 'Which optimizer is best?',
      intro: 'Most comparisons of optimizers are races like this one: Adam at lr 0.01 against SGD with momentum 0.9 at lr 0.0001, on Rosenbrock, 500 steps, from two starts. Adam ends lower from both. Someone picked those two learning rates.',
      question: 'Is Adam the better optimizer on Rosenbrock?',
      choices: ['Yes: it ends lower from every start', 'This race cannot tell: it compares two learning rates someone picked', 'No: SGD with momentum always wins on valleys'],
      explain: 'A race at hand-picked settings compares the settings. A fair race tunes each optimizer first on the same budget: the same 500 steps, the same 64 starts drawn in the view, 25 learning rates from 10⁻⁴ to 10 times its own, each judged by the median over the starts of log₁₀(f) at the last step (Tune fairly, in the race, draws those curves). Tuned, SGD with momentum (lr ≈ 0.0013) beats Adam at its best rate (0.01, the top of its sweep) in the median, but diverges from a quarter of the starts. Try the tuned race, then change what "best" means.',
    },
    ko: {
      title: '어떤 옵티마이저가 가장 좋을까요?',
      intro: '옵티마이저 비교는 대개 이런 경주입니다: Rosenbrock 함수에서 학습률 0.01의 Adam과 학습률 0.0001, 모멘텀 0.9의 SGD가 두 시작점에서 500스텝을 달립니다. 두 시작점 모두 Adam이 더 낮게 끝납니다. 두 학습률은 누군가 고른 값입니다.',
      question: 'Rosenbrock에서는 Adam이 더 좋은 옵티마이저일까요?',
      choices: ['그렇다: 모든 시작점에서 더 낮게 끝난다', '이 경주로는 알 수 없다: 누군가 고른 두 학습률을 비교한 것이다', '아니다: 골짜기에서는 모멘텀 SGD가 늘 이긴다'],
      explain: '손으로 고른 설정에서의 경주는 설정을 비교합니다. 공정한 경주는 먼저 각 옵티마이저를 같은 예산으로 튜닝합니다: 같은 500스텝, 화면 영역에서 뽑은 같은 64개의 시작점, 자기 학습률의 10⁻⁴배부터 10배까지 25개의 학습률, 그리고 시작점들에 대한 마지막 스텝 log₁₀(f)의 중앙값으로 평가합니다(경주 화면의 "공정하게 튜닝"이 그 곡선을 그립니다). 튜닝하면 모멘텀 SGD(학습률 약 0.0013)가 가장 좋은 학습률(0.01, 범위의 끝)의 Adam을 중앙값에서 이기지만, 시작점의 4분의 1에서 발산합니다. 튜닝된 경주를 보고, "가장 좋다"의 뜻을 바꿔 보세요.',
    },
    claims: [
      { better: [0, 2], at: 500 },
      { better: [1, 3], at: 500 },
      { t: 2, diverges: false },
      { t: 3, diverges: false },
    ],
    tries: [
      {
        change: { opts: ['adam(lr=0.01)', 'sgd(lr=0.00133352143216333, momentum=0.9)'] },
        en: { label: 'The tuned race', note: 'Each at the rate with the best median: SGD with momentum ends far lower from (−1.5, 2), but from (1.5, −0.5) it diverges — the price of its best median.' },
        ko: { label: '튜닝된 경주', note: '각자 중앙값이 가장 좋은 학습률로: 모멘텀 SGD는 (−1.5, 2)에서 훨씬 낮게 끝나지만, (1.5, −0.5)에서는 발산합니다. 가장 좋은 중앙값의 대가입니다.' },
        claims: [
          { tuned: { from: ['adam', 'sgd(momentum=0.9)'], score: 'final', diverged: [0, 0.25] } },
          { better: [2, 0], at: 500 },
          { t: 3, diverges: true },
          { t: 1, diverges: false },
        ],
      },
      {
        change: { opts: ['adam(lr=0.01)', 'sgd(lr=0.000510896977450693, momentum=0.9)'], noise: 3, seed: 0 },
        en: { label: 'Tuned with gradient noise σ = 3', note: 'Tuned again over four noise seeds: noise makes the edge of divergence come sooner, so SGD\'s best rate drops to 0.0005, and it now ends lower than Adam from both starts without diverging.' },
        ko: { label: '기울기 잡음 σ = 3으로 튜닝', note: '잡음 시드 네 개로 다시 튜닝했습니다. 잡음이 있으면 발산하는 경계가 더 일찍 오므로 SGD의 가장 좋은 학습률이 0.0005로 내려가고, 이제 두 시작점 모두에서 발산 없이 Adam보다 낮게 끝납니다.' },
        claims: [
          { tuned: { from: ['adam', 'sgd(momentum=0.9)'], score: 'final', noise: 3, seeds: 4, diverged: [0, 0] } },
          { better: [2, 0], at: 500 },
          { better: [3, 1], at: 500 },
          { t: 3, diverges: false },
        ],
      },
      {
        change: { opts: ['adam(lr=1e-07)', 'sgd(lr=1e-06, momentum=0.9)'] },
        en: { label: 'Tuned for speed: steps to reach f*', note: 'Scored by the first step within 10⁻⁴ of the minimum, no rate of either gets there in half the runs within 500 steps: every rate ties, the first one wins, and the "tuned" race does not move. A score must be able to tell the settings apart.' },
        ko: { label: '속도로 튜닝: f*에 닿는 스텝', note: '최솟값의 10⁻⁴ 안에 처음 들어온 스텝으로 평가하면, 500스텝 안에 실행의 절반이 닿는 학습률이 하나도 없습니다. 모든 학습률이 비기고 첫 번째가 뽑혀, "튜닝된" 경주는 거의 움직이지 않습니다. 점수는 설정들을 구별할 수 있어야 합니다.' },
        claims: [
          { tuned: { from: ['adam', 'sgd(momentum=0.9)'], score: 'reach' } },
          { t: 0, endsNear: { point: [-1.5, 2], tol: 1e-3 } },
          { t: 2, misses: { within: 500, tol: 1 } },
        ],
      },
    ],
  },
  {
    n: 12,
    scene: {
      function: 'rosenbrock', starts: [[-1.5, 2]], steps: 500,
      opts: ['sgd(lr=0.004, momentum=0.9)', 'sgd(lr=0.004, momentum=0.9, schedule=cosine(steps=500, warmup=100))',
        'sgd_schedulefree(lr=0.01)'],
    },
    minimum: [1, 1],
    answer: 1,
    focus: { select: 1, eq: 'Δ' },
    en: {
      title: 'Learning-rate schedules: warmup, cosine, or none',
      intro: 'A schedule changes the learning rate as the run goes: the rate of step t is lr · m(t). With a warmup of W steps m rises from 1/W to 1; a cosine then takes it down to 0 at the last step. The chart under the loss chart draws each run\'s rate. Here SGD with momentum 0.9 at lr = 0.004 starts at (−1.5, 2) on Rosenbrock\'s curved valley, where the gradient is (−155, −50), and explodes within a few steps. The second run has the same peak rate, with 100 steps of warmup and a cosine over the 500 steps. The third is schedule-free SGD (lr = 0.01), which has no schedule at all.',
      question: 'What does the run with warmup and cosine do?',
      choices: ['It explodes too: its peak rate is the same', 'It slides into the valley and ends near the minimum (1, 1)', 'It stops halfway: the cosine brings the rate to 0 too early'],
      explain: 'The warmup starts at lr / 100: the first steps are tiny while the path slides down the steep wall into the valley, where the gradient is small. By step 100, when the rate reaches 0.004, the path is already in the valley, and that rate is safe there. The cosine then lowers the rate step by step, so the last steps are small and the path settles: within 0.01 of (1, 1) by step 500. The constant rate has no such start and diverges in the legend. Schedule-free SGD needs no schedule and no end date: it takes its gradients at y (the thick line) and keeps an average x of its steps (the thin line beside it) that plays the part of the cosine\'s cooldown; its y also ends near (1, 1), within 0.05.',
    },
    ko: {
      title: '학습률 스케줄: 워밍업, 코사인, 그리고 스케줄 없이',
      intro: '스케줄은 실행하는 동안 학습률을 바꿉니다. t번째 스텝의 학습률은 lr · m(t)입니다. W스텝 워밍업 동안 m은 1/W에서 1까지 올라가고, 이어서 코사인이 마지막 스텝에서 0이 되도록 내립니다. 손실 그래프 아래 그래프가 실행마다 학습률을 그립니다. 여기서는 모멘텀 0.9, 학습률 0.004의 SGD가 Rosenbrock의 휘어진 골짜기에서 기울기가 (−155, −50)인 (−1.5, 2)에서 출발하는데, 몇 스텝 만에 발산합니다. 두 번째 실행은 최대 학습률은 같고, 100스텝 워밍업 뒤 500스텝에 걸친 코사인을 씁니다. 세 번째는 스케줄이 아예 없는 스케줄 프리 SGD(학습률 0.01)입니다.',
      question: '워밍업과 코사인을 쓴 실행은 어떻게 될까요?',
      choices: ['역시 발산한다: 최대 학습률이 같다', '골짜기로 미끄러져 내려가 최솟점 (1, 1) 가까이에서 끝난다', '중간에 멈춘다: 코사인이 학습률을 너무 일찍 0으로 만든다'],
      explain: '워밍업은 lr / 100에서 시작합니다. 경로가 가파른 벽을 따라 기울기가 작은 골짜기로 내려가는 동안 처음 스텝들은 아주 작습니다. 학습률이 0.004에 이르는 100스텝 무렵에는 경로가 이미 골짜기 안에 있고, 거기서는 그 학습률이 안전합니다. 이어서 코사인이 학습률을 조금씩 낮추므로 마지막 스텝들은 작아지고 경로가 자리를 잡습니다. 500스텝까지 (1, 1)에서 0.01 안으로 들어옵니다. 고정 학습률은 이런 출발이 없어서 범례에 발산으로 표시됩니다. 스케줄 프리 SGD는 스케줄도 끝나는 시점도 필요 없습니다. 기울기는 y(굵은 선)에서 구하고, 스텝들의 평균 x(옆의 가는 선)를 따로 두는데, 이 평균이 코사인의 마무리 역할을 합니다. 이 실행의 y도 (1, 1)에서 0.05 안에서 끝납니다.',
    },
    claims: [
      { t: 0, diverges: true },
      { t: 1, diverges: false },
      { t: 1, reaches: { within: 500, tol: 0.01 } },
      { t: 1, endsNear: { point: [1, 1], tol: 0.01 } },
      { t: 2, diverges: false },
      { t: 2, endsNear: { point: [1, 1], tol: 0.05 } },
      { better: [1, 2], at: 500 },
    ],
    tries: [
      {
        change: { opts: ['sgd(lr=0.004, momentum=0.9)', 'sgd(lr=0.004, momentum=0.9, schedule=constant(warmup=100))', 'sgd_schedulefree(lr=0.01)'] },
        en: { label: 'Warmup only, no cosine', note: 'The warmup alone gets the run into the valley, but at 0.004 to the end it keeps bouncing along it: f is still above 0.1 at step 500.' },
        ko: { label: '코사인 없이 워밍업만', note: '워밍업만으로도 골짜기에는 들어가지만, 끝까지 0.004로 달리니 골짜기를 따라 계속 튑니다. 500스텝에서도 f가 0.1보다 큽니다.' },
        claims: [{ t: 1, diverges: false }, { t: 1, endsAbove: 0.1 }],
      },
      {
        change: { opts: ['sgd(lr=0.004, momentum=0.9)', 'sgd(lr=0.004, momentum=0.9, schedule=cosine(steps=500))', 'sgd_schedulefree(lr=0.01)'] },
        en: { label: 'Cosine without warmup', note: 'The cosine starts at the full rate: on the steep wall that is the constant run\'s start, and it diverges as fast.' },
        ko: { label: '워밍업 없는 코사인', note: '코사인은 처음부터 최대 학습률로 시작합니다. 가파른 벽에서는 고정 학습률과 같은 출발이라 똑같이 빨리 발산합니다.' },
        claims: [{ t: 1, diverges: true }],
      },
    ],
  },
];

/** The scene a try-this runs: the lesson's scene with the try's changes. */
export function tryScene(lesson, i) {
  return { ...lesson.scene, ...lesson.tries[i].change };
}
