// The learn page: the five classroom demos of molsig/learn as tabs, on the shipped demo
// trajectory and model, sharing one engine. A demo is mounted when its tab is first opened.
import { Molsig } from 'molsig';
import { DEMO_TEXT, mountInvarianceDemo, type DemoKind, type InvarianceDemo } from 'molsig/learn';

const DEMOS: DemoKind[] = ['translation', 'rotation', 'permutation', 'time', 'break'];
const DATA = { topology: 'demo/demo.pdb', trajectory: 'demo/demo.xtc', model: 'demo/friction.molsig' };

const tabs = document.querySelector<HTMLElement>('#demo-tabs');
const panels = document.querySelector<HTMLElement>('#demo-panels');
const backend = document.querySelector<HTMLElement>('#backend');
const mounted = new Map<DemoKind, InvarianceDemo>();
// Tests reach the demos through this (their numbers, CSV and readiness).
(globalThis as { molsigLearn?: Map<DemoKind, InvarianceDemo> }).molsigLearn = mounted;

const engine = Molsig.create({ backend: 'cpu' });
engine.then((e) => {
  if (backend) backend.textContent = `${e.backend.kind} (the demos' model is small; the CPU is quickest to start)`;
}, (e: unknown) => {
  if (backend) backend.textContent = `the engine did not start: ${e instanceof Error ? e.message : String(e)}`;
});

function open(kind: DemoKind): void {
  for (const button of tabs?.querySelectorAll<HTMLButtonElement>('[role=tab]') ?? []) {
    const selected = button.dataset.demo === kind;
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
  }
  for (const panel of panels?.querySelectorAll<HTMLElement>('[role=tabpanel]') ?? []) panel.hidden = panel.dataset.demo !== kind;
  const panel = panels?.querySelector<HTMLElement>(`[role=tabpanel][data-demo=${kind}]`);
  if (!panel || mounted.has(kind)) return;
  void engine.then((e) => {
    if (!mounted.has(kind)) mounted.set(kind, mountInvarianceDemo(panel, { demo: kind, engine: e, ...DATA }));
  });
}

for (const kind of DEMOS) {
  const tab = Object.assign(document.createElement('button'), { type: 'button', textContent: DEMO_TEXT[kind].title, id: `tab-${kind}` });
  Object.assign(tab.dataset, { demo: kind });
  tab.setAttribute('role', 'tab');
  tab.setAttribute('aria-controls', `panel-${kind}`);
  tab.addEventListener('click', () => open(kind));
  // Arrow keys move between tabs, as in the ARIA tabs pattern.
  tab.addEventListener('keydown', (e) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = DEMOS[(DEMOS.indexOf(kind) + step + DEMOS.length) % DEMOS.length] ?? kind;
    open(next);
    document.getElementById(`tab-${next}`)?.focus();
  });
  tabs?.append(tab);
  const panel = Object.assign(document.createElement('section'), { id: `panel-${kind}`, hidden: true });
  Object.assign(panel.dataset, { demo: kind });
  panel.setAttribute('role', 'tabpanel');
  panel.setAttribute('aria-labelledby', `tab-${kind}`);
  panels?.append(panel);
}
open(new URLSearchParams(location.search).get('demo') as DemoKind | null ?? 'translation');
