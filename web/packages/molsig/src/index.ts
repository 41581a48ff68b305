// molsig: Deep Signature on molecular-dynamics trajectories, in a Web Worker the package starts
// itself. `Molsig.create()` gives the typed session API; the result types are generated from
// the Rust types.
import { usePackageWorker } from './engine';

usePackageWorker(() => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }));

export { Molsig, MolsigError, type MolsigOptions, type ModelFile, type TrainOptions } from './engine';
export { version } from './version';
export type * from './types';
