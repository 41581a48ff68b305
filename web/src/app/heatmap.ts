// Bead × bead matrices as labelled heatmaps: bead numbers (from 1, on the beads' colours) on both
// axes, values written in, and a colour bar. Couplings use one blue scale from 0; a difference
// between classes uses a red–blue scale symmetric about 0.
import { beadColour, css, diverging, fade } from 'molsig/viewer';

/** Draws `values` (`[beads, beads]`, row-major) on `canvas`, coloured against `top` (the scale's
 * end, shared by every matrix that should be compared). `signed`: a difference, coloured red
 * (positive) and blue (negative). */
export function drawMatrix(canvas: HTMLCanvasElement, values: readonly number[], beads: number, top: number, signed = false, unit = 'nm²'): void {
  const m = beads;
  const g = canvas.getContext('2d');
  if (!g) return;
  const cell = m > 0 ? Math.max(22, Math.min(48, Math.floor(360 / m))) : 0;
  const [left, head, bar] = [34, 34, 74];
  canvas.width = left + cell * m + bar;
  canvas.height = Math.max(head + cell * m, 150) + 8;
  canvas.dataset.scale = String(top);
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  if (m === 0) return;
  const colour = (v: number) => (signed ? diverging(v) : fade(0x08306b, v));
  g.font = '11px system-ui, sans-serif';
  for (let a = 0; a < m; a += 1) {
    g.fillStyle = css(beadColour(a));
    g.fillRect(left + a * cell, 4, cell - 2, 14);
    g.fillRect(2, head + a * cell, 14, cell - 2);
    g.fillStyle = '#111';
    g.fillText(String(a + 1), left + a * cell + cell / 2 - 3, 30);
    g.fillText(String(a + 1), 19, head + a * cell + cell / 2 + 4);
    for (let b = 0; b < m; b += 1) {
      const value = values[a * m + b] ?? 0;
      const v = Math.max(-1, Math.min(1, value / top));
      g.fillStyle = css(colour(signed ? v : Math.max(0, v)));
      g.fillRect(left + b * cell, head + a * cell, cell - 2, cell - 2);
      if (cell >= 30 && a !== b) {
        g.fillStyle = Math.abs(v) > 0.5 ? '#fff' : '#111';
        g.fillText(value.toPrecision(2), left + 2 + b * cell, head + a * cell + cell / 2 + 4);
      }
    }
  }
  // The colour bar: the scale's top above, its bottom (0, or −top for a difference) below.
  const x = left + cell * m + 12;
  const h = Math.max(cell * m, 120);
  for (let i = 0; i < h; i += 1) {
    const v = 1 - i / h;
    g.fillStyle = css(colour(signed ? 2 * v - 1 : v));
    g.fillRect(x, head + i, 12, 1);
  }
  g.fillStyle = '#111';
  g.fillText(`${signed ? '+' : ''}${top.toPrecision(2)}`, x + 15, head + 8);
  g.fillText(signed ? `−${top.toPrecision(2)}` : '0', x + 15, head + h);
  g.fillText(unit, x + 15, head + h / 2);
}

/** The largest absolute value of some matrices (at least a tiny positive number). */
export const scaleOf = (...matrices: readonly (readonly number[])[]): number =>
  Math.max(1e-12, ...matrices.flatMap((m) => m.map(Math.abs)));
