//! Spreading many trajectories over a batch system's job array: `--shard I/N` keeps every N-th
//! trajectory of the input list, starting with the I-th, and `molsig merge` joins the shards'
//! outputs into what one unsharded run writes. Every prediction row and features folder records
//! its trajectory's place in the whole input list, the list's length and the model's hash, so a
//! merge can put rows back in order and refuse a missing shard, an overlap or another model.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// One shard of `count`: the trajectories whose input index is `index` modulo `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: usize,
    count: usize,
}

impl FromStr for Shard {
    type Err = String;

    /// `I/N` with 1 ≤ I ≤ N, as a job array numbers its tasks (`$SLURM_ARRAY_TASK_ID/N`).
    fn from_str(s: &str) -> Result<Self, String> {
        let parse = |part: Option<&str>| part.and_then(|p| p.trim().parse::<usize>().ok());
        let mut parts = s.split('/');
        match (parse(parts.next()), parse(parts.next()), parts.next()) {
            (Some(i), Some(n), None) if (1..=n).contains(&i) => Ok(Self {
                index: i - 1,
                count: n,
            }),
            _ => Err(format!(
                "{s:?} is not a shard: give I/N with 1 ≤ I ≤ N, e.g. 3/8"
            )),
        }
    }
}

impl Shard {
    /// Whether trajectory `k` of the input list is in this shard.
    #[must_use]
    pub fn keeps(self, k: usize) -> bool {
        k % self.count == self.index
    }
}

/// Where a run's trajectories sit in the whole input list, for the features folder.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct RunRecord {
    /// xxh3 of the model file.
    pub model: String,
    /// Trajectories in the whole input list.
    pub inputs: usize,
    /// This run's trajectories: input index and name.
    pub trajectories: Vec<(usize, String)>,
}

/// The name of a features folder's [`RunRecord`].
pub const RUN_RECORD: &str = "run.json";

/// The columns every prediction row ends with, after the class probabilities.
pub const PLACE_COLUMNS: [&str; 3] = ["input_index", "inputs", "model"];

/// Joins the outputs of `molsig predict` (CSV files) or `molsig features` (folders) given by
/// `parts` into `out`, in the order of the input list.
///
/// # Errors
/// Outputs of different kinds, headers or models; a trajectory in two shards; or one in none (a
/// missing shard).
pub fn merge(parts: &[PathBuf], out: &Path) -> Result<()> {
    if parts.is_empty() {
        bail!("give the shards' outputs to merge");
    }
    if parts.iter().all(|p| p.is_dir()) {
        merge_features(parts, out)
    } else if parts.iter().all(|p| p.is_file()) {
        merge_predictions(parts, out)
    } else {
        bail!(
            "give either prediction files (CSV) or features folders, not both, and only ones that exist"
        )
    }
}

fn merge_predictions(parts: &[PathBuf], out: &Path) -> Result<()> {
    let mut header: Option<String> = None;
    // (input index, start frame) → the row, so that rows come out in input order.
    let mut rows: BTreeMap<(usize, usize), String> = BTreeMap::new();
    let mut seen = Place::default();
    for part in parts {
        let text =
            std::fs::read_to_string(part).with_context(|| format!("reading {}", part.display()))?;
        let mut lines = text.lines();
        let head = lines.next().unwrap_or_default();
        if !head.ends_with(&PLACE_COLUMNS.join(",")) {
            bail!(
                "{} has no {} columns: is it from `molsig predict` of this version?",
                part.display(),
                PLACE_COLUMNS.join(", ")
            );
        }
        match &header {
            Some(h) if h != head => bail!(
                "{} has other columns than {} (another model's classes?)",
                part.display(),
                parts[0].display()
            ),
            Some(_) => {}
            None => header = Some(head.to_owned()),
        }
        let per_sample = head.starts_with("trajectory,start_frame,");
        for (n, line) in lines.enumerate() {
            let fields: Vec<&str> = line.rsplitn(4, ',').collect();
            let [model, inputs, index, rest] = fields[..] else {
                bail!("{} line {}: too few columns", part.display(), n + 2);
            };
            let number = |v: &str, what: &str| {
                v.parse::<usize>().with_context(|| {
                    format!(
                        "{} line {}: {what} {v:?} is not a number",
                        part.display(),
                        n + 2
                    )
                })
            };
            let index = number(index, "input_index")?;
            seen.record(part, index, number(inputs, "inputs")?, model)?;
            // Per-sample files have a row per window, told apart by its first frame.
            let start_frame = if per_sample {
                rest.split(',')
                    .nth(1)
                    .map(|v| number(v, "start_frame"))
                    .transpose()?
                    .unwrap_or(0)
            } else {
                0
            };
            if rows.insert((index, start_frame), line.to_owned()).is_some() {
                bail!(
                    "{} line {}: trajectory {index} (from frame {start_frame}) is in two shards",
                    part.display(),
                    n + 2
                );
            }
        }
    }
    seen.check_complete(rows.keys().map(|(i, _)| *i))?;
    let mut text = header.unwrap_or_default();
    text.push('\n');
    for row in rows.values() {
        let _ = writeln!(text, "{row}");
    }
    std::fs::write(out, text).with_context(|| format!("writing {}", out.display()))?;
    eprintln!(
        "merged {} rows from {} shards into {}",
        rows.len(),
        parts.len(),
        out.display()
    );
    Ok(())
}

fn merge_features(parts: &[PathBuf], out: &Path) -> Result<()> {
    if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some()) {
        bail!("{} is not empty: merge into a new folder", out.display());
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut seen = Place::default();
    let mut merged: Vec<(usize, String)> = Vec::new();
    let mut copied = 0;
    for part in parts {
        let path = part.join(RUN_RECORD);
        let record: RunRecord = serde_json::from_str(
            &std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?,
        )
        .with_context(|| format!("{} is not a run record", path.display()))?;
        for (index, _) in &record.trajectories {
            seen.record(part, *index, record.inputs, &record.model)?;
            if merged.iter().any(|(i, _)| i == index) {
                bail!("{}: trajectory {index} is in two shards", part.display());
            }
        }
        // assignments.csv belongs to the first sample of the whole list: trajectory 0's shard.
        let holds_first = record.trajectories.iter().any(|(i, _)| *i == 0);
        merged.extend(record.trajectories);
        for entry in std::fs::read_dir(part)? {
            let entry = entry?;
            let name = entry.file_name();
            if name == RUN_RECORD || (name == "assignments.csv" && !holds_first) {
                continue;
            }
            let target = out.join(&name);
            if target.exists() {
                bail!("{} is in two shards", name.to_string_lossy());
            }
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
            copied += 1;
        }
    }
    seen.check_complete(merged.iter().map(|(i, _)| *i))?;
    merged.sort();
    let record = RunRecord {
        model: seen.model.unwrap_or_default(),
        inputs: seen.inputs.unwrap_or_default(),
        trajectories: merged,
    };
    std::fs::write(out.join(RUN_RECORD), serde_json::to_string_pretty(&record)?)?;
    eprintln!(
        "merged {copied} files from {} shards into {}",
        parts.len(),
        out.display()
    );
    Ok(())
}

/// What every shard must agree on: the model and the input list's length.
#[derive(Default)]
struct Place {
    model: Option<String>,
    inputs: Option<usize>,
}

impl Place {
    fn record(&mut self, part: &Path, index: usize, inputs: usize, model: &str) -> Result<()> {
        if *self.model.get_or_insert_with(|| model.to_owned()) != model {
            bail!("{} was made with another model ({model})", part.display());
        }
        if *self.inputs.get_or_insert(inputs) != inputs {
            bail!(
                "{} comes from an input list of {inputs} trajectories, the others from {}",
                part.display(),
                self.inputs.unwrap_or_default()
            );
        }
        if index >= inputs {
            bail!(
                "{}: trajectory {index} of an input list of {inputs}",
                part.display()
            );
        }
        Ok(())
    }

    /// Every trajectory of the input list is in some shard.
    fn check_complete(&self, indices: impl Iterator<Item = usize>) -> Result<()> {
        let inputs = self.inputs.unwrap_or_default();
        let mut present = vec![false; inputs];
        for i in indices {
            present[i] = true;
        }
        let missing: Vec<String> = (0..inputs)
            .filter(|&i| !present[i])
            .map(|i| i.to_string())
            .collect();
        if !missing.is_empty() {
            bail!(
                "trajectories {} of the input list are in none of these outputs: is a shard missing?",
                missing.join(", ")
            );
        }
        Ok(())
    }
}
