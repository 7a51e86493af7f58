// Export a run as JSON or CSV, and save the landscape plot as SVG or PNG.

export function download(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function points(run, i) {
  const out = [];
  for (let k = 0; k <= run.available; k++) {
    if (Number.isNaN(run.x[i][k])) break;
    out.push([run.x[i][k], run.y[i][k], run.f[i][k]]);
  }
  return out;
}

/** The run as `clopt run` prints it: function, steps, every, and each trajectory. */
export function exportJson(run) {
  const body = {
    function: run.request.function,
    steps: run.steps,
    every: 1,
    request: run.request,
    trajectories: run.trajectories.map((tr, i) => ({
      optimizer: tr.config, start: tr.start, points: points(run, i), diverged_at: run.diverged[i],
    })),
  };
  download(new Blob([JSON.stringify(body)], { type: 'application/json' }), `clopt-${run.request.function}.json`);
}

export function exportCsv(run) {
  const rows = ['trajectory,optimizer,step,x,y,f'];
  run.trajectories.forEach((tr, i) => {
    const label = /[",]/.test(tr.label) ? `"${tr.label.replace(/"/g, '""')}"` : tr.label;
    points(run, i).forEach((p, k) => rows.push(`${i},${label},${k},${p[0]},${p[1]},${p[2]}`));
  });
  download(new Blob([`${rows.join('\n')}\n`], { type: 'text/csv' }), `clopt-${run.request.function}.csv`);
}

// The page's stylesheet does not travel with a saved SVG: the rules it needs go inside.
const SVG_STYLE = `
  .trajectory { fill: none; stroke-width: 2.2; stroke-linejoin: round; }
  .head { stroke: #fff; stroke-width: 1.5; }
  .start { fill: #fff; stroke: #000; stroke-width: 2; }
  .minimum { fill: none; stroke: #fff; stroke-width: 2; }
  .contour { fill: none; stroke: rgba(255,255,255,0.45); stroke-width: 0.8; }
  .diverged { font: 600 12px sans-serif; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
  text { font: 12px sans-serif; }`;

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The optimizers' colours and names, drawn into the saved picture (the page's are HTML). */
function addLegend(copy, legend) {
  const g = document.createElementNS(SVG_NS, 'g');
  g.setAttribute('transform', 'translate(52,26)');
  legend.forEach(({ label, colour }, i) => {
    const row = document.createElementNS(SVG_NS, 'g');
    row.setAttribute('transform', `translate(0,${i * 18})`);
    row.innerHTML = `<rect x="-4" y="-11" width="${label.length * 7 + 40}" height="17" fill="rgba(255,255,255,0.85)"/>`
      + `<line x1="0" x2="20" y1="-3" y2="-3" stroke="${colour}" stroke-width="3"/><text x="26" y="1"></text>`;
    row.querySelector('text').textContent = label;
    g.append(row);
  });
  copy.append(g);
}

function standalone(svgNode, legend = []) {
  const copy = svgNode.cloneNode(true);
  addLegend(copy, legend);
  const box = svgNode.viewBox.baseVal;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', box.width);
  copy.setAttribute('height', box.height);
  const style = document.createElementNS(SVG_NS, 'style');
  style.textContent = SVG_STYLE;
  copy.prepend(style);
  return { text: new XMLSerializer().serializeToString(copy), width: box.width, height: box.height };
}

/** Saves the plot; legend: [{label, colour}] per optimizer. */
export function saveSvg(svgNode, name, legend) {
  download(new Blob([standalone(svgNode, legend).text], { type: 'image/svg+xml' }), `${name}.svg`);
}

/** An SVG document's text as a loaded image, to draw on a canvas. */
export function svgImage(text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      URL.revokeObjectURL(url);
      resolve(img);
    };
    img.onerror = reject;
    img.src = url;
  });
}

export async function savePng(svgNode, name, legend) {
  const { text, width, height } = standalone(svgNode, legend);
  const img = await svgImage(text);
  const canvas = document.createElement('canvas');
  canvas.width = width * 2;
  canvas.height = height * 2;
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.drawImage(img, 0, 0, canvas.width, canvas.height);
  canvas.toBlob((blob) => download(blob, `${name}.png`), 'image/png');
}

/** Copies url to the clipboard (or shows it to be copied), and says so in `where`. */
export async function copyLink(url, where, { copied, share }) {
  try {
    await navigator.clipboard.writeText(url);
    where.textContent = copied;
  } catch {
    window.prompt(share, url);
  }
}
