// A molecule viewer on Mol*: the molecule coloured per atom (bead membership or attribution), the
// beads' paths and where the beads are at a frame. Mol* is the app's (a peer dependency): its
// `Viewer` class from `molstar/lib/apps/viewer`, or the prebuilt bundle's global `molstar`.
// Structures arrive as PDB text from the engine (`explain`); coordinates there are in Å.
//
// One Mol* viewer per instance. It holds the molecule (cartoon plus ball-and-stick of all atoms) and three
// overlays we build ourselves as PDB text: bead paths (one chain of pseudo-atoms per bead,
// consecutive frames joined by CONECT, drawn faint), bead markers (one pseudo-atom per bead at the
// current frame) and bead trails (each bead's last few positions, fading with age). Colours come from custom colour themes whose colour function closes over the caller's
// arrays; a fresh theme name per call makes Mol* see a new theme and recolour. All calls run one
// after another through `serial` because they edit the same Mol* state tree.

import type { Explanation } from '../types';
import { pointColours, type ColourMode } from './colouring';
import { beadColour, darken, fade } from './palette';

// The slice of Mol*'s API used here (see molstar/lib/*.d.ts for the real types).
export interface Ref { ref: string }
interface Unit {
  kind: number; // 0 = atomic
  elements: ArrayLike<number>;
  model: { atomicHierarchy: { atomSourceIndex: { value(element: number): number } } };
}
interface Location { kind: string; unit?: Unit; element?: number; aUnit?: Unit; aIndex?: number }
export interface ColorThemeProvider {
  name: string; label: string; category: string;
  factory(ctx: unknown, props: object): object;
  getParams(ctx: unknown): object;
  defaultValues: object;
  isApplicable(ctx: { structure?: unknown }): boolean;
}
export interface ReprProps { type: string; typeParams?: object; color?: string; size?: string; sizeParams?: object }
export interface Plugin {
  clear(): Promise<void>;
  build(): { delete(ref: string): unknown; to(ref: string): { update(params: object): { commit(): Promise<void> } }; commit(): Promise<void> };
  builders: {
    data: { rawData(params: { data: string; label?: string }): Promise<Ref> };
    structure: {
      parseTrajectory(data: Ref, format: 'pdb'): Promise<Ref>;
      createModel(trajectory: Ref, params?: { modelIndex: number }): Promise<Ref>;
      createStructure(model: Ref): Promise<Ref>;
      tryCreateComponentStatic(structure: Ref, type: 'all'): Promise<Ref | undefined>;
      representation: { addRepresentation(structure: Ref, props: ReprProps): Promise<Ref> };
    };
  };
  representation: { structure: { themes: { colorThemeRegistry: { add(p: ColorThemeProvider): void; remove(p: ColorThemeProvider): void } } } };
  managers: { structure: {
    hierarchy: { current: { structures: { model?: { trajectory?: { cell: { transform: Ref } } }; components: unknown[] }[] } };
    component: { updateRepresentationsTheme(components: unknown[], params: { color: string }): Promise<void> | undefined };
  } };
}
export interface MolstarViewer { plugin: Plugin }
/** Mol*'s `Viewer` class (what `create` needs of it). */
export interface MolstarViewerClass { create(element: HTMLElement, options: object): Promise<MolstarViewer> }

const GREY = 0xcccccc;
/** Path points drawn in all; longer trajectories are strided so the scene stays interactive. */
const MAX_PATH_POINTS = 20000;
const CHAIN_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
let themeCount = 0;

/** Mol*'s viewer as molsig shows it: the 3D view, the sequence, no side panels. */
export const VIEWER_OPTIONS = {
  layoutIsExpanded: false,
  layoutShowControls: false,
  layoutShowRemoteState: false,
  layoutShowSequence: true,
  layoutShowLog: false,
  layoutShowLeftPanel: false,
  viewportShowExpand: true,
  viewportShowSelectionMode: false,
  viewportShowAnimation: false,
};

interface Beads {
  paths: Float32Array; frames: number; beads: number; themes: ColorThemeProvider[]; pathData: Ref;
  markerData?: Ref;
  trailData?: Ref;
  /** Points per bead in the trail now drawn (fewer than TRAIL_FRAMES near the sample's start). */
  trailLength: number;
}

/** Frames a bead's trail reaches back: its last positions, fading with age. */
const TRAIL_FRAMES = 10;
/** Mol*'s background-task line ("Converting to mmCIF") flickers on every frame the overlays are
 * re-parsed: hidden in molsig's viewers. */
const VIEWER_STYLE = '.molsig-viewer .msp-background-tasks { display: none !important; }';



/** File-order index of the atom a colour query is about, or -1 for anything else. */
function atomIndex(loc: Location): number {
  // Spheres and cartoons ask with element locations; bond halves with their first atom, given as
  // an index into the unit's element list. Mol* may reorder atoms, so map back to the file row.
  const [unit, element] = loc.kind === 'element-location' ? [loc.unit, loc.element]
    : loc.kind === 'bond-location' ? [loc.aUnit, loc.aUnit?.elements[loc.aIndex ?? -1]]
    : [undefined, undefined];
  if (!unit || element === undefined || unit.kind !== 0) return -1;
  return unit.model.atomicHierarchy.atomSourceIndex.value(element);
}

/** Registers a colour theme giving atom i (file order) the colour `colourOf(i)`. */
export function addTheme(plugin: Plugin, label: string, colourOf: (atom: number) => number | undefined): ColorThemeProvider {
  const provider: ColorThemeProvider = {
    name: `molsig-${++themeCount}`,
    label,
    category: 'Atom Property',
    factory: (_ctx, props) => ({
      factory: provider.factory,
      granularity: 'group',
      color: (loc: Location) => colourOf(atomIndex(loc)) ?? GREY,
      props,
      description: label,
    }),
    getParams: () => ({}),
    defaultValues: {},
    isApplicable: (ctx) => !!ctx.structure,
  };
  plugin.representation.structure.themes.colorThemeRegistry.add(provider);
  return provider;
}

export function removeThemes(plugin: Plugin, themes: (ColorThemeProvider | undefined)[]): void {
  for (const t of themes) if (t) plugin.representation.structure.themes.colorThemeRegistry.remove(t);
}

/** Loads PDB text as a structure of its own with one representation; returns its data node. */
export async function addOverlay(plugin: Plugin, pdb: string, label: string, repr: ReprProps): Promise<Ref> {
  const data = await plugin.builders.data.rawData({ data: pdb, label });
  const trajectory = await plugin.builders.structure.parseTrajectory(data, 'pdb');
  const model = await plugin.builders.structure.createModel(trajectory);
  const structure = await plugin.builders.structure.createStructure(model);
  await plugin.builders.structure.representation.addRepresentation(structure, repr);
  return data;
}

/** A multi-model PDB: the ATOM/HETATM records of `pdb` (one frame) once per frame, with
 * `coordinates` (`[frames, atoms, 3]`, Å) written into them. Mol* reads the models as the
 * frames of one trajectory. */
export function multiModelPdb(pdb: string, coordinates: ArrayLike<number>, frames: number): string {
  const lines = pdb.split('\n');
  const atoms = lines.filter((l) => l.startsWith('ATOM') || l.startsWith('HETATM'));
  const f = (v: number) => v.toFixed(3).padStart(8);
  const out = lines.filter((l) => /^(CRYST1|REMARK)/.test(l));
  for (let t = 0; t < frames; t++) {
    out.push(`MODEL     ${String(t + 1).padStart(4)}`);
    atoms.forEach((line, i) => {
      const o = (t * atoms.length + i) * 3;
      out.push(line.slice(0, 30) + f(coordinates[o] ?? 0) + f(coordinates[o + 1] ?? 0) + f(coordinates[o + 2] ?? 0) + line.slice(54));
    });
    out.push('ENDMDL');
  }
  out.push('END');
  return out.join('\n');
}

/** PDB text of pseudo-atoms: hydrogens, so Mol* infers no bonds between them by distance. */
export function pseudoAtomsPdb(points: { bead: number; name: string; x: number; y: number; z: number }[], conect: [number, number][]): string {
  const f = (v: number) => v.toFixed(3).padStart(8);
  const lines = points.map((p, i) => 'HETATM' + String(i + 1).padStart(5) + ' ' + p.name.padEnd(4) + ' BDP '
    + CHAIN_IDS[p.bead % CHAIN_IDS.length] + String(p.bead + 1).padStart(4) + '    '
    + f(p.x) + f(p.y) + f(p.z) + '  1.00  0.00          ' + ' H');
  for (const [a, b] of conect) lines.push('CONECT' + String(a).padStart(5) + String(b).padStart(5));
  lines.push('END');
  return lines.join('\n');
}

/** A Mol* viewer showing one molecule, coloured per atom, with bead paths and markers. */
export class MoleculeViewer {
  private molecule: Ref | undefined; // trajectory node of the molecule, to tell it from the overlays
  private model: { ref: Ref; frames: number } | undefined; // its model node, to step through frames
  private atomTheme: ColorThemeProvider | undefined;
  private overlay: Beads | undefined;
  private wantedFrame: number | undefined; // latest setFrame argument not drawn yet
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly host: HTMLElement, private readonly viewer: Promise<MolstarViewer>) {}

  /** A viewer inside `element`. Mol*'s `Viewer` class comes from `options.Viewer` or from the
   * global `molstar` of Mol*'s prebuilt viewer bundle. */
  static create(element: HTMLElement, options: { Viewer?: MolstarViewerClass } = {}): MoleculeViewer {
    const Viewer = options.Viewer ?? (globalThis as { molstar?: { Viewer?: MolstarViewerClass } }).molstar?.Viewer;
    if (!Viewer) {
      throw new Error('molsig/viewer needs Mol*: pass { Viewer } from "molstar/lib/apps/viewer/app", or load Mol*\'s viewer bundle (molstar.js) first');
    }
    element.classList.add('molsig-viewer');
    if (!document.getElementById('molsig-viewer-style')) {
      const style = document.createElement('style');
      style.id = 'molsig-viewer-style';
      style.textContent = VIEWER_STYLE;
      document.head.append(style);
    }
    return new MoleculeViewer(element, Viewer.create(element, VIEWER_OPTIONS));
  }

  /** Shows an explanation: the molecule (every frame of the sample, to play with
   * {@link MoleculeViewer.setFrame}) coloured by `mode`, and the beads' paths with their markers
   * at the sample's first frame (models with beads). */
  async showExplanation(e: Explanation, mode: ColourMode = 'beads'): Promise<void> {
    await this.showStructure(e.pdb, e.name, { coordinates: e.coordinates, frames: e.frames });
    await this.colourBy(e, mode);
    if (e.beads === 0) return;
    await this.showBeadPaths(new Float32Array(e.beadPositions), e.frames, e.beads, Array.from({ length: e.beads }, (_, b) => beadColour(b)));
    await this.setFrame(0);
  }

  /** Recolours the molecule of `e` (shown by `showExplanation`) by `mode`. */
  colourBy(e: Explanation, mode: ColourMode): Promise<void> {
    return this.colourAtoms(pointColours(e, mode), mode === 'attribution' ? 'attribution' : 'bead membership');
  }

  /** Runs `job` after every earlier call has finished (failures don't block later calls). */
  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Shows `pdb` (PDB text), replacing what was there; with `trajectory`, every frame of it
   * (`coordinates`: `[frames, atoms, 3]` in Å, the atoms of `pdb` in its order). */
  showStructure(pdb: string, label: string, trajectory?: { coordinates: ArrayLike<number>; frames: number }): Promise<void> {
    return this.serial(async () => {
      const { plugin } = await this.viewer;
      await plugin.clear();
      removeThemes(plugin, [this.atomTheme, ...(this.overlay?.themes ?? [])]);
      this.atomTheme = this.overlay = this.molecule = this.model = undefined;
      // Like Viewer.loadStructureFromData, keeping the trajectory node to find it later, but with our
      // own representations instead of the 'default' preset (which gives a peptide only a cartoon,
      // coloured per residue from its CA): a cartoon for context plus ball-and-stick of every atom,
      // so per-atom colours show on side chains too. Both sit in one 'all' component, which
      // colourAtoms finds through Mol*'s hierarchy and recolours.
      const { structure: builder } = plugin.builders;
      const text = trajectory ? multiModelPdb(pdb, trajectory.coordinates, trajectory.frames) : pdb;
      const data = await plugin.builders.data.rawData({ data: text, label });
      this.molecule = await builder.parseTrajectory(data, 'pdb');
      const model = await builder.createModel(this.molecule, { modelIndex: 0 });
      this.model = { ref: model, frames: trajectory?.frames ?? 1 };
      const structure = await builder.createStructure(model);
      const all = await builder.tryCreateComponentStatic(structure, 'all');
      if (!all) return; // empty structure: nothing to draw
      await builder.representation.addRepresentation(all, { type: 'cartoon' });
      await builder.representation.addRepresentation(all, { type: 'ball-and-stick' });
    });
  }

  /** Colours every representation of the this.molecule per atom: `colours[i]` (0xRRGGBB) for atom i. */
  colourAtoms(colours: Uint32Array | number[], legendLabel: string): Promise<void> {
    return this.serial(async () => {
      if (!this.molecule) return;
      const { plugin } = await this.viewer;
      const old = this.atomTheme;
      this.atomTheme = addTheme(plugin, legendLabel, (i) => colours[i]);
      const ours = plugin.managers.structure.hierarchy.current.structures
        .filter((s) => s.model?.trajectory?.cell.transform.ref === this.molecule?.ref);
      await plugin.managers.structure.component.updateRepresentationsTheme(ours.flatMap((s) => s.components), { color: this.atomTheme.name });
      removeThemes(plugin, [old]); // only once nothing uses it any more
    });
  }

  private async removeOverlays(plugin: Plugin): Promise<void> {
    if (!this.overlay) return;
    const b = plugin.build();
    b.delete(this.overlay.pathData.ref);
    if (this.overlay.markerData) b.delete(this.overlay.markerData.ref);
    if (this.overlay.trailData) b.delete(this.overlay.trailData.ref);
    await b.commit();
    removeThemes(plugin, this.overlay.themes);
    this.overlay = undefined;
  }

  /** Draws each bead's trajectory (`paths`: [frames, beads, 3] in Å) as a line in `colours[bead]`. */
  showBeadPaths(paths: Float32Array, frames: number, beads: number, colours: number[]): Promise<void> {
    return this.serial(async () => {
      const { plugin } = await this.viewer;
      await this.removeOverlays(plugin);
      if (frames < 1 || beads < 1) return;
      // Keep every stride-th frame (and the last), bead-major so atom i belongs to bead i / kept.
      const stride = Math.max(1, Math.ceil((frames * beads) / MAX_PATH_POINTS));
      const kept: number[] = [];
      for (let t = 0; t < frames; t += stride) kept.push(t);
      if (kept[kept.length - 1] !== frames - 1) kept.push(frames - 1);
      const points = [];
      const conect: [number, number][] = [];
      for (let b = 0; b < beads; b++) {
        for (const [k, t] of kept.entries()) {
          const o = (t * beads + b) * 3;
          // Unique atom names (base 36) within the bead's residue, since CONECT is resolved by name.
          points.push({ bead: b, name: k.toString(36).toUpperCase().padStart(4, '0'), x: paths[o] ?? 0, y: paths[o + 1] ?? 0, z: paths[o + 2] ?? 0 });
          if (k > 0) conect.push([points.length - 1, points.length]);
        }
      }
      // The whole path faint, for context; the trail (drawn by setFrame) strong where the bead
      // was last.
      const pathTheme = addTheme(plugin, 'Bead paths', (i) => fade(colours[Math.floor(i / kept.length)] ?? 0x777777, 0.35));
      // Markers darker than their bead's atoms, so that a bead's marker stands out from its own
      // part of the cartoon.
      const markerTheme = addTheme(plugin, 'Bead markers', (i) => darken(colours[i] ?? 0x777777));
      // Trail point k of a bead (oldest first) fades toward white with its age.
      const trailTheme = addTheme(plugin, 'Bead trails', (i) => {
        const n = Math.max(1, this.overlay?.trailLength ?? 1);
        const age = n - 1 - (i % n);
        return fade(darken(colours[Math.floor(i / n)] ?? 0x777777), 1 - (0.85 * age) / TRAIL_FRAMES);
      });
      const pathData = await addOverlay(plugin, pseudoAtomsPdb(points, conect), 'bead paths', {
        type: 'ball-and-stick', typeParams: { sizeFactor: 0.12, sizeAspectRatio: 1 }, color: pathTheme.name, size: 'uniform',
      });
      this.overlay = { paths, frames, beads, themes: [pathTheme, markerTheme, trailTheme], pathData, trailLength: 0 };
    });
  }

  /** Moves the molecule to `frame` (when it was shown with its frames) and marks where the beads
   * are then with spheres (coalesced: only the latest frame is drawn). */
  setFrame(frame: number): Promise<void> {
    this.wantedFrame = frame;
    return this.serial(async () => {
      if (this.wantedFrame === undefined) return; // a later call drew it
      const wanted = Math.round(this.wantedFrame);
      this.wantedFrame = undefined;
      const { plugin } = await this.viewer;
      if (this.model && this.model.frames > 1) {
        const modelIndex = Math.min(Math.max(wanted, 0), this.model.frames - 1);
        await plugin.build().to(this.model.ref.ref).update({ modelIndex }).commit();
      }
      const o = this.overlay;
      if (!o) return;
      const t = Math.min(Math.max(wanted, 0), o.frames - 1);
      const points = [];
      for (let b = 0; b < o.beads; b++) {
        const i = (t * o.beads + b) * 3;
        points.push({ bead: b, name: 'M', x: o.paths[i] ?? 0, y: o.paths[i + 1] ?? 0, z: o.paths[i + 2] ?? 0 });
      }
      const pdb = pseudoAtomsPdb(points, []);
      // Swapping the text of the existing data node re-runs parse → structure → spheres in place,
      // far cheaper than building (and the camera noticing) a new subtree every frame.
      if (o.markerData) await plugin.build().to(o.markerData.ref).update({ data: pdb, label: 'bead markers' }).commit();
      else o.markerData = await addOverlay(plugin, pdb, 'bead markers', {
        type: 'spacefill', color: o.themes[1]?.name, size: 'uniform', sizeParams: { value: 0.7 },
      });
      // The trail: each bead's last positions up to this frame, joined, oldest first.
      const start = Math.max(0, t - TRAIL_FRAMES + 1);
      o.trailLength = t - start + 1;
      const trail = [];
      const joined: [number, number][] = [];
      for (let b = 0; b < o.beads; b++) {
        for (let f = start; f <= t; f++) {
          const i = (f * o.beads + b) * 3;
          trail.push({ bead: b, name: `T${f - start}`, x: o.paths[i] ?? 0, y: o.paths[i + 1] ?? 0, z: o.paths[i + 2] ?? 0 });
          if (f > start) joined.push([trail.length - 1, trail.length]);
        }
      }
      const trailPdb = pseudoAtomsPdb(trail, joined);
      if (o.trailData) await plugin.build().to(o.trailData.ref).update({ data: trailPdb, label: 'bead trails' }).commit();
      else o.trailData = await addOverlay(plugin, trailPdb, 'bead trails', {
        type: 'ball-and-stick', typeParams: { sizeFactor: 0.3, sizeAspectRatio: 1 }, color: o.themes[2]?.name, size: 'uniform',
      });
    });
  }

  /** Removes bead paths and markers, keeping the this.molecule. */
  clearOverlays(): Promise<void> {
    return this.serial(async () => {
      await this.removeOverlays((await this.viewer).plugin);
    });
  }

  /** A PNG of the current 3D view, as drawn on screen: read from Mol*'s canvas (its drawing
   * buffer is preserved). Mol*'s own screenshot re-renders 16-fold supersampled, which took 18 s
   * on a software renderer. */
  png(): Promise<Blob> {
    return this.serial(async () => {
      await this.viewer;
      // The next frame, so that a draw Mol* has scheduled (a frame step, a recolour) is in it.
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const canvas = this.host.querySelector('canvas');
      const blob = await new Promise<Blob | null>((resolve) => (canvas ? canvas.toBlob(resolve, 'image/png') : resolve(null)));
      if (!blob) throw new Error('no image from the viewer');
      return blob;
    });
  }
}
