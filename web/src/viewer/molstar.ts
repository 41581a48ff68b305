// Thin wrapper over Mol*'s prebuilt viewer bundle (loaded by a <script> tag as `molstar`).
// Structures arrive as PDB text from the worker; coordinates there are already in Å.

interface MolstarViewer {
  loadStructureFromData(data: string, format: 'pdb', options?: { dataLabel?: string }): Promise<unknown>;
  plugin: { clear(): Promise<void> };
}
declare const molstar: { Viewer: { create(element: HTMLElement, options: object): Promise<MolstarViewer> } };

let viewer: Promise<MolstarViewer> | undefined;

function create(element: HTMLElement): Promise<MolstarViewer> {
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

/** Shows `pdb` in the viewer inside `element`, replacing what was there. */
export async function showStructure(element: HTMLElement, pdb: string, label: string): Promise<void> {
  const v = await create(element);
  await v.plugin.clear();
  await v.loadStructureFromData(pdb, 'pdb', { dataLabel: label });
}
