//! The dataset manifest: which trajectories, with which topology, carry which label.
//!
//! Users write manifests by hand (or export them from a spreadsheet), so parsing is strict where
//! a slip would silently change the experiment and forgiving where it cannot:
//!
//! - **strict**: unknown columns or keys are errors (a misspelt `grup` column must not quietly
//!   turn every trajectory into its own group and leak correlated frames across splits); empty
//!   required fields, bad split names and duplicate (topology, trajectory) rows are errors, each
//!   with its 1-based file line, comment and blank lines counted;
//! - **forgiving**: columns in any order, names case-insensitive and trimmed, `#` comment lines,
//!   blank lines, quoted fields, a UTF-8 byte-order mark, and either CSV or JSON.
//!
//! CSV has a header row naming `topology`, `trajectory`, `label` and optionally `group` and
//! `split`. JSON is an array of objects with those keys, or `{"entries": [...]}`; a JSON label may
//! be a string or an integer.
//!
//! **Labels.** Training needs a label on every entry. A manifest for prediction may leave labels
//! out: a CSV without a `label` column, or JSON entries without a `label` key. Such entries get
//! the label `""`, [`Manifest::classes`] is empty and [`Manifest::is_labelled`] is false. Mixing
//! labelled and unlabelled entries is an error.
//!
//! **Groups.** Frames of one trajectory are correlated, so a trajectory is never split across
//! train and test; a `group` puts several trajectories (replicas from one starting structure, say)
//! on the same side too. Without a group, a trajectory is its own group.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use crate::{Error, Result};

/// What a CSV header must look like, quoted in errors.
const EXPECTED_COLUMNS: &str = "expected columns topology,trajectory,label[,group][,split]";
/// What a JSON entry must look like, quoted in errors.
const EXPECTED_KEYS: &str = "expected keys topology, trajectory, label[, group][, split]";

/// Which set an entry belongs to, when the manifest fixes the split itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// Used to fit the model.
    Train,
    /// Used to pick the epoch and hyper-parameters.
    Validation,
    /// Held out for the final numbers.
    Test,
}

impl FromStr for Split {
    type Err = Error;

    /// `train`, `val`, `validation` or `test`, case-insensitive, surrounding spaces ignored.
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "train" => Ok(Self::Train),
            "val" | "validation" => Ok(Self::Validation),
            "test" => Ok(Self::Test),
            _ => Err(Error::Invalid(format!(
                "bad split {s:?} (expected train, val, validation or test)"
            ))),
        }
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Train => "train",
            Self::Validation => "validation",
            Self::Test => "test",
        })
    }
}

impl<'de> Deserialize<'de> for Split {
    /// Accepts what [`Split::from_str`] accepts.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One row of a manifest: a trajectory, the topology to read it with, and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ManifestEntry {
    /// Topology file (PDB or GRO), relative to the manifest's folder unless absolute.
    pub topology: String,
    /// Trajectory file (XTC), relative to the manifest's folder unless absolute.
    pub trajectory: String,
    /// Class name; `""` in a manifest without labels (for prediction).
    #[serde(default)]
    pub label: String,
    /// Entries sharing a group always land in the same split; `None`: the trajectory alone.
    #[serde(default)]
    pub group: Option<String>,
    /// The set this entry belongs to, when the manifest fixes the split.
    #[serde(default)]
    pub split: Option<Split>,
}

/// A parsed, validated manifest: at least one entry, required fields non-empty, no duplicate
/// (topology, trajectory) pair, labels on every entry or on none.
///
/// Deserialising a `Manifest` with serde skips that validation; use [`Manifest::parse`] on files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The entries, in file order.
    pub entries: Vec<ManifestEntry>,
}

impl Manifest {
    /// Parses JSON when the first non-whitespace character is `[` or `{`, CSV otherwise.
    /// `source_name` (usually the file name) prefixes error messages.
    ///
    /// # Errors
    /// [`Error::Manifest`], with the 1-based line where the problem lies.
    pub fn parse(text: &str, source_name: &str) -> Result<Manifest> {
        let text = strip_bom(text);
        if text.trim_start().starts_with(['[', '{']) {
            Self::parse_json(text, source_name)
        } else {
            Self::parse_csv(text, source_name)
        }
    }

    /// Parses CSV with a header row: `topology`, `trajectory` required, `label` required for
    /// training (see the module docs), `group` and `split` optional; any order, any case.
    ///
    /// # Errors
    /// [`Error::Manifest`]: no header, unknown, repeated or missing columns, a row with a missing
    /// required field or extra fields, a bad split, a duplicate row, no entries.
    pub fn parse_csv(text: &str, source_name: &str) -> Result<Manifest> {
        let error = |line: Option<usize>, message: String| Error::Manifest {
            source_name: source_name.to_owned(),
            line,
            message,
        };
        let text = strip_bom(text);
        let line_of = |position: Option<&csv::Position>| {
            file_line(text, position.map_or(0, |p| p.byte() as usize))
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let mut columns: Option<Columns> = None;
        let mut entries = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| error(Some(line_of(e.position())), e.to_string()))?;
            let line = line_of(record.position());
            let fields: Vec<&str> = record.iter().map(str::trim).collect();
            let blank = fields.iter().all(|f| f.is_empty());
            let comment = fields.first().is_some_and(|f| f.starts_with('#'));
            if blank || comment {
                continue;
            }
            match &columns {
                None => {
                    columns =
                        Some(Columns::from_header(&fields).map_err(|m| error(Some(line), m))?);
                }
                Some(columns) => {
                    let entry = columns.entry(&fields).map_err(|m| error(Some(line), m))?;
                    entries.push((line, entry));
                }
            }
        }
        if columns.is_none() {
            return Err(error(
                None,
                format!("empty manifest: no header row ({EXPECTED_COLUMNS})"),
            ));
        }
        finish(entries, source_name)
    }

    /// Parses JSON: an array of entry objects, or `{"entries": [...]}`. Keys as in CSV; a label
    /// may be a string or an integer; `null` means absent.
    ///
    /// # Errors
    /// [`Error::Manifest`]: malformed JSON, unknown or missing keys, a wrong value type, an empty
    /// required field, a bad split, a duplicate entry, no entries.
    pub fn parse_json(text: &str, source_name: &str) -> Result<Manifest> {
        let text = strip_bom(text);
        let error = |line: Option<usize>, message: String| Error::Manifest {
            source_name: source_name.to_owned(),
            line,
            message,
        };
        let parsed = if text.trim_start().starts_with('{') {
            serde_json::from_str::<Wrapped>(text).map(|w| w.entries)
        } else {
            serde_json::from_str::<Vec<RawEntry>>(text)
        };
        let raw = parsed.map_err(|e| {
            let location = format!(" at line {} column {}", e.line(), e.column());
            let message = e.to_string();
            let message = message.strip_suffix(&location).unwrap_or(&message);
            error((e.line() > 0).then_some(e.line()), message.to_owned())
        })?;
        let lines = json_entry_lines(text);
        let entries = raw
            .into_iter()
            .enumerate()
            .map(|(i, raw)| {
                let line = lines.get(i).copied().unwrap_or(0);
                let entry = raw.entry().map_err(|m| error(Some(line), m))?;
                Ok((line, entry))
            })
            .collect::<Result<Vec<_>>>()?;
        finish(entries, source_name)
    }

    /// Whether the entries carry labels (a training manifest) or not (prediction only).
    #[must_use]
    pub fn is_labelled(&self) -> bool {
        self.entries.iter().any(|e| !e.label.is_empty())
    }

    /// The distinct labels in [`class_order`]. Empty for a manifest without labels.
    #[must_use]
    pub fn classes(&self) -> Vec<String> {
        class_order(self.entries.iter().map(|e| e.label.as_str()))
    }

    /// Each entry's label as an index into [`Manifest::classes`].
    ///
    /// # Errors
    /// A manifest without labels: training and evaluation need them.
    pub fn label_indices(&self) -> Result<Vec<usize>> {
        if !self.is_labelled() {
            return Err(Error::Invalid(
                "the manifest has no labels; training and evaluation need a label on every entry"
                    .into(),
            ));
        }
        let classes = self.classes();
        let index: HashMap<&str, usize> = classes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect();
        // Validated manifests label every entry, so every label is in `index`.
        Ok(self
            .entries
            .iter()
            .map(|e| index.get(e.label.as_str()).copied().unwrap_or_default())
            .collect())
    }

    /// Each entry's group: its `group`, or else its trajectory path (a trajectory is its own
    /// group).
    #[must_use]
    pub fn groups(&self) -> Vec<String> {
        self.entries
            .iter()
            .map(|e| e.group.clone().unwrap_or_else(|| e.trajectory.clone()))
            .collect()
    }

    /// Each entry's fixed split (`None` where the manifest gives none).
    #[must_use]
    pub fn splits(&self) -> Vec<Option<Split>> {
        self.entries.iter().map(|e| e.split).collect()
    }

    /// Each entry's (topology, trajectory) paths, joined onto `base` (usually the manifest's
    /// folder) unless absolute.
    #[must_use]
    pub fn resolve(&self, base: &Path) -> Vec<(PathBuf, PathBuf)> {
        self.entries
            .iter()
            .map(|e| (base.join(&e.topology), base.join(&e.trajectory)))
            .collect()
    }
}

/// The one class order of molsig, fixed when a dataset is read and stored in the model: the
/// distinct non-empty labels in numeric order if every label is an integer ("2" before "10"),
/// else sorted lexicographically by bytes.
#[must_use]
pub fn class_order<'a>(labels: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut classes: Vec<&str> = labels.into_iter().filter(|l| !l.is_empty()).collect();
    classes.sort_unstable();
    classes.dedup();
    let numbers: Option<Vec<i128>> = classes.iter().map(|l| l.parse().ok()).collect();
    if let Some(numbers) = numbers {
        // Ties ("1" and "01") keep their lexicographic order: the sort is stable.
        let mut paired: Vec<(i128, &str)> = numbers.into_iter().zip(classes).collect();
        paired.sort_by_key(|&(n, _)| n);
        classes = paired.into_iter().map(|(_, l)| l).collect();
    }
    classes.into_iter().map(str::to_owned).collect()
}

/// The 1-based file line of the record that csv reports at byte `start`.
///
/// csv's own line count leaves out comment and blank lines, which users count, and a record's
/// byte position is where reading began, before the comment and blank lines it skipped; so skip
/// those here, then count line breaks.
fn file_line(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut start = start.min(bytes.len());
    while let Some(end) = bytes[start..].iter().position(|&b| b == b'\n') {
        let line = &bytes[start..start + end];
        let skipped = matches!(line, [] | [b'\r'] | [b'#', ..]);
        if !skipped {
            break;
        }
        start += end + 1;
    }
    // n line breaks before `start` make n + 1 pieces: the 1-based line number.
    bytes[..start].split(|&b| b == b'\n').count()
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Checks what spans entries (some, no duplicates, labels on all or none) and builds the
/// manifest; `entries` carry their 1-based line.
fn finish(entries: Vec<(usize, ManifestEntry)>, source_name: &str) -> Result<Manifest> {
    let error = |line: usize, message: String| Error::Manifest {
        source_name: source_name.to_owned(),
        line: Some(line),
        message,
    };
    if entries.is_empty() {
        return Err(Error::Manifest {
            source_name: source_name.to_owned(),
            line: None,
            message: "no entries: the manifest lists no trajectory".into(),
        });
    }
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    for (line, entry) in &entries {
        let key = (entry.topology.as_str(), entry.trajectory.as_str());
        if let Some(first) = seen.insert(key, *line) {
            return Err(error(
                *line,
                format!(
                    "duplicate entry: topology {} with trajectory {} is already on line {first}",
                    entry.topology, entry.trajectory
                ),
            ));
        }
    }
    let labelled = !entries[0].1.label.is_empty();
    if let Some((line, _)) = entries.iter().find(|(_, e)| e.label.is_empty() == labelled) {
        let message = if labelled {
            "missing label, but earlier entries have one: label every entry (training) or none \
             (prediction)"
        } else {
            "a label, but earlier entries have none: label every entry (training) or none \
             (prediction)"
        };
        return Err(error(*line, message.into()));
    }
    Ok(Manifest {
        entries: entries.into_iter().map(|(_, e)| e).collect(),
    })
}

/// Where each column sits in a CSV row.
struct Columns {
    topology: usize,
    trajectory: usize,
    label: Option<usize>,
    group: Option<usize>,
    split: Option<usize>,
    count: usize,
}

impl Columns {
    fn from_header(fields: &[&str]) -> std::result::Result<Self, String> {
        let mut slots: [Option<usize>; 5] = [None; 5];
        let names = ["topology", "trajectory", "label", "group", "split"];
        let mut unknown = Vec::new();
        for (i, field) in fields.iter().enumerate() {
            let name = field.to_ascii_lowercase();
            match names.iter().position(|&n| n == name) {
                Some(k) if slots[k].is_some() => {
                    return Err(format!("column {name} appears twice ({EXPECTED_COLUMNS})"));
                }
                Some(k) => slots[k] = Some(i),
                None => unknown.push(*field),
            }
        }
        if !unknown.is_empty() {
            let hint = if slots.iter().all(Option::is_none) {
                "; the first row must be a header"
            } else {
                ""
            };
            return Err(format!(
                "unknown column{} {}{hint} ({EXPECTED_COLUMNS})",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.join(", ")
            ));
        }
        let [topology, trajectory, label, group, split] = slots;
        let (Some(topology), Some(trajectory)) = (topology, trajectory) else {
            let missing: Vec<&str> = [(topology, "topology"), (trajectory, "trajectory")]
                .into_iter()
                .filter(|(slot, _)| slot.is_none())
                .map(|(_, name)| name)
                .collect();
            return Err(format!(
                "missing column {} in the header ({EXPECTED_COLUMNS})",
                missing.join(" and ")
            ));
        };
        Ok(Self {
            topology,
            trajectory,
            label,
            group,
            split,
            count: fields.len(),
        })
    }

    fn entry(&self, fields: &[&str]) -> std::result::Result<ManifestEntry, String> {
        if fields[self.count.min(fields.len())..]
            .iter()
            .any(|f| !f.is_empty())
        {
            return Err(format!(
                "{} fields, but the header names {} columns",
                fields.len(),
                self.count
            ));
        }
        let get = |i: usize| fields.get(i).copied().unwrap_or_default();
        let required = |i: usize, name: &str| {
            let value = get(i);
            if value.is_empty() {
                Err(format!("missing {name} ({EXPECTED_COLUMNS})"))
            } else {
                Ok(value.to_owned())
            }
        };
        let optional = |i: Option<usize>| i.map(get).filter(|v| !v.is_empty());
        Ok(ManifestEntry {
            topology: required(self.topology, "topology")?,
            trajectory: required(self.trajectory, "trajectory")?,
            label: match self.label {
                Some(i) => required(i, "label")?,
                None => String::new(),
            },
            group: optional(self.group).map(str::to_owned),
            split: optional(self.split)
                .map(|s| s.parse().map_err(|e: Error| e.to_string()))
                .transpose()?,
        })
    }
}

/// `{"entries": [...]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wrapped {
    entries: Vec<RawEntry>,
}

/// A JSON entry before validation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    topology: String,
    trajectory: String,
    #[serde(default, deserialize_with = "label_text")]
    label: Option<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    split: Option<String>,
}

impl RawEntry {
    fn entry(self) -> std::result::Result<ManifestEntry, String> {
        let required = |value: String, name: &str| {
            let value = value.trim();
            if value.is_empty() {
                Err(format!("missing {name} ({EXPECTED_KEYS})"))
            } else {
                Ok(value.to_owned())
            }
        };
        let optional =
            |value: Option<String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Ok(ManifestEntry {
            topology: required(self.topology, "topology")?,
            trajectory: required(self.trajectory, "trajectory")?,
            label: match self.label {
                Some(label) => required(label, "label")?,
                None => String::new(),
            },
            group: optional(self.group),
            split: optional(self.split)
                .map(|s| s.parse().map_err(|e: Error| e.to_string()))
                .transpose()?,
        })
    }
}

/// A JSON label: a string, or an integer taken as its decimal text.
fn label_text<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<String>, D::Error> {
    struct Label;
    impl serde::de::Visitor<'_> for Label {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a label: a string or an integer")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
    }
    deserializer.deserialize_any(Label)
}

/// The 1-based line on which each element of the manifest's entry array starts, for JSON that
/// has already deserialised (so the array is the top level or the only value of a top-level
/// object, and its elements are objects).
fn json_entry_lines(text: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let (mut line, mut depth) = (1, 0_usize);
    let mut entries_depth = None;
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => {
                if entries_depth == Some(depth) {
                    lines.push(line);
                }
                depth += 1;
            }
            '[' => {
                depth += 1;
                entries_depth.get_or_insert(depth);
            }
            '}' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Manifest {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../web/demo/dataset/manifest.csv"
        );
        let text = std::fs::read_to_string(path).expect("read the demo manifest");
        Manifest::parse(&text, "manifest.csv").expect("parse the demo manifest")
    }

    /// The error's (line, message), for exact checks.
    fn failure(result: Result<Manifest>) -> (Option<usize>, String) {
        match result {
            Err(Error::Manifest {
                source_name,
                line,
                message,
            }) => {
                assert_eq!(source_name, "m");
                (line, message)
            }
            other => panic!("expected a manifest error, got {other:?}"),
        }
    }

    #[test]
    fn the_demo_manifest() {
        let m = demo();
        assert_eq!(m.entries.len(), 20);
        assert_eq!(m.classes(), ["high_friction", "low_friction"]);
        let labels = m.label_indices().expect("labelled");
        assert_eq!(labels[..10], [1; 10]);
        assert_eq!(labels[10..], [0; 10]);
        let groups = m.groups();
        assert_eq!(groups[0], "low_friction_01");
        assert_eq!(groups[19], "high_friction_10");
        let mut distinct = groups.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 20, "every trajectory its own group");
        assert!(m.splits().iter().all(Option::is_none));
        assert_eq!(
            m.entries[0],
            ManifestEntry {
                topology: "peptide.pdb".into(),
                trajectory: "low_friction_01.xtc".into(),
                label: "low_friction".into(),
                group: Some("low_friction_01".into()),
                split: None,
            }
        );
        let resolved = m.resolve(Path::new("/data/demo"));
        assert_eq!(resolved[0].0, Path::new("/data/demo/peptide.pdb"));
        assert_eq!(resolved[0].1, Path::new("/data/demo/low_friction_01.xtc"));
    }

    #[test]
    fn csv_is_forgiving_about_layout() {
        let text = "\u{feff}# made by hand\n\
                    \n\
                    Label , TRAJECTORY,topology,Split,group\n\
                    # a comment between rows\n\
                    b,\"dir, with comma/t1.xtc\" ,top.pdb,VAL,\n\
                    \n\
                    a,t2.xtc,/abs/top.gro,train,g\n\
                    a,t3.xtc,top.pdb,,g\n\
                    \x20\x20\n";
        let m = Manifest::parse(text, "m").expect("parse");
        assert_eq!(m.entries.len(), 3);
        assert_eq!(m.entries[0].trajectory, "dir, with comma/t1.xtc");
        assert_eq!(m.entries[0].split, Some(Split::Validation));
        assert_eq!(m.entries[0].group, None);
        assert_eq!(
            m.splits(),
            [Some(Split::Validation), Some(Split::Train), None]
        );
        assert_eq!(m.classes(), ["a", "b"]);
        assert_eq!(m.label_indices().expect("labels"), [1, 0, 0]);
        assert_eq!(m.groups(), ["dir, with comma/t1.xtc", "g", "g"]);
        let resolved = m.resolve(Path::new("base"));
        assert_eq!(resolved[1].0, Path::new("/abs/top.gro"), "absolute kept");
        assert_eq!(resolved[1].1, Path::new("base/t2.xtc"));
    }

    #[test]
    fn numeric_classes_sort_as_numbers() {
        let text = "topology,trajectory,label\nt,a,10\nt,b,2\nt,c,-1\nt,d,2\n";
        let m = Manifest::parse(text, "m").expect("parse");
        assert_eq!(m.classes(), ["-1", "2", "10"]);
        assert_eq!(m.label_indices().expect("labels"), [2, 1, 0, 1]);
        let text = "topology,trajectory,label\nt,a,10\nt,b,2\nt,c,x\n";
        let m = Manifest::parse(text, "m").expect("parse");
        assert_eq!(
            m.classes(),
            ["10", "2", "x"],
            "not all integers: lexicographic"
        );
    }

    #[test]
    fn prediction_manifests_may_omit_labels() {
        let m =
            Manifest::parse("topology,trajectory\nt.pdb,a.xtc\nt.pdb,b.xtc\n", "m").expect("parse");
        assert!(!m.is_labelled());
        assert!(m.classes().is_empty());
        assert_eq!(m.entries[1].label, "");
        assert!(matches!(m.label_indices(), Err(Error::Invalid(_))));
        let m = Manifest::parse(r#"[{"topology": "t", "trajectory": "a"}]"#, "m").expect("json");
        assert!(!m.is_labelled());
    }

    #[test]
    fn csv_errors_name_the_file_line() {
        let cases: &[(&str, Option<usize>, &str)] = &[
            (
                "topology,trajectory,label\n# c\n\nt,a.xtc,\n",
                Some(4),
                "missing label (expected columns topology,trajectory,label[,group][,split])",
            ),
            (
                "topology,trajectory,label\r\n# c\r\n\r\nt,a.xtc,\r\n",
                Some(4),
                "missing label (expected columns topology,trajectory,label[,group][,split])",
            ),
            (
                "topology,trajectory,label\nt,a.xtc\n",
                Some(2),
                "missing label (expected columns topology,trajectory,label[,group][,split])",
            ),
            (
                "topology,trajectory,label\n,a.xtc,x\n",
                Some(2),
                "missing topology (expected columns topology,trajectory,label[,group][,split])",
            ),
            (
                "# header next\ntopology,trajectory,label,grup\n",
                Some(2),
                "unknown column grup (expected columns topology,trajectory,label[,group][,split])",
            ),
            (
                "t.pdb,a.xtc,x\n",
                Some(1),
                "unknown columns t.pdb, a.xtc, x; the first row must be a header \
                 (expected columns topology,trajectory,label[,group][,split])",
            ),
            (
                "topology,label\n",
                Some(1),
                "missing column trajectory in the header \
                 (expected columns topology,trajectory,label[,group][,split])",
            ),
            (
                "topology,trajectory,Topology\n",
                Some(1),
                "column topology appears twice \
                 (expected columns topology,trajectory,label[,group][,split])",
            ),
            (
                "topology,trajectory,label,split\nt,a,x,train\nt,b,x,holdout\n",
                Some(3),
                "bad split \"holdout\" (expected train, val, validation or test)",
            ),
            (
                "topology,trajectory,label\nt,a,x\n\n# again\nt,a,y\n",
                Some(5),
                "duplicate entry: topology t with trajectory a is already on line 2",
            ),
            (
                "topology,trajectory,label\nt,a,x,extra\n",
                Some(2),
                "4 fields, but the header names 3 columns",
            ),
            (
                "# nothing\n\n",
                None,
                "empty manifest: no header row \
                 (expected columns topology,trajectory,label[,group][,split])",
            ),
            (
                "topology,trajectory,label\n# only comments\n",
                None,
                "no entries: the manifest lists no trajectory",
            ),
        ];
        for &(text, line, message) in cases {
            assert_eq!(
                failure(Manifest::parse(text, "m")),
                (line, message.to_owned()),
                "{text:?}"
            );
        }
        // Trailing empty fields (spreadsheet exports) are fine.
        let m = Manifest::parse("topology,trajectory,label\nt,a,x,,\n", "m").expect("parse");
        assert_eq!(m.entries.len(), 1);
    }

    #[test]
    fn display_reads_like_the_docs() {
        let e = Manifest::parse("topology,trajectory,label\n\n\nt,a.xtc,\n", "manifest.csv")
            .expect_err("missing label");
        assert_eq!(
            e.to_string(),
            "manifest.csv line 4: missing label \
             (expected columns topology,trajectory,label[,group][,split])"
        );
        let e = Manifest::parse("", "manifest.csv").expect_err("empty");
        assert!(
            e.to_string().starts_with("manifest.csv: empty manifest"),
            "{e}"
        );
    }

    #[test]
    fn json_forms() {
        let array = r#"[
            {"topology": "t.pdb", "trajectory": "a.xtc", "label": 1, "group": "g", "split": "Test"},
            {"topology": "t.pdb", "trajectory": "b.xtc", "label": 0, "group": null}
        ]"#;
        let m = Manifest::parse(array, "m").expect("array");
        assert_eq!(m.classes(), ["0", "1"]);
        assert_eq!(m.label_indices().expect("labels"), [1, 0]);
        assert_eq!(m.entries[0].split, Some(Split::Test));
        assert_eq!(m.groups(), ["g", "b.xtc"]);
        let wrapped = format!("  {{\"entries\": {array}}}");
        assert_eq!(Manifest::parse(&wrapped, "m").expect("wrapped"), m);
        // Our own serialisation reads back.
        let json = serde_json::to_string(&m).expect("serialise");
        assert_eq!(Manifest::parse(&json, "m").expect("round trip"), m);
    }

    #[test]
    fn json_errors_name_the_file_line() {
        let cases: &[(&str, Option<usize>, &str)] = &[
            (
                "[\n{\"topology\": \"t\", \"trajectory\": \"a\", \"label\": \"x\"},\n\
                 {\"topology\": \"t\",\n \"trajectory\": \"b\", \"label\": \"\"}\n]",
                Some(3),
                "missing label (expected keys topology, trajectory, label[, group][, split])",
            ),
            (
                "[\n{\"topology\": \"t\", \"trajectory\": \"a\", \"label\": \"x\",\n \"grup\": \"g\"}]",
                Some(3),
                "unknown field `grup`, expected one of `topology`, `trajectory`, `label`, \
                 `group`, `split`",
            ),
            (
                "{\"entries\": [\n{\"topology\": \"t\", \"label\": \"x\"}\n]}",
                Some(2),
                "missing field `trajectory`",
            ),
            (
                "{\"entries\": [], \"extra\": 1}",
                Some(1),
                "unknown field `extra`, expected `entries`",
            ),
            (
                "[\n{\"topology\": \"t\", \"trajectory\": \"a\", \"label\": 1.5}]",
                Some(2),
                "invalid type: floating point `1.5`, expected a label: a string or an integer",
            ),
            (
                "[\n{\"topology\": \"t\", \"trajectory\": \"a\", \"label\": \"x\"},\n\n\
                 {\"topology\": \"t\", \"trajectory\": \"{[\\\"b\", \"split\": \"dev\"}]",
                Some(4),
                "bad split \"dev\" (expected train, val, validation or test)",
            ),
            (
                "[{\"topology\": \"t\", \"trajectory\": \"a\", \"label\": \"x\"},\n\
                 {\"topology\": \"t\", \"trajectory\": \"b\"}]",
                Some(2),
                "missing label, but earlier entries have one: label every entry (training) \
                 or none (prediction)",
            ),
            (
                "[{\"topology\": \"t\", \"trajectory\": \"a\"},\n\
                 {\"topology\": \"t\", \"trajectory\": \"b\", \"label\": \"x\"}]",
                Some(2),
                "a label, but earlier entries have none: label every entry (training) \
                 or none (prediction)",
            ),
            ("[]", None, "no entries: the manifest lists no trajectory"),
            ("[\n{\"topology\": ", Some(2), "EOF while parsing a value"),
        ];
        for &(text, line, message) in cases {
            assert_eq!(
                failure(Manifest::parse(text, "m")),
                (line, message.to_owned()),
                "{text}"
            );
        }
    }

    #[test]
    fn split_names() {
        for (text, split) in [
            ("train", Split::Train),
            (" TRAIN ", Split::Train),
            ("val", Split::Validation),
            ("Validation", Split::Validation),
            ("test", Split::Test),
        ] {
            assert_eq!(text.parse::<Split>().expect(text), split);
        }
        assert!("dev".parse::<Split>().is_err());
        assert_eq!(Split::Validation.to_string(), "validation");
        assert_eq!(
            serde_json::to_string(&Split::Validation).expect("json"),
            "\"validation\""
        );
        assert_eq!(
            serde_json::from_str::<Split>("\"VAL\"").expect("json"),
            Split::Validation
        );
    }
}
