// The inlined worker's embedded wasm: the package build imports it as a base64 string.
declare module '*.wasm.gz' {
  const base64: string;
  export default base64;
}
