// Runs a wasm32-wasip1 program under Node's WASI with the directory of a file argument preopened.
//
//   node tools/bench/run-wasi.mjs PROGRAM.wasm FILE [ARGS...]
//
// The program sees FILE as /data/<its name> (its first argument), followed by ARGS. Node's
// WebAssembly is V8's, the engine of Chromium and so of molsig's web build: a number measured here
// stands for the browser's wasm speed, less the File API. Used by `cargo xtask bench`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WASI } from 'node:wasi';

const [program, file, ...rest] = process.argv.slice(2);
if (!program || !file) {
  console.error('usage: node run-wasi.mjs PROGRAM.wasm FILE [ARGS...]');
  process.exit(2);
}
const wasi = new WASI({
  version: 'preview1',
  args: [path.basename(program), `/data/${path.basename(file)}`, ...rest],
  env: {},
  preopens: { '/data': path.dirname(path.resolve(file)) },
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(program));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
