//! The skeleton's burn computation: radius of gyration of every frame of the selection.
//!
//! Small on purpose — it proves that coordinates travel from molsig-io into burn tensors on
//! whichever backend the browser offers, and back. Later stages put the model here instead.

use burn::prelude::*;

/// Radius of gyration per frame, `Rg_t = sqrt(mean_i ‖x_ti − mean_j x_tj‖²)`, unweighted.
///
/// # Shapes
/// - `positions`: `[frames, atoms, 3]`, nm
/// - output: `[frames]`, nm
#[must_use]
pub fn radius_of_gyration(positions: Tensor<3>) -> Tensor<1> {
    let centre = positions.clone().mean_dim(1); // [frames, 1, 3]
    let centred = positions - centre; // [frames, atoms, 3]
    let squared = centred.powi_scalar(2).sum_dim(2); // [frames, atoms, 1]
    squared.mean_dim(1).sqrt().flatten(0, 2) // [frames]
}

/// Packs `SoA` frames into the `[frames, atoms, 3]` layout [`radius_of_gyration`] takes.
#[must_use]
pub fn frames_to_tensor(frames: &[molsig_io::Frame], device: &Device) -> Tensor<3> {
    let atoms = frames.first().map_or(0, molsig_io::Frame::len);
    let mut data = Vec::with_capacity(frames.len() * atoms * 3);
    for frame in frames {
        for i in 0..atoms {
            data.extend([frame.x[i], frame.y[i], frame.z[i]]);
        }
    }
    Tensor::from_data(TensorData::new(data, [frames.len(), atoms, 3]), device)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Independent reference: the textbook double loop in f64.
    fn rg_reference(frame: &molsig_io::Frame) -> f64 {
        let n = frame.len() as f64;
        let mean = |v: &[f32]| v.iter().map(|&a| f64::from(a)).sum::<f64>() / n;
        let (cx, cy, cz) = (mean(&frame.x), mean(&frame.y), mean(&frame.z));
        let sum: f64 = (0..frame.len())
            .map(|i| {
                (f64::from(frame.x[i]) - cx).powi(2)
                    + (f64::from(frame.y[i]) - cy).powi(2)
                    + (f64::from(frame.z[i]) - cz).powi(2)
            })
            .sum();
        (sum / n).sqrt()
    }

    fn frames() -> Vec<molsig_io::Frame> {
        (0..3)
            .map(|t| {
                let mut f = molsig_io::Frame::default();
                for i in 0..7 {
                    let s = (i * 7 + t * 3) as f32;
                    f.push([s.sin() * 2.0, (s * 0.3).cos(), s * 0.1 + t as f32]);
                }
                f
            })
            .collect()
    }

    fn check(device: &Device) {
        let frames = frames();
        let rg = radius_of_gyration(frames_to_tensor(&frames, device));
        let got = rg.into_data().try_to_vec::<f32>().expect("f32 data");
        assert_eq!(got.len(), 3);
        for (g, f) in got.iter().zip(&frames) {
            let want = rg_reference(f);
            assert!(
                (f64::from(*g) - want).abs() < 1e-5 * want.max(1.0),
                "{g} vs {want}"
            );
        }
    }

    #[test]
    fn matches_reference_on_flex() {
        check(&Device::flex());
    }
}
