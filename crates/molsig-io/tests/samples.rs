//! Chunking trajectories into samples.

use molsig_io::Error;
use molsig_io::samples::{ChunkSpec, Sample, chunk_trajectory, grouped_split};

fn starts(samples: &[Sample]) -> Vec<usize> {
    samples.iter().map(|s| s.start_frame).collect()
}

#[test]
fn count_cuts_equal_consecutive_chunks() {
    let samples = chunk_trajectory(3, 1000, &ChunkSpec::Count(25)).expect("chunks");
    assert_eq!(samples.len(), 25);
    assert!(
        samples
            .iter()
            .all(|s| s.trajectory == 3 && s.num_frames == 40)
    );
    assert_eq!(
        starts(&samples),
        (0..25).map(|k| 40 * k).collect::<Vec<_>>()
    );
    assert_eq!(samples[24].frames(), 960..1000);
}

#[test]
fn count_drops_the_remainder_at_the_end() {
    let samples = chunk_trajectory(0, 1024, &ChunkSpec::Count(25)).expect("chunks");
    assert_eq!(samples.len(), 25);
    assert!(samples.iter().all(|s| s.num_frames == 40));
    assert_eq!(
        samples[24],
        Sample {
            trajectory: 0,
            start_frame: 960,
            num_frames: 40
        }
    );
    // 24 frames dropped: the last chunk ends at 1000, not 1024.
    assert_eq!(samples[24].frames().end, 1000);

    let exact = chunk_trajectory(1, 25, &ChunkSpec::Count(25)).expect("chunks");
    assert_eq!(exact.len(), 25);
    assert!(exact.iter().all(|s| s.num_frames == 1));
    assert_eq!(
        chunk_trajectory(1, 7, &ChunkSpec::Count(1)).expect("chunks"),
        vec![Sample {
            trajectory: 1,
            start_frame: 0,
            num_frames: 7
        }]
    );
}

#[test]
fn count_errors() {
    let err = chunk_trajectory(4, 24, &ChunkSpec::Count(25)).expect_err("too few");
    assert!(matches!(err, Error::Mismatch { .. }));
    assert_eq!(
        err.to_string(),
        "trajectory 4 has 24 frames, too few for 25 chunks (needs at least 25, one frame per chunk)"
    );
    let err = chunk_trajectory(4, 0, &ChunkSpec::Count(25)).expect_err("empty");
    assert_eq!(
        err.to_string(),
        "trajectory 4 has no frames; nothing to cut into samples"
    );
    let err = chunk_trajectory(4, 100, &ChunkSpec::Count(0)).expect_err("zero chunks");
    assert!(err.to_string().contains("0 chunks"));
}

#[test]
fn length_and_stride() {
    let spec = ChunkSpec::Length {
        frames: 100,
        stride: 50,
    };
    let samples = chunk_trajectory(2, 1000, &spec).expect("chunks");
    // Starts 0, 50, ..., 900: the chunk at 950 would run past the end.
    assert_eq!(samples.len(), 19);
    assert_eq!(
        starts(&samples),
        (0..19).map(|k| 50 * k).collect::<Vec<_>>()
    );
    assert!(
        samples
            .iter()
            .all(|s| s.num_frames == 100 && s.trajectory == 2)
    );
    assert_eq!(samples[18].frames(), 900..1000);

    // Non-overlapping with remainder: 1050 frames in chunks of 100 → 10 chunks, 50 dropped.
    let samples = chunk_trajectory(
        0,
        1050,
        &ChunkSpec::Length {
            frames: 100,
            stride: 100,
        },
    )
    .expect("chunks");
    assert_eq!(samples.len(), 10);
    assert_eq!(samples[9].frames(), 900..1000);

    // Stride larger than the chunk skips frames.
    let samples = chunk_trajectory(
        0,
        100,
        &ChunkSpec::Length {
            frames: 10,
            stride: 30,
        },
    )
    .expect("chunks");
    assert_eq!(starts(&samples), vec![0, 30, 60, 90]);

    // Exactly one chunk.
    let samples = chunk_trajectory(
        0,
        10,
        &ChunkSpec::Length {
            frames: 10,
            stride: 3,
        },
    )
    .expect("chunks");
    assert_eq!(samples.len(), 1);
}

#[test]
fn length_errors() {
    let err = chunk_trajectory(
        5,
        99,
        &ChunkSpec::Length {
            frames: 100,
            stride: 50,
        },
    )
    .expect_err("short");
    assert_eq!(
        err.to_string(),
        "trajectory 5 has 99 frames, fewer than one chunk of 100"
    );
    assert!(
        chunk_trajectory(
            5,
            99,
            &ChunkSpec::Length {
                frames: 0,
                stride: 1
            }
        )
        .is_err()
    );
    assert!(
        chunk_trajectory(
            5,
            99,
            &ChunkSpec::Length {
                frames: 1,
                stride: 0
            }
        )
        .is_err()
    );
}

#[test]
fn grouped_split_keeps_trajectories_together() {
    let mut samples = Vec::new();
    for trajectory in 0..4 {
        samples.extend(chunk_trajectory(trajectory, 100, &ChunkSpec::Count(5)).expect("chunks"));
    }
    let (train, test) = grouped_split(&samples, &[1, 3]);
    assert_eq!(train.len(), 10);
    assert_eq!(test.len(), 10);
    assert!(train.iter().all(|s| s.trajectory == 0 || s.trajectory == 2));
    assert!(test.iter().all(|s| s.trajectory == 1 || s.trajectory == 3));
    assert_eq!(
        test[0],
        Sample {
            trajectory: 1,
            start_frame: 0,
            num_frames: 20
        }
    );
}
