//! Running commands with the project's environment: tools we installed on PATH, quiet Vulkan.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The repository root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The cargo target directory shared by native and wasm builds.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// A command run from the repo root with `web/node_modules/.bin` and `~/.cargo/bin` on PATH.
pub fn command(program: &str) -> Command {
    let mut c = Command::new(program);
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let path = std::env::var("PATH").unwrap_or_default();
    let web_bin = root().join("web/node_modules/.bin");
    c.current_dir(root())
        .env(
            "PATH",
            format!("{}:{home}/.cargo/bin:{path}", web_bin.display()),
        )
        .env("CARGO_TARGET_DIR", target_dir())
        // The Vulkan loader complains loudly without it; lavapipe does not need it otherwise.
        .env("XDG_RUNTIME_DIR", std::env::temp_dir());
    c
}

/// Runs `c`, failing with the command line when it exits non-zero.
pub fn run(c: &mut Command) -> Result<()> {
    let shown = format!("{c:?}");
    eprintln!("xtask> {shown}");
    let status = c
        .status()
        .with_context(|| format!("could not start {shown}"))?;
    if !status.success() {
        bail!("command failed ({status}): {shown}");
    }
    Ok(())
}

/// Runs `c` and returns its stdout, or `None` when it cannot start or fails.
pub fn output(c: &mut Command) -> Option<String> {
    let out = c.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// True when `program` is on PATH (after our PATH additions).
pub fn has(program: &str) -> bool {
    output(command("sh").args(["-c", &format!("command -v {program}")])).is_some()
}
