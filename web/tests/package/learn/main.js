// The page's one module: one classroom demo of molsig/learn on the files the app serves beside
// this page (the runner copies web/demo's demo.pdb, demo.xtc and friction.molsig here). Bare
// `molsig` specifiers resolve through the import map in index.html; Mol* is the global of the
// classic script before it.
import { Molsig } from 'molsig';
import { mountInvarianceDemo } from 'molsig/learn';

try {
  const engine = await Molsig.create({ backend: 'cpu' });
  const demo = mountInvarianceDemo(document.getElementById('demo'), {
    demo: 'translation', engine, topology: 'demo.pdb', trajectory: 'demo.xtc', model: 'friction.molsig',
  });
  // The runner reads the DOM; this only lets it see which settings the numbers were made with.
  window.molsigDemo = demo;
  await demo.ready;
} catch (e) {
  window.molsigError = e instanceof Error ? `${e.message}\n${e.stack}` : String(e);
}
