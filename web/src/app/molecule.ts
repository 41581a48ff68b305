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

/** Coupling matrix as a heatmap (light = weak, dark blue = strong) with values written in. */
function drawCouplings(canvas: HTMLCanvasElement, e: Explanation): void {
  const m = e.beads;
  const g = canvas.getContext('2d');
  if (!g) return;
  const cell = m > 0 ? Math.max(18, Math.min(48, Math.floor(360 / m))) : 0;
  canvas.width = 30 + cell * m;
  canvas.height = 30 + cell * m;
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  if (m === 0) return;
  const top = Math.max(1e-12, ...e.couplings);
  g.font = '11px system-ui, sans-serif';
  for (let a = 0; a < m; a += 1) {
    g.fillStyle = css(beadColour(a));
    g.fillRect(30 + a * cell, 18, cell - 2, 8);
    g.fillRect(18, 30 + a * cell, 8, cell - 2);
    for (let b = 0; b < m; b += 1) {
      const v = (e.couplings[a * m + b] ?? 0) / top;
      g.fillStyle = css(fade(0x08306b, v));
      g.fillRect(30 + b * cell, 30 + a * cell, cell - 2, cell - 2);
      if (cell >= 30) {
        g.fillStyle = v > 0.5 ? '#fff' : '#111';
        g.fillText(v.toFixed(2), 32 + b * cell, 30 + a * cell + cell / 2 + 4);
      }
    }
  }
}

/** The panel's state: the explanation shown and the playback timer. */
export class MoleculePanel {
  private current?: Explanation;
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
    drawCouplings($<HTMLCanvasElement>('couplings'), e);
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
