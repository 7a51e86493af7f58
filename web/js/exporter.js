// Export a run as JSON or CSV, and save the landscape plot as SVG or PNG.

function download(blob, name) {
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

function standalone(svgNode) {
  const copy = svgNode.cloneNode(true);
  const box = svgNode.viewBox.baseVal;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', box.width);
  copy.setAttribute('height', box.height);
  const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
  style.textContent = SVG_STYLE;
  copy.prepend(style);
  return { text: new XMLSerializer().serializeToString(copy), width: box.width, height: box.height };
}

export function saveSvg(svgNode, name) {
  download(new Blob([standalone(svgNode).text], { type: 'image/svg+xml' }), `${name}.svg`);
}

export function savePng(svgNode, name) {
  const { text, width, height } = standalone(svgNode);
  const img = new Image();
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  img.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = width * 2;
    canvas.height = height * 2;
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(img, 0, 0, canvas.width, canvas.height);
    URL.revokeObjectURL(url);
    canvas.toBlob((blob) => download(blob, `${name}.png`), 'image/png');
  };
  img.src = url;
}
