//! The site's one Content-Security-Policy. The server's headers and the `<meta>` tags of
//! `web/*.html` are all made from [`DIRECTIVES`]; a test checks the pages (and a built `dist/`)
//! against it, so they cannot drift apart.
//!
//! Nothing may leave the page: scripts, workers, wasm and fetches only from this origin.
//! - `'wasm-unsafe-eval'`: the worker compiles molsig's wasm.
//! - `'unsafe-eval'`, documents only: Mol* 5.11's prebuilt viewer bundles h264-mp4-encoder
//!   (emscripten embind), which builds functions with `new Function` while `molstar.js` loads;
//!   refused, the bundle throws and `molstar.Viewer` is never defined. CSP cannot allow eval for
//!   one script, so it is allowed for the pages and dropped for the worker, where the user's files
//!   are parsed: a dedicated worker's policy is the header of its own script's response
//!   (Chromium refuses the worker's wasm when that header lacks `'wasm-unsafe-eval'`).
//! - `style-src 'unsafe-inline'`: Mol* sets inline styles.
//! - `frame-ancestors 'none'`: no other site may frame the page. Browsers ignore it in a `<meta>`
//!   policy, so the meta tag is the header policy without it.

/// The policy, directive by directive.
const DIRECTIVES: &[(&str, &[&str])] = &[
    ("default-src", &["'self'"]),
    ("script-src", &["'self'", EVAL, "'wasm-unsafe-eval'"]),
    ("worker-src", &["'self'", "blob:"]),
    ("style-src", &["'self'", "'unsafe-inline'"]),
    ("img-src", &["'self'", "data:", "blob:"]),
    ("connect-src", &["'self'", "blob:", "data:"]),
    ("font-src", &["'self'", "data:"]),
    ("form-action", &["'none'"]),
    ("base-uri", &["'none'"]),
    ("frame-ancestors", &["'none'"]),
];

/// The source only Mol*, on the pages, needs (see the module docs).
const EVAL: &str = "'unsafe-eval'";

/// Directives browsers honour only in a header (CSP3 §3.3 and the directives' own sections).
const HEADER_ONLY: &[&str] = &["frame-ancestors", "report-uri", "sandbox"];

/// Where a policy is delivered; each gets the policy minus what it cannot or need not carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The `Content-Security-Policy` header of an HTML page.
    PageHeader,
    /// The `<meta http-equiv="Content-Security-Policy">` tag of an HTML page.
    PageMeta,
    /// The header of every other response: browsers apply it only to a worker's script.
    WorkerHeader,
}

/// The policy for `delivery`, as one header or attribute value.
pub fn policy(delivery: Delivery) -> String {
    DIRECTIVES
        .iter()
        .filter(|(name, _)| delivery != Delivery::PageMeta || !HEADER_ONLY.contains(name))
        .map(|(name, sources)| {
            let kept = sources
                .iter()
                .filter(|s| delivery != Delivery::WorkerHeader || **s != EVAL);
            std::iter::once(*name)
                .chain(kept.copied())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::root;

    const PAGE: &str = "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; \
        worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
        connect-src 'self' blob: data:; font-src 'self' data:; form-action 'none'; base-uri 'none'";

    #[test]
    fn the_meta_policy_is_the_header_policy_without_header_only_directives() {
        assert_eq!(policy(Delivery::PageMeta), PAGE);
        assert_eq!(
            policy(Delivery::PageHeader),
            format!("{PAGE}; frame-ancestors 'none'")
        );
    }

    #[test]
    fn the_worker_policy_compiles_wasm_but_evaluates_no_strings() {
        let worker = policy(Delivery::WorkerHeader);
        assert_eq!(
            worker,
            policy(Delivery::PageHeader).replace(" 'unsafe-eval'", "")
        );
        assert!(
            worker.contains("script-src 'self' 'wasm-unsafe-eval';"),
            "{worker}"
        );
        assert!(worker.ends_with("frame-ancestors 'none'"), "{worker}");
    }

    #[test]
    fn the_readme_lists_the_headers_the_server_sends() {
        let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
        for delivery in [Delivery::PageHeader, Delivery::WorkerHeader] {
            let value = format!("`{}`", policy(delivery));
            assert!(
                readme.contains(&value),
                "README.md lacks {delivery:?}: {value}"
            );
        }
    }

    /// The content of the one CSP meta tag in `html`; fails on none or several.
    fn meta_policy(html: &str, file: &str) -> String {
        let tag = "<meta http-equiv=\"Content-Security-Policy\" content=\"";
        let mut found = html.match_indices(tag).map(|(at, _)| {
            let rest = &html[at + tag.len()..];
            rest[..rest.find('"').unwrap_or(rest.len())].to_owned()
        });
        let first = found
            .next()
            .unwrap_or_else(|| panic!("no CSP meta tag in {file}"));
        assert_eq!(found.next(), None, "several CSP meta tags in {file}");
        first
    }

    #[test]
    fn the_pages_meta_tags_carry_the_policy() {
        for page in ["web/index.html", "web/bench.html", "web/learn.html"] {
            let html = std::fs::read_to_string(root().join(page)).expect(page);
            assert_eq!(
                meta_policy(&html, page),
                policy(Delivery::PageMeta),
                "{page}"
            );
        }
        // A built site (`build_web` copies the pages) must match too: a stale dist/ fails here.
        for page in ["dist/index.html", "dist/bench.html", "dist/learn.html"] {
            if let Ok(html) = std::fs::read_to_string(root().join(page)) {
                assert_eq!(
                    meta_policy(&html, page),
                    policy(Delivery::PageMeta),
                    "{page} is stale: run `cargo xtask build-web`"
                );
            }
        }
    }
}
