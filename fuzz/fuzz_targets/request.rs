//! Sequences of the requests the page's worker decodes, applied to one native `Session`: read a
//! dataset (options, table rows, batch size), inspect, train, load the model, predict, explain.
//! The worker's values arrive as JS objects through serde; JSON through the same `Deserialize`
//! impls stands in for them here. The files are small real ones (the demo peptide, its
//! trajectories cut to a few frames, a truncated one and text), chosen by the row's name.
//! Training is cancelled at its `Started` event: the request's checks, the split and the
//! model's construction run; the epochs (fuzzed nowhere else either) would only cost time.
#![no_main]

use std::io::Cursor;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use molsig_model::train::{Event, Host};
use molsig_pipeline::plan::{DataOptions, Files, TopologyFile, TrajectoryFile};
use molsig_pipeline::train::TrainRequest;
use molsig_wasm::backend::Backend;
use molsig_wasm::session::{Session, Source, TrajectoryEntry};
use serde::Deserialize;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../web/demo/dataset");

/// One request, shaped as the worker passes it to the session.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum Request {
    Load {
        options: DataOptions,
        entries: Vec<TrajectoryEntry>,
        #[serde(rename = "batchSize")]
        batch_size: usize,
    },
    Inspect {
        selection: String,
        trajectory: Option<String>,
    },
    Train {
        request: TrainRequest,
    },
    /// The model file trained once at start-up, or these bytes.
    LoadModel {
        bytes: Option<Vec<u8>>,
    },
    Predict {
        entries: Vec<TrajectoryEntry>,
    },
    CrossValidate {
        request: TrainRequest,
        folds: usize,
    },
    Explain {
        source: Source,
        index: usize,
        #[serde(default)]
        sample: usize,
    },
    Compare,
}

struct Fixtures {
    topology: Vec<u8>,
    /// Trajectories by name; a row naming none of them gets its name's bytes.
    trajectories: Vec<(&'static str, Vec<u8>)>,
    model: Vec<u8>,
}

/// The first `frames` frames of a demo trajectory (cut at a frame boundary: a valid XTC).
fn head(name: &str, frames: usize) -> Vec<u8> {
    let bytes = std::fs::read(format!("{DEMO}/{name}")).expect("demo trajectory");
    let xtc = molsig_io::xtc::XtcReader::open(Cursor::new(&bytes), name).expect("demo XTC");
    let end = xtc.frames()[frames].offset as usize;
    bytes[..end].to_vec()
}

static FIXTURES: LazyLock<Fixtures> = LazyLock::new(|| {
    let topology = std::fs::read(format!("{DEMO}/peptide.pdb")).expect("demo topology");
    let low = head("low_friction_01.xtc", 6);
    let high = head("high_friction_01.xtc", 6);
    let truncated = low[..low.len() - 100].to_vec();
    let trajectories = vec![
        ("low.xtc", low),
        ("high.xtc", high),
        ("low2.xtc", head("low_friction_02.xtc", 4)),
        ("high2.xtc", head("high_friction_02.xtc", 4)),
        ("truncated.xtc", truncated),
    ];
    let model = train_once(&topology, &trajectories);
    Fixtures {
        topology,
        trajectories,
        model,
    }
});

fn files(entries: Vec<TrajectoryEntry>) -> Files<Cursor<Vec<u8>>> {
    let fixtures = &*FIXTURES;
    let trajectories = entries
        .into_iter()
        .take(16)
        .map(|entry| {
            let bytes = fixtures
                .trajectories
                .iter()
                .find(|(name, _)| *name == entry.name)
                .map_or_else(|| entry.name.clone().into_bytes(), |(_, b)| b.clone());
            TrajectoryFile {
                name: entry.name,
                reader: Cursor::new(bytes),
                label: entry.label.unwrap_or_default(),
                group: entry.group.unwrap_or_default(),
                split: None,
                topology: 0,
            }
        })
        .collect();
    Files {
        topologies: vec![TopologyFile {
            name: "peptide.pdb".into(),
            bytes: fixtures.topology.clone(),
        }],
        trajectories,
    }
}

/// A real model file for `LoadModel`, trained for one epoch on the fixtures.
fn train_once(topology: &[u8], trajectories: &[(&'static str, Vec<u8>)]) -> Vec<u8> {
    let session = Session::new(Backend::cpu("fuzzing".into()));
    let entry = |name: &str, label: &str| TrajectoryEntry {
        name: name.into(),
        label: Some(label.into()),
        group: None,
    };
    let rows = [
        entry("low.xtc", "low"),
        entry("high.xtc", "high"),
        entry("low2.xtc", "low"),
        entry("high2.xtc", "high"),
    ];
    let mut files = Files {
        topologies: vec![TopologyFile {
            name: "peptide.pdb".into(),
            bytes: topology.to_vec(),
        }],
        trajectories: Vec::new(),
    };
    for row in rows {
        let bytes = trajectories
            .iter()
            .find(|(n, _)| *n == row.name)
            .expect("fixture")
            .1
            .clone();
        files.trajectories.push(TrajectoryFile {
            name: row.name,
            reader: Cursor::new(bytes),
            label: row.label.unwrap_or_default(),
            group: String::new(),
            split: None,
            topology: 0,
        });
    }
    let options = DataOptions {
        selection: "ca".into(),
        frames: 3,
        stride: 1,
        inter_residue_bonds: true,
        align: false,
    };
    session
        .load_dataset(files, &options, 4)
        .expect("fixtures load");
    let request = TrainRequest {
        model: "frame-lstm".into(),
        beads: 2,
        epochs: Some(1),
        batch_size: Some(4),
        learning_rate: None,
        patience: None,
        validation: 0.0,
        test: 0.0,
        seed: 0,
    };
    pollster::block_on(session.train(&request, Host::none(), &mut |_| {})).expect("trains");
    pollster::block_on(session.save_model()).expect("saves")
}

fn apply(session: &Session, request: Request) {
    match request {
        Request::Load {
            options,
            entries,
            batch_size,
        } => {
            let _ = session.load_dataset(files(entries), &options, batch_size);
        }
        Request::Inspect {
            selection,
            trajectory,
        } => {
            let f = files(
                trajectory
                    .into_iter()
                    .map(|name| TrajectoryEntry {
                        name,
                        label: None,
                        group: None,
                    })
                    .collect(),
            );
            let trajectory = f
                .trajectories
                .into_iter()
                .next()
                .map(|t| (t.name, t.reader));
            let topology = &f.topologies[0];
            let _ = pollster::block_on(session.inspect(
                &topology.name,
                &topology.bytes,
                trajectory.as_ref().map(|(n, r)| (n.as_str(), r.clone())),
                &selection,
            ));
        }
        Request::Train { request } => {
            let _ = pollster::block_on(session.train(
                &request,
                Host::none(),
                &mut stop_at_start(session),
            ));
        }
        Request::CrossValidate { request, folds } => {
            let _ = pollster::block_on(session.cross_validate(
                &request,
                folds,
                Host::none(),
                &mut stop_at_start(session),
            ));
        }
        Request::LoadModel { bytes } => {
            let bytes = bytes.unwrap_or_else(|| FIXTURES.model.clone());
            let _ = session.load_model("fuzz.molsig", &bytes);
        }
        Request::Predict { entries } => {
            let _ = pollster::block_on(session.predict(files(entries)));
        }
        Request::Explain {
            source,
            index,
            sample,
        } => {
            let _ = pollster::block_on(session.explain(source, index, sample));
        }
        Request::Compare => {
            let _ = pollster::block_on(session.compare());
        }
    }
}

/// Training stops at its `Started` event: the fuzzer explores requests, not optimisation.
fn stop_at_start(session: &Session) -> impl FnMut(&Event) + '_ {
    |event: &Event| {
        if matches!(event, Event::Started { .. }) {
            session.cancel();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(requests) = serde_json::from_slice::<Vec<Request>>(data) else {
        return;
    };
    let session = Session::new(Backend::cpu("fuzzing".into()));
    for request in requests.into_iter().take(8) {
        apply(&session, request);
    }
});
