//! Against independent reference vectors: iisignature 0.24, pySigLib 4.0.0 and esig 1.0 in float64
//! (`tests/fixtures/signatures/`, see `tests/fixtures/README.md`). f64 must match to 1e-10 relative,
//! f32 to 1e-4.

mod common;

use common::{Case, cases};
use molsig_signature::{BackwardMode, LogSignature, Paths, Scalar, Signature};

/// |got − want| ≤ tol·|want| elementwise, with a floor of tol·1e-2·max|want| for entries near zero
/// (an exactly-zero reference cannot be matched relatively).
fn assert_close<T: Scalar>(case: &str, what: &str, got: &[T], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{case} {what}: length");
    let scale = want.iter().fold(0.0_f64, |m, w| m.max(w.abs()));
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let err = (g.to_f64() - w).abs();
        assert!(
            err <= tol * w.abs().max(1e-2 * scale).max(1e-300),
            "{case} {what}[{i}]: got {g}, reference {w} (error {err:e}, tolerance {tol:e} relative)"
        );
    }
}

fn check_case<T: Scalar>(case: &Case, tol: f64, modes: &[BackwardMode]) {
    let input: Vec<T> = case.input().into_iter().map(T::from_f64).collect();
    let paths = Paths::new(&input, case.batch, case.length, case.channels).expect("paths");
    let name = &case.name;

    let sig = Signature::new(case.channels, case.depth).expect("signature");
    assert_close(
        name,
        "signature",
        &sig.forward(&paths).expect("sig"),
        &case.values("/outputs/sig_iisignature"),
        tol,
    );

    let logsig = LogSignature::new(case.channels, case.depth).expect("logsig");
    let lyndon = case.values("/outputs/logsig_iisignature_lyndon_O");
    assert_close(
        name,
        "log-signature",
        &logsig.forward(&paths).expect("logsig"),
        &lyndon,
        tol,
    );
    let expanded = case.values("/outputs/logsig_iisignature_expanded_X");
    assert_close(
        name,
        "expanded log-signature",
        &logsig.expanded(&paths).expect("expanded"),
        &expanded,
        tol,
    );

    let w: Vec<T> = case
        .values("/W_sig_cotangent")
        .into_iter()
        .map(T::from_f64)
        .collect();
    let want = case.values("/outputs/grad_sig_own_autograd");
    for &mode in modes {
        let grad = sig.backward(&paths, &w, mode).expect("sig backward");
        assert_close(
            name,
            &format!("signature gradient ({mode:?})"),
            &grad,
            &want,
            tol,
        );
    }

    if case
        .json
        .pointer("/outputs/grad_logsig_lyndon_pysiglib_autograd")
        .is_some()
    {
        let v: Vec<T> = case
            .values("/V_logsig_cotangent")
            .into_iter()
            .map(T::from_f64)
            .collect();
        let want = case.values("/outputs/grad_logsig_lyndon_pysiglib_autograd");
        for &mode in modes {
            let grad = logsig.backward(&paths, &v, mode).expect("logsig backward");
            assert_close(
                name,
                &format!("log-signature gradient ({mode:?})"),
                &grad,
                &want,
                tol,
            );
        }
    }
}

#[test]
fn every_case_matches_in_f64() {
    for case in cases() {
        check_case::<f64>(
            &case,
            1e-10,
            &[BackwardMode::Inverse, BackwardMode::Checkpoint],
        );
    }
}

#[test]
fn every_case_matches_in_f32() {
    for case in cases() {
        // Walking back with exp(−Δ) amplifies f32 rounding on the 100-step walk of case B
        // (3e-6 off on a 0.034 gradient): that is why `Auto` checkpoints in f32.
        check_case::<f32>(&case, 1e-4, &[BackwardMode::Auto, BackwardMode::Checkpoint]);
    }
}

#[test]
fn lyndon_labels_match_iisignature() {
    for case in cases() {
        let labels: Vec<String> = case.json["basis_labels"]["iisignature_lyndon"]
            .as_array()
            .expect("labels")
            .iter()
            .map(|l| l.as_str().expect("label").to_owned())
            .collect();
        let basis = LogSignature::new(case.channels, case.depth).expect("logsig");
        assert_eq!(basis.basis().labels(), labels, "{}", case.name);
    }
}

#[test]
fn finite_difference_checks_of_the_reference_agree() {
    // The reference's own central differences at a few coordinates, against our f64 gradient.
    for case in cases() {
        let Some(check) = case.json.get("grad_logsig_fd_check") else {
            continue;
        };
        let input = case.input();
        let paths = Paths::new(&input, case.batch, case.length, case.channels).expect("paths");
        let v = case.values("/V_logsig_cotangent");
        let grad = LogSignature::new(case.channels, case.depth)
            .expect("logsig")
            .backward(&paths, &v, BackwardMode::Inverse)
            .expect("backward");
        let indices = check["flat_indices"].as_array().expect("indices");
        let fd = check["finite_difference"].as_array().expect("fd");
        for (i, f) in indices.iter().zip(fd) {
            let (i, f) = (i.as_u64().expect("index") as usize, f.as_f64().expect("fd"));
            assert!(
                (grad[i] - f).abs() <= 1e-6 * f.abs().max(1.0),
                "{} [{i}]: {} vs fd {f}",
                case.name,
                grad[i]
            );
        }
    }
}
