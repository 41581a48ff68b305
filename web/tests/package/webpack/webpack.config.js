// A plain webpack 5 production build: no loaders, no plugins. webpack 5 ships
// `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` as a worker chunk and
// `new URL('./molsig.wasm', import.meta.url)` as an asset on its own.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export default {
  mode: 'production',
  entry: './src/index.js',
  output: { path: resolve(here, 'dist'), filename: 'main.js', clean: true },
};
