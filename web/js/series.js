// Per-batch loss series of a training. Pure: no DOM, tested with node's test runner.

/** The epoch axis position of batch b (1-based) of epoch e (1-based): e - 1 + b / batches. */
export function epochPosition(epoch, batch, batches) {
  return epoch - 1 + batch / batches;
}

/**
 * Exponential moving average with bias correction (as Adam's m-hat), so the first values
 * are not pulled toward 0: out[i] = m_i / (1 - (1 - alpha)^(i + 1)).
 */
export function ema(values, alpha = 0.05) {
  return values.map(smoother(alpha));
}

/** The same average one value at a time: next(v) returns the average so far. */
export function smoother(alpha) {
  let m = 0;
  let w = 1;
  return (v) => {
    m = (1 - alpha) * m + alpha * v;
    w *= 1 - alpha;
    return m / (1 - w);
  };
}

/** "87.1%" for 0.8714; "—" for a missing value. */
export function percent(x) {
  return Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '—';
}
