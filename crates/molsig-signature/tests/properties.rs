//! The signature's algebra and symmetries as property tests (f64), checked with an independent
//! tensor product and exponential written here from the definitions.

use molsig_signature::{Augment, BackwardMode, Error, LogSignature, Paths, Signature, sig_len};
use proptest::prelude::*;

const TOL: f64 = 1e-9;

/// Levels 0..=depth (level 0 = 1) of a signature-layout vector.
fn with_unit(sig: &[f64]) -> Vec<f64> {
    std::iter::once(1.0).chain(sig.iter().copied()).collect()
}

fn level_range(d: usize, k: usize) -> std::ops::Range<usize> {
    let start: usize = (0..k).map(|j| d.pow(j as u32)).sum();
    start..start + d.pow(k as u32)
}

/// Truncated tensor product of two full-layout (level 0 included) elements.
fn product(a: &[f64], b: &[f64], d: usize, depth: usize) -> Vec<f64> {
    let mut out = vec![0.0; a.len()];
    for k in 0..=depth {
        for i in 0..=k {
            let (ai, bj) = (&a[level_range(d, i)], &b[level_range(d, k - i)]);
            let out_k = level_range(d, k);
            for (x, &av) in ai.iter().enumerate() {
                for (y, &bv) in bj.iter().enumerate() {
                    out[out_k.start + x * bj.len() + y] += av * bv;
                }
            }
        }
    }
    out
}

/// exp of a full-layout element with zero level 0: the sum of Lⁿ/n! for n ≤ depth.
fn exp(l: &[f64], d: usize, depth: usize) -> Vec<f64> {
    let mut out = vec![0.0; l.len()];
    out[0] = 1.0;
    let mut term = out.clone();
    for n in 1..=depth {
        term = product(&term, l, d, depth)
            .into_iter()
            .map(|v| v / n as f64)
            .collect();
        out.iter_mut().zip(&term).for_each(|(o, t)| *o += t);
    }
    out
}

fn assert_close(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let scale = want.iter().fold(1.0_f64, |m, w| m.max(w.abs()));
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= TOL * scale, "{what}[{i}]: {g} vs {w}");
    }
}

fn sig(path: &[f64], d: usize, depth: usize) -> Vec<f64> {
    let paths = Paths::new(path, 1, path.len() / d, d).expect("paths");
    Signature::new(d, depth)
        .expect("sig")
        .forward(&paths)
        .expect("forward")
}

/// A path of 1..=`max_len` points in `d` channels, coordinates in [-2, 2].
fn path(d: usize, max_len: usize) -> impl Strategy<Value = Vec<f64>> {
    (1..=max_len).prop_flat_map(move |l| prop::collection::vec(-2.0..2.0_f64, l * d))
}

/// (d, depth) with d^depth small enough for quick tests.
fn shape() -> impl Strategy<Value = (usize, usize)> {
    prop_oneof![
        (1..=4_usize, 1..=4_usize),
        Just((2, 6)),
        Just((5, 2)),
        Just((8, 2))
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn chen_identity((d, depth) in shape(), a in 1..8_usize, b in 1..8_usize, seed in prop::collection::vec(-2.0..2.0_f64, 16 * 8)) {
        let whole = &seed[..(a + b - 1) * d];
        let (left, right) = (&whole[..a * d], &whole[(a - 1) * d..]);
        let joined = product(&with_unit(&sig(left, d, depth)), &with_unit(&sig(right, d, depth)), d, depth);
        assert_close("chen", &sig(whole, d, depth), &joined[1..]);
    }

    #[test]
    fn single_segment_is_exp_of_increment((d, depth) in shape(), ends in prop::collection::vec(-2.0..2.0_f64, 16)) {
        let segment = &ends[..2 * d];
        let mut increment = vec![0.0; sig_len(d, depth).expect("len") + 1];
        for c in 0..d {
            increment[1 + c] = segment[d + c] - segment[c];
        }
        assert_close("exp", &sig(segment, d, depth), &exp(&increment, d, depth)[1..]);
    }

    #[test]
    fn translation_invariance((d, depth) in shape(), x in path(8, 12), shift in prop::collection::vec(-5.0..5.0_f64, 8)) {
        let x: Vec<f64> = x.chunks_exact(8).flat_map(|p| p[..d].to_vec()).collect();
        let moved: Vec<f64> = x.chunks_exact(d).flat_map(|p| p.iter().zip(&shift).map(|(a, s)| a + s).collect::<Vec<_>>()).collect();
        assert_close("translated", &sig(&moved, d, depth), &sig(&x, d, depth));
    }

    #[test]
    fn reparameterisation_invariance((d, depth) in shape(), x in path(8, 10), repeat in 0..10_usize, cut in 0.0..1.0_f64) {
        let x: Vec<f64> = x.chunks_exact(8).flat_map(|p| p[..d].to_vec()).collect();
        let l = x.len() / d;
        let want = sig(&x, d, depth);
        // Repeat a point (a pause).
        let r = repeat % l;
        let mut paused = x[..(r + 1) * d].to_vec();
        paused.extend_from_slice(&x[r * d..]);
        assert_close("repeated point", &sig(&paused, d, depth), &want);
        // Insert a point on a segment at fraction `cut` (a change of speed), and its midpoint.
        if l >= 2 {
            let s = repeat % (l - 1);
            for f in [cut, 0.5] {
                let mut retimed = x[..(s + 1) * d].to_vec();
                retimed.extend((0..d).map(|c| x[s * d + c] + f * (x[(s + 1) * d + c] - x[s * d + c])));
                retimed.extend_from_slice(&x[(s + 1) * d..]);
                assert_close("inserted point", &sig(&retimed, d, depth), &want);
            }
        }
    }

    #[test]
    fn rotation_equivariance(x in path(3, 10), depth in 1..=4_usize, angles in prop::collection::vec(-3.2..3.2_f64, 3)) {
        let d = 3;
        let r = rotation(&angles);
        let rotated: Vec<f64> = x.chunks_exact(d).flat_map(|p| (0..d).map(|i| (0..d).map(|j| r[i][j] * p[j]).sum::<f64>()).collect::<Vec<_>>()).collect();
        let (s, sr) = (with_unit(&sig(&x, d, depth)), with_unit(&sig(&rotated, d, depth)));
        for k in 1..=depth {
            let (level, level_r) = (&s[level_range(d, k)], &sr[level_range(d, k)]);
            // (R^{⊗k} S_k)[i1..ik] = Σ_j Π_q R[i_q][j_q] S_k[j1..jk]
            let transformed: Vec<f64> = (0..level.len()).map(|w| {
                (0..level.len()).map(|v| {
                    let mut f = 1.0;
                    let (mut wq, mut vq) = (w, v);
                    for _ in 0..k {
                        f *= r[wq % d][vq % d];
                        wq /= d;
                        vq /= d;
                    }
                    f * level[v]
                }).sum()
            }).collect();
            assert_close(&format!("level {k}"), level_r, &transformed);
            let norm = |l: &[f64]| l.iter().map(|v| v * v).sum::<f64>().sqrt();
            prop_assert!((norm(level) - norm(level_r)).abs() <= TOL * norm(level).max(1.0));
        }
    }

    #[test]
    fn log_then_exp_is_the_signature((d, depth) in shape(), x in path(8, 10)) {
        let x: Vec<f64> = x.chunks_exact(8).flat_map(|p| p[..d].to_vec()).collect();
        let paths = Paths::new(&x, 1, x.len() / d, d).expect("paths");
        let log = LogSignature::new(d, depth).expect("logsig").expanded(&paths).expect("log");
        let mut full = vec![0.0];
        full.extend(log);
        assert_close("exp(log S)", &exp(&full, d, depth)[1..], &sig(&x, d, depth));
    }

    #[test]
    fn lower_depth_log_signature_is_a_prefix((d, depth) in (1..=4_usize, 3..=4_usize), x in path(4, 10)) {
        // Depth 2 takes the direct Lévy-area route, depth ≥ 3 the tensor logarithm: they must agree.
        let x: Vec<f64> = x.chunks_exact(4).flat_map(|p| p[..d].to_vec()).collect();
        let paths = Paths::new(&x, 1, x.len() / d, d).expect("paths");
        let low = LogSignature::new(d, 2).expect("low").forward(&paths).expect("low");
        let high = LogSignature::new(d, depth).expect("high").forward(&paths).expect("high");
        assert_close("prefix", &high[..low.len()], &low);
    }

    #[test]
    fn gradients_match_finite_differences((d, depth) in prop_oneof![(1..=3_usize, 1..=4_usize), Just((4, 2))], x in path(3, 6), w_seed in prop::collection::vec(-1.0..1.0_f64, 400)) {
        let x: Vec<f64> = x.chunks_exact(3).flat_map(|p| p.iter().cycle().take(d).copied().collect::<Vec<_>>()).collect();
        let l = x.len() / d;
        let paths = Paths::new(&x, 1, l, d).expect("paths");
        let sig = Signature::new(d, depth).expect("sig");
        let log = LogSignature::new(d, depth).expect("log");
        let w = &w_seed[..sig.len()];
        let v = &w_seed[..log.len()];
        let value = |y: &[f64]| {
            let p = Paths::new(y, 1, l, d).expect("paths");
            let s: f64 = sig.forward(&p).expect("sig").iter().zip(w).map(|(a, b)| a * b).sum();
            let g: f64 = log.forward(&p).expect("log").iter().zip(v).map(|(a, b)| a * b).sum();
            (s, g)
        };
        let mut fd_sig = vec![0.0; x.len()];
        let mut fd_log = vec![0.0; x.len()];
        let h = 1e-6;
        for i in 0..x.len() {
            let (mut up, mut down) = (x.clone(), x.clone());
            up[i] += h;
            down[i] -= h;
            let ((su, lu), (sd, ld)) = (value(&up), value(&down));
            fd_sig[i] = (su - sd) / (2.0 * h);
            fd_log[i] = (lu - ld) / (2.0 * h);
        }
        for mode in [BackwardMode::Inverse, BackwardMode::Checkpoint] {
            let gs = sig.backward(&paths, w, mode).expect("sig grad");
            let gl = log.backward(&paths, v, mode).expect("log grad");
            for i in 0..x.len() {
                prop_assert!((gs[i] - fd_sig[i]).abs() <= 1e-5 * fd_sig[i].abs().max(1.0), "sig {mode:?} [{i}] {} vs {}", gs[i], fd_sig[i]);
                prop_assert!((gl[i] - fd_log[i]).abs() <= 1e-5 * fd_log[i].abs().max(1.0), "log {mode:?} [{i}] {} vs {}", gl[i], fd_log[i]);
            }
        }
    }

    #[test]
    fn stream_and_intervals_agree_with_forward((d, depth) in shape(), x in path(8, 9), a in 0..9_usize, b in 0..9_usize) {
        let x: Vec<f64> = x.chunks_exact(8).flat_map(|p| p[..d].to_vec()).collect();
        let l = x.len() / d;
        let paths = Paths::new(&x, 1, l, d).expect("paths");
        let s = Signature::new(d, depth).expect("sig");
        let stream = s.stream(&paths).expect("stream");
        for t in 0..l {
            assert_close("stream", &stream[t * s.len()..(t + 1) * s.len()], &sig(&x[..(t + 1) * d], d, depth));
        }
        let (a, b) = ((a % l).min(b % l), (a % l).max(b % l));
        let interval = s.intervals(&paths, &[a..=b, 0..=l - 1]).expect("intervals");
        assert_close("interval", &interval[..s.len()], &sig(&x[a * d..(b + 1) * d], d, depth));
        assert_close("whole", &interval[s.len()..], &sig(&x, d, depth));
    }

    #[test]
    fn augmentation_backward_is_the_transpose(x in path(3, 6), g_seed in prop::collection::vec(-1.0..1.0_f64, 200), pick in prop::collection::vec(0..5_usize, 0..4)) {
        // ⟨A x, g⟩ = ⟨x, Aᵀ g⟩ for the linear part; Time adds a constant channel, so compare
        // against A x − A 0.
        let all = [Augment::Basepoint, Augment::Time, Augment::LeadLag, Augment::Cumsum, Augment::Increments];
        let augments: Vec<Augment> = pick.iter().map(|&i| all[i]).collect();
        let (d, l) = (3, x.len() / 3);
        let Ok((ax, l2, c2)) = Augment::apply_all(&augments, &x, 1, l, d) else { return Ok(()) };
        let (a0, _, _) = Augment::apply_all(&augments, &vec![0.0; x.len()], 1, l, d).expect("zero");
        let g = &g_seed.iter().cycle().take(l2 * c2).copied().collect::<Vec<_>>();
        let lhs: f64 = ax.iter().zip(&a0).zip(g).map(|((a, z), g)| (a - z) * g).sum();
        let back = Augment::backward_all(&augments, g, 1, l, d).expect("backward");
        let rhs: f64 = x.iter().zip(&back).map(|(a, b)| a * b).sum();
        prop_assert!((lhs - rhs).abs() <= 1e-9 * lhs.abs().max(1.0), "{augments:?}: {lhs} vs {rhs}");
    }
}

fn rotation(angles: &[f64]) -> [[f64; 3]; 3] {
    let (a, b, c) = (angles[0], angles[1], angles[2]);
    let rz = |t: f64| {
        [
            [t.cos(), -t.sin(), 0.0],
            [t.sin(), t.cos(), 0.0],
            [0.0, 0.0, 1.0],
        ]
    };
    let rx = |t: f64| {
        [
            [1.0, 0.0, 0.0],
            [0.0, t.cos(), -t.sin()],
            [0.0, t.sin(), t.cos()],
        ]
    };
    let mul = |p: [[f64; 3]; 3], q: [[f64; 3]; 3]| {
        let mut o = [[0.0; 3]; 3];
        for i in 0..3 {
            for j in 0..3 {
                o[i][j] = (0..3).map(|k| p[i][k] * q[k][j]).sum();
            }
        }
        o
    };
    mul(rz(a), mul(rx(b), rz(c)))
}

#[test]
fn threads_do_not_change_results() {
    let (batch, l, d, depth) = (7, 20, 3, 4);
    let x: Vec<f64> = (0..batch * l * d)
        .map(|i| ((i * 7919) % 101) as f64 / 50.0 - 1.0)
        .collect();
    let paths = Paths::new(&x, batch, l, d).expect("paths");
    let one = LogSignature::new(d, depth).expect("log").with_threads(1);
    let many = LogSignature::new(d, depth).expect("log").with_threads(3);
    assert_eq!(
        one.forward(&paths).expect("1"),
        many.forward(&paths).expect("3")
    );
    let g = vec![0.5; batch * one.len()];
    assert_eq!(
        one.backward(&paths, &g, BackwardMode::Auto).expect("1"),
        many.backward(&paths, &g, BackwardMode::Auto).expect("3")
    );
}

/// Small signatures are computed a group of paths at a time (one per SIMD lane), `stream` and
/// `intervals` path by path: the two must agree bit for bit, including a last group that is not
/// full (7 paths in groups of 4) and paths of one point.
#[test]
fn grouped_paths_match_one_at_a_time() {
    fn check<T: molsig_signature::Scalar>(batch: usize, l: usize, d: usize, depth: usize) {
        let x: Vec<T> = (0..batch * l * d)
            .map(|i| T::from_f64(((i * 7919) % 101) as f64 / 50.0 - 1.0))
            .collect();
        let paths = Paths::new(&x, batch, l, d).expect("paths");
        let s = Signature::new(d, depth).expect("sig").with_threads(1);
        let n = s.len();
        let forward = s.forward(&paths).expect("forward");
        let stream = s.stream(&paths).expect("stream");
        let whole = s.intervals(&paths, &[0..=l - 1]).expect("intervals");
        for b in 0..batch {
            let last = &stream[((b + 1) * l - 1) * n..(b + 1) * l * n];
            let got = &forward[b * n..(b + 1) * n];
            assert!(
                got.iter()
                    .zip(last)
                    .all(|(g, w)| g.to_f64().to_bits() == w.to_f64().to_bits()),
                "path {b} of {batch}, d {d}, depth {depth}: forward differs from stream"
            );
            assert!(
                got.iter()
                    .zip(&whole[b * n..(b + 1) * n])
                    .all(|(g, w)| g.to_f64().to_bits() == w.to_f64().to_bits()),
                "path {b}: forward differs from intervals"
            );
        }
        let log = LogSignature::new(d, depth).expect("log").with_threads(1);
        let expanded = log.expanded(&paths).expect("expanded");
        for b in 0..batch {
            let one = Paths::new(&x[b * l * d..(b + 1) * l * d], 1, l, d).expect("one path");
            let alone = log.expanded(&one).expect("expanded alone");
            assert!(
                alone
                    .iter()
                    .zip(&expanded[b * n..(b + 1) * n])
                    .all(|(g, w)| g.to_f64().to_bits() == w.to_f64().to_bits()),
                "path {b}: log-signature in a group differs from alone"
            );
        }
    }
    check::<f64>(7, 12, 3, 5);
    check::<f32>(7, 12, 3, 5);
    check::<f64>(5, 9, 2, 3);
    check::<f64>(3, 1, 4, 3);
    check::<f64>(9, 6, 8, 4);
}

#[test]
fn bad_input_is_named() {
    let mut x = vec![0.0_f64; 2 * 5 * 3];
    x[2 * 5 * 3 - 2] = f64::NAN;
    let err = Paths::new(&x, 2, 5, 3).expect_err("nan");
    assert!(
        matches!(err, Error::NotFinite { batch: 1, point: 4, channel: 1, value } if value.is_nan()),
        "{err}"
    );
    assert_eq!(
        Paths::new(&x[1..], 2, 5, 3).expect_err("short"),
        Error::Length {
            what: "paths",
            expected: 30,
            got: 29
        }
    );
    let ok = vec![0.0_f64; 30];
    let paths = Paths::new(&ok, 2, 5, 3).expect("paths");
    let err = Signature::new(2, 3)
        .expect("sig")
        .forward(&paths)
        .expect_err("channels");
    assert_eq!(
        err.to_string(),
        "paths have 3 channels, the signature was set up for 2"
    );
    let sig = Signature::new(3, 2).expect("sig");
    assert!(matches!(
        sig.backward(&paths, &[0.0; 5], BackwardMode::Auto),
        Err(Error::Length {
            expected: 24,
            got: 5,
            ..
        })
    ));
    assert!(matches!(
        Signature::new(1000, 10),
        Err(Error::TooLarge { .. })
    ));
    assert!(Signature::new(0, 2).is_err() && Signature::new(2, 0).is_err());
    assert!(matches!(
        sig.intervals(&paths, &[3..=5]),
        Err(Error::Invalid(_))
    ));
}
