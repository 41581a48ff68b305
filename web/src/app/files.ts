// Turning what the user dropped (files, folders) into a topology, trajectories, a manifest and
// model files, and the trajectory table the labels live in.

/** What a dropped file is, by extension. */
export type Kind = 'topology' | 'trajectory' | 'manifest' | 'model' | 'unknown';

export function kindOf(name: string): Kind {
  const n = name.toLowerCase();
  if (/\.(pdb|ent|gro)$/.test(n)) return 'topology';
  if (n.endsWith('.xtc')) return 'trajectory';
  if (/\.(csv|json)$/.test(n)) return 'manifest';
  if (n.endsWith('.molsig')) return 'model';
  return 'unknown';
}

/** Every file of a drop, folders walked recursively (Chrome's entries API). */
export async function droppedFiles(data: DataTransfer): Promise<File[]> {
  const entries = [...data.items].map((item) => item.webkitGetAsEntry()).filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return [...data.files];
  const out: File[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      out.push(await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)));
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries returns batches until an empty one.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const e of batch) await walk(e);
      }
    }
  };
  for (const e of entries) await walk(e);
  return out;
}

/** One row of the trajectory table. */
export interface Row {
  file: File;
  label: string;
  group: string;
  /** Frames in the file, once the worker has read its index. */
  frames?: number;
  /** Samples it yields with the current settings. */
  samples?: number;
}

/** A guess at a trajectory's class from its name: `wt_rep3.xtc` → `wt_rep`, `low_friction_01.xtc` → `low_friction`. */
export function labelFromName(name: string): string {
  const stem = name.replace(/\.[^.]+$/, '');
  return stem.replace(/[-_.]?(rep|run|r|seed|traj)?[-_.]?\d+$/i, '') || stem;
}
