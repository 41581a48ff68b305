//! Classification metrics, defined exactly as scikit-learn defines them.
//!
//! Deep Signature is judged on accuracy and ROC AUC, and users compare our numbers with what
//! their Python pipelines print; so every metric here follows the scikit-learn function named in
//! its doc (zero-division cases included) and the tests check sklearn's documented examples.
//! The MD datasets are small and often imbalanced, which is why balanced accuracy and F1 sit
//! beside plain accuracy, and why the confusion matrix is kept whole.
//!
//! ROC AUC is computed from ranks (the Mann–Whitney U statistic, tied scores sharing their
//! average rank), which equals the area under the trapezoidal ROC curve and the probability that a
//! random positive scores above a random negative, ties counting ½ — in O(n log n).

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// How well predicted class probabilities match true labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Metrics {
    /// Samples evaluated.
    pub count: usize,
    /// Fraction predicted correctly (prediction = the most probable class, ties → lowest index).
    pub accuracy: f64,
    /// Mean recall over the classes that occur in the labels (sklearn `balanced_accuracy_score`).
    pub balanced_accuracy: f64,
    /// Two classes: F1 of class 1 (sklearn `f1_score`, `zero_division=0`); more: macro F1 over
    /// the classes that occur in the labels or the predictions (`average="macro"`).
    pub f1: f64,
    /// Two classes: ROC AUC of P(class 1); more: the macro average of one-vs-rest AUCs over the
    /// classes that occur in the labels. `None` when the labels hold a single class.
    pub roc_auc: Option<f64>,
    /// `confusion[true][predicted]`: counts, `classes × classes`.
    pub confusion: Vec<Vec<usize>>,
}

impl Metrics {
    /// Metrics of `probabilities`, row-major `[labels.len(), classes]` (binary problems use
    /// `classes = 2`, column 1 being P(positive)), against `labels`. Rows need not sum to one,
    /// but ROC AUC ranks each column on its own, so pass probabilities (softmax), not logits.
    ///
    /// # Errors
    /// Fewer than two classes, no samples, a length that is not `labels.len() × classes`, a
    /// label ≥ `classes`, or a NaN probability.
    pub fn from_probabilities(
        probabilities: &[f32],
        classes: usize,
        labels: &[usize],
    ) -> Result<Metrics> {
        check(probabilities, classes, labels)?;
        let n = labels.len();
        let rows = probabilities.chunks_exact(classes);
        let predictions: Vec<usize> = rows.map(argmax).collect();

        let mut confusion = vec![vec![0_usize; classes]; classes];
        for (&truth, &predicted) in labels.iter().zip(&predictions) {
            confusion[truth][predicted] += 1;
        }
        let correct: usize = (0..classes).map(|c| confusion[c][c]).sum();
        let support: Vec<usize> = confusion.iter().map(|row| row.iter().sum()).collect();
        let predicted: Vec<usize> = (0..classes)
            .map(|c| confusion.iter().map(|row| row[c]).sum())
            .collect();

        let present: Vec<usize> = (0..classes).filter(|&c| support[c] > 0).collect();
        let balanced_accuracy = present
            .iter()
            .map(|&c| confusion[c][c] as f64 / support[c] as f64)
            .sum::<f64>()
            / present.len() as f64;

        // F1 = 2TP / (2TP + FP + FN), which is 2PR / (P + R) whenever it is defined, and 0
        // (sklearn's zero_division=0) when the class is neither present nor predicted.
        let f1_of = |c: usize| {
            let tp = confusion[c][c];
            let denominator = support[c] + predicted[c];
            if denominator == 0 {
                0.0
            } else {
                2.0 * tp as f64 / denominator as f64
            }
        };
        let f1 = if classes == 2 {
            f1_of(1)
        } else {
            let seen: Vec<usize> = (0..classes)
                .filter(|&c| support[c] + predicted[c] > 0)
                .collect();
            seen.iter().map(|&c| f1_of(c)).sum::<f64>() / seen.len() as f64
        };

        let roc_auc = (present.len() >= 2).then(|| {
            let column = |c: usize| -> Vec<f32> {
                probabilities
                    .iter()
                    .skip(c)
                    .step_by(classes)
                    .copied()
                    .collect()
            };
            if classes == 2 {
                binary_auc(&column(1), labels, 1)
            } else {
                present
                    .iter()
                    .map(|&c| binary_auc(&column(c), labels, c))
                    .sum::<f64>()
                    / present.len() as f64
            }
        });

        Ok(Metrics {
            count: n,
            accuracy: correct as f64 / n as f64,
            balanced_accuracy,
            f1,
            roc_auc,
            confusion,
        })
    }

    /// The confusion matrix as CSV: a header row `true \ predicted,<name 0>,<name 1>,…`, then one
    /// row per true class, its name first. Classes without a name in `class_names` are named by
    /// their index; names are quoted where CSV needs it.
    #[must_use]
    pub fn confusion_csv(&self, class_names: &[String]) -> String {
        let name = |c: usize| {
            class_names
                .get(c)
                .map_or_else(|| c.to_string(), |n| csv_field(n))
        };
        let mut out = String::from("true \\ predicted");
        for c in 0..self.confusion.len() {
            out.push(',');
            out.push_str(&name(c));
        }
        out.push('\n');
        for (c, row) in self.confusion.iter().enumerate() {
            out.push_str(&name(c));
            for count in row {
                out.push(',');
                out.push_str(&count.to_string());
            }
            out.push('\n');
        }
        out
    }
}

fn check(probabilities: &[f32], classes: usize, labels: &[usize]) -> Result<()> {
    if classes < 2 {
        return Err(Error::Invalid(format!(
            "metrics need at least 2 classes (got {classes})"
        )));
    }
    if labels.is_empty() {
        return Err(Error::Invalid("metrics need at least one sample".into()));
    }
    if Some(probabilities.len()) != labels.len().checked_mul(classes) {
        return Err(Error::Invalid(format!(
            "metrics: {} probabilities for {} labels × {classes} classes (expected {})",
            probabilities.len(),
            labels.len(),
            labels.len().saturating_mul(classes),
        )));
    }
    if let Some((row, label)) = labels.iter().enumerate().find(|&(_, &l)| l >= classes) {
        return Err(Error::Invalid(format!(
            "metrics: label {label} of row {row} is not below the class count {classes}"
        )));
    }
    if let Some(i) = probabilities.iter().position(|p| p.is_nan()) {
        return Err(Error::Invalid(format!(
            "metrics: probability of class {} in row {} is NaN",
            i % classes,
            i / classes
        )));
    }
    Ok(())
}

/// Index of the largest value, the lowest index on ties.
#[must_use]
pub fn argmax(row: &[f32]) -> usize {
    let mut best = 0;
    for (c, &p) in row.iter().enumerate().skip(1) {
        if p > row[best] {
            best = c;
        }
    }
    best
}

/// ROC AUC of `scores` for `labels == positive` vs the rest (both must occur), from the
/// Mann–Whitney U statistic: AUC = (R₊ − n₊(n₊+1)/2) / (n₊ n₋), R₊ the positives' rank sum with
/// tied scores sharing their average rank.
fn binary_auc(scores: &[f32], labels: &[usize], positive: usize) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut positive_rank_sum = 0.0;
    let mut start = 0;
    while start < order.len() {
        // Tied scores are adjacent after sorting (−0 and +0 too: nothing sorts between them).
        let tied = order[start..]
            .iter()
            .take_while(|&&i| scores[i].partial_cmp(&scores[order[start]]) == Some(Ordering::Equal))
            .count();
        let average_rank = (2 * start + tied + 1) as f64 / 2.0; // ranks start + 1 ..= start + tied
        let positives = order[start..start + tied]
            .iter()
            .filter(|&&i| labels[i] == positive)
            .count();
        positive_rank_sum += average_rank * positives as f64;
        start += tied;
    }
    let n_pos = labels.iter().filter(|&&l| l == positive).count() as f64;
    let n_neg = labels.len() as f64 - n_pos;
    (positive_rank_sum - n_pos * (n_pos + 1.0) / 2.0) / (n_pos * n_neg)
}

/// `field`, quoted (with inner quotes doubled) when it holds a comma, quote or line break.
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use molsig_rng::SplitMix64;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    /// Binary probabilities with P(class 1) = `scores`.
    fn binary(scores: &[f32]) -> Vec<f32> {
        scores.iter().flat_map(|&s| [1.0 - s, s]).collect()
    }

    /// One-hot rows for `predictions`.
    fn one_hot(predictions: &[usize], classes: usize) -> Vec<f32> {
        predictions
            .iter()
            .flat_map(|&p| (0..classes).map(move |c| if c == p { 1.0 } else { 0.0 }))
            .collect()
    }

    #[test]
    fn sklearn_roc_auc_example() {
        // sklearn roc_auc_score docs: y_true [0, 0, 1, 1], scores [0.1, 0.4, 0.35, 0.8] → 0.75.
        let m = Metrics::from_probabilities(&binary(&[0.1, 0.4, 0.35, 0.8]), 2, &[0, 0, 1, 1])
            .expect("metrics");
        assert!(close(m.roc_auc.expect("two classes"), 0.75), "{m:?}");
        // Predictions (threshold ½): 0, 0, 0, 1 → accuracy ¾; class 1: TP 1, FN 1 → F1 2/3.
        assert!(close(m.accuracy, 0.75));
        assert!(close(m.f1, 2.0 / 3.0));
        assert_eq!(m.confusion, [[2, 0], [1, 1]]);
        assert_eq!(m.count, 4);
    }

    #[test]
    fn sklearn_balanced_accuracy_example() {
        // sklearn balanced_accuracy_score docs: y_true [0,1,0,0,1,0], y_pred [0,1,0,0,0,1] → 0.625.
        let labels = [0, 1, 0, 0, 1, 0];
        let m = Metrics::from_probabilities(&one_hot(&[0, 1, 0, 0, 0, 1], 2), 2, &labels)
            .expect("metrics");
        assert!(close(m.balanced_accuracy, 0.625), "{m:?}");
        assert!(close(m.accuracy, 4.0 / 6.0));
        // Class 1: TP 1, FP 1, FN 1 → F1 = 2/4.
        assert!(close(m.f1, 0.5));
    }

    #[test]
    fn sklearn_macro_f1_example() {
        // sklearn f1_score docs: y_true [0,1,2,0,1,2], y_pred [0,2,1,0,0,1], macro → 0.2666….
        let m =
            Metrics::from_probabilities(&one_hot(&[0, 2, 1, 0, 0, 1], 3), 3, &[0, 1, 2, 0, 1, 2])
                .expect("metrics");
        assert!(close(m.f1, 0.8 / 3.0), "{m:?}");
        assert_eq!(m.confusion, [[2, 0, 0], [1, 0, 1], [0, 2, 0]]);
        // Recalls 1, 0, 0.
        assert!(close(m.balanced_accuracy, 1.0 / 3.0));
    }

    #[test]
    fn macro_f1_counts_classes_only_predicted_and_skips_absent_ones() {
        // 4 classes; class 3 never occurs. Labels {0, 1}, predictions {0, 2}: union {0, 1, 2}.
        // Class 0: TP 1, FP 0, FN 1 → 2/3; class 1: TP 0 → 0; class 2: TP 0 → 0. Macro 2/9.
        let m = Metrics::from_probabilities(&one_hot(&[0, 0, 2], 4), 4, &[0, 1, 1]).expect("m");
        assert!(close(m.f1, 2.0 / 9.0), "{m:?}");
        // Balanced accuracy: recalls of the present classes {0, 1} only.
        assert_eq!(m.confusion[0], [1, 0, 0, 0]);
        assert_eq!(m.confusion[1], [1, 0, 1, 0]);
        assert!(close(m.balanced_accuracy, 0.5)); // (1/1 + 0/2) / 2
    }

    #[test]
    fn binary_f1_is_zero_when_class_one_is_never_seen() {
        let m = Metrics::from_probabilities(&one_hot(&[0, 0], 2), 2, &[0, 0]).expect("metrics");
        assert!(close(m.f1, 0.0));
        assert_eq!(m.roc_auc, None, "one class: AUC undefined");
        assert!(close(m.accuracy, 1.0));
        assert!(close(m.balanced_accuracy, 1.0));
    }

    #[test]
    fn perfect_classifier() {
        let labels = [0, 1, 2, 1, 0, 2, 2];
        let probabilities: Vec<f32> = labels
            .iter()
            .flat_map(|&l| (0..3).map(move |c| if c == l { 0.8 } else { 0.1 }))
            .collect();
        let m = Metrics::from_probabilities(&probabilities, 3, &labels).expect("metrics");
        assert_eq!(
            m,
            Metrics {
                count: 7,
                accuracy: 1.0,
                balanced_accuracy: 1.0,
                f1: 1.0,
                roc_auc: Some(1.0),
                confusion: vec![vec![2, 0, 0], vec![0, 2, 0], vec![0, 0, 3]],
            }
        );
    }

    #[test]
    fn ties_share_ranks() {
        // All scores equal: every pair is a tie → AUC ½; argmax ties pick class 0.
        let m = Metrics::from_probabilities(&[0.5; 8], 2, &[0, 1, 1, 0]).expect("metrics");
        assert!(close(m.roc_auc.expect("auc"), 0.5));
        assert_eq!(m.confusion, [[2, 0], [2, 0]]);
        assert!(close(m.f1, 0.0));
        // Hand count: positives {0.6, 0.3}, negatives {0.3, 0.1}: pairs (0.6 > 0.3) 1,
        // (0.6 > 0.1) 1, (0.3 = 0.3) ½, (0.3 > 0.1) 1 → 3.5 / 4.
        let m = Metrics::from_probabilities(&binary(&[0.6, 0.3, 0.3, 0.1]), 2, &[1, 1, 0, 0])
            .expect("metrics");
        assert!(close(m.roc_auc.expect("auc"), 0.875));
        // Signed zeros are the same score.
        let m = Metrics::from_probabilities(&[0.0, -0.0, 0.0, 0.0], 2, &[0, 1]).expect("metrics");
        assert!(close(m.roc_auc.expect("auc"), 0.5));
    }

    #[test]
    fn inverted_scores_give_zero_auc() {
        let m = Metrics::from_probabilities(&binary(&[0.9, 0.8, 0.2, 0.1]), 2, &[0, 0, 1, 1])
            .expect("metrics");
        assert!(close(m.roc_auc.expect("auc"), 0.0));
    }

    #[test]
    fn multiclass_auc_is_the_macro_one_vs_rest_average() {
        // Class 0: scores of column 0 [0.7, 0.2, 0.3, 0.1] with positives {row 0}: 1.
        // Class 1: column 1 [0.2, 0.5, 0.6, 0.3], positives {1}: above 0.2, 0.3, below 0.6 → 2/3.
        // Class 2: column 2 [0.1, 0.3, 0.1, 0.6], positives {2, 3}: 0.1 vs {0.1, 0.3} → ½ + 0,
        // 0.6 vs both → 2; (2.5)/4. Macro: (1 + 2/3 + 5/8) / 3.
        let probabilities = [
            0.7, 0.2, 0.1, //
            0.2, 0.5, 0.3, //
            0.3, 0.6, 0.1, //
            0.1, 0.3, 0.6,
        ];
        let m = Metrics::from_probabilities(&probabilities, 3, &[0, 1, 2, 2]).expect("metrics");
        let want = (1.0 + 2.0 / 3.0 + 5.0 / 8.0) / 3.0;
        assert!((m.roc_auc.expect("auc") - want).abs() < 1e-7, "{m:?}");
    }

    #[test]
    fn auc_is_the_fraction_of_correctly_ordered_pairs() {
        let mut rng = SplitMix64::new(42);
        for trial in 0..200 {
            let n = 2 + rng.below(40) as usize;
            // Coarse scores so that ties are common.
            let scores: Vec<f32> = (0..n).map(|_| rng.below(6) as f32 / 5.0).collect();
            let mut labels: Vec<usize> = (0..n).map(|_| rng.below(2) as usize).collect();
            labels[0] = 0;
            labels[1] = 1;
            let mut ordered = 0.0;
            let mut pairs = 0.0;
            for (i, &li) in labels.iter().enumerate() {
                for (j, &lj) in labels.iter().enumerate() {
                    if li == 1 && lj == 0 {
                        pairs += 1.0;
                        ordered += match scores[i].partial_cmp(&scores[j]) {
                            Some(Ordering::Greater) => 1.0,
                            Some(Ordering::Equal) => 0.5,
                            _ => 0.0,
                        };
                    }
                }
            }
            let m = Metrics::from_probabilities(&binary(&scores), 2, &labels).expect("metrics");
            let auc = m.roc_auc.expect("both classes");
            assert!(
                close(auc, ordered / pairs),
                "trial {trial}: {auc} vs {}",
                ordered / pairs
            );
        }
    }

    #[test]
    fn bad_inputs_are_clear_errors() {
        let message = |r: Result<Metrics>| match r {
            Err(Error::Invalid(m)) => m,
            other => panic!("expected an error, got {other:?}"),
        };
        assert_eq!(
            message(Metrics::from_probabilities(&[0.5, 0.5], 1, &[0, 0])),
            "metrics need at least 2 classes (got 1)"
        );
        assert_eq!(
            message(Metrics::from_probabilities(&[0.5, 0.5, 0.5], 2, &[0, 1])),
            "metrics: 3 probabilities for 2 labels × 2 classes (expected 4)"
        );
        assert_eq!(
            message(Metrics::from_probabilities(&[0.5; 4], 2, &[0, 2])),
            "metrics: label 2 of row 1 is not below the class count 2"
        );
        assert_eq!(
            message(Metrics::from_probabilities(
                &[0.5, 0.5, 0.2, f32::NAN],
                2,
                &[0, 1]
            )),
            "metrics: probability of class 1 in row 1 is NaN"
        );
        assert_eq!(
            message(Metrics::from_probabilities(&[], 2, &[])),
            "metrics need at least one sample"
        );
    }

    #[test]
    fn confusion_csv_has_a_header_and_quotes_names() {
        let m = Metrics::from_probabilities(&binary(&[0.1, 0.4, 0.35, 0.8]), 2, &[0, 0, 1, 1])
            .expect("metrics");
        let names = ["low".to_owned(), "high, \"hot\"".to_owned()];
        assert_eq!(
            m.confusion_csv(&names),
            "true \\ predicted,low,\"high, \"\"hot\"\"\"\nlow,2,0\n\"high, \"\"hot\"\"\",1,1\n"
        );
        assert_eq!(
            m.confusion_csv(&[]),
            "true \\ predicted,0,1\n0,2,0\n1,1,1\n"
        );
    }

    #[test]
    fn serde_round_trip() {
        let m = Metrics::from_probabilities(&binary(&[0.1, 0.4, 0.35, 0.8]), 2, &[0, 0, 1, 1])
            .expect("metrics");
        let json = serde_json::to_string(&m).expect("serialise");
        assert_eq!(serde_json::from_str::<Metrics>(&json).expect("parse"), m);
        let m = Metrics::from_probabilities(&[0.5; 4], 2, &[0, 0]).expect("metrics");
        let json = serde_json::to_string(&m).expect("serialise");
        assert!(json.contains("\"roc_auc\":null"), "{json}");
        assert_eq!(serde_json::from_str::<Metrics>(&json).expect("parse"), m);
    }
}
