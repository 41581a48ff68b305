// What molsig needs from Vite 7, found by this test (the package README documents it):
// - optimizeDeps.exclude: ['molsig'], for `vite` (dev) only: the dependency pre-bundler would
//   copy molsig's entry into node_modules/.vite/deps, away from its worker.js and wasm, and the
//   `new URL('./worker.js', import.meta.url)` there 404s (the engine then never starts).
//   It also covers 'molsig/signature'. `vite build` works without it.
// - Nothing else: `worker.format: 'es'` is not needed (the package's worker has no dynamic
//   import, so Vite's default 'iife' worker build works; 'es' does too).
// The Content-Security-Policy header comes from the test runner (MOLSIG_CSP).
import { defineConfig } from 'vite';

const headers = process.env.MOLSIG_CSP ? { 'Content-Security-Policy': process.env.MOLSIG_CSP } : {};

export default defineConfig({
  optimizeDeps: { exclude: ['molsig'] },
  server: { headers },
  preview: { headers },
});
