// Live training curves on a canvas: one chart per quantity, train and validation as lines that
// differ in colour and dash (readable without colour vision).

export interface Series {
  name: string;
  colour: string;
  dashed: boolean;
  values: (number | null)[];
}

/** Draws `series` over epochs 1…n into `canvas`, with axes, ticks and a legend; `kept` marks
 * the epoch the model kept with a dotted vertical line. */
export function drawChart(canvas: HTMLCanvasElement, title: string, series: Series[], fixedRange?: [number, number], kept?: number): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 360;
  const height = canvas.clientHeight || 180;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const g = canvas.getContext('2d');
  if (!g) return;
  g.scale(ratio, ratio);
  g.fillStyle = '#fff';
  g.fillRect(0, 0, width, height);
  const pad = { left: 44, right: 10, top: 22, bottom: 26 };
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const epochs = Math.max(1, ...series.map((s) => s.values.length));
  let [low, high] = fixedRange ?? [Math.min(...values, Infinity), Math.max(...values, -Infinity)];
  if (!Number.isFinite(low) || !Number.isFinite(high)) [low, high] = [0, 1];
  if (high - low < 1e-9) [low, high] = [low - 0.5, high + 0.5];
  const x = (epoch: number) => pad.left + ((epoch - 1) / Math.max(1, epochs - 1)) * (width - pad.left - pad.right);
  const y = (v: number) => pad.top + (1 - (v - low) / (high - low)) * (height - pad.top - pad.bottom);
  g.strokeStyle = '#555';
  g.fillStyle = '#222';
  g.font = '12px system-ui, sans-serif';
  g.beginPath();
  g.moveTo(pad.left, pad.top);
  g.lineTo(pad.left, height - pad.bottom);
  g.lineTo(width - pad.right, height - pad.bottom);
  g.stroke();
  g.fillText(title, pad.left, 14);
  for (const v of [low, (low + high) / 2, high]) g.fillText(v.toPrecision(3), 2, y(v) + 4);
  if (kept !== undefined && kept >= 1 && kept <= epochs) {
    g.setLineDash([2, 3]);
    g.beginPath();
    g.moveTo(x(kept), pad.top);
    g.lineTo(x(kept), height - pad.bottom);
    g.stroke();
    g.setLineDash([]);
    g.fillText(`kept ${kept}`, Math.min(x(kept) + 3, width - pad.right - 44), pad.top + 10);
  }
  canvas.dataset.kept = kept === undefined ? '' : String(kept);
  g.fillText('1', x(1) - 3, height - 8);
  g.fillText(`epoch ${epochs}`, width - pad.right - 52, height - 8);
  let legendX = pad.left + g.measureText(title).width + 16;
  for (const s of series) {
    g.strokeStyle = s.colour;
    g.lineWidth = 2;
    g.setLineDash(s.dashed ? [6, 4] : []);
    g.beginPath();
    let drawing = false;
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        drawing = false;
        return;
      }
      if (drawing) g.lineTo(x(i + 1), y(v));
      else g.moveTo(x(i + 1), y(v));
      drawing = true;
    });
    g.stroke();
    g.beginPath();
    g.moveTo(legendX, 10);
    g.lineTo(legendX + 20, 10);
    g.stroke();
    g.setLineDash([]);
    g.fillText(s.name, legendX + 24, 14);
    legendX += 34 + g.measureText(s.name).width;
  }
  g.lineWidth = 1;
}
