// Section 5: one sample of a trajectory explained on the molecule — Mol* coloured by bead
// membership, attribution or what separates the classes, with a legend, the beads' paths, a
// sample picker, a frame slider with the frames' times and playback, the bead–bead coupling
// matrix and the residues' bead memberships.
import type { ClassComparison, Explanation } from 'molsig';
import { MoleculeViewer, beadColour, css, diverging, dominantBeads, fade, relativeBeads, type ColourMode } from 'molsig/viewer';
import { $, el } from './dom';
import { drawMatrix, scaleOf } from './heatmap';
import { showResidues } from './residues';

/** The page's colourings: the viewer's, and the class comparison's per-atom maps (drawn as
 * attributions): a class's mean evidence, and what separates it from the others. */
type Mode = ColourMode | 'evidence' | 'separation';
const comparisonModes: readonly string[] = ['evidence', 'separation'];

function legend(e: Explanation, mode: Mode, separating?: string): HTMLElement[] {
  const swatch = (colour: number) => {
    const s = el('span', { className: 'swatch' });
    s.style.background = css(colour);
    return s;
  };
  if (mode === 'beads' || mode === 'relative') {
    const counts = new Array<number>(e.beads).fill(0);
    for (const { bead } of mode === 'relative' ? relativeBeads(e) : dominantBeads(e)) counts[bead] = (counts[bead] ?? 0) + 1;
    return [
      ...counts.map((n, b) => el('li', {}, swatch(beadColour(b)), `bead ${b + 1}: ${n} atoms`)),
      el('li', {}, swatch(fade(beadColour(0), 0.2)), mode === 'relative' ? 'faded: near the bead’s mean membership' : 'faded: weak membership'),
    ];
  }
  const top = Math.max(...e.attributions.map(Math.abs));
  const [minus, plus] = {
    separation: [`less evidence for ${separating} in its own samples than in the others'`, `more evidence for ${separating} in its own samples: separates it`],
    evidence: [`on average against ${separating} in its own samples`, `on average for ${separating} in its own samples`],
    attribution: ['pushes away from the predicted class', 'supports the predicted class'],
  }[mode];
  return [
    el('li', {}, swatch(diverging(-1)), `−${top.toExponential(2)} (${minus})`),
    el('li', {}, swatch(diverging(0)), '0'),
    el('li', {}, swatch(diverging(1)), `+${top.toExponential(2)} (${plus})`),
  ];
}

/** The panel's state: the explanation shown, the class comparison, and the playback timer. */
export class MoleculePanel {
  private current?: Explanation;
  private comparison?: ClassComparison;
  private couplingScale = 0; // the largest coupling shown with the current model
  private timer?: number;
  /** Playback reached the sample's end and asked for the next one: play on once it is shown. */
  private playingOn = false;
  private readonly slider = $<HTMLInputElement>('frame');
  private readonly play = $<HTMLButtonElement>('play');
  private readonly mode = $<HTMLSelectElement>('colour-mode');
  private readonly sample = $<HTMLSelectElement>('sample');
  private readonly separating = $<HTMLSelectElement>('compare-class');
  /** Mol* starts on first use: it is heavy, and the page is usable before. */
  private viewerInstance?: Promise<MoleculeViewer>;
  /** Asks for another sample of the shown trajectory (set by whoever shows one). */
  onSample: (sample: number) => void = () => undefined;

  constructor() {
    this.mode.addEventListener('change', () => void this.recolour());
    this.separating.addEventListener('change', () => {
      this.drawClassCouplings();
      if (comparisonModes.includes(this.mode.value)) void this.recolour();
    });
    this.slider.addEventListener('input', () => void this.frame(Number(this.slider.value)));
    this.play.addEventListener('click', () => this.toggle());
    this.sample.addEventListener('change', () => this.onSample(Number(this.sample.value)));
  }

  /** A new model: its couplings start a colour scale of their own, and its class comparison is
   * still to be made. */
  newModel(): void {
    this.couplingScale = 0;
    this.comparison = undefined;
    this.separating.replaceChildren();
    this.separating.disabled = true;
    $('class-couplings').replaceChildren();
    for (const option of this.mode.options) if (comparisonModes.includes(option.value)) option.disabled = true;
    if (comparisonModes.includes(this.mode.value)) {
      this.mode.value = 'beads';
      void this.recolour();
    }
  }

  /** Shows a class comparison: each class's mean couplings and their difference, and the
   * separation map as a colouring of the molecule. */
  showComparison(c: ClassComparison): void {
    this.comparison = c;
    this.separating.replaceChildren(...c.classes.map((k, i) => el('option', { value: String(i) }, k.class)));
    this.separating.disabled = false;
    for (const option of this.mode.options) if (comparisonModes.includes(option.value)) option.disabled = false;
    this.drawClassCouplings();
    this.mode.value = 'separation';
    void this.recolour();
  }

  /** Per class its mean couplings, and the chosen class's minus the mean of the others', on one
   * colour scale per kind. */
  private drawClassCouplings(): void {
    const c = this.comparison;
    const target = $('class-couplings');
    if (!c || c.beads === 0) {
      target.replaceChildren(...(c ? [el('p', { className: 'hint' }, 'This model has no beads: only the separation map applies.')] : []));
      return;
    }
    const chosen = Number(this.separating.value) || 0;
    const others = c.classes.filter((_, i) => i !== chosen);
    const difference = (c.classes[chosen]?.couplings ?? []).map((v, k) => v - others.reduce((sum, o) => sum + (o.couplings[k] ?? 0), 0) / others.length);
    const top = scaleOf(...c.classes.map((k) => k.couplings));
    const figure = (caption: string, draw: (canvas: HTMLCanvasElement) => void) => {
      const canvas = el('canvas', { className: 'heatmap' });
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', caption);
      draw(canvas);
      return el('figure', {}, canvas, el('figcaption', {}, caption));
    };
    const name = c.classes[chosen]?.class ?? '';
    target.replaceChildren(
      ...c.classes.map((k) => figure(`${k.class}: mean coupling (${k.samples} samples of ${k.trajectories} trajectories)`, (canvas) => drawMatrix(canvas, k.couplings, c.beads, top))),
      figure(`${name} minus ${others.length === 1 ? others[0]?.class : 'the mean of the others'}`, (canvas) => drawMatrix(canvas, difference, c.beads, scaleOf(difference), true)),
    );
  }

  get explanation(): Explanation | undefined {
    return this.current;
  }

  private viewer(): Promise<MoleculeViewer> {
    this.viewerInstance ??= molstarLoaded().then(() => MoleculeViewer.create($('viewer')));
    return this.viewerInstance;
  }

  /** Shows a structure (PDB text) with no explanation, as the data's first frame. */
  async showStructure(pdb: string, label: string): Promise<void> {
    await (await this.viewer()).showStructure(pdb, label);
  }

  /** A PNG of the 3D view. */
  async png(): Promise<Blob> {
    if (!this.viewerInstance) throw new Error('no molecule shown yet');
    return (await this.viewerInstance).png();
  }

  async show(e: Explanation): Promise<void> {
    this.stop();
    this.current = e;
    $('explained').textContent = `— ${e.name}`;
    $('explain-warning').textContent = e.warning ? `${e.warning} “Relative membership” colouring still shows which atoms each bead leans on.` : '';
    // A model without beads (FrameLSTM, GraphTransformer) has only attributions to show.
    for (const option of this.mode.options) {
      option.disabled = comparisonModes.includes(option.value) ? !this.comparison : e.beads === 0 && option.value !== 'attribution';
    }
    if (e.beads === 0 && !comparisonModes.includes(this.mode.value)) this.mode.value = 'attribution';
    const mode = this.mode.value as Mode;
    await (await this.viewer()).showExplanation(this.coloured(e, mode), this.viewerMode(mode));
    this.showLegend(e, mode);
    this.sample.replaceChildren(...Array.from({ length: e.samples }, (_, k) => el('option', { value: String(k) }, `${k + 1} of ${e.samples}`)));
    this.sample.value = String(e.sample);
    this.sample.disabled = e.samples < 2;
    $('time-axis').textContent = timeAxis(e);
    if (e.beads > 0) {
      this.slider.max = String(e.frames - 1);
      this.slider.value = '0';
      this.slider.disabled = this.play.disabled = false;
      this.labelFrame(e, 0);
      if (this.playingOn) this.toggle();
      this.playingOn = false;
    } else {
      this.slider.disabled = this.play.disabled = true;
      $('frame-label').textContent = 'this model has no beads';
    }
    // One colour scale for every trajectory shown with this model: the largest coupling so far.
    this.couplingScale = Math.max(this.couplingScale, scaleOf(e.couplings));
    drawMatrix($<HTMLCanvasElement>('couplings'), e.couplings, e.beads, this.couplingScale);
    showResidues($<HTMLTableElement>('residues'), e);
  }

  /** `e` as the viewer colours it: for the comparison's maps, its attributions replaced by the
   * chosen class's evidence or separation (same points, same order). */
  private coloured(e: Explanation, mode: Mode): Explanation {
    const chosen = this.comparison?.classes[Number(this.separating.value) || 0];
    if (mode === 'separation' && chosen) return { ...e, attributions: chosen.separation };
    if (mode === 'evidence' && chosen) return { ...e, attributions: chosen.evidence };
    return e;
  }

  private viewerMode = (mode: Mode): ColourMode => (mode === 'separation' || mode === 'evidence' ? 'attribution' : mode);

  private async recolour(): Promise<void> {
    const e = this.current;
    if (!e) return;
    const mode = this.mode.value as Mode;
    await (await this.viewer()).colourBy(this.coloured(e, mode), this.viewerMode(mode));
    this.showLegend(e, mode);
  }

  private showLegend(e: Explanation, mode: Mode): void {
    const list = $('legend');
    const chosen = this.separating.selectedOptions[0]?.textContent ?? '';
    list.replaceChildren(...legend(this.coloured(e, mode), mode, chosen));
    list.dataset.mode = mode;
  }

  private labelFrame(e: Explanation, t: number): void {
    const time = e.timesPs[t];
    $('frame-label').textContent = `frame ${e.firstFrame + t + 1} (${t + 1} of ${e.frames} in the sample)${time === undefined ? '' : `, t = ${time.toFixed(1)} ps`}`;
  }

  private async frame(t: number): Promise<void> {
    const e = this.current;
    if (!e) return;
    this.labelFrame(e, t);
    await (await this.viewer()).setFrame(t);
  }

  private toggle(): void {
    if (this.timer !== undefined) {
      this.stop();
      this.playingOn = false;
      return;
    }
    this.play.textContent = 'Pause';
    this.play.setAttribute('aria-pressed', 'true');
    this.timer = window.setInterval(() => {
      const e = this.current;
      if (!e) return;
      const next = (Number(this.slider.value) + 1) % e.frames;
      // At the sample's end, on through the trajectory: the next sample (or back to the first).
      if (next === 0 && e.samples > 1 && $<HTMLInputElement>('play-on').checked) {
        this.stop();
        this.playingOn = true;
        this.onSample((e.sample + 1) % e.samples);
        return;
      }
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

/** The sample's place in time: its frames and, when the file records times, their span in ps. */
function timeAxis(e: Explanation): string {
  const frames = `Sample ${e.sample + 1} of ${e.samples}: frames ${e.firstFrame + 1}–${e.firstFrame + e.frames} of the trajectory`;
  const [first, last] = [e.timesPs[0], e.timesPs[e.timesPs.length - 1]];
  if (first === undefined || last === undefined) return `${frames} (the file records no times).`;
  const step = e.timesPs.length > 1 ? (last - first) / (e.timesPs.length - 1) : 0;
  return `${frames}, ${first.toFixed(1)}–${last.toFixed(1)} ps (a frame every ${step.toPrecision(3)} ps).`;
}

/** Mol*'s viewer bundle (`molstar.js`, 5 MB) loads without blocking the page (`async`): the first
 * use of the viewer waits for it. */
function molstarLoaded(): Promise<void> {
  if ((globalThis as { molstar?: unknown }).molstar) return Promise.resolve();
  const script = $('molstar-script');
  return new Promise((resolve, reject) => {
    script.addEventListener('load', () => resolve(), { once: true });
    script.addEventListener('error', () => reject(new Error('the molecule viewer (molstar.js) could not be loaded')), { once: true });
  });
}
