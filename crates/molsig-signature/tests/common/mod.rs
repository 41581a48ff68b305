//! The reference vectors of `tests/fixtures/signatures/` (iisignature, pySigLib and esig in
//! float64; see `tests/fixtures/README.md`), shared by the CPU and GPU tests.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The in-repository reference vectors.
fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/signatures")
}

/// The JSON of `path`; a missing or unreadable fixture fails the test, naming the path.
fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "missing reference fixture {} ({e}); the vectors belong in the repository, \
             see tests/fixtures/README.md",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "reference fixture {} is not valid JSON: {e}",
            path.display()
        )
    })
}

pub struct Case {
    pub name: String,
    pub json: Value,
    pub batch: usize,
    pub length: usize,
    pub channels: usize,
    pub depth: usize,
}

impl Case {
    pub fn values(&self, pointer: &str) -> Vec<f64> {
        let mut out = Vec::new();
        flatten(
            self.json
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{}: no {pointer}", self.name)),
            &mut out,
        );
        out
    }

    pub fn input(&self) -> Vec<f64> {
        self.values("/input")
    }
}

fn flatten(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| flatten(i, out)),
        Value::Number(n) => out.push(n.as_f64().expect("number")),
        other => panic!("not a number: {other}"),
    }
}

/// Every case of the index. Panics, naming the path, when the index or a case file is missing,
/// and when the index lists no case: a reference test never passes without its vectors.
pub fn cases() -> Vec<Case> {
    let dir = reference_dir();
    let index_path = dir.join("index.json");
    let index = read_json(&index_path);
    let cases: Vec<Case> = index["cases"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: no `cases` array", index_path.display()))
        .iter()
        .map(|c| {
            let file = c["file"].as_str().expect("file");
            let json = read_json(&dir.join(file));
            let shape: Vec<usize> = json["shape"]
                .as_array()
                .expect("shape")
                .iter()
                .map(|s| s.as_u64().expect("dim") as usize)
                .collect();
            let (batch, length, channels) = match shape[..] {
                [l, c] => (1, l, c),
                [b, l, c] => (b, l, c),
                _ => panic!("{file}: shape {shape:?}"),
            };
            let depth = json["depth"].as_u64().expect("depth") as usize;
            Case {
                name: file.to_owned(),
                json,
                batch,
                length,
                channels,
                depth,
            }
        })
        .collect();
    assert!(
        !cases.is_empty(),
        "{} lists no reference case",
        index_path.display()
    );
    cases
}
