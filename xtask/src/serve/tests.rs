//! The server over real TCP connections, bound on port 0, with short timeouts.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::csp::{Delivery, policy};
use super::{Limits, resolve, serve_with};

const QUICK: Limits = Limits {
    read: Duration::from_millis(300),
    write: Duration::from_millis(300),
    ..Limits::DEFAULT
};

/// A fresh folder under the system temp dir holding `index.html` and `worker.js`.
fn site(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("molsig-serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("index.html"), "<!doctype html>page").expect("index.html");
    std::fs::write(dir.join("worker.js"), "postMessage(1)").expect("worker.js");
    dir
}

fn start(dir: &Path, limits: Limits) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    let dir = dir.to_path_buf();
    std::thread::spawn(move || serve_with(&listener, &dir, limits));
    addr
}

/// Sends `request` and reads the whole answer (the server closes every connection).
fn exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream.write_all(request).expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("answer");
    String::from_utf8_lossy(&answer).into_owned()
}

fn get(addr: SocketAddr, path: &str) -> String {
    exchange(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(),
    )
}

fn header<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    let head = answer.split("\r\n\r\n").next()?;
    head.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(": "))
}

#[test]
fn pages_get_the_page_policy_and_other_files_the_worker_policy() {
    let addr = start(&site("policy"), QUICK);
    let page = get(addr, "/");
    assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page}");
    assert!(page.ends_with("\r\n\r\n<!doctype html>page"), "{page}");
    assert_eq!(
        header(&page, "Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        header(&page, "Content-Security-Policy"),
        Some(policy(Delivery::PageHeader).as_str())
    );
    assert_eq!(header(&page, "X-Content-Type-Options"), Some("nosniff"));
    let worker = get(addr, "/worker.js?backend=cpu");
    assert!(worker.ends_with("\r\n\r\npostMessage(1)"), "{worker}");
    assert_eq!(
        header(&worker, "Content-Security-Policy"),
        Some(policy(Delivery::WorkerHeader).as_str())
    );
}

#[test]
fn a_precompressed_copy_goes_to_a_browser_that_accepts_its_encoding() {
    let dir = site("encoding");
    // Stand-ins for the copies the build writes (the server sends bytes; it never decodes).
    std::fs::write(dir.join("engine.wasm"), "raw wasm").expect("wasm");
    std::fs::write(dir.join("engine.wasm.br"), "brotli bytes").expect("br");
    std::fs::write(dir.join("engine.wasm.gz"), "gzip bytes").expect("gz");
    let addr = start(&dir, QUICK);
    let fetch = |accept: &str| {
        exchange(
            addr,
            format!("GET /engine.wasm HTTP/1.1\r\nHost: x\r\nAccept-Encoding: {accept}\r\n\r\n")
                .as_bytes(),
        )
    };
    for (accept, coding, body) in [
        ("gzip, deflate, br, zstd", Some("br"), "brotli bytes"),
        ("gzip", Some("gzip"), "gzip bytes"),
        ("BR;q=0, gzip;q=0.5", Some("gzip"), "gzip bytes"),
        ("identity", None, "raw wasm"),
    ] {
        let answer = fetch(accept);
        assert_eq!(
            header(&answer, "Content-Encoding"),
            coding,
            "{accept}: {answer}"
        );
        assert_eq!(
            header(&answer, "Content-Type"),
            Some("application/wasm"),
            "{accept}"
        );
        assert_eq!(header(&answer, "Vary"), Some("Accept-Encoding"), "{accept}");
        assert!(
            answer.ends_with(&format!("\r\n\r\n{body}")),
            "{accept}: {answer}"
        );
    }
    // No copy beside the file: the file itself, whatever the browser accepts.
    let page = exchange(addr, b"GET / HTTP/1.1\r\nAccept-Encoding: br\r\n\r\n");
    assert_eq!(header(&page, "Content-Encoding"), None, "{page}");
    assert!(page.ends_with("<!doctype html>page"), "{page}");
}

#[test]
fn head_answers_the_headers_without_the_body() {
    let addr = start(&site("head"), QUICK);
    let answer = exchange(addr, b"HEAD /worker.js HTTP/1.1\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert_eq!(header(&answer, "Content-Length"), Some("14"));
    assert!(answer.ends_with("\r\n\r\n"), "{answer}");
}

#[test]
fn methods_other_than_get_and_head_get_405_and_garbage_400() {
    let addr = start(&site("methods"), QUICK);
    let post = exchange(
        addr,
        b"POST /index.html HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
    );
    assert!(
        post.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
        "{post}"
    );
    assert_eq!(header(&post, "Allow"), Some("GET, HEAD"));
    let garbage = exchange(addr, b"hello\r\n\r\n");
    assert!(
        garbage.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{garbage}"
    );
}

#[test]
fn an_oversized_request_line_gets_414() {
    let addr = start(&site("line"), QUICK);
    let long = format!(
        "GET /{} HTTP/1.1\r\n\r\n",
        "a".repeat(Limits::DEFAULT.request_line)
    );
    let answer = exchange(addr, long.as_bytes());
    assert!(
        answer.starts_with("HTTP/1.1 414 URI Too Long\r\n"),
        "{answer}"
    );
    // Just under the limit is an ordinary request (here for a missing file).
    let fits = format!(
        "GET /{} HTTP/1.1\r\n\r\n",
        "a".repeat(Limits::DEFAULT.request_line - 20)
    );
    assert!(exchange(addr, fits.as_bytes()).starts_with("HTTP/1.1 404 Not Found\r\n"));
}

#[test]
fn oversized_headers_get_431() {
    let addr = start(&site("headers"), QUICK);
    let headers = "X-Filler: 0123456789abcdef0123456789abcdef\r\n".repeat(500); // 21.5 KB
    let answer = exchange(addr, format!("GET / HTTP/1.1\r\n{headers}\r\n").as_bytes());
    assert!(
        answer.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
        "{answer}"
    );
}

#[test]
fn a_slow_client_is_dropped_at_the_deadline() {
    let addr = start(&site("slow"), QUICK);
    let mut stream = TcpStream::connect(addr).expect("connect");
    let mut writer = stream.try_clone().expect("clone");
    // A byte every 50 ms: each read is quick, the request never ends.
    std::thread::spawn(move || {
        let _ = writer.write_all(b"GET / HTTP/1.1\r\n");
        while writer.write_all(b"x").is_ok() {
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let started = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer); // may end in a reset once the server has gone
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{answer}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_client_that_does_not_read_is_dropped() {
    let dir = site("stalled");
    // Larger than what loopback socket buffers hold, so the server's writes block.
    let size = 64 << 20;
    std::fs::write(dir.join("big.bin"), vec![7u8; size]).expect("big file");
    let addr = start(&dir, QUICK);
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .write_all(b"GET /big.bin HTTP/1.1\r\n\r\n")
        .expect("send");
    std::thread::sleep(Duration::from_secs(2)); // not reading, well past the write timeout
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut received = 0;
    let mut buf = vec![0; 1 << 16];
    while let Ok(n @ 1..) = stream.read(&mut buf) {
        received += n;
    }
    assert!(
        received > 0 && received < size,
        "received {received} of {size} bytes"
    );
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn paths_out_of_the_folder_are_refused() {
    let dir = site("escape");
    let addr = start(&dir, QUICK);
    for path in ["/../index.html", "/a/../../etc/passwd", "//etc/passwd"] {
        let answer = get(addr, path);
        assert!(
            answer.starts_with("HTTP/1.1 404 Not Found\r\n"),
            "{path}: {answer}"
        );
    }
    assert_eq!(resolve(&dir, "/../etc/passwd"), Err(super::NOT_FOUND));
    assert_eq!(resolve(&dir, "/"), Ok(dir.join("index.html")));
}

#[cfg(unix)]
#[test]
fn symlinks_are_refused_even_inside_the_folder() {
    use std::os::unix::fs::symlink;
    let dir = site("symlinks");
    let outside = site("symlinks-outside");
    std::fs::write(outside.join("secret.txt"), "secret").expect("secret");
    symlink(dir.join("worker.js"), dir.join("link.js")).expect("file link");
    symlink(&outside, dir.join("out")).expect("dir link");
    std::fs::create_dir(dir.join("sub")).expect("sub");
    symlink(dir.join("index.html"), dir.join("sub/index.html")).expect("index link");
    let addr = start(&dir, QUICK);
    for path in ["/link.js", "/out/secret.txt", "/out/", "/sub/"] {
        let answer = get(addr, path);
        assert!(
            answer.starts_with("HTTP/1.1 403 Forbidden\r\n"),
            "{path}: {answer}"
        );
    }
    assert!(get(addr, "/worker.js").starts_with("HTTP/1.1 200 OK\r\n"));
}
