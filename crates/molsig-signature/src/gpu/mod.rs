//! GPU signatures through burn (feature `gpu`).
