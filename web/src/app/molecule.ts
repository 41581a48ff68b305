// Section 5: one trajectory explained on the molecule — Mol* coloured by bead membership or
// attribution, with a legend, the beads' paths with a frame slider and playback, and the
// bead–bead coupling matrix.
import type { Explanation } from 'molsig';
import { MoleculeViewer, beadColour, css, diverging, dominantBeads, fade, relativeBeads, type ColourMode } from 'molsig/viewer';
import { $, el } from './dom';

type Mode = ColourMode;

function legend(e: Explanation, mode: Mode): HTMLElement[] {
  const swatch = (colour: number) => {
    const s = el('span', { className: 'swatch' });
    s.style.background = css(colour);
    return s;
  };
  if (mode !== 'attribution' && e.beads > 0) {
    const counts = new Array<number>(e.beads).fill(0);
    for (const { bead } of mode === 'relative' ? relativeBeads(e) : dominantBeads(e)) counts[bead] = (counts[bead] ?? 0) + 1;
    return [
      ...counts.map((n, b) => el('li', {}, swatch(beadColour(b)), `bead ${b + 1}: ${n} atoms`)),
      el('li', {}, swatch(fade(beadColour(0), 0.2)), mode === 'relative' ? 'faded: near the bead’s mean membership' : 'faded: weak membership'),
    ];
  }
  const top = Math.max(...e.attributions.map(Math.abs));
  return [
    el('li', {}, swatch(diverging(-1)), `−${top.toExponential(2)} (pushes away from the predicted class)`),
    el('li', {}, swatch(diverging(0)), '0'),
    el('li', {}, swatch(diverging(1)), `+${top.toExponential(2)} (supports the predicted class)`),
  ];
}

/** Coupling matrix as a heatmap: bead numbers on both axes, the absolute couplings written in
 * (nm²), and a colour bar. The colour scale is `top`, shared by every trajectory shown with the
 * model, so that two of them can be compared. */
function drawCouplings(canvas: HTMLCanvasElement, e: Explanation, top: number): void {
  const m = e.beads;
  const g = canvas.getContext('2d');
  if (!g) return;
  const cell = m > 0 ? Math.max(22, Math.min(48, Math.floor(360 / m))) : 0;
  const [left, head, bar] = [34, 34, 70];
  canvas.width = left + cell * m + bar;
  canvas.height = Math.max(head + cell * m, 150) + 8;
  canvas.dataset.scale = String(top);
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  if (m === 0) return;
  g.font = '11px system-ui, sans-serif';
  for (let a = 0; a < m; a += 1) {
    // Bead numbers, from 1 as in the legend, on a swatch of the bead's colour.
    g.fillStyle = css(beadColour(a));
    g.fillRect(left + a * cell, 4, cell - 2, 14);
    g.fillRect(2, head + a * cell, 14, cell - 2);
    g.fillStyle = '#111';
    g.fillText(String(a + 1), left + a * cell + cell / 2 - 3, 30);
    g.fillText(String(a + 1), 19, head + a * cell + cell / 2 + 4);
    for (let b = 0; b < m; b += 1) {
      const value = e.couplings[a * m + b] ?? 0;
      const v = Math.min(1, value / top);
      g.fillStyle = css(fade(0x08306b, v));
      g.fillRect(left + b * cell, head + a * cell, cell - 2, cell - 2);
      if (cell >= 30 && a !== b) {
        g.fillStyle = v > 0.5 ? '#fff' : '#111';
        g.fillText(value.toPrecision(2), left + 2 + b * cell, head + a * cell + cell / 2 + 4);
      }
    }
  }
  // The colour bar: 0 at the bottom, the shared scale at the top.
  const x = left + cell * m + 12;
  const h = Math.max(cell * m, 120);
  for (let i = 0; i < h; i += 1) {
    g.fillStyle = css(fade(0x08306b, 1 - i / h));
    g.fillRect(x, head + i, 12, 1);
  }
  g.fillStyle = '#111';
  g.fillText(top.toPrecision(2), x + 15, head + 8);
  g.fillText('0', x + 15, head + h);
  g.fillText('nm²', x + 15, head + h / 2);
}

/** The panel's state: the explanation shown and the playback timer. */
export class MoleculePanel {
  private current?: Explanation;
  private couplingScale = 0; // the largest coupling shown with the current model
  private timer?: number;
  private readonly slider = $<HTMLInputElement>('frame');
  private readonly play = $<HTMLButtonElement>('play');
  private readonly mode = $<HTMLSelectElement>('colour-mode');
  /** Mol* starts on first use: it is heavy, and the page is usable before. */
  private viewerInstance?: MoleculeViewer;

  constructor() {
    this.mode.addEventListener('change', () => void this.recolour());
    this.slider.addEventListener('input', () => void this.frame(Number(this.slider.value)));
    this.play.addEventListener('click', () => this.toggle());
  }

  /** A new model: its couplings start a colour scale of their own. */
  newModel(): void {
    this.couplingScale = 0;
  }

  get explanation(): Explanation | undefined {
    return this.current;
  }

  private get viewer(): MoleculeViewer {
    this.viewerInstance ??= MoleculeViewer.create($('viewer'));
    return this.viewerInstance;
  }

  /** Shows a structure (PDB text) with no explanation, as the data's first frame. */
  showStructure(pdb: string, label: string): Promise<void> {
    return this.viewer.showStructure(pdb, label);
  }

  /** A PNG of the 3D view. */
  png(): Promise<Blob> {
    if (!this.viewerInstance) return Promise.reject(new Error('no molecule shown yet'));
    return this.viewerInstance.png();
  }

  async show(e: Explanation): Promise<void> {
    this.stop();
    this.current = e;
    $('explained').textContent = `— ${e.name}`;
    $('explain-warning').textContent = e.warning ? `${e.warning} “Relative membership” colouring still shows which atoms each bead leans on.` : '';
    // A model without beads (FrameLSTM, GraphTransformer) has only attributions to show.
    for (const option of this.mode.options) option.disabled = e.beads === 0 && option.value !== 'attribution';
    if (e.beads === 0) this.mode.value = 'attribution';
    const mode = this.mode.value as Mode;
    await this.viewer.showExplanation(e, mode);
    this.showLegend(e, mode);
    if (e.beads > 0) {
      this.slider.max = String(e.frames - 1);
      this.slider.value = '0';
      this.slider.disabled = this.play.disabled = false;
      this.labelFrame(e, 0);
    } else {
      this.slider.disabled = this.play.disabled = true;
      $('frame-label').textContent = 'this model has no beads';
    }
    // One colour scale for every trajectory shown with this model: the largest coupling so far.
    this.couplingScale = Math.max(this.couplingScale, 1e-12, ...e.couplings);
    drawCouplings($<HTMLCanvasElement>('couplings'), e, this.couplingScale);
  }

  private async recolour(): Promise<void> {
    const e = this.current;
    if (!e) return;
    const mode = this.mode.value as Mode;
    await this.viewer.colourBy(e, mode);
    this.showLegend(e, mode);
  }

  private showLegend(e: Explanation, mode: Mode): void {
    const list = $('legend');
    list.replaceChildren(...legend(e, mode));
    list.dataset.mode = mode;
  }

  private labelFrame(e: Explanation, t: number): void {
    $('frame-label').textContent = `frame ${e.firstFrame + t + 1} (${t + 1} of ${e.frames} in the sample)`;
  }

  private async frame(t: number): Promise<void> {
    const e = this.current;
    if (!e) return;
    this.labelFrame(e, t);
    await this.viewer.setFrame(t);
  }

  private toggle(): void {
    if (this.timer !== undefined) {
      this.stop();
      return;
    }
    this.play.textContent = 'Pause';
    this.play.setAttribute('aria-pressed', 'true');
    this.timer = window.setInterval(() => {
      const e = this.current;
      if (!e) return;
      const next = (Number(this.slider.value) + 1) % e.frames;
      this.slider.value = String(next);
      void this.frame(next);
    }, 200);
  }

  private stop(): void {
    if (this.timer !== undefined) window.clearInterval(this.timer);
    this.timer = undefined;
    this.play.textContent = 'Play';
    this.play.setAttribute('aria-pressed', 'false');
  }
}
