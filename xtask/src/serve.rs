//! Building the site with Trunk and serving `dist/` from a small std-only HTTP server, so MIME
//! types (wasm needs `application/wasm`) and the Content-Security-Policy are ours to set.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};

use crate::cmd::{command, root, run};

/// No request may leave the page: scripts, workers, wasm and fetches only from this origin.
/// `wasm-unsafe-eval` lets the page compile wasm; Mol*'s prebuilt bundle evaluates strings at
/// start-up (`unsafe-eval`) and sets inline styles. Neither opens a channel out of the page.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; worker-src 'self' blob:; \
style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' blob: data:; font-src 'self' data:";

/// Builds `dist/` with a release wasm. `optimize` also runs binaryen's `wasm-opt -Oz` (npm
/// binaryen; Debian's 108 breaks the module), which shrinks the download but takes minutes.
pub fn build_web(optimize: bool) -> Result<()> {
    run(command("trunk").args(["build", "--release"]))?;
    // wasm-bindgen's declarations of the module (the `Session` class, typed with the types
    // generated from Rust) are what the site's TypeScript is checked against.
    std::fs::copy(
        root().join("dist/molsig-wasm.d.ts"),
        root().join("web/src/worker/molsig-wasm.d.ts"),
    )
    .context("copying the generated dist/molsig-wasm.d.ts")?;
    if optimize {
        let wasm = root().join("dist/molsig-wasm_bg.wasm");
        run(command("wasm-opt")
            .args([
                "-Oz",
                "--enable-bulk-memory",
                "--enable-reference-types",
                "--enable-nontrapping-float-to-int",
            ])
            .arg(&wasm)
            .arg("-o")
            .arg(&wasm))?;
    }
    Ok(())
}

/// Serves `dist/` until killed.
pub fn serve_forever(port: u16) -> Result<()> {
    let listener =
        TcpListener::bind(("127.0.0.1", port)).with_context(|| format!("port {port} is busy"))?;
    println!("molsig is ready: open http://127.0.0.1:{port}/ (Ctrl-C to stop)");
    serve(&listener, &root().join("dist"));
    Ok(())
}

/// Serves `dir` on an already bound listener (tests bind port 0).
pub fn serve(listener: &TcpListener, dir: &Path) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let dir = dir.to_path_buf();
        std::thread::spawn(move || {
            let _ = respond(stream, &dir);
        });
    }
}

fn respond(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut request = String::new();
    BufReader::new(&stream).read_line(&mut request)?;
    let raw = request.split_whitespace().nth(1).unwrap_or("/");
    let path = raw.split(['?', '#']).next().unwrap_or("/");
    let file = resolve(dir, path);
    let (status, body, mime) = match file.and_then(|f| std::fs::read(&f).ok().map(|b| (b, f))) {
        Some((body, f)) => ("200 OK", body, mime(&f)),
        None => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nContent-Security-Policy: {CSP}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)
}

/// Maps a URL path to a file under `dir`, refusing `..` and absolute components.
fn resolve(dir: &Path, url_path: &str) -> Option<PathBuf> {
    let rel = Path::new(url_path.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let full = dir.join(rel);
    if full.is_dir() {
        Some(full.join("index.html"))
    } else {
        Some(full)
    }
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_outside_dist() {
        let d = Path::new("/srv/dist");
        assert_eq!(resolve(d, "/../etc/passwd"), None);
        assert_eq!(
            resolve(d, "/a/b.js"),
            Some(PathBuf::from("/srv/dist/a/b.js"))
        );
        assert_eq!(mime(Path::new("x.wasm")), "application/wasm");
    }
}
