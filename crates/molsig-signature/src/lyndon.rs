//! The Lyndon basis of the free Lie algebra, in iisignature's order and bracketing.
//!
//! A log-signature is a Lie series; its coordinates in the basis {P(w) : w Lyndon, |w| ≤ D} are
//! what iisignature, signatory and pySigLib (method 2) report. P(w) is the standard bracketing:
//! P(letter) = letter, and P(uv) = [P(u), P(v)] where v is the longest proper Lyndon suffix of w.
//! Expanded as a polynomial, P(w) = w + (words lexicographically greater than w), each of length
//! |w| (Lothaire, *Combinatorics on Words*, Thm 5.1.1 and §5.3). So the coefficients c of
//! log S = Σ c_w P(w) come from the coefficients of log S *at the Lyndon words* by one
//! unit-triangular solve per level, taking Lyndon words in increasing order.

use std::collections::HashMap;

use crate::tensor::Levels;
use crate::{Result, Scalar};

/// Lyndon words up to depth D over d letters and the triangular solve that maps log S to Lyndon
/// coordinates.
#[derive(Debug, Clone)]
pub struct LyndonBasis {
    levels: Levels,
    /// Lyndon words by length, then lexicographically (iisignature's order).
    words: Vec<Vec<u16>>,
    /// For each word, its index within its level in signature layout.
    index: Vec<usize>,
    /// For each word u: (position of a Lyndon word w > u of the same length, coefficient of w in P(u)).
    triangle: Vec<Vec<(usize, i64)>>,
}

impl LyndonBasis {
    /// The basis for `channels` letters up to length `depth`.
    ///
    /// # Errors
    /// Zero channels or depth, more than 65,536 channels, or sizes that overflow.
    pub fn new(channels: usize, depth: usize) -> Result<Self> {
        let levels = Levels::new(channels, depth)?;
        if channels > usize::from(u16::MAX) + 1 {
            return Err(crate::Error::Invalid(format!(
                "log-signature supports up to 65536 channels, got {channels}"
            )));
        }
        let mut words = lyndon_words(channels, depth);
        words.sort_by_key(Vec::len); // stable: lexicographic within a length
        let index: Vec<usize> = words.iter().map(|w| word_index(w, channels)).collect();
        let position: HashMap<(usize, usize), usize> = words
            .iter()
            .zip(&index)
            .enumerate()
            .map(|(p, (w, &i))| ((w.len(), i), p))
            .collect();
        let mut memo: HashMap<(usize, usize), Vec<(usize, i64)>> = HashMap::new();
        let triangle = words
            .iter()
            .map(|w| {
                let expansion = bracket(w, channels, &mut memo);
                let own = position[&(w.len(), word_index(w, channels))];
                expansion
                    .iter()
                    .filter_map(|&(i, c)| position.get(&(w.len(), i)).map(|&p| (p, c)))
                    .filter(|&(p, _)| p != own)
                    .collect()
            })
            .collect();
        Ok(Self {
            levels,
            words,
            index,
            triangle,
        })
    }

    /// Number of basis elements (the log-signature's length).
    #[must_use]
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Always false: there are at least d letters.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The Lyndon words, letters 0-based, in output order.
    #[must_use]
    pub fn words(&self) -> &[Vec<u16>] {
        &self.words
    }

    /// iisignature's labels for the basis elements with 1-based letters: `1`, `[1,2]`, `[1,[1,2]]`.
    #[must_use]
    pub fn labels(&self) -> Vec<String> {
        self.words.iter().map(|w| label(w)).collect()
    }

    /// For level k: the lexicographic indices (within the level) of its Lyndon words, and the
    /// matrix W, row-major `[n, n]`, with coordinates = (log S at those words) · W — the transpose
    /// of the inverse bracket matrix, for dense use on a device. O(n²) memory: callers bound n.
    #[cfg(feature = "gpu")]
    pub(crate) fn dense_level(&self, k: usize) -> (Vec<usize>, Vec<f64>) {
        let range: Vec<usize> = (0..self.words.len())
            .filter(|&p| self.words[p].len() == k)
            .collect();
        let n = range.len();
        let first = range.first().copied().unwrap_or(0);
        // Row j of W = the coordinates of a log S that is 1 at word j and 0 elsewhere.
        let mut w = vec![0.0; n * n];
        let mut coords = vec![0.0; n];
        for j in 0..n {
            coords.fill(0.0);
            coords[j] = 1.0;
            for (u, row) in self.triangle[first..first + n].iter().enumerate() {
                let cu = coords[u];
                for &(v, c) in row {
                    coords[v - first] -= cu * c as f64;
                }
            }
            w[j * n..(j + 1) * n].copy_from_slice(&coords);
        }
        (range.iter().map(|&p| self.index[p]).collect(), w)
    }

    /// Lyndon coordinates of `log_s` (signature layout) into `out`.
    pub(crate) fn project<T: Scalar>(&self, log_s: &[T], out: &mut [T]) {
        for ((o, w), &i) in out.iter_mut().zip(&self.words).zip(&self.index) {
            *o = log_s[self.levels.sig_offset[w.len()] + i];
        }
        for (u, row) in self.triangle.iter().enumerate() {
            let cu = out[u];
            for &(w, c) in row {
                out[w] -= cu * T::from_f64(c as f64);
            }
        }
    }

    /// Transpose of [`project`](Self::project): ∂ℓ/∂(log S) from ∂ℓ/∂(coordinates); `grad` is
    /// consumed as scratch.
    pub(crate) fn project_backward<T: Scalar>(&self, grad: &mut [T], grad_log_s: &mut [T]) {
        for (u, row) in self.triangle.iter().enumerate().rev() {
            let mut g = grad[u];
            for &(w, c) in row {
                g -= grad[w] * T::from_f64(c as f64);
            }
            grad[u] = g;
        }
        grad_log_s.fill(T::ZERO);
        for ((&g, w), &i) in grad.iter().zip(&self.words).zip(&self.index) {
            grad_log_s[self.levels.sig_offset[w.len()] + i] = g;
        }
    }
}

/// All Lyndon words of length ≤ n over d letters in lexicographic order (Duval's algorithm).
fn lyndon_words(d: usize, n: usize) -> Vec<Vec<u16>> {
    let mut out = Vec::new();
    let mut w: Vec<u16> = vec![0];
    let top = (d - 1) as u16;
    loop {
        out.push(w.clone());
        let m = w.len();
        while w.len() < n {
            w.push(w[w.len() - m]);
        }
        while w.last() == Some(&top) {
            w.pop();
        }
        match w.last_mut() {
            Some(last) => *last += 1,
            None => return out,
        }
    }
}

fn word_index(w: &[u16], d: usize) -> usize {
    w.iter().fold(0, |acc, &c| acc * d + usize::from(c))
}

fn is_lyndon(w: &[u16]) -> bool {
    (1..w.len()).all(|i| w < &w[i..])
}

/// Expansion of the standard bracketing P(w): (index within level |w|, coefficient), sorted.
fn bracket(
    w: &[u16],
    d: usize,
    memo: &mut HashMap<(usize, usize), Vec<(usize, i64)>>,
) -> Vec<(usize, i64)> {
    let key = (w.len(), word_index(w, d));
    if let Some(done) = memo.get(&key) {
        return done.clone();
    }
    let expansion = if w.len() == 1 {
        vec![(usize::from(w[0]), 1)]
    } else {
        let split = (1..w.len())
            .find(|&i| is_lyndon(&w[i..]))
            .unwrap_or(w.len() - 1);
        let (u, v) = w.split_at(split);
        let (pu, pv) = (bracket(u, d, memo), bracket(v, d, memo));
        let (du, dv) = (d.pow(u.len() as u32), d.pow(v.len() as u32));
        let mut terms: Vec<(usize, i64)> = Vec::with_capacity(2 * pu.len() * pv.len());
        for &(a, ca) in &pu {
            for &(b, cb) in &pv {
                terms.push((a * dv + b, ca * cb));
                terms.push((b * du + a, -ca * cb));
            }
        }
        terms.sort_unstable_by_key(|t| t.0);
        let mut merged: Vec<(usize, i64)> = Vec::with_capacity(terms.len());
        for (i, c) in terms {
            match merged.last_mut() {
                Some(last) if last.0 == i => last.1 += c,
                _ => merged.push((i, c)),
            }
        }
        merged.retain(|t| t.1 != 0);
        merged
    };
    memo.insert(key, expansion.clone());
    expansion
}

/// iisignature's label of P(w), letters 1-based.
fn label(w: &[u16]) -> String {
    if w.len() == 1 {
        return (w[0] + 1).to_string();
    }
    let split = (1..w.len())
        .find(|&i| is_lyndon(&w[i..]))
        .unwrap_or(w.len() - 1);
    format!("[{},{}]", label(&w[..split]), label(&w[split..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logsig_len;

    #[test]
    fn counts_follow_witt_formula() {
        for (d, depth) in [(1, 4), (2, 6), (3, 5), (4, 4), (8, 3), (150, 2)] {
            let basis = LyndonBasis::new(d, depth).expect("basis");
            assert_eq!(
                basis.len(),
                logsig_len(d, depth).expect("len"),
                "d {d} D {depth}"
            );
        }
    }

    #[test]
    fn leading_word_of_each_bracket_is_itself_with_coefficient_one() {
        let d = 3;
        let mut memo = HashMap::new();
        for w in lyndon_words(d, 5) {
            let expansion = bracket(&w, d, &mut memo);
            let first = expansion.first().expect("nonempty");
            assert_eq!(*first, (word_index(&w, d), 1), "P({w:?})");
        }
    }

    #[test]
    fn lyndon_words_of_two_letters_up_to_four() {
        let words = LyndonBasis::new(2, 4).expect("basis").labels();
        assert_eq!(
            words,
            [
                "1",
                "2",
                "[1,2]",
                "[1,[1,2]]",
                "[[1,2],2]",
                "[1,[1,[1,2]]]",
                "[1,[[1,2],2]]",
                "[[[1,2],2],2]"
            ]
        );
    }
}
