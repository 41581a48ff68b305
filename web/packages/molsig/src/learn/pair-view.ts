// One Mol* view holding a trajectory window twice: the original as a grey ghost and the
// transformed copy coloured by bead, each with its beads' paths, playing frame by frame. Frames
// are the models of a multi-model PDB, switched through Mol*'s ModelFromTrajectory `modelIndex`
// (what Mol*'s own model-index animation updates), so playing re-parses nothing.
import {
  addOverlay, addTheme, multiModelPdb, pseudoAtomsPdb, removeThemes, VIEWER_OPTIONS,
  type ColorThemeProvider, type MolstarViewer, type MolstarViewerClass, type Plugin, type Ref,
} from '../viewer/molstar';
import { beadColour } from '../viewer/palette';
import type { Transformed } from '../types';

const GHOST = 0xaaaaaa;

/** Each original atom's dominant bead in `view` (Q rows are in the copy's atom order). */
function dominantBeadsInOriginalOrder(view: Transformed): number[] {
  const m = view.beads;
  const out = new Array<number>(view.points).fill(0);
  view.order.forEach((original, i) => {
    let best = 0;
    for (let b = 1; b < m; b++) if ((view.assignments[i * m + b] ?? 0) > (view.assignments[i * m + best] ?? 0)) best = b;
    out[original] = best;
  });
  return out;
}

/** Bead paths as pseudo-atoms joined frame to frame (bead-major). */
function beadPathPdb(view: Transformed): string {
  const points = [];
  const conect: [number, number][] = [];
  for (let b = 0; b < view.beads; b++) {
    for (let t = 0; t < view.frames; t++) {
      const o = (t * view.beads + b) * 3;
      const p = view.beadPaths;
      points.push({ bead: b, name: t.toString(36).toUpperCase().padStart(4, '0'), x: p[o] ?? 0, y: p[o + 1] ?? 0, z: p[o + 2] ?? 0 });
      if (t > 0) conect.push([points.length - 1, points.length]);
    }
  }
  return pseudoAtomsPdb(points, conect);
}

interface Shown { data: Ref; model: Ref; paths?: Ref; themes: ColorThemeProvider[]; frames: number }

/** The original (ghost) and the copy (coloured by bead) in one Mol* view. */
export class PairView {
  private original: Shown | undefined;
  private copy: Shown | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private wanted: { copy: number; original: number } | undefined;
  private wantedCopy: Transformed | undefined;

  private constructor(private readonly viewer: Promise<MolstarViewer>) {}

  /** A view inside `element`, on Mol*'s `Viewer` class (or the global `molstar` bundle's). */
  static create(element: HTMLElement, Viewer?: MolstarViewerClass): PairView {
    const V = Viewer ?? (globalThis as { molstar?: { Viewer?: MolstarViewerClass } }).molstar?.Viewer;
    if (!V) throw new Error('molsig/learn needs Mol*: pass { Viewer } from "molstar/lib/apps/viewer/app", or load Mol*\'s viewer bundle (molstar.js) first');
    return new PairView(V.create(element, { ...VIEWER_OPTIONS, layoutShowSequence: false }));
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Shows the original as a ghost (once) and replaces the copy. Calls that come faster than
   * Mol* builds are merged: only the latest copy is drawn. */
  show(original: Transformed, copy: Transformed): Promise<void> {
    this.wantedCopy = copy;
    return this.serial(async () => {
      const wanted = this.wantedCopy;
      if (!wanted) return;
      this.wantedCopy = undefined;
      const { plugin } = await this.viewer;
      if (!this.original) this.original = await this.add(plugin, original, true);
      if (this.copy) await this.remove(plugin, this.copy);
      this.copy = await this.add(plugin, wanted, false);
    });
  }

  private async add(plugin: Plugin, view: Transformed, ghost: boolean): Promise<Shown> {
    const beads = dominantBeadsInOriginalOrder(view);
    const atomTheme = addTheme(plugin, ghost ? 'original' : 'copy, by bead', (i) => (ghost ? GHOST : beadColour(beads[i] ?? 0)));
    const pathTheme = addTheme(plugin, 'bead paths', (i) => (ghost ? GHOST : beadColour(Math.floor(i / view.frames))));
    const { structure: builder } = plugin.builders;
    const data = await plugin.builders.data.rawData({ data: multiModelPdb(view.pdb, view.coordinates, view.frames), label: ghost ? 'original' : 'copy' });
    const trajectory = await builder.parseTrajectory(data, 'pdb');
    const model = await builder.createModel(trajectory, { modelIndex: 0 });
    const structure = await builder.createStructure(model);
    const alpha = ghost ? 0.35 : 1;
    await builder.representation.addRepresentation(structure, { type: 'cartoon', color: atomTheme.name, typeParams: { alpha } });
    await builder.representation.addRepresentation(structure, { type: 'ball-and-stick', color: atomTheme.name, typeParams: { alpha, sizeFactor: 0.2 } });
    const shown: Shown = { data, model, themes: [atomTheme, pathTheme], frames: view.frames };
    if (view.beads > 0) {
      shown.paths = await addOverlay(plugin, beadPathPdb(view), ghost ? 'original bead paths' : 'copy bead paths', {
        type: 'ball-and-stick', typeParams: { sizeFactor: 0.1, sizeAspectRatio: 1, alpha }, color: pathTheme.name, size: 'uniform',
      });
    }
    return shown;
  }

  private async remove(plugin: Plugin, shown: Shown): Promise<void> {
    const b = plugin.build();
    b.delete(shown.data.ref);
    if (shown.paths) b.delete(shown.paths.ref);
    await b.commit();
    removeThemes(plugin, shown.themes);
  }

  /** Shows frame `copy` of the copy and frame `original` of the original (only the latest
   * call's frames are drawn when calls come faster than Mol* redraws). */
  setFrames(copy: number, original: number): Promise<void> {
    this.wanted = { copy, original };
    return this.serial(async () => {
      const wanted = this.wanted;
      if (!wanted) return;
      this.wanted = undefined;
      const { plugin } = await this.viewer;
      const b = plugin.build();
      for (const [shown, frame] of [[this.original, wanted.original], [this.copy, wanted.copy]] as const) {
        if (shown) b.to(shown.model.ref).update({ modelIndex: Math.min(Math.max(0, Math.round(frame)), shown.frames - 1) });
      }
      await b.commit();
    });
  }
}
