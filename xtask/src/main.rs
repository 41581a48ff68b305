//! `cargo xtask`: molsig's automation in Rust instead of shell scripts.
//!
//! - `setup`: install what is missing (wasm32 target, wasm-bindgen-cli at the lockfile's version,
//!   Chromium + `ChromeDriver`, Mesa's lavapipe, npm packages incl. binaryen's wasm-opt)
//! - `package`: build the npm package (web/packages/molsig) and pack it into `target/npm/`
//! - `build-web`: the package, then the static site on it, into `dist/`
//! - `serve [--port N]`: setup + build + serve `dist/` on <http://127.0.0.1:8080>
//! - `test`: every test: native (CPU + wgpu on lavapipe), wasm in headless Chromium, browser
//!   end-to-end, the `MDAnalysis` comparison, the model against its `NumPy` reference and a
//!   bounded smoke fuzz
//! - `bench [xtc|signature|model|browser|accuracy]`: benchmarks against reference
//!   implementations and, in headless Chromium, WebGPU against the CPU, written to BENCHMARKS.md
//!   (all but `accuracy`, or the one named)

mod bench;
mod cmd;
mod package;
mod serve;
mod setup;
mod test;

use anyhow::{Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = args
        .split_first()
        .map_or(("help", &[][..]), |(t, r)| (t.as_str(), r));
    let value = |name: &str| {
        rest.iter()
            .position(|a| a == name)
            .and_then(|i| rest.get(i + 1))
            .cloned()
    };
    match task {
        "setup" => setup::all(),
        "package" => {
            setup::all()?;
            let tarball = package::build()?;
            println!("{}", tarball.display());
            Ok(())
        }
        "build-web" => {
            setup::all()?;
            serve::build_web()
        }
        "serve" => {
            setup::all()?;
            serve::build_web()?;
            let port = value("--port").map_or(Ok(8080), |p| p.parse())?;
            serve::serve_forever(port)
        }
        "test" => test::all(),
        "bench" => bench::run_named(rest.first().map(String::as_str)),
        "help" | "--help" | "-h" => {
            println!(
                "usage: cargo xtask <setup|package|build-web|serve [--port N]|test|bench [xtc|signature|model|browser|accuracy]>"
            );
            Ok(())
        }
        other => bail!("unknown task {other:?}; try `cargo xtask help`"),
    }
}
