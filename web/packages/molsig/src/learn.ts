// molsig/learn: classroom demos of the signature's symmetries on a real trajectory, mountable in
// any page. Each takes an engine from the `molsig` entry and Mol* from the app (a peer
// dependency), and computes its numbers with molsig/signature.
export { mountInvarianceDemo, type DemoFile, type DemoNumbers, type InvarianceDemo, type InvarianceDemoOptions } from './learn/demo';
export { DEMO_TEXT, warpKnots, type DemoKind, type DemoSettings, type DemoText } from './learn/demos';
export { compareLevels, relativeDifference, TOLERANCE, type LevelComparison } from './learn/numbers';
