// molsig/viewer: the engine's explanations on the molecule, in Mol* (a peer dependency). Colours
// are chosen for colour-blind readers.
export { MoleculeViewer, type MolstarViewerClass } from './viewer/molstar';
export { dominantBeads, pointColours, relativeBeads, type ColourMode } from './viewer/colouring';
export { beadColour, css, diverging, fade } from './viewer/palette';
