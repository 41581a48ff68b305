// Thin wrapper over Mol*'s prebuilt viewer bundle (loaded by a <script> tag as `molstar`).
// Structures arrive as PDB text from the worker; coordinates there are already in Å.
//
// One viewer per page. It holds the molecule (cartoon plus ball-and-stick of all atoms) and two
// overlays we build ourselves as PDB text: bead paths (one chain of pseudo-atoms per bead,
// consecutive frames joined by CONECT) and bead markers (one pseudo-atom per bead at the current
// frame). Colours come from custom colour themes whose colour function closes over the caller's
// arrays; a fresh theme name per call makes Mol* see a new theme and recolour. All calls run one
// after another through `serial` because they edit the same Mol* state tree.

// The slice of Mol*'s API used here (see molstar/lib/*.d.ts for the real types).
interface Ref { ref: string }
interface Unit {
  kind: number; // 0 = atomic
  elements: ArrayLike<number>;
  model: { atomicHierarchy: { atomSourceIndex: { value(element: number): number } } };
}
interface Location { kind: string; unit?: Unit; element?: number; aUnit?: Unit; aIndex?: number }
interface ColorThemeProvider {
  name: string; label: string; category: string;
  factory(ctx: unknown, props: object): object;
  getParams(ctx: unknown): object;
  defaultValues: object;
  isApplicable(ctx: { structure?: unknown }): boolean;
}
interface ReprProps { type: string; typeParams?: object; color?: string; size?: string; sizeParams?: object }
interface Plugin {
  clear(): Promise<void>;
  build(): { delete(ref: string): unknown; to(ref: string): { update(params: object): { commit(): Promise<void> } }; commit(): Promise<void> };
  builders: {
    data: { rawData(params: { data: string; label?: string }): Promise<Ref> };
    structure: {
      parseTrajectory(data: Ref, format: 'pdb'): Promise<Ref>;
      createModel(trajectory: Ref): Promise<Ref>;
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
  helpers: { viewportScreenshot?: { getImageDataUri(): Promise<string> } };
}
interface MolstarViewer { plugin: Plugin }
declare const molstar: { Viewer: { create(element: HTMLElement, options: object): Promise<MolstarViewer> } };

const GREY = 0xcccccc;
/** Path points drawn in all; longer trajectories are strided so the scene stays interactive. */
const MAX_PATH_POINTS = 20000;
const CHAIN_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

let viewer: Promise<MolstarViewer> | undefined;
let host: HTMLElement | undefined;
let molecule: Ref | undefined; // trajectory node of the molecule, to tell it from the overlays
let atomTheme: ColorThemeProvider | undefined;
interface Beads { paths: Float32Array; frames: number; beads: number; themes: ColorThemeProvider[]; pathData: Ref; markerData?: Ref }
let overlay: Beads | undefined;
let wantedFrame: number | undefined; // latest setBeadFrame argument not drawn yet
let themeCount = 0;
let queue: Promise<unknown> = Promise.resolve();

/** Runs `job` after every earlier call has finished (failures don't block later calls). */
function serial<T>(job: () => Promise<T>): Promise<T> {
  const run = queue.then(job, job);
  queue = run.catch(() => undefined);
  return run;
}

function create(element: HTMLElement): Promise<MolstarViewer> {
  host = element;
  viewer ??= molstar.Viewer.create(element, {
    layoutIsExpanded: false,
    layoutShowControls: false,
    layoutShowRemoteState: false,
    layoutShowSequence: true,
    layoutShowLog: false,
    layoutShowLeftPanel: false,
    viewportShowExpand: true,
    viewportShowSelectionMode: false,
    viewportShowAnimation: false,
  });
  return viewer;
}

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
function addTheme(plugin: Plugin, label: string, colourOf: (atom: number) => number | undefined): ColorThemeProvider {
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

function removeThemes(plugin: Plugin, themes: (ColorThemeProvider | undefined)[]): void {
  for (const t of themes) if (t) plugin.representation.structure.themes.colorThemeRegistry.remove(t);
}

/** Loads PDB text as a structure of its own with one representation; returns its data node. */
async function addOverlay(plugin: Plugin, pdb: string, label: string, repr: ReprProps): Promise<Ref> {
  const data = await plugin.builders.data.rawData({ data: pdb, label });
  const trajectory = await plugin.builders.structure.parseTrajectory(data, 'pdb');
  const model = await plugin.builders.structure.createModel(trajectory);
  const structure = await plugin.builders.structure.createStructure(model);
  await plugin.builders.structure.representation.addRepresentation(structure, repr);
  return data;
}

/** PDB text of pseudo-atoms: hydrogens, so Mol* infers no bonds between them by distance. */
function pseudoAtomsPdb(points: { bead: number; name: string; x: number; y: number; z: number }[], conect: [number, number][]): string {
  const f = (v: number) => v.toFixed(3).padStart(8);
  const lines = points.map((p, i) => 'HETATM' + String(i + 1).padStart(5) + ' ' + p.name.padEnd(4) + ' BDP '
    + CHAIN_IDS[p.bead % CHAIN_IDS.length] + String(p.bead + 1).padStart(4) + '    '
    + f(p.x) + f(p.y) + f(p.z) + '  1.00  0.00          ' + ' H');
  for (const [a, b] of conect) lines.push('CONECT' + String(a).padStart(5) + String(b).padStart(5));
  lines.push('END');
  return lines.join('\n');
}

/** Shows `pdb` in the viewer inside `element`, replacing what was there. */
export function showStructure(element: HTMLElement, pdb: string, label: string): Promise<void> {
  return serial(async () => {
    const { plugin } = await create(element);
    await plugin.clear();
    removeThemes(plugin, [atomTheme, ...(overlay?.themes ?? [])]);
    atomTheme = overlay = molecule = undefined;
    // Like Viewer.loadStructureFromData, keeping the trajectory node to find it later, but with our
    // own representations instead of the 'default' preset (which gives a peptide only a cartoon,
    // coloured per residue from its CA): a cartoon for context plus ball-and-stick of every atom,
    // so per-atom colours show on side chains too. Both sit in one 'all' component, which
    // colourAtoms finds through Mol*'s hierarchy and recolours.
    const { structure: builder } = plugin.builders;
    const data = await plugin.builders.data.rawData({ data: pdb, label });
    molecule = await builder.parseTrajectory(data, 'pdb');
    const structure = await builder.createStructure(await builder.createModel(molecule));
    const all = await builder.tryCreateComponentStatic(structure, 'all');
    if (!all) return; // empty structure: nothing to draw
    await builder.representation.addRepresentation(all, { type: 'cartoon' });
    await builder.representation.addRepresentation(all, { type: 'ball-and-stick' });
  });
}

/** Colours every representation of the molecule per atom: `colours[i]` (0xRRGGBB) for atom i. */
export function colourAtoms(colours: Uint32Array | number[], legendLabel: string): Promise<void> {
  return serial(async () => {
    if (!viewer || !molecule) return;
    const { plugin } = await viewer;
    const old = atomTheme;
    atomTheme = addTheme(plugin, legendLabel, (i) => colours[i]);
    const ours = plugin.managers.structure.hierarchy.current.structures
      .filter((s) => s.model?.trajectory?.cell.transform.ref === molecule?.ref);
    await plugin.managers.structure.component.updateRepresentationsTheme(ours.flatMap((s) => s.components), { color: atomTheme.name });
    removeThemes(plugin, [old]); // only once nothing uses it any more
  });
}

async function removeOverlays(plugin: Plugin): Promise<void> {
  if (!overlay) return;
  const b = plugin.build();
  b.delete(overlay.pathData.ref);
  if (overlay.markerData) b.delete(overlay.markerData.ref);
  await b.commit();
  removeThemes(plugin, overlay.themes);
  overlay = undefined;
}

/** Draws each bead's trajectory (`paths`: [frames, beads, 3] in Å) as a line in `colours[bead]`. */
export function showBeadPaths(paths: Float32Array, frames: number, beads: number, colours: number[]): Promise<void> {
  return serial(async () => {
    if (!viewer) return;
    const { plugin } = await viewer;
    await removeOverlays(plugin);
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
    const pathTheme = addTheme(plugin, 'Bead paths', (i) => colours[Math.floor(i / kept.length)]);
    const markerTheme = addTheme(plugin, 'Bead markers', (i) => colours[i]);
    const pathData = await addOverlay(plugin, pseudoAtomsPdb(points, conect), 'bead paths', {
      type: 'ball-and-stick', typeParams: { sizeFactor: 0.12, sizeAspectRatio: 1 }, color: pathTheme.name, size: 'uniform',
    });
    overlay = { paths, frames, beads, themes: [pathTheme, markerTheme], pathData };
  });
}

/** Marks where the beads are at `frame` with spheres (coalesced: only the latest frame is drawn). */
export function setBeadFrame(frame: number): Promise<void> {
  wantedFrame = frame;
  return serial(async () => {
    const o = overlay;
    if (!viewer || !o || wantedFrame === undefined) return; // nothing to draw, or a later call did it
    const t = Math.min(Math.max(Math.round(wantedFrame), 0), o.frames - 1);
    wantedFrame = undefined;
    const { plugin } = await viewer;
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
      type: 'spacefill', color: o.themes[1]?.name, size: 'uniform', sizeParams: { value: 0.6 },
    });
  });
}

/** Removes bead paths and markers, keeping the molecule. */
export function clearOverlays(): Promise<void> {
  return serial(async () => {
    if (viewer) await removeOverlays((await viewer).plugin);
  });
}

/** A PNG of the current 3D view. */
export function viewerPng(): Promise<Blob> {
  return serial(async () => {
    if (!viewer) throw new Error('no viewer yet');
    const { plugin } = await viewer;
    const uri = await plugin.helpers.viewportScreenshot?.getImageDataUri();
    if (uri?.startsWith('data:image/png;base64,')) {
      const bytes = Uint8Array.from(atob(uri.slice(uri.indexOf(',') + 1)), (c) => c.charCodeAt(0));
      return new Blob([bytes], { type: 'image/png' });
    }
    // No screenshot helper (it needs a canvas): read the WebGL canvas, kept by preserveDrawingBuffer.
    const canvas = host?.querySelector('canvas');
    const blob = await new Promise<Blob | null>((resolve) => (canvas ? canvas.toBlob(resolve, 'image/png') : resolve(null)));
    if (!blob) throw new Error('no image from the viewer');
    return blob;
  });
}
