// The numbers a demo shows: the signature of the beads' path (the path the model's signature
// layer reads) for the original and the transformed copy, compared level by level.
import { levels, type Augmentation, type Signatures } from '../signature';
import type { Transformed } from '../types';

/** Below this relative difference a level counts as unchanged: float32 rounding through the
 * model's forward pass (its Q) stays far under it, and the smallest change a demo makes is far
 * above it. */
export const TOLERANCE = 1e-5;

/** One signature level of the original against the copy. */
export interface LevelComparison {
  /** Level k (1-based): the k-fold iterated integrals, d^k numbers. */
  level: number;
  /** Numbers in the level. */
  size: number;
  /** max |original − copy| / max |original| over the level's coordinates. */
  relativeDifference: number;
  /** Frobenius norm of the original's level. */
  normOriginal: number;
  /** Frobenius norm of the copy's level. */
  normCopy: number;
  /** |normOriginal − normCopy| / normOriginal. */
  normRelativeDifference: number;
}

/** The signature (levels 1..`depth`) of a view's bead path, `[frames, beads × 3]` in Å,
 * optionally lead-lag augmented first. */
export function beadSignature(sig: Signatures, view: Transformed, depth: number, leadLag: boolean): Float64Array[] {
  const augment: Augmentation[] = leadLag ? ['leadLag'] : [];
  const channels = 3 * view.beads;
  const path = { length: view.frames, channels, data: view.beadPaths };
  const s = sig.signature(path, depth, { augment });
  return levels(s, leadLag ? 2 * channels : channels, depth);
}

const maxAbs = (v: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] ?? 0));
  return m;
};

const norm = (v: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] ?? 0) ** 2;
  return Math.sqrt(s);
};

/** max |a − sign·b| / max |a|. */
export function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>, sign = 1): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] ?? 0) - sign * (b[i] ?? 0)));
  const scale = maxAbs(a);
  return scale > 0 ? d / scale : d;
}

/** Level-by-level comparison of two signatures. */
export function compareLevels(original: Float64Array[], copy: Float64Array[]): LevelComparison[] {
  return original.map((a, i) => {
    const b = copy[i] ?? new Float64Array(a.length);
    const [na, nb] = [norm(a), norm(b)];
    return {
      level: i + 1,
      size: a.length,
      relativeDifference: relativeDifference(a, b),
      normOriginal: na,
      normCopy: nb,
      normRelativeDifference: na > 0 ? Math.abs(na - nb) / na : Math.abs(nb),
    };
  });
}

/** The antisymmetric part of a level-2 block, (S^{ij} − S^{ji}) / 2 for i < j: the Lévy areas. */
export function levyAreas(level2: ArrayLike<number>, channels: number): Float64Array {
  const out = new Float64Array((channels * (channels - 1)) / 2);
  let k = 0;
  for (let i = 0; i < channels; i++) {
    for (let j = i + 1; j < channels; j++) out[k++] = ((level2[i * channels + j] ?? 0) - (level2[j * channels + i] ?? 0)) / 2;
  }
  return out;
}

/** The quadratic variation Σ_t |X(t+1) − X(t)|² of a path over all its `channels`, read from the
 * level 2 of its lead-lag signature (2·channels channels, lead first): the Lévy area between lead
 * and lag of one coordinate is half that coordinate's quadratic variation. */
export function quadraticVariation(leadLagLevel2: ArrayLike<number>, channels: number): number {
  const d = 2 * channels;
  let sum = 0;
  for (let i = 0; i < channels; i++) sum += (leadLagLevel2[i * d + channels + i] ?? 0) - (leadLagLevel2[(channels + i) * d + i] ?? 0);
  return sum;
}

/** A number as the tables show it: 3 significant digits, exponent form when small or large. */
export function formatNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? v.toExponential(2) : v.toPrecision(3);
}

/** A CSV cell: quoted when it holds a comma, quote or line break. */
export function csvCell(v: string | number | boolean): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
