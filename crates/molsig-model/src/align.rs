//! Optimal superposition (Kabsch) of a frame onto a reference structure.
//!
//! The signature is rotation-*equivariant*, not invariant (spec §4); aligning every frame onto
//! one fixed reference removes rotations of the input exactly, so predictions become invariant.
//! The rotation is found with Horn's quaternion method (J. Opt. Soc. Am. A 4, 1987): the best
//! rotation is the eigenvector of the largest eigenvalue of a symmetric 4×4 matrix built from the
//! cross-covariance, here found by cyclic Jacobi sweeps in f64 — no reflection can come out, and
//! no SVD library is needed for a 3×3 problem.

/// Rotates `points` (centred, `[x, y, z]` each) onto `reference` (centred, same length) in place.
pub fn superpose(points: &mut [[f32; 3]], reference: &[[f32; 3]]) {
    let r = rotation(points, reference);
    for p in points.iter_mut() {
        let v = [f64::from(p[0]), f64::from(p[1]), f64::from(p[2])];
        for (i, row) in r.iter().enumerate() {
            p[i] = (row[0] * v[0] + row[1] * v[1] + row[2] * v[2]) as f32;
        }
    }
}

/// Subtracts the centroid from `points` in place.
pub fn centre(points: &mut [[f32; 3]]) {
    let n = points.len().max(1) as f64;
    let mut c = [0.0_f64; 3];
    for p in points.iter() {
        for k in 0..3 {
            c[k] += f64::from(p[k]);
        }
    }
    for p in points.iter_mut() {
        for k in 0..3 {
            p[k] = (f64::from(p[k]) - c[k] / n) as f32;
        }
    }
}

/// The rotation matrix R minimising Σ‖R·p_i − q_i‖².
fn rotation(points: &[[f32; 3]], reference: &[[f32; 3]]) -> [[f64; 3]; 3] {
    let mut s = [[0.0_f64; 3]; 3]; // S_ab = Σ p_a q_b
    for (p, q) in points.iter().zip(reference) {
        for a in 0..3 {
            for b in 0..3 {
                s[a][b] += f64::from(p[a]) * f64::from(q[b]);
            }
        }
    }
    let [[xx, xy, xz], [yx, yy, yz], [zx, zy, zz]] = s;
    let mut n = [
        [xx + yy + zz, yz - zy, zx - xz, xy - yx],
        [yz - zy, xx - yy - zz, xy + yx, zx + xz],
        [zx - xz, xy + yx, -xx + yy - zz, yz + zy],
        [xy - yx, zx + xz, yz + zy, -xx - yy + zz],
    ];
    let q = largest_eigenvector(&mut n);
    let [w, x, y, z] = q;
    [
        [
            w * w + x * x - y * y - z * z,
            2.0 * (x * y - w * z),
            2.0 * (x * z + w * y),
        ],
        [
            2.0 * (x * y + w * z),
            w * w - x * x + y * y - z * z,
            2.0 * (y * z - w * x),
        ],
        [
            2.0 * (x * z - w * y),
            2.0 * (y * z + w * x),
            w * w - x * x - y * y + z * z,
        ],
    ]
}

/// Eigenvector of the largest eigenvalue of a symmetric 4×4 matrix (cyclic Jacobi), unit length.
fn largest_eigenvector(a: &mut [[f64; 4]; 4]) -> [f64; 4] {
    let mut v = [[0.0_f64; 4]; 4];
    for (i, row) in v.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for _sweep in 0..50 {
        let off: f64 = (0..4)
            .flat_map(|i| (0..4).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        let scale: f64 = (0..4).map(|i| a[i][i] * a[i][i]).sum::<f64>() + off;
        if off <= 1e-30 * scale.max(1e-300) {
            break;
        }
        for p in 0..3 {
            for q in p + 1..4 {
                if a[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (akp, akq) = (row[p], row[q]);
                    row[p] = c * akp - s * akq;
                    row[q] = s * akp + c * akq;
                }
                let (rp, rq) = (a[p], a[q]);
                a[p] = std::array::from_fn(|k| c * rp[k] - s * rq[k]);
                a[q] = std::array::from_fn(|k| s * rp[k] + c * rq[k]);
                for row in &mut v {
                    let (vp, vq) = (row[p], row[q]);
                    row[p] = c * vp - s * vq;
                    row[q] = s * vp + c * vq;
                }
            }
        }
    }
    let best = (0..4)
        .max_by(|&i, &j| a[i][i].total_cmp(&a[j][j]))
        .unwrap_or(0);
    let mut e = [v[0][best], v[1][best], v[2][best], v[3][best]];
    let norm = e.iter().map(|x| x * x).sum::<f64>().sqrt();
    for x in &mut e {
        *x /= norm;
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rotate(p: [f32; 3], axis: [f64; 3], angle: f64) -> [f32; 3] {
        // Rodrigues' formula.
        let n = axis.iter().map(|x| x * x).sum::<f64>().sqrt();
        let k = axis.map(|x| x / n);
        let v = p.map(f64::from);
        let (s, c) = angle.sin_cos();
        let cross = [
            k[1] * v[2] - k[2] * v[1],
            k[2] * v[0] - k[0] * v[2],
            k[0] * v[1] - k[1] * v[0],
        ];
        let dot = k[0] * v[0] + k[1] * v[1] + k[2] * v[2];
        [0, 1, 2].map(|i| (v[i] * c + cross[i] * s + k[i] * dot * (1.0 - c)) as f32)
    }

    #[test]
    fn a_rotated_copy_superposes_back_exactly() {
        let mut reference: Vec<[f32; 3]> = (0..20)
            .map(|i| {
                let t = i as f32;
                [
                    (t * 0.37).sin() * 1.3,
                    (t * 0.71).cos() * 0.8,
                    t * 0.05 - 0.4,
                ]
            })
            .collect();
        centre(&mut reference);
        for (axis, angle) in [
            ([0.0, 0.0, 1.0], 0.3),
            ([1.0, 2.0, -0.5], 2.9),
            ([0.3, -1.0, 0.2], std::f64::consts::PI), // a half turn: w = 0
        ] {
            let mut moved: Vec<[f32; 3]> =
                reference.iter().map(|&p| rotate(p, axis, angle)).collect();
            superpose(&mut moved, &reference);
            for (a, b) in moved.iter().zip(&reference) {
                for k in 0..3 {
                    assert!(
                        (a[k] - b[k]).abs() < 1e-5,
                        "{axis:?} {angle}: {a:?} vs {b:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_mirror_image_is_not_reflected() {
        // A chiral set and its mirror image: the best proper rotation cannot make them equal.
        let reference = [
            [1.0, 0.0, 0.0],
            [0.0, 2.0, 0.0],
            [0.0, 0.0, 3.0],
            [-1.0, -2.0, -3.0],
        ];
        let mut mirror: Vec<[f32; 3]> = reference.iter().map(|p| [-p[0], p[1], p[2]]).collect();
        superpose(&mut mirror, &reference);
        let rmsd: f32 = mirror
            .iter()
            .zip(&reference)
            .map(|(a, b)| (0..3).map(|k| (a[k] - b[k]).powi(2)).sum::<f32>())
            .sum();
        assert!(rmsd > 0.1, "a reflection slipped through: {mirror:?}");
    }
}
