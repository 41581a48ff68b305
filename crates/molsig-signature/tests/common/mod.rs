//! The reference vectors of `shared/reference/signatures/` (iisignature, pySigLib and esig in
//! float64; see its README), shared by the CPU and GPU tests.

use std::path::PathBuf;

use serde_json::Value;

fn reference_dir() -> Option<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/signatures");
    if dir.join("index.json").is_file() {
        Some(dir)
    } else {
        eprintln!("skipped: no reference vectors at {}", dir.display());
        None
    }
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

/// Every case of the index, or none (with a message) when the folder is absent.
pub fn cases() -> Vec<Case> {
    let Some(dir) = reference_dir() else {
        return Vec::new();
    };
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).expect("index"))
            .expect("json");
    index["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            let file = c["file"].as_str().expect("file");
            let json: Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join(file)).expect("case"))
                    .expect("json");
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
        .collect()
}
