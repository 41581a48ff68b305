//! Any bytes as a dataset manifest, through the CSV and the JSON parser and the auto-detecting
//! entry point the page and the CLI call; an accepted manifest must answer every question asked
//! of it downstream (classes, label indices, groups, splits, paths).
#![no_main]

use libfuzzer_sys::fuzz_target;
use molsig_model::manifest::{Manifest, class_order};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for manifest in [
        Manifest::parse(&text, "fuzz"),
        Manifest::parse_csv(&text, "fuzz.csv"),
        Manifest::parse_json(&text, "fuzz.json"),
    ]
    .into_iter()
    .flatten()
    {
        assert!(!manifest.entries.is_empty());
        let classes = manifest.classes();
        // Labelled on every entry or on none: each index names the entry's own label.
        if let Ok(labels) = manifest.label_indices() {
            for (entry, &label) in manifest.entries.iter().zip(&labels) {
                assert_eq!(classes[label], entry.label);
            }
        }
        let _ = class_order(manifest.entries.iter().map(|e| e.label.as_str()));
        assert_eq!(manifest.groups().len(), manifest.entries.len());
        assert_eq!(manifest.splits().len(), manifest.entries.len());
        let _ = manifest.resolve(std::path::Path::new("/data"));
    }
});
