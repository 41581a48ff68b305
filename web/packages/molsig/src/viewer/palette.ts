// Colours chosen for colour-blind readers. Beads: Okabe & Ito's eight colours, then Paul Tol's
// muted scheme; more beads than that cycle. Attribution: a blue–white–red diverging scale
// (ColorBrewer RdBu ends), which stays distinct under the common colour-vision deficiencies.

const BEADS = [
  0xe69f00, 0x56b4e9, 0x009e73, 0xf0e442, 0x0072b2, 0xd55e00, 0xcc79a7, 0x000000,
  0x332288, 0x88ccee, 0x44aa99, 0x117733, 0x999933, 0xddcc77, 0xcc6677, 0x882255, 0xaa4499,
];

/** The colour of bead `b` (0xRRGGBB). */
export const beadColour = (b: number): number => BEADS[b % BEADS.length] ?? 0x777777;

/** Mixes `colour` toward white: `strength` 1 keeps it, 0 gives white (our opacity). */
export function fade(colour: number, strength: number): number {
  const s = Math.min(1, Math.max(0, strength));
  const channel = (shift: number) => {
    const c = (colour >> shift) & 0xff;
    return Math.round(255 - (255 - c) * s) << shift;
  };
  return channel(16) | channel(8) | channel(0);
}

/** Mixes `colour` toward black, keeping `strength` of it (markers over their own bead's atoms). */
export function darken(colour: number, strength = 0.55): number {
  const channel = (shift: number) => Math.round(((colour >> shift) & 0xff) * strength) << shift;
  return channel(16) | channel(8) | channel(0);
}

const NEGATIVE = 0x2166ac;
const POSITIVE = 0xb2182b;

/** A value in [-1, 1] on the diverging scale (0 = white). */
export function diverging(value: number): number {
  return fade(value >= 0 ? POSITIVE : NEGATIVE, Math.abs(value));
}

/** `0xRRGGBB` → `#rrggbb`. */
export const css = (colour: number): string => `#${colour.toString(16).padStart(6, '0')}`;
