// The five demos: what each shows, its teacher notes, and its controls. A control set builds its
// inputs into a container and reports the transform (and whether to lead-lag) on every change.
import type { Transform } from '../types';

/** The demos, in teaching order. */
export type DemoKind = 'translation' | 'rotation' | 'permutation' | 'time' | 'break';

/** What a demo's controls ask for. */
export interface DemoSettings {
  transform: Transform;
  /** Lead-lag the bead path before its signature. */
  leadLag: boolean;
}

/** A demo's text. */
export interface DemoText {
  title: string;
  /** One line above the controls: what to try. */
  lead: string;
  /** Teacher notes: what the numbers show and why. */
  notes: string;
}

export const DEMO_TEXT: Record<DemoKind, DemoText> = {
  translation: {
    title: 'Translation',
    lead: 'Move the molecule with the sliders. The coloured copy moves away from the grey original.',
    notes: 'A signature is built from increments X(t+1) − X(t), and moving every atom by the same vector changes no increment, so every level stays the same to rounding (about 1e-7). The model centres each frame before its graph layers, so its prediction does not move either.',
  },
  rotation: {
    title: 'Rotation',
    lead: 'Pick an axis and turn the molecule. Watch the signature coordinates and the norms separately.',
    notes: 'Rotating the path by R turns level k by R applied k times, an orthogonal map: the coordinates change but each level’s Frobenius norm does not. The signature is equivariant, not invariant, which is why the paper says “near invariance”. This model aligns every frame onto a reference structure first, so its prediction is exactly unchanged.',
  },
  permutation: {
    title: 'Atom order',
    lead: 'Shuffle the order of the atoms in the file. The molecule is the same; only the labels move.',
    notes: 'The graph layers treat every atom alike, so the soft assignment Q of atoms to beads is permuted with the atoms (the “Q permutes” line). Each bead’s centroid then averages the same atoms with the same weights, so the bead paths, their signature and the prediction are unchanged.',
  },
  time: {
    title: 'Re-timing',
    lead: 'Drag the warp handle (or use its arrow keys) to speed time up and slow it down, or repeat frames. Then try dropping frames.',
    notes: 'A signature sees the path, not the clock: running along the same path faster or slower, or pausing on a frame, changes no iterated integral. Dropping frames is different: it cuts corners off the path, so level 2 onwards change. The model reads fixed 50-frame samples, so its answer does depend on timing: re-timing is a property of the signature, not of the whole model.',
  },
  break: {
    title: 'Break it',
    lead: 'Reverse time, add noise, and switch lead-lag on to see what the signature notices.',
    notes: 'Reversing a path gives the inverse signature: level 1 negates, and so does level 2’s antisymmetric part (the Lévy areas), while its symmetric part is ½(level 1)² and stays. Noise changes everything. A plain signature hardly sees fast jitter, because increments largely cancel; the lead-lag transform puts each coordinate’s quadratic variation into level 2, so roughness becomes visible.',
  },
};

/** Builds `kind`'s controls into `into` and calls `changed` with the settings on every change.
 * Returns the first settings. */
export function buildControls(kind: DemoKind, into: HTMLElement, changed: (s: DemoSettings) => void): DemoSettings {
  switch (kind) {
    case 'translation': return translationControls(into, changed);
    case 'rotation': return rotationControls(into, changed);
    case 'permutation': return permutationControls(into, changed);
    case 'time': return timeControls(into, changed);
    case 'break': return breakControls(into, changed);
  }
}

/** A DOM element with `props` and `children` (the demos' one element builder). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

/** A labelled range input; `format` shows the value beside it. */
function slider(into: HTMLElement, name: string, label: string, min: number, max: number, step: number, value: number, format: (v: number) => string, input: () => void): HTMLInputElement {
  const range = el('input', { type: 'range', min: String(min), max: String(max), step: String(step), value: String(value), name });
  range.dataset.control = name;
  const shown = el('output', {}, format(value));
  range.addEventListener('input', () => {
    shown.textContent = format(Number(range.value));
    input();
  });
  into.append(el('label', { className: 'molsig-learn-control' }, el('span', {}, label), range, shown));
  return range;
}

function checkbox(into: HTMLElement, name: string, label: string, input: () => void): HTMLInputElement {
  const box = el('input', { type: 'checkbox', name });
  box.dataset.control = name;
  box.addEventListener('change', input);
  into.append(el('label', { className: 'molsig-learn-control molsig-learn-check' }, box, el('span', {}, label)));
  return box;
}

function select(into: HTMLElement, name: string, label: string, options: [string, string][], input: () => void): HTMLSelectElement {
  const s = el('select', { name });
  s.dataset.control = name;
  for (const [value, text] of options) s.append(el('option', { value }, text));
  s.addEventListener('change', input);
  into.append(el('label', { className: 'molsig-learn-control' }, el('span', {}, label), s));
  return s;
}

const angstrom = (v: number) => `${v.toFixed(1)} Å`;

function translationControls(into: HTMLElement, changed: (s: DemoSettings) => void): DemoSettings {
  const read = (): DemoSettings => ({ transform: { translate: [Number(x.value), Number(y.value), Number(z.value)] }, leadLag: false });
  const update = () => changed(read());
  const x = slider(into, 'x', 'x', -20, 20, 0.5, 12, angstrom, update);
  const y = slider(into, 'y', 'y', -20, 20, 0.5, 0, angstrom, update);
  const z = slider(into, 'z', 'z', -20, 20, 0.5, 0, angstrom, update);
  return read();
}

const AXES: Record<string, [number, number, number]> = { x: [1, 0, 0], y: [0, 1, 0], z: [0, 0, 1], diagonal: [1, 1, 1] };

function rotationControls(into: HTMLElement, changed: (s: DemoSettings) => void): DemoSettings {
  const read = (): DemoSettings => ({
    transform: { rotateAxis: AXES[axis.value] ?? [0, 0, 1], rotateDegrees: Number(angle.value) },
    leadLag: false,
  });
  const update = () => changed(read());
  const axis = select(into, 'axis', 'axis', [['z', 'z'], ['x', 'x'], ['y', 'y'], ['diagonal', 'x = y = z']], update);
  const angle = slider(into, 'angle', 'angle', 0, 360, 5, 60, (v) => `${v}°`, update);
  return read();
}

function permutationControls(into: HTMLElement, changed: (s: DemoSettings) => void): DemoSettings {
  let seed = 1;
  const shown = el('output', {}, 'shuffle 1');
  const read = (): DemoSettings => ({ transform: seed > 0 ? { permuteSeed: seed } : {}, leadLag: false });
  const shuffle = el('button', { type: 'button' }, 'Shuffle atoms');
  shuffle.dataset.control = 'shuffle';
  shuffle.addEventListener('click', () => {
    seed += 1;
    shown.textContent = `shuffle ${seed}`;
    changed(read());
  });
  const restore = el('button', { type: 'button' }, 'File order');
  restore.dataset.control = 'restore';
  restore.addEventListener('click', () => {
    seed = 0;
    shown.textContent = 'file order';
    changed(read());
  });
  into.append(el('div', { className: 'molsig-learn-control' }, shuffle, restore, shown));
  return read();
}

/** The warp φ through (0, 0), (u, v) and (1, 1), as values at 21 equally spaced knots. */
export function warpKnots(u: number, v: number): number[] {
  return Array.from({ length: 21 }, (_, k) => {
    const x = k / 20;
    const y = x <= u ? (v * x) / u : v + ((1 - v) * (x - u)) / (1 - u);
    return k === 20 ? 1 : Math.min(1, Math.max(0, y));
  });
}

function timeControls(into: HTMLElement, changed: (s: DemoSettings) => void): DemoSettings {
  let handle = { u: 0.5, v: 0.15 };
  const read = (): DemoSettings => {
    const transform: Transform = { warp: warpKnots(handle.u, handle.v) };
    if (repeat.value !== '0') transform.repeatEvery = Number(repeat.value);
    if (drop.value !== '0') transform.dropEvery = Number(drop.value);
    return { transform, leadLag: false };
  };
  const update = () => changed(read());
  // The warp: new time on x, original time on y; the handle moves with the pointer or the arrows.
  const size = 150;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `-8 -8 ${size + 16} ${size + 16}`);
  svg.setAttribute('class', 'molsig-learn-warp');
  svg.setAttribute('tabindex', '0');
  svg.setAttribute('role', 'slider');
  svg.setAttribute('aria-label', 'time warp handle: arrow keys move it');
  svg.dataset.control = 'warp';
  const diagonal = document.createElementNS(ns, 'line');
  Object.entries({ x1: 0, y1: size, x2: size, y2: 0, class: 'molsig-learn-warp-identity' }).forEach(([k, v]) => diagonal.setAttribute(k, String(v)));
  const curve = document.createElementNS(ns, 'polyline');
  curve.setAttribute('class', 'molsig-learn-warp-curve');
  const dot = document.createElementNS(ns, 'circle');
  dot.setAttribute('r', '7');
  dot.setAttribute('class', 'molsig-learn-warp-handle');
  svg.append(diagonal, curve, dot);
  const draw = () => {
    const [hx, hy] = [handle.u * size, (1 - handle.v) * size];
    curve.setAttribute('points', `0,${size} ${hx},${hy} ${size},0`);
    dot.setAttribute('cx', String(hx));
    dot.setAttribute('cy', String(hy));
    svg.setAttribute('aria-valuetext', `handle at ${handle.u.toFixed(2)}, ${handle.v.toFixed(2)}`);
  };
  const move = (u: number, v: number) => {
    handle = { u: Math.min(0.95, Math.max(0.05, u)), v: Math.min(0.95, Math.max(0.05, v)) };
    draw();
    update();
  };
  let dragging = false;
  const fromPointer = (e: PointerEvent) => {
    const box = svg.getBoundingClientRect();
    const scale = (size + 16) / box.width;
    move(((e.clientX - box.left) * scale - 8) / size, 1 - ((e.clientY - box.top) * scale - 8) / size);
  };
  svg.addEventListener('pointerdown', (e) => { dragging = true; svg.setPointerCapture(e.pointerId); fromPointer(e); });
  svg.addEventListener('pointermove', (e) => { if (dragging) fromPointer(e); });
  svg.addEventListener('pointerup', () => { dragging = false; });
  svg.addEventListener('keydown', (e) => {
    const step = 0.05;
    const d: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    const delta = d[e.key];
    if (!delta) return;
    e.preventDefault();
    move(handle.u + delta[0], handle.v + delta[1]);
  });
  draw();
  into.append(el('div', { className: 'molsig-learn-control molsig-learn-warp-box' }, el('span', {}, 'warp (new time → original time)'), svg));
  const repeat = select(into, 'repeat', 'repeat every', [['0', 'no repeats'], ['2', '2nd frame'], ['3', '3rd frame'], ['5', '5th frame']], update);
  const drop = select(into, 'drop', 'drop every', [['0', 'no frames dropped'], ['2', '2nd frame'], ['3', '3rd frame'], ['5', '5th frame']], update);
  return read();
}

function breakControls(into: HTMLElement, changed: (s: DemoSettings) => void): DemoSettings {
  const read = (): DemoSettings => {
    const transform: Transform = {};
    if (reverse.checked) transform.reverse = true;
    if (Number(noise.value) > 0) Object.assign(transform, { noise: Number(noise.value), noiseSeed: 1 });
    return { transform, leadLag: leadLag.checked };
  };
  const update = () => changed(read());
  const reverse = checkbox(into, 'reverse', 'reverse time', update);
  const noise = slider(into, 'noise', 'noise', 0, 2, 0.1, 0, (v) => `${v.toFixed(1)} Å`, update);
  const leadLag = checkbox(into, 'leadLag', 'lead-lag', update);
  return read();
}
