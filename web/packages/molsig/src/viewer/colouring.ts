// Per-atom colours of an explanation: each atom's dominant bead (faded by how strongly it
// belongs), its bead relative to that bead's mean membership, or its attribution on a diverging
// scale. Palettes in palette.ts.
import type { Explanation } from '../types';
import { beadColour, diverging, fade } from './palette';

/** How atoms are coloured: `beads` (dominant bead, faded = weak), `relative` (each bead against
 * its mean membership), `attribution` (gradient × input, blue–white–red). */
export type ColourMode = 'beads' | 'relative' | 'attribution';

/** The dominant bead of each point and how strongly it belongs (0 = uniform, 1 = only this bead). */
export function dominantBeads(e: Explanation): { bead: number; strength: number }[] {
  const m = e.beads;
  return Array.from({ length: e.points }, (_, i) => {
    const row = e.assignments.slice(i * m, (i + 1) * m);
    let bead = 0;
    row.forEach((v, b) => {
      if (v > (row[bead] ?? 0)) bead = b;
    });
    const uniform = 1 / m;
    return { bead, strength: Math.max(0, ((row[bead] ?? 0) - uniform) / (1 - uniform)) };
  });
}

/** Each point's bead by membership relative to that bead's mean over the points (z-score):
 * near-uniform memberships still show which atoms each bead leans on. */
export function relativeBeads(e: Explanation): { bead: number; strength: number }[] {
  const m = e.beads;
  const n = e.points;
  const q = (i: number, b: number) => e.assignments[i * m + b] ?? 0;
  const stats = Array.from({ length: m }, (_, b) => {
    let mean = 0;
    for (let i = 0; i < n; i += 1) mean += q(i, b) / n;
    let variance = 0;
    for (let i = 0; i < n; i += 1) variance += (q(i, b) - mean) ** 2 / n;
    return { mean, sd: Math.sqrt(variance) || 1 };
  });
  return Array.from({ length: n }, (_, i) => {
    let bead = 0;
    let best = -Infinity;
    stats.forEach(({ mean, sd }, b) => {
      const z = (q(i, b) - mean) / sd;
      if (z > best) [bead, best] = [b, z];
    });
    // z = 2 (two standard deviations above the bead's mean) is full colour.
    return { bead, strength: Math.max(0, Math.min(1, best / 2)) };
  });
}

/** A bead's colour faded by strength; a floor of 0.2 keeps weak members visible on white. */
const shade = ({ bead, strength }: { bead: number; strength: number }) => fade(beadColour(bead), 0.2 + 0.8 * strength);

/** Per-point colours for `mode`; points with no beads (baselines) fall back to attribution. */
export function pointColours(e: Explanation, mode: ColourMode): number[] {
  if (mode === 'relative' && e.beads > 0) return relativeBeads(e).map(shade);
  if (mode === 'beads' && e.beads > 0) return dominantBeads(e).map(shade);
  const top = Math.max(1e-12, ...e.attributions.map(Math.abs));
  return e.attributions.map((a) => diverging(a / top));
}
