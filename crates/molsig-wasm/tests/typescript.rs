//! The committed TypeScript declarations (`molsig-types.d.ts`) are exactly what the Rust types
//! generate: a changed field fails here until the file is regenerated.
#![cfg(not(target_arch = "wasm32"))]

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/molsig-types.d.ts");

#[test]
fn the_typescript_declarations_are_current() {
    let generated = molsig_wasm::typescript::declarations();
    if std::env::var_os("MOLSIG_BLESS").is_some() {
        std::fs::write(COMMITTED, &generated).expect("writes the declarations");
    }
    let committed = std::fs::read_to_string(COMMITTED).expect("molsig-types.d.ts is committed");
    assert!(
        committed == generated,
        "{COMMITTED} is stale: run `MOLSIG_BLESS=1 cargo test -p molsig-wasm --test typescript` \
         and commit it"
    );
}
