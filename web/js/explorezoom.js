// Zooming on an Explore map: a rectangle dragged with the mouse (or, on a touch screen, with
// one finger once "Zoom box" is on: otherwise one finger scrolls the page, as on the race's
// map), or the wheel turned over a map. The rectangle is drawn over the map as it is dragged;
// a wheel's turns add up and are shown the same way until the wheel rests. What the
// rectangle means as a window is explorewindow.js's.

const SVG_NS = 'http://www.w3.org/2000/svg';
const WHEEL_REST = 350; // ms without a wheel event: the turn is over, the window is asked for
const DRAG = 6; // px: a shorter drag is a click (or a tap)

/**
 * Makes `canvas` (its picture at (left, top), w x h px in `svg`'s coordinates) zoomable.
 * oneAxis: a one-axis sweep (the rectangle spans the height); keepAspect: the rectangle keeps
 * the map's shape (basin maps); touchZoom(): whether a finger draws a rectangle now.
 * onRect({u0, u1, v0, v1}) gets a dragged rectangle, onWheel({u, v, factor}) a wheel's turn,
 * both as fractions of the picture (v from the bottom).
 */
export function zoomable(opts) {
  const box = overlay(opts);
  dragging(opts, box);
  wheeling(opts, box);
}

/** The rectangle over the map: frac(e) the pointer's fractions, outline(f) shows f (null hides), shaped(f) as the map takes it. */
function overlay({ canvas, svg, left, top, w, h, oneAxis, keepAspect }) {
  const rect = document.createElementNS(SVG_NS, 'rect');
  rect.setAttribute('class', 'explore-zoom');
  rect.style.display = 'none';
  svg.append(rect);
  const c = (x) => Math.min(1, Math.max(0, x));
  const frac = (e) => {
    const b = canvas.getBoundingClientRect();
    return [c((e.clientX - b.left) / b.width), c(1 - (e.clientY - b.top) / b.height)];
  };
  const outline = (f) => {
    if (!f) {
      rect.style.display = 'none';
      return;
    }
    const x0 = left + c(f.u0) * w;
    const x1 = left + c(f.u1) * w;
    const y0 = top + (1 - c(f.v1)) * h;
    const y1 = top + (1 - c(f.v0)) * h;
    Object.entries({ x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) })
      .forEach(([k, v]) => rect.setAttribute(k, v));
    rect.style.display = null;
  };
  const shaped = (f) => {
    if (oneAxis) return { ...f, v0: 0, v1: 1 };
    if (!keepAspect) return f;
    const k = Math.max(f.u1 - f.u0, f.v1 - f.v0);
    const [cu, cv] = [(f.u0 + f.u1) / 2, (f.v0 + f.v1) / 2];
    return { u0: cu - k / 2, u1: cu + k / 2, v0: cv - k / 2, v1: cv + k / 2 };
  };
  return { frac, outline, shaped };
}

/** A rectangle dragged with the mouse (or a finger in "Zoom box" mode); a short drag stays a click. */
function dragging({ canvas, touchZoom, onRect }, { frac, outline, shaped }) {
  let drag = null; // {id, x, y, from: [u, v], moved}
  let swallow = false; // the click that ends a drag is not a click on a cell
  canvas.addEventListener('pointerdown', (e) => {
    const touch = e.pointerType === 'touch';
    if ((touch && !touchZoom()) || (!touch && e.button !== 0) || drag) return;
    drag = { id: e.pointerId, x: e.clientX, y: e.clientY, from: frac(e), moved: false };
    if (!touch) canvas.setPointerCapture(e.pointerId); // a touch is captured by its target already
  });
  const span = (e) => {
    const [u, v] = frac(e);
    const [a, b] = drag.from;
    return shaped({ u0: Math.min(a, u), u1: Math.max(a, u), v0: Math.min(b, v), v1: Math.max(b, v) });
  };
  canvas.addEventListener('pointermove', (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    drag.moved = drag.moved || Math.hypot(e.clientX - drag.x, e.clientY - drag.y) >= DRAG;
    if (drag.moved) outline(span(e));
  });
  canvas.addEventListener('pointerup', (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    const f = drag.moved && span(e);
    drag = null;
    outline(null);
    if (!f) return;
    swallow = true;
    setTimeout(() => { swallow = false; }, 0); // after the click this pointerup makes, if any
    onRect(f);
  });
  canvas.addEventListener('pointercancel', () => {
    drag = null;
    outline(null);
  });
  // Before hoverAndClick's own listener (capture runs first at the target).
  canvas.addEventListener('click', (e) => {
    if (swallow) e.stopImmediatePropagation();
  }, true);
}

/** The wheel: its turns about one point add up (shown as the rectangle) until it rests. */
function wheeling({ canvas, onWheel }, { frac, outline, shaped }) {
  let turn = null; // {u, v, factor, timer}: the wheel's turn so far
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    const [u, v] = frac(e);
    if (!turn || Math.abs(turn.u - u) > 0.02 || Math.abs(turn.v - v) > 0.02) {
      if (turn) clearTimeout(turn.timer);
      turn = { u, v, factor: 1 };
    }
    const unit = [1, 33, 400][e.deltaMode] || 1; // pixels, lines, pages
    // one turn of the wheel zooms in at most 2^12 times, out at most 64 times
    turn.factor = Math.min(64, Math.max(2 ** -12, turn.factor * 2 ** ((e.deltaY * unit) / 100)));
    const k = turn.factor;
    outline(k < 1 ? shaped({ u0: u - u * k, u1: u + (1 - u) * k, v0: v - v * k, v1: v + (1 - v) * k }) : null);
    clearTimeout(turn.timer);
    turn.timer = setTimeout(() => {
      const done = turn;
      turn = null;
      outline(null);
      if (done.factor !== 1) onWheel({ u: done.u, v: done.v, factor: done.factor });
    }, WHEEL_REST);
  }, { passive: false });
}
