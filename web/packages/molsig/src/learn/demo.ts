// One classroom demo mounted in an element: controls, the 3-D view of original and copy, the
// signature numbers level by level, the model's predictions, teacher notes and a CSV export.
// Each control change asks the engine for the transformed copy (its bead paths and prediction),
// then computes both signatures here with molsig/signature.
import type { Molsig, ModelFile } from '../engine';
import { loadSignature, type Signatures } from '../signature';
import type { Transformed } from '../types';
import type { MolstarViewerClass } from '../viewer/molstar';
import { buildControls, DEMO_TEXT, el, type DemoKind, type DemoSettings } from './demos';
import {
  beadSignature, compareLevels, csvCell, formatNumber, levyAreas, quadraticVariation, relativeDifference, TOLERANCE, type LevelComparison,
} from './numbers';
import { PairView } from './pair-view';
import { STYLE } from './style';

/** Milliseconds the controls must rest before the 3-D copy is rebuilt. */
const VIEW_DELAY = 250;

/** A file given as itself or as a URL (relative to the page) to fetch. */
export type DemoFile = File | string | URL;

/** Options of {@link mountInvarianceDemo}. */
export interface InvarianceDemoOptions {
  /** Which demo. */
  demo: DemoKind;
  /** The engine (from `Molsig.create()` of the `molsig` entry); demos on one page may share it
   * when they show the same files. */
  engine: Molsig;
  /** The molecule's topology (PDB or GRO). */
  topology: DemoFile;
  /** Its trajectory (XTC); the demo shows the model's first sample of it. */
  trajectory: DemoFile;
  /** A trained `.molsig` model that reads this molecule. */
  model: DemoFile | ModelFile;
  /** Mol*'s `Viewer` class; by default the global `molstar` of Mol*'s viewer bundle. */
  Viewer?: MolstarViewerClass;
  /** Signature depth of the numbers (default 3). */
  depth?: number;
}

/** One demo's current numbers. */
export interface DemoNumbers {
  demo: DemoKind;
  settings: DemoSettings;
  levels: LevelComparison[];
  /** Named facts the demo shows besides the levels (for example `qPermutes`). */
  facts: Record<string, number>;
  classes: string[];
  original: number[] | null;
  copy: number[] | null;
  /** Milliseconds from the control change to these numbers. */
  milliseconds: number;
}

/** A mounted demo. */
export interface InvarianceDemo {
  /** Resolves once the first numbers are shown. */
  ready: Promise<void>;
  /** The numbers shown now. */
  numbers(): DemoNumbers | undefined;
  /** The numbers as CSV text. */
  csv(): string;
  /** Stops playback and empties the element. */
  destroy(): void;
}

async function asFile(f: DemoFile, fallbackName: string): Promise<File> {
  if (f instanceof File) return f;
  const url = new URL(f, typeof location === 'undefined' ? undefined : location.href);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Could not fetch ${url.href}: HTTP ${response.status}`);
  const name = url.pathname.split('/').pop() || fallbackName;
  return new File([await response.blob()], name);
}

const isModelBytes = (f: DemoFile | ModelFile): f is { name: string; bytes: Uint8Array } =>
  typeof f === 'object' && !(f instanceof File) && !(f instanceof URL) && 'bytes' in f;

function installStyle(): void {
  if (document.getElementById('molsig-learn-style')) return;
  document.head.append(el('style', { id: 'molsig-learn-style', textContent: STYLE }));
}

/**
 * Mounts one invariance demo in `element`: the shipped trajectory (or yours), transformed live,
 * with the signature's numbers and the trained model's answer beside it.
 *
 * @example
 * ```ts
 * import { Molsig } from 'molsig';
 * import { mountInvarianceDemo } from 'molsig/learn';
 * const engine = await Molsig.create();
 * mountInvarianceDemo(document.querySelector('#demo')!, {
 *   demo: 'rotation', engine, topology: 'demo.pdb', trajectory: 'demo.xtc', model: 'friction.molsig',
 * });
 * ```
 */
export function mountInvarianceDemo(element: HTMLElement, options: InvarianceDemoOptions): InvarianceDemo {
  installStyle();
  const { demo, engine } = options;
  const depth = options.depth ?? 3;
  const text = DEMO_TEXT[demo];
  const status = el('p', { className: 'molsig-learn-status' }, 'Loading the model and the trajectory…');
  const controls = el('div', { className: 'molsig-learn-controls' });
  const viewBox = el('div', { className: 'molsig-learn-view' });
  const frame = el('input', { type: 'range', min: '0', max: '0', value: '0', name: 'frame' });
  frame.setAttribute('aria-label', 'frame');
  const play = el('button', { type: 'button' }, 'Play');
  const frameLabel = el('output', {}, '');
  const table = el('table', { className: 'molsig-learn-levels' });
  const facts = el('ul', { className: 'molsig-learn-facts' });
  const predictions = el('div', { className: 'molsig-learn-predictions' });
  const exportButton = el('button', { type: 'button' }, 'Export CSV');
  const root = el('section', { className: 'molsig-learn' },
    el('h2', {}, text.title),
    el('p', { className: 'molsig-learn-lead' }, text.lead),
    el('details', { className: 'molsig-learn-notes' }, el('summary', {}, 'Teacher notes'), el('p', {}, text.notes)),
    controls,
    el('div', { className: 'molsig-learn-body' },
      el('div', { className: 'molsig-learn-stage' }, viewBox,
        el('div', { className: 'molsig-learn-playback' }, play, frame, frameLabel),
        el('p', { className: 'molsig-learn-legend' }, 'Grey: the original. Coloured by bead: the copy. Thin lines: the beads’ paths, which the signature reads.')),
      el('div', { className: 'molsig-learn-numbers' },
        status, table, facts, predictions, exportButton)));
  root.dataset.demo = demo;
  root.dataset.updates = '0';
  element.replaceChildren(root);

  let view: PairView | undefined;
  let signatures: Signatures | undefined;
  let original: Transformed | undefined;
  let originalLevels: Float64Array[] | undefined;
  let originalLeadLag: Float64Array[] | undefined;
  let copy: Transformed | undefined;
  let current: DemoNumbers | undefined;
  let running = false;
  let pending: { settings: DemoSettings; since: number } | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let redraw: ReturnType<typeof setTimeout> | undefined;
  let destroyed = false;

  const showFrame = (j: number) => {
    if (!copy || !original) return;
    const t = copy.times[j] ?? 0;
    frameLabel.textContent = `copy frame ${j + 1} of ${copy.frames} · original time ${t.toFixed(1)} frames`;
    void view?.setFrames(j, t);
  };
  frame.addEventListener('input', () => showFrame(Number(frame.value)));
  play.addEventListener('click', () => {
    if (timer) {
      clearInterval(timer);
      timer = undefined;
      play.textContent = 'Play';
      return;
    }
    play.textContent = 'Pause';
    timer = setInterval(() => {
      if (!copy) return;
      frame.value = String((Number(frame.value) + 1) % copy.frames);
      showFrame(Number(frame.value));
    }, 120);
  });
  exportButton.addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([csv()], { type: 'text/csv' }));
    const a = el('a', { href: url, download: `molsig-${demo}-demo.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });

  const levelsOf = (v: Transformed, leadLag: boolean) => {
    if (!signatures) throw new Error('signatures not loaded');
    return beadSignature(signatures, v, depth, leadLag);
  };

  /** Facts each demo adds to the level table. */
  const factsOf = (a: Float64Array[], b: Float64Array[], v: Transformed, o: Transformed, leadLag: boolean): Record<string, number> => {
    const out: Record<string, number> = {};
    if (demo === 'permutation') {
      const m = v.beads;
      const expected = v.order.flatMap((i) => Array.from(o.assignments.slice(i * m, (i + 1) * m)));
      out.qPermutes = relativeDifference(expected, v.assignments);
    }
    if (demo === 'time') out.frames = v.frames;
    if (demo === 'break' && a[0] && b[0]) {
      out.level1Negated = relativeDifference(a[0], b[0], -1);
      if (a[1] && b[1]) {
        const channels = a[0].length;
        out.areasNegated = relativeDifference(levyAreas(a[1], channels), levyAreas(b[1], channels), -1);
      }
      if (leadLag && a[1] && b[1]) out.roughness = quadraticVariation(b[1], a[0].length) / quadraticVariation(a[1], a[0].length);
    }
    return out;
  };

  const render = (n: DemoNumbers) => {
    const mark = (ok: boolean) => el('span', { className: ok ? 'molsig-learn-same' : 'molsig-learn-changed' }, ok ? '✓ unchanged' : '✗ changed');
    table.replaceChildren(el('thead', {}, el('tr', {},
      ...['level', 'size', 'relative change', '', '‖S‖ original', '‖S‖ copy', ''].map((h) => el('th', {}, h)))));
    const body = el('tbody');
    for (const l of n.levels) {
      const row = el('tr', {},
        el('td', {}, String(l.level)), el('td', {}, String(l.size)),
        el('td', {}, formatNumber(l.relativeDifference)), el('td', {}, mark(l.relativeDifference < TOLERANCE)),
        el('td', {}, formatNumber(l.normOriginal)), el('td', {}, formatNumber(l.normCopy)),
        el('td', {}, mark(l.normRelativeDifference < TOLERANCE)));
      Object.assign(row.dataset, {
        level: String(l.level), relative: String(l.relativeDifference),
        normOriginal: String(l.normOriginal), normCopy: String(l.normCopy), normRelative: String(l.normRelativeDifference),
      });
      body.append(row);
    }
    table.append(body, el('caption', {}, `relative change: max |copy − original| / max |original| over the level's numbers; ✓ below ${TOLERANCE} (float32 rounding)`));
    const factText: Record<string, (v: number) => string> = {
      qPermutes: (v) => `Q of the copy against Q of the original, permuted: max difference ${formatNumber(v)} relative`,
      frames: (v) => `The copy has ${v} frames (the original ${original?.frames ?? '?'})`,
      level1Negated: (v) => `Level 1 of the copy against minus level 1 of the original: ${formatNumber(v)} relative`,
      areasNegated: (v) => `Lévy areas (level 2, antisymmetric) against minus the original's: ${formatNumber(v)} relative`,
      roughness: (v) => `Quadratic variation (read from lead-lag level 2), copy over original: ${formatNumber(v)}`,
    };
    facts.replaceChildren(...Object.entries(n.facts).map(([k, v]) => {
      const li = el('li', {}, factText[k]?.(v) ?? `${k}: ${v}`);
      Object.assign(li.dataset, { fact: k, value: String(v) });
      return li;
    }));
    const row = (label: string, p: number[] | null) => el('tr', {}, el('th', {}, label),
      ...(p ? p.map((v) => el('td', {}, v.toFixed(4))) : [el('td', { colSpan: n.classes.length }, `cannot be read: the model reads samples of ${original?.frames ?? 50} frames and the copy has ${copy?.frames ?? 0}`)]));
    const classRow = el('tr', {}, el('th', {}, 'model says'), ...n.classes.map((c) => el('th', {}, c)));
    const difference = n.original && n.copy ? Math.max(...n.original.map((v, i) => Math.abs(v - (n.copy?.[i] ?? 0)))) : NaN;
    predictions.replaceChildren(el('table', {}, classRow, row('original', n.original), row('copy', n.copy)),
      el('p', {}, Number.isNaN(difference) ? '' : `largest probability difference ${formatNumber(difference)}`));
    Object.assign(predictions.dataset, { original: JSON.stringify(n.original), copy: JSON.stringify(n.copy), difference: String(difference) });
    status.textContent = `${n.settings.leadLag ? 'Lead-lag signature' : 'Signature'} of the ${copy?.beads ?? 0} beads' path, depth ${depth}; updated in ${Math.round(n.milliseconds)} ms.`;
    root.dataset.latency = String(n.milliseconds);
    root.dataset.updates = String(Number(root.dataset.updates) + 1);
  };

  /** Runs the latest settings; changes that arrive meanwhile are merged into one more run. */
  const update = async (next: DemoSettings, since: number): Promise<void> => {
    if (running) {
      pending = { settings: next, since: pending?.since ?? since };
      return;
    }
    running = true;
    root.dataset.busy = 'true';
    try {
      const asked = performance.now();
      copy = await engine.transform('new', 0, next.transform);
      root.dataset.engineMs = String(performance.now() - asked);
      if (destroyed || !original || !originalLevels) return;
      const reference = next.leadLag ? (originalLeadLag ??= levelsOf(original, true)) : originalLevels;
      const copyLevels = levelsOf(copy, next.leadLag);
      current = {
        demo, settings: next, levels: compareLevels(reference, copyLevels),
        facts: factsOf(reference, copyLevels, copy, original, next.leadLag),
        classes: copy.classes, original: original.probabilities, copy: copy.probabilities,
        milliseconds: performance.now() - since,
      };
      render(current);
      frame.max = String(copy.frames - 1);
      frame.value = String(Math.min(Number(frame.value), copy.frames - 1));
      // The 3-D view follows once the controls rest: rebuilding the copy in Mol* takes the page's
      // thread for longer than the numbers may wait.
      clearTimeout(redraw);
      redraw = setTimeout(() => {
        if (original && copy) void view?.show(original, copy).then(() => showFrame(Number(frame.value)));
      }, VIEW_DELAY);
    } catch (e) {
      status.textContent = `Error: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      running = false;
      root.dataset.busy = 'false';
    }
    const again = pending;
    pending = undefined;
    if (again) await update(again.settings, again.since);
  };

  const first = buildControls(demo, controls, (s) => void update(s, performance.now()));
  const ready = (async () => {
    const [topology, trajectory, model, sig] = await Promise.all([
      asFile(options.topology, 'topology.pdb'),
      asFile(options.trajectory, 'trajectory.xtc'),
      isModelBytes(options.model) ? options.model : asFile(options.model, 'model.molsig'),
      loadSignature(),
    ]);
    signatures = sig;
    await engine.loadModel(model);
    await engine.predict({ topology, files: [trajectory] });
    original = await engine.transform('new', 0, {});
    originalLevels = levelsOf(original, false);
    try {
      view = PairView.create(viewBox, options.Viewer);
    } catch (e) {
      viewBox.textContent = e instanceof Error ? e.message : String(e);
    }
    await update(first, performance.now());
  })();
  ready.catch((e: unknown) => {
    status.textContent = `Error: ${e instanceof Error ? e.message : String(e)}`;
  });

  function csv(): string {
    const n = current;
    if (!n) return '';
    const settingsText = JSON.stringify(n.settings);
    const lines = [['demo', 'settings', 'quantity', 'level', 'original', 'copy', 'relative_difference', 'unchanged'].join(',')];
    for (const l of n.levels) {
      lines.push([n.demo, settingsText, 'signature level (Frobenius norm)', l.level, l.normOriginal, l.normCopy, l.relativeDifference, l.relativeDifference < TOLERANCE].map(csvCell).join(','));
    }
    n.classes.forEach((c, i) => {
      const [a, b] = [n.original?.[i], n.copy?.[i]];
      lines.push([n.demo, settingsText, `probability of ${c}`, '', a ?? '', b ?? '', a !== undefined && b !== undefined ? Math.abs(a - b) : '', a !== undefined && b !== undefined ? Math.abs(a - b) < TOLERANCE : ''].map(csvCell).join(','));
    });
    // Facts that are differences get an unchanged mark; counts and ratios do not.
    const marked = (k: string) => k !== 'frames' && k !== 'roughness';
    for (const [k, v] of Object.entries(n.facts)) lines.push([n.demo, settingsText, k, '', '', '', v, marked(k) ? v < TOLERANCE : ''].map(csvCell).join(','));
    return lines.join('\n') + '\n';
  }

  return {
    ready,
    numbers: () => current,
    csv,
    destroy() {
      destroyed = true;
      if (timer) clearInterval(timer);
      clearTimeout(redraw);
      element.replaceChildren();
    },
  };
}
