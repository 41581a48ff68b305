// molsig with the engine's wasm inside its worker script (`molsig/inlined`), for bundlers that
// mishandle `new URL('…wasm', import.meta.url)` assets. Same API as `molsig`.
import { usePackageWorker } from './engine';

usePackageWorker(() => new Worker(new URL('./worker-inlined.js', import.meta.url), { type: 'module' }));

export { Molsig, MolsigError, type MolsigOptions, type ModelFile, type TrainOptions } from './engine';
export type * from './types';
