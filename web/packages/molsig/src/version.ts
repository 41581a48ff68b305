// The package's version, set by the build from package.json (which must equal the Rust
// engine's): apps and the site show it and write it into their exports.
declare const MOLSIG_VERSION: string;

/** This package's version (the same as the engine's, which model files record). */
export const version: string = MOLSIG_VERSION;
