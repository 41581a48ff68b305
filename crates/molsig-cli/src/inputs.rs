//! Which files to read: a manifest, or topology + trajectories named on the command line; and
//! `molsig inspect`.

use std::fs::File;
use std::io::{BufReader, Cursor};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use molsig_model::data::{InputOptions, Molecule};
use molsig_model::manifest::{Manifest, ManifestEntry};
use molsig_pipeline::plan::{DataOptions, Files, TopologyFile, TrajectoryFile};

/// Input files and how they become samples.
#[derive(Args)]
pub struct InputArgs {
    /// A manifest (CSV or JSON: topology, trajectory, label[, group][, split]).
    #[arg(long, conflicts_with_all = ["topology", "trajectories"])]
    manifest: Option<PathBuf>,
    /// A topology (PDB or GRO), instead of a manifest.
    #[arg(long, requires = "trajectories")]
    topology: Option<PathBuf>,
    /// Trajectories (XTC) of that topology, optionally `file.xtc=label`.
    #[arg(long, num_args = 1.., requires = "topology")]
    trajectories: Vec<String>,
    /// Atom selection: all, heavy, protein, backbone, ca, residue-centroids.
    #[arg(long, default_value = "heavy")]
    selection: String,
    /// Frames per sample.
    #[arg(long, default_value_t = 50)]
    frames: usize,
    /// Frames between sample starts (default: --frames, consecutive chunks).
    #[arg(long)]
    stride: Option<usize>,
    /// Drop bonds between residues (the authors' backbone graphs had none).
    #[arg(long)]
    no_inter_residue_bonds: bool,
}

impl InputArgs {
    /// The sample options; `align` as the model needs.
    pub fn options(&self, align: bool) -> DataOptions {
        DataOptions {
            selection: self.selection.clone(),
            inter_residue_bonds: !self.no_inter_residue_bonds,
            frames: self.frames,
            stride: self.stride.unwrap_or(self.frames),
            align,
        }
    }

    /// The manifest's files, opened: topologies read (they are small), trajectories streamed.
    pub fn files(&self) -> Result<Files<BufReader<File>>> {
        let (manifest, base) = self.manifest()?;
        let mut topologies: Vec<(PathBuf, TopologyFile)> = Vec::new();
        let mut trajectories = Vec::with_capacity(manifest.entries.len());
        for (entry, (topology, trajectory)) in manifest.entries.iter().zip(manifest.resolve(&base))
        {
            let index = if let Some(i) = topologies.iter().position(|(p, _)| *p == topology) {
                i
            } else {
                let bytes = std::fs::read(&topology)
                    .with_context(|| format!("reading {}", topology.display()))?;
                let name = entry.topology.clone();
                topologies.push((topology, TopologyFile { name, bytes }));
                topologies.len() - 1
            };
            let file = File::open(&trajectory)
                .with_context(|| format!("reading {}", trajectory.display()))?;
            trajectories.push(TrajectoryFile {
                name: entry.trajectory.clone(),
                reader: BufReader::new(file),
                label: entry.label.clone(),
                group: entry.group.clone().unwrap_or_default(),
                split: entry.split,
                topology: index,
            });
        }
        Ok(Files {
            topologies: topologies.into_iter().map(|(_, t)| t).collect(),
            trajectories,
        })
    }

    /// The manifest (read, or made from explicit files) and the folder its paths are relative to.
    fn manifest(&self) -> Result<(Manifest, PathBuf)> {
        if let Some(path) = &self.manifest {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let manifest = Manifest::parse(&text, &name)?;
            let base = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
            return Ok((manifest, base));
        }
        let Some(topology) = &self.topology else {
            bail!("give --manifest FILE, or --topology FILE --trajectories A.xtc[=label] …");
        };
        let entries = self
            .trajectories
            .iter()
            .map(|t| {
                let (file, label) = t.split_once('=').unwrap_or((t, ""));
                ManifestEntry {
                    topology: topology.display().to_string(),
                    trajectory: file.to_owned(),
                    label: label.to_owned(),
                    group: None,
                    split: None,
                }
            })
            .collect();
        Ok((Manifest { entries }, PathBuf::new()))
    }
}

/// `molsig inspect`: what each file is and holds.
pub fn inspect(files: &[PathBuf]) -> Result<()> {
    if files.is_empty() {
        bail!("give files to inspect (PDB, GRO, XTC, a manifest or a .molsig model)");
    }
    for path in files {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let name = path.display().to_string();
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        println!("{name}:");
        if extension == "molsig" {
            let (header, _) = molsig_model::checkpoint::read_header(&bytes)?;
            println!("{}", serde_json::to_string_pretty(&header)?);
        } else if extension == "xtc" {
            let reader = molsig_io::xtc::XtcReader::open(Cursor::new(bytes), &name)?;
            if let Some(truncation) = reader.truncation() {
                eprintln!("warning: {truncation}");
            }
            let frames = reader.frames();
            let span = match (frames.first(), frames.last()) {
                (Some(a), Some(b)) => b.time - a.time,
                _ => 0.0,
            };
            println!(
                "  XTC: {} atoms, {} frames, {span} ps",
                reader.num_atoms(),
                reader.num_frames()
            );
        } else if ["pdb", "gro", "ent"].contains(&extension.as_str()) {
            for selection in [
                "all",
                "heavy",
                "protein",
                "backbone",
                "ca",
                "residue-centroids",
            ] {
                let options = InputOptions {
                    selection: selection.into(),
                    ..InputOptions::default()
                };
                match Molecule::read(&bytes, &name, &options) {
                    Ok(m) => println!(
                        "  {selection:>17}: {} points, {} bonds",
                        m.len(),
                        m.graph.edges.len()
                    ),
                    Err(e) => println!("  {selection:>17}: {e}"),
                }
            }
        } else {
            let manifest = Manifest::parse(&String::from_utf8_lossy(&bytes), &name)?;
            println!(
                "  manifest: {} entries, classes {:?}, {} groups",
                manifest.entries.len(),
                manifest.classes(),
                {
                    let mut g = manifest.groups();
                    g.sort();
                    g.dedup();
                    g.len()
                }
            );
        }
    }
    Ok(())
}
