// Bead membership per residue: the mean membership of each residue's atoms in each bead, and the
// bead it leans on most — the table a scientist reads beside the coloured molecule.
import type { Explanation } from 'molsig';
import { beadColour, css } from 'molsig/viewer';
import { el } from './dom';

/** `A:ALA12:CA` → `A:ALA12` (a label without an atom part is its own residue). */
const residueOf = (label: string) => label.split(':').slice(0, 2).join(':');

/** One row per residue in file order: its atoms, the mean membership in each bead, the top bead. */
export function residueMembership(e: Explanation): { residue: string; atoms: number; means: number[] }[] {
  const rows = new Map<string, { atoms: number; sums: number[] }>();
  e.pointLabels.forEach((label, i) => {
    const key = residueOf(label);
    const row = rows.get(key) ?? { atoms: 0, sums: new Array<number>(e.beads).fill(0) };
    row.atoms += 1;
    for (let b = 0; b < e.beads; b += 1) row.sums[b] = (row.sums[b] ?? 0) + (e.assignments[i * e.beads + b] ?? 0);
    rows.set(key, row);
  });
  return [...rows].map(([residue, r]) => ({ residue, atoms: r.atoms, means: r.sums.map((s) => s / r.atoms) }));
}

/** Fills `table` with the residue × bead membership of `e` (empty for a model without beads). */
export function showResidues(table: HTMLTableElement, e: Explanation): void {
  table.replaceChildren();
  if (e.beads === 0) return;
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Residue'), el('th', { scope: 'col' }, 'Atoms'));
  for (let b = 0; b < e.beads; b += 1) head.append(el('th', { scope: 'col' }, `bead ${b + 1}`));
  head.append(el('th', { scope: 'col' }, 'Mostly'));
  const body = el('tbody');
  for (const r of residueMembership(e)) {
    const top = r.means.indexOf(Math.max(...r.means));
    const swatch = el('span', { className: 'swatch' });
    swatch.style.background = css(beadColour(top));
    body.append(el('tr', {},
      el('th', { scope: 'row' }, r.residue), el('td', {}, String(r.atoms)),
      ...r.means.map((v) => el('td', {}, v.toFixed(2))),
      el('td', {}, swatch, `bead ${top + 1}`)));
  }
  table.append(el('thead', {}, head), body);
}
