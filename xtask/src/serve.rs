//! Building the site on the npm package and serving `dist/` from a small std-only HTTP server, so MIME
//! types (wasm needs `application/wasm`) and the Content-Security-Policy are ours to set.
//!
//! A file with a precompressed copy beside it (`molsig.wasm.br`, `.gz`: the build writes them for
//! the large files) is sent as that copy to a browser that accepts its encoding, as a static host
//! configured for it would (nginx's `brotli_static` and `gzip_static`).
//!
//! The server is for development, but it is reachable by anything on this machine: a request's
//! line and headers are bounded, a slow or stalled client is dropped at a deadline, only GET and
//! HEAD are answered, and no file outside `dist/` is served (no `..`, no symlinks).

mod csp;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::cmd::{command, root, run};
use csp::{Delivery, policy};

/// Builds the site into `dist/` on the npm package, as an app would: the page's TypeScript
/// imports `molsig` (`web/node_modules/molsig`, the package folder) and esbuild bundles it; the
/// package's worker and wasm sit beside the bundle, where its `new URL(…, import.meta.url)`
/// finds them. Every path in the pages is relative, so `dist/` can be hosted under any path.
/// The large files get precompressed copies (`.br`, `.gz`) beside them.
pub fn build_web() -> Result<()> {
    let package = crate::package::build()?;
    eprintln!("xtask> packed {}", package.display());
    let (web, dist) = (root().join("web"), root().join("dist"));
    if dist.exists() {
        std::fs::remove_dir_all(&dist).context("clearing dist/")?;
    }
    std::fs::create_dir_all(&dist)?;
    run(command("npm")
        .args(["run", "-s", "bundle"])
        .env("OUT_DIR", &dist)
        .current_dir(&web))?;
    let package_dist = crate::package::dir().join("dist");
    let molstar = web.join("node_modules/molstar/build/viewer");
    let files = [
        (package_dist.join("worker.js"), "worker.js"),
        (package_dist.join("molsig.wasm"), "molsig.wasm"),
        (molstar.join("molstar.js"), "molstar.js"),
        (molstar.join("molstar.css"), "molstar.css"),
        (web.join("index.html"), "index.html"),
        (web.join("bench.html"), "bench.html"),
        (web.join("learn.html"), "learn.html"),
        (package_dist.join("signature.wasm"), "signature.wasm"),
        (web.join("style.css"), "style.css"),
    ];
    for (from, to) in files {
        std::fs::copy(&from, dist.join(to))
            .with_context(|| format!("copying {}", from.display()))?;
    }
    // Brotli and gzip copies of what a first visit downloads, for servers that send them.
    let large = [
        "molsig.wasm",
        "signature.wasm",
        "worker.js",
        "molstar.js",
        "molstar.css",
        "main.js",
        "learn.js",
        "bench.js",
    ];
    run(command("node")
        .arg(root().join("tools/package/compress.mjs"))
        .arg("precompress")
        .args(large.map(|f| dist.join(f))))?;
    copy_dir(&web.join("demo"), &dist.join("demo"))
}

/// Copies the folder `from` with everything below it to `to`.
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// What a client may send and how long it may take; tests shorten the timeouts.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Longest request line in bytes, line end included (longer: 414).
    pub request_line: usize,
    /// Most bytes of header lines after the request line (more: 431).
    pub header_bytes: usize,
    /// From accepting a connection to the end of its headers; a slower client gets 408.
    pub read: Duration,
    /// Longest one write may wait on a client that does not read.
    pub write: Duration,
}

impl Limits {
    /// A browser's request here is well under 1 KiB; 8 KiB lines are what Apache and nginx allow.
    pub const DEFAULT: Self = Self {
        request_line: 8 * 1024,
        header_bytes: 16 * 1024,
        read: Duration::from_secs(10),
        write: Duration::from_secs(30),
    };
}

const BAD_REQUEST: &str = "400 Bad Request";
const FORBIDDEN: &str = "403 Forbidden";
const NOT_FOUND: &str = "404 Not Found";
const METHOD_NOT_ALLOWED: &str = "405 Method Not Allowed";
const REQUEST_TIMEOUT: &str = "408 Request Timeout";
const URI_TOO_LONG: &str = "414 URI Too Long";
const HEADERS_TOO_LARGE: &str = "431 Request Header Fields Too Large";

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
    serve_with(listener, dir, Limits::DEFAULT);
}

/// [`serve`] with other limits.
pub fn serve_with(listener: &TcpListener, dir: &Path, limits: Limits) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let dir = dir.to_path_buf();
        std::thread::spawn(move || {
            let _ = respond(&stream, &dir, limits);
        });
    }
}

fn respond(stream: &TcpStream, dir: &Path, limits: Limits) -> io::Result<()> {
    stream.set_write_timeout(Some(limits.write))?;
    let mut reader = BufReader::new(Deadline {
        stream,
        until: Instant::now() + limits.read,
    });
    let refusal = match read_request(&mut reader, limits) {
        Ok(request) if request.method == "GET" || request.method == "HEAD" => {
            let path = request.target.split(['?', '#']).next().unwrap_or("/");
            let found = resolve(dir, path).and_then(|f| {
                let (file, len, mime) = open(&f)?;
                Ok(match precompressed(&f, &request.encodings) {
                    Some((copy, copy_len, encoding)) => (copy, copy_len, mime, Some(encoding)),
                    None => (file, len, mime, None),
                })
            });
            match found {
                Ok((file, len, mime, encoding)) => {
                    write_head(stream, "200 OK", mime, len, encoding)?;
                    if request.method == "GET" {
                        io::copy(&mut file.take(len), &mut &*stream)?;
                    }
                    return Ok(());
                }
                Err(status) => status,
            }
        }
        Ok(_) => METHOD_NOT_ALLOWED,
        Err(status) => status,
    };
    write_head(stream, refusal, "text/plain", refusal.len() as u64, None)?;
    (&*stream).write_all(refusal.as_bytes())?;
    // Close gently: closing with unread input makes the kernel reset the connection, and the
    // client may lose the answer; so send FIN, then drain what is left (bounded, by the deadline).
    stream.shutdown(std::net::Shutdown::Write)?;
    io::copy(&mut reader.take(64 * 1024), &mut io::sink()).map(drop)
}

/// What the server needs of a request.
struct Request {
    method: String,
    target: String,
    /// Content codings the client accepts, of those the server has copies in: `br`, `gzip`.
    encodings: Vec<&'static str>,
}

/// Reads a request's line and headers within `limits`, or the status that refuses it.
fn read_request(reader: &mut impl BufRead, limits: Limits) -> Result<Request, &'static str> {
    let line = read_line(reader, limits.request_line, URI_TOO_LONG)?;
    let line = String::from_utf8(line).map_err(|_| BAD_REQUEST)?;
    let mut parts = line.trim_end().split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(BAD_REQUEST);
    };
    if !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return Err(BAD_REQUEST);
    }
    let mut left = limits.header_bytes;
    let mut encodings = Vec::new();
    loop {
        let header = read_line(reader, left, HEADERS_TOO_LARGE)?;
        if header == b"\r\n" || header == b"\n" {
            return Ok(Request {
                method: method.to_owned(),
                target: target.to_owned(),
                encodings,
            });
        }
        left -= header.len();
        let header = String::from_utf8_lossy(&header);
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("accept-encoding")
        {
            encodings = accepted(value);
        }
    }
}

/// The codings of an `Accept-Encoding` value the server can send, best first (a `q=0` refuses).
fn accepted(value: &str) -> Vec<&'static str> {
    let offered: Vec<(String, bool)> = value
        .split(',')
        .map(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or("").to_ascii_lowercase();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (coding, refused)
        })
        .collect();
    ["br", "gzip"]
        .into_iter()
        .filter(|c| offered.iter().any(|(o, refused)| o == c && !refused))
        .collect()
}

/// The precompressed copy of `path` in the first of `encodings` that exists beside it.
fn precompressed(path: &Path, encodings: &[&'static str]) -> Option<(File, u64, &'static str)> {
    encodings.iter().find_map(|&encoding| {
        let suffix = if encoding == "br" { "br" } else { "gz" };
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".{suffix}"));
        let copy = PathBuf::from(name);
        refuse_symlink(&copy).ok()?;
        let (file, len, _) = open(&copy).ok()?;
        Some((file, len, encoding))
    })
}

/// One line of at most `max` bytes with its `\n`; `too_long` when it does not end by then.
fn read_line(
    reader: &mut impl BufRead,
    max: usize,
    too_long: &'static str,
) -> Result<Vec<u8>, &'static str> {
    let mut line = Vec::new();
    let read = reader.take(max as u64).read_until(b'\n', &mut line);
    match read {
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
            ) =>
        {
            Err(REQUEST_TIMEOUT)
        }
        Ok(_) if line.last() == Some(&b'\n') => Ok(line),
        Ok(n) if n == max => Err(too_long),
        // Another read error, or the client closed mid-line.
        _ => Err(BAD_REQUEST),
    }
}

/// Reads from a client until a fixed instant: a timeout per read alone would let a client that
/// sends a byte now and then hold its thread for ever.
struct Deadline<'a> {
    stream: &'a TcpStream,
    until: Instant,
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

fn write_head(
    mut stream: &TcpStream,
    status: &str,
    mime: &str,
    len: u64,
    encoding: Option<&str>,
) -> io::Result<()> {
    // Browsers apply a non-HTML response's policy only when it is a worker's script.
    let delivery = if mime.starts_with("text/html") {
        Delivery::PageHeader
    } else {
        Delivery::WorkerHeader
    };
    let allow = if status == METHOD_NOT_ALLOWED {
        "Allow: GET, HEAD\r\n"
    } else {
        ""
    };
    // Every answer may differ by Accept-Encoding, so caches must key on it.
    let coding = encoding.map_or(String::new(), |e| format!("Content-Encoding: {e}\r\n"));
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {len}\r\n{coding}\
         Vary: Accept-Encoding\r\nContent-Security-Policy: {}\r\n\
         X-Content-Type-Options: nosniff\r\n{allow}Cache-Control: no-cache\r\n\
         Connection: close\r\n\r\n",
        policy(delivery)
    )
}

/// Maps a URL path to a file under `dir`, refusing `..`, absolute components and any symlink
/// on the way (a link could lead out of `dir`); a directory means its `index.html`.
fn resolve(dir: &Path, url_path: &str) -> Result<PathBuf, &'static str> {
    let rel = Path::new(url_path.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(NOT_FOUND);
    }
    let mut path = dir.to_path_buf();
    for part in rel.components() {
        path.push(part);
        refuse_symlink(&path)?;
    }
    if path.is_dir() {
        path.push("index.html");
        refuse_symlink(&path)?;
    }
    Ok(path)
}

fn refuse_symlink(path: &Path) -> Result<(), &'static str> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(FORBIDDEN),
        Ok(_) => Ok(()),
        Err(_) => Err(NOT_FOUND),
    }
}

/// The file, its length and its MIME type; only plain files are served.
fn open(path: &Path) -> Result<(File, u64, &'static str), &'static str> {
    let file = File::open(path).map_err(|_| NOT_FOUND)?;
    let meta = file.metadata().map_err(|_| NOT_FOUND)?;
    if !meta.is_file() {
        return Err(NOT_FOUND);
    }
    Ok((file, meta.len(), mime(path)))
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
mod tests;
