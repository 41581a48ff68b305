//! Train / validation / test splits that never put one group on two sides.
//!
//! Frames of one MD trajectory are strongly correlated, and so are replicas started from one
//! structure: if a trajectory (or a group of them) had entries on both sides of a split, the test
//! score would measure memory, not generalisation. So every function here assigns whole
//! **groups** (by default a trajectory is its own group; see [`crate::manifest`]), and the
//! tests check that no group ever lands in two sets.
//!
//! Within that constraint the splits are **stratified**: groups are dealt class by class (a group
//! with mixed labels counts for its majority label, ties to the lowest), so each set gets about
//! its fraction of every class. A non-zero fraction gets at least one group of every class that
//! has three or more groups (one each for train, validation and test), and every class keeps at
//! least one group for training. Group names are sorted before the seeded SplitMix64 shuffle, so
//! a plan depends on the seed and the data, not on the order of the manifest's rows.
//!
//! [`class_weights`] gives the matching loss weights for imbalanced classes.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::manifest::Split;
use crate::{Error, Result};
use molsig_rng::SplitMix64;

/// Entry indices of each set, each sorted ascending; together they cover every entry once.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct SplitPlan {
    /// Entries to fit on.
    pub train: Vec<usize>,
    /// Entries to pick the epoch and hyper-parameters on.
    pub validation: Vec<usize>,
    /// Held-out entries for the final numbers.
    pub test: Vec<usize>,
}

/// A stratified, grouped split of entries into train, validation and test.
///
/// `groups[i]` and `labels[i]` are entry i's group and class. About `validation_fraction` and
/// `test_fraction` of the groups (counted, not weighted by entries) go to validation and test,
/// the rest to train; see the module docs for the rounding. The same inputs and `seed` always
/// give the same plan.
///
/// # Errors
/// Mismatched lengths, no entries, fractions that are not finite, negative, or sum to 1 or more,
/// or a non-zero fraction whose set would be empty (too few groups).
pub fn grouped_split(
    groups: &[String],
    labels: &[usize],
    validation_fraction: f64,
    test_fraction: f64,
    seed: u64,
) -> Result<SplitPlan> {
    let table = GroupTable::new(groups, labels, "grouped_split")?;
    let fractions_ok = [validation_fraction, test_fraction]
        .iter()
        .all(|f| f.is_finite() && *f >= 0.0)
        && validation_fraction + test_fraction < 1.0;
    if !fractions_ok {
        return Err(Error::Invalid(format!(
            "grouped_split: validation_fraction {validation_fraction} and test_fraction \
             {test_fraction} must be finite, ≥ 0 and sum to less than 1"
        )));
    }
    let mut rng = SplitMix64::new(seed);
    let all: Vec<usize> = (0..table.members.len()).collect();
    let [train, validation, test] =
        table.allocate(&all, test_fraction, validation_fraction, &mut rng);
    for (set, fraction, name) in [
        (&test, test_fraction, "test"),
        (&validation, validation_fraction, "validation"),
    ] {
        if fraction > 0.0 && set.is_empty() {
            return Err(Error::Invalid(format!(
                "grouped_split: {name}_fraction {fraction} asks for a {name} set, but there are \
                 too few groups ({}) — every class keeps a group for training; add \
                 trajectories or set {name}_fraction to 0",
                table.per_class(&all)
            )));
        }
    }
    Ok(SplitPlan {
        train: table.entries(&train),
        validation: table.entries(&validation),
        test: table.entries(&test),
    })
}

/// Stratified, grouped k-fold cross-validation: the groups are dealt into `folds` folds, class
/// by class; plan i tests on fold i, and takes `validation_fraction` of the remaining groups
/// (stratified the same way; 0 → no validation set) for validation, the rest for training.
/// The test sets of the plans partition the entries.
///
/// # Errors
/// Mismatched lengths, no entries, fewer than 2 folds, more folds than groups, a
/// `validation_fraction` outside [0, 1), or one whose validation set would be empty.
pub fn grouped_k_fold(
    groups: &[String],
    labels: &[usize],
    folds: usize,
    validation_fraction: f64,
    seed: u64,
) -> Result<Vec<SplitPlan>> {
    let table = GroupTable::new(groups, labels, "grouped_k_fold")?;
    let group_count = table.members.len();
    if folds < 2 || folds > group_count {
        return Err(Error::Invalid(format!(
            "grouped_k_fold: {folds} folds need between 2 and the number of groups \
             ({group_count}: {})",
            table.per_class(&(0..group_count).collect::<Vec<_>>())
        )));
    }
    if !(validation_fraction.is_finite() && (0.0..1.0).contains(&validation_fraction)) {
        return Err(Error::Invalid(format!(
            "grouped_k_fold: validation_fraction {validation_fraction} must be in [0, 1)"
        )));
    }
    let mut rng = SplitMix64::new(seed);
    // Deal each class's shuffled groups round-robin, carrying on where the previous class
    // stopped, so folds differ in size by at most one group and each holds every class that
    // has at least `folds` groups.
    let mut fold_of = vec![0; group_count];
    let mut next = 0;
    for class_groups in table
        .by_class(&(0..group_count).collect::<Vec<_>>())
        .values()
    {
        let mut shuffled = class_groups.clone();
        rng.shuffle(&mut shuffled);
        for g in shuffled {
            fold_of[g] = next % folds;
            next += 1;
        }
    }
    (0..folds)
        .map(|fold| {
            let test: Vec<usize> = (0..group_count).filter(|&g| fold_of[g] == fold).collect();
            let rest: Vec<usize> = (0..group_count).filter(|&g| fold_of[g] != fold).collect();
            let [train, validation, _] = table.allocate(&rest, 0.0, validation_fraction, &mut rng);
            if validation_fraction > 0.0 && validation.is_empty() {
                return Err(Error::Invalid(format!(
                    "grouped_k_fold: validation_fraction {validation_fraction} asks for a \
                     validation set, but fold {fold} leaves too few groups for one ({}) — \
                     every class keeps a group for training; use fewer folds or set \
                     validation_fraction to 0",
                    table.per_class(&rest)
                )));
            }
            Ok(SplitPlan {
                train: table.entries(&train),
                validation: table.entries(&validation),
                test: table.entries(&test),
            })
        })
        .collect()
}

/// The split written in the manifest's `split` column ([`crate::manifest::Manifest::splits`]).
/// Entries are numbered from 1 in errors, in manifest order.
///
/// # Errors
/// Mismatched lengths, no entries, no entry with a split, some entries with a split and others
/// without, a group in two splits, or no training entry.
pub fn explicit_split(splits: &[Option<Split>], groups: &[String]) -> Result<SplitPlan> {
    if splits.len() != groups.len() {
        return Err(Error::Invalid(format!(
            "explicit_split: {} splits for {} groups",
            splits.len(),
            groups.len()
        )));
    }
    let first = splits.iter().position(Option::is_some);
    let Some(first) = first else {
        return Err(Error::Invalid(
            "explicit_split: no entry has a split; give every entry one (train, validation or \
             test), or none to split automatically"
                .into(),
        ));
    };
    if let Some(missing) = splits.iter().position(Option::is_none) {
        return Err(Error::Invalid(format!(
            "explicit_split: entry {} has no split but entry {} has one; give every entry a \
             split, or none to split automatically",
            missing + 1,
            first + 1
        )));
    }
    let mut plan = SplitPlan::default();
    let mut seen: HashMap<&str, (Split, usize)> = HashMap::new();
    for (i, (split, group)) in splits.iter().zip(groups).enumerate() {
        let Some(split) = *split else { continue };
        match seen.get(group.as_str()) {
            Some(&(other, j)) if other != split => {
                return Err(Error::Invalid(format!(
                    "explicit_split: group {group:?} is in both {other} (entry {}) and {split} \
                     (entry {}); a group's trajectories must share one split",
                    j + 1,
                    i + 1
                )));
            }
            Some(_) => {}
            None => {
                seen.insert(group, (split, i));
            }
        }
        match split {
            Split::Train => plan.train.push(i),
            Split::Validation => plan.validation.push(i),
            Split::Test => plan.test.push(i),
        }
    }
    if plan.train.is_empty() {
        return Err(Error::Invalid(
            "explicit_split: no entry is in the train split".into(),
        ));
    }
    Ok(plan)
}

/// Loss weight per class, n / (classes · count_c) — scikit-learn's `class_weight="balanced"` —
/// so that every class contributes equally to the loss; 0 for a class absent from `labels`.
/// Labels ≥ `classes` are ignored (and not counted in n).
#[must_use]
pub fn class_weights(labels: &[usize], classes: usize) -> Vec<f32> {
    let mut counts = vec![0_usize; classes];
    for &label in labels {
        if let Some(count) = counts.get_mut(label) {
            *count += 1;
        }
    }
    let n: usize = counts.iter().sum();
    counts
        .iter()
        .map(|&count| {
            if count == 0 {
                0.0
            } else {
                (n as f64 / (classes * count) as f64) as f32
            }
        })
        .collect()
}

/// The entries grouped: group g (groups sorted by name) has entries `members[g]` and counts
/// for class `class[g]`, its majority label.
struct GroupTable {
    members: Vec<Vec<usize>>,
    class: Vec<usize>,
}

impl GroupTable {
    fn new(groups: &[String], labels: &[usize], caller: &str) -> Result<Self> {
        if groups.len() != labels.len() {
            return Err(Error::Invalid(format!(
                "{caller}: {} groups for {} labels",
                groups.len(),
                labels.len()
            )));
        }
        if groups.is_empty() {
            return Err(Error::Invalid(format!("{caller}: no entries to split")));
        }
        let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, group) in groups.iter().enumerate() {
            by_name.entry(group).or_default().push(i);
        }
        let members: Vec<Vec<usize>> = by_name.into_values().collect();
        let class = members
            .iter()
            .map(|entries| {
                let mut votes: BTreeMap<usize, usize> = BTreeMap::new();
                for &i in entries {
                    *votes.entry(labels[i]).or_default() += 1;
                }
                // Most votes; on a tie the lowest label (max_by_key keeps the last maximum).
                votes
                    .into_iter()
                    .rev()
                    .max_by_key(|&(_, count)| count)
                    .map_or(0, |(label, _)| label)
            })
            .collect();
        Ok(Self { members, class })
    }

    /// `groups` by class, each list in the order given.
    fn by_class(&self, groups: &[usize]) -> BTreeMap<usize, Vec<usize>> {
        let mut by_class: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &g in groups {
            by_class.entry(self.class[g]).or_default().push(g);
        }
        by_class
    }

    /// "class 0: 3 groups, class 1: 1 group", for errors.
    fn per_class(&self, groups: &[usize]) -> String {
        self.by_class(groups)
            .iter()
            .map(|(class, gs)| {
                let plural = if gs.len() == 1 { "" } else { "s" };
                format!("class {class}: {} group{plural}", gs.len())
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Sorted entries of `groups`.
    fn entries(&self, groups: &[usize]) -> Vec<usize> {
        let mut entries: Vec<usize> = groups
            .iter()
            .flat_map(|&g| self.members[g].iter().copied())
            .collect();
        entries.sort_unstable();
        entries
    }

    /// Deals `groups` into [train, validation, test], stratified by class (see the module docs).
    ///
    /// How many groups of each class go to test and validation is decided first, without
    /// randomness: one of each class with ≥ 3 groups per non-zero fraction, then, one at a time,
    /// to the class furthest below its share (ties to the lowest class) until the set holds
    /// round(fraction · groups) groups (at least one), never taking a class's last training
    /// group. Then each class's groups are shuffled and dealt test first, validation, train.
    fn allocate(
        &self,
        groups: &[usize],
        test_fraction: f64,
        validation_fraction: f64,
        rng: &mut SplitMix64,
    ) -> [Vec<usize>; 3] {
        let by_class: Vec<Vec<usize>> = self.by_class(groups).into_values().collect();
        let size: Vec<usize> = by_class.iter().map(Vec::len).collect();
        let fractions = [test_fraction, validation_fraction];
        // counts[c] = [test, validation] groups of class c.
        let mut counts = vec![[0_usize; 2]; by_class.len()];
        let spare = |counts: &[[usize; 2]], c: usize| size[c] - 1 - counts[c][0] - counts[c][1];
        for (s, &fraction) in fractions.iter().enumerate() {
            if fraction > 0.0 {
                for c in 0..by_class.len() {
                    if size[c] >= 3 && spare(&counts, c) > 0 {
                        counts[c][s] += 1;
                    }
                }
            }
        }
        for (s, &fraction) in fractions.iter().enumerate() {
            if fraction <= 0.0 {
                continue;
            }
            let target = ((groups.len() as f64 * fraction).round() as usize).max(1);
            while counts.iter().map(|c| c[s]).sum::<usize>() < target {
                let deficit = |c: usize| size[c] as f64 * fraction - counts[c][s] as f64;
                let neediest = (0..by_class.len()).filter(|&c| spare(&counts, c) > 0).fold(
                    None,
                    |best: Option<usize>, c| match best {
                        Some(b) if deficit(b) >= deficit(c) => Some(b),
                        _ => Some(c),
                    },
                );
                let Some(c) = neediest else { break };
                counts[c][s] += 1;
            }
        }
        let mut sets: [Vec<usize>; 3] = Default::default();
        for (mut class_groups, [test, validation]) in by_class.into_iter().zip(counts) {
            rng.shuffle(&mut class_groups);
            let rest = class_groups.split_off(test);
            sets[2].extend(class_groups);
            let (validation_groups, train_groups) = rest.split_at(validation);
            sets[1].extend_from_slice(validation_groups);
            sets[0].extend_from_slice(train_groups);
        }
        sets
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// `sizes[c]` single-entry groups of class c, named "c<class>-<k>".
    fn pure_groups(sizes: &[usize]) -> (Vec<String>, Vec<usize>) {
        let mut groups = Vec::new();
        let mut labels = Vec::new();
        for (class, &n) in sizes.iter().enumerate() {
            for k in 0..n {
                groups.push(format!("c{class}-{k}"));
                labels.push(class);
            }
        }
        (groups, labels)
    }

    /// A random dataset: up to `max_groups` groups of 1–4 entries, labels from 3 classes, a few
    /// groups mixed; entries interleaved so that groups are not contiguous.
    fn random_data(rng: &mut SplitMix64, max_groups: u64) -> (Vec<String>, Vec<usize>) {
        let group_count = 1 + rng.below(max_groups);
        let mut entries = Vec::new();
        for g in 0..group_count {
            let class = rng.below(3) as usize;
            let mixed = rng.below(5) == 0;
            for _ in 0..=rng.below(4) {
                let label = if mixed { rng.below(3) as usize } else { class };
                entries.push((format!("group {g}"), label));
            }
        }
        rng.shuffle(&mut entries);
        entries.into_iter().unzip()
    }

    /// Every entry in exactly one set, sets sorted, and no group in two sets.
    fn check_plan(plan: &SplitPlan, groups: &[String]) {
        let mut all: Vec<usize> = [&plan.train, &plan.validation, &plan.test]
            .into_iter()
            .flatten()
            .copied()
            .collect();
        all.sort_unstable();
        assert_eq!(all, (0..groups.len()).collect::<Vec<_>>(), "{plan:?}");
        let sets: Vec<HashSet<&str>> = [&plan.train, &plan.validation, &plan.test]
            .iter()
            .map(|set| {
                assert!(set.is_sorted(), "{set:?}");
                set.iter().map(|&i| groups[i].as_str()).collect()
            })
            .collect();
        for (a, b) in [(0, 1), (0, 2), (1, 2)] {
            assert!(
                sets[a].is_disjoint(&sets[b]),
                "group in two sets: {:?}",
                sets[a].intersection(&sets[b]).collect::<Vec<_>>()
            );
        }
    }

    fn message<T: std::fmt::Debug>(result: Result<T>) -> String {
        match result {
            Err(Error::Invalid(m)) => m,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn no_group_is_ever_in_two_sets() {
        let mut rng = SplitMix64::new(2025);
        let mut planned = 0;
        for seed in 0..300 {
            let (groups, labels) = random_data(&mut rng, 30);
            let validation = [0.0, 0.1, 0.2][seed as usize % 3];
            let test = [0.0, 0.15, 0.3][seed as usize / 3 % 3];
            match grouped_split(&groups, &labels, validation, test, seed) {
                Ok(plan) => {
                    check_plan(&plan, &groups);
                    assert!(!plan.train.is_empty());
                    assert_eq!(plan.test.is_empty(), test == 0.0, "{plan:?}");
                    assert_eq!(plan.validation.is_empty(), validation == 0.0, "{plan:?}");
                    planned += 1;
                }
                Err(Error::Invalid(m)) => assert!(m.contains("too few groups"), "{m}"),
                Err(e) => panic!("{e}"),
            }
        }
        assert!(planned > 250, "only {planned} datasets could be split");
    }

    #[test]
    fn plans_depend_on_the_seed_not_the_row_order() {
        let (groups, labels) = pure_groups(&[20, 20]);
        let a = grouped_split(&groups, &labels, 0.2, 0.2, 1).expect("split");
        assert_eq!(
            a,
            grouped_split(&groups, &labels, 0.2, 0.2, 1).expect("again")
        );
        assert_ne!(
            a,
            grouped_split(&groups, &labels, 0.2, 0.2, 2).expect("seed 2")
        );
        // Reversed rows: the same groups land in the same sets.
        let reversed_groups: Vec<String> = groups.iter().rev().cloned().collect();
        let reversed_labels: Vec<usize> = labels.iter().rev().copied().collect();
        let b = grouped_split(&reversed_groups, &reversed_labels, 0.2, 0.2, 1).expect("split");
        let names = |plan: &[usize], groups: &[String]| -> HashSet<String> {
            plan.iter().map(|&i| groups[i].clone()).collect()
        };
        assert_eq!(names(&a.test, &groups), names(&b.test, &reversed_groups));
        assert_eq!(names(&a.train, &groups), names(&b.train, &reversed_groups));
    }

    #[test]
    fn fractions_are_honoured_per_class() {
        let (groups, labels) = pure_groups(&[70, 30]);
        let plan = grouped_split(&groups, &labels, 0.1, 0.2, 7).expect("split");
        check_plan(&plan, &groups);
        let count =
            |set: &[usize], class: usize| set.iter().filter(|&&i| labels[i] == class).count();
        assert_eq!((count(&plan.test, 0), count(&plan.test, 1)), (14, 6));
        assert_eq!(
            (count(&plan.validation, 0), count(&plan.validation, 1)),
            (7, 3)
        );
        assert_eq!(plan.train.len(), 70);

        // Fractions count groups, not entries: 10 groups of 5 entries.
        let groups: Vec<String> = (0..50).map(|i| format!("g{}", i / 5)).collect();
        let labels: Vec<usize> = (0..50).map(|i| i / 25).collect();
        let plan = grouped_split(&groups, &labels, 0.0, 0.2, 3).expect("split");
        check_plan(&plan, &groups);
        assert_eq!(plan.test.len(), 10, "two groups of five");
        assert!(plan.validation.is_empty());
    }

    #[test]
    fn every_class_with_three_groups_reaches_every_set() {
        // Fractions far too small to round up to a group: each class still gets one.
        let (groups, labels) = pure_groups(&[3, 3, 3, 10]);
        for seed in 0..20 {
            let plan = grouped_split(&groups, &labels, 0.01, 0.01, seed).expect("split");
            check_plan(&plan, &groups);
            for set in [&plan.train, &plan.validation, &plan.test] {
                let classes: HashSet<usize> = set.iter().map(|&i| labels[i]).collect();
                assert_eq!(classes.len(), 4, "{plan:?}");
            }
        }
        // A class with two groups keeps one for training.
        let (groups, labels) = pure_groups(&[2, 2]);
        let plan = grouped_split(&groups, &labels, 0.0, 0.5, 0).expect("split");
        assert_eq!((plan.train.len(), plan.test.len()), (2, 2));
        assert_ne!(labels[plan.test[0]], labels[plan.test[1]]);
    }

    #[test]
    fn mixed_groups_follow_their_majority_label() {
        let groups: Vec<String> = ["a", "a", "a", "b", "b", "c"].map(String::from).to_vec();
        let table = GroupTable::new(&groups, &[1, 0, 1, 2, 0, 1], "test").expect("table");
        assert_eq!(table.members, [vec![0, 1, 2], vec![3, 4], vec![5]]);
        assert_eq!(table.class, [1, 0, 1], "b is a 0–2 tie: the lower label");
    }

    #[test]
    fn split_errors_are_clear() {
        let one = vec!["only.xtc".to_owned(); 3];
        assert_eq!(
            message(grouped_split(&one, &[0, 1, 0], 0.0, 0.2, 0)),
            "grouped_split: test_fraction 0.2 asks for a test set, but there are too few groups \
             (class 0: 1 group) — every class keeps a group for training; add trajectories or \
             set test_fraction to 0"
        );
        let (groups, labels) = pure_groups(&[2, 1]);
        assert_eq!(
            message(grouped_split(&groups, &labels, 0.3, 0.3, 0)),
            "grouped_split: validation_fraction 0.3 asks for a validation set, but there are \
             too few groups (class 0: 2 groups, class 1: 1 group) — every class keeps a group \
             for training; add trajectories or set validation_fraction to 0"
        );
        assert_eq!(
            message(grouped_split(&groups, &labels, 0.5, 0.5, 0)),
            "grouped_split: validation_fraction 0.5 and test_fraction 0.5 must be finite, ≥ 0 \
             and sum to less than 1"
        );
        assert!(message(grouped_split(&groups, &labels, f64::NAN, 0.1, 0)).contains("finite"));
        assert!(message(grouped_split(&groups, &labels, -0.1, 0.1, 0)).contains("≥ 0"));
        assert_eq!(
            message(grouped_split(&groups, &[0], 0.1, 0.1, 0)),
            "grouped_split: 3 groups for 1 labels"
        );
        assert_eq!(
            message(grouped_split(&[], &[], 0.1, 0.1, 0)),
            "grouped_split: no entries to split"
        );
        // No fraction, no group needed: everything trains.
        let plan = grouped_split(&one, &[0, 1, 0], 0.0, 0.0, 0).expect("split");
        assert_eq!(plan.train, [0, 1, 2]);
    }

    #[test]
    fn k_fold_test_sets_partition_the_entries() {
        let mut rng = SplitMix64::new(99);
        for seed in 0..100 {
            let (groups, labels) = random_data(&mut rng, 25);
            let distinct: HashSet<&String> = groups.iter().collect();
            let folds = 2 + seed as usize % 4;
            let validation = [0.0, 0.2][seed as usize % 2];
            let plans = match grouped_k_fold(&groups, &labels, folds, validation, seed) {
                Ok(plans) => plans,
                Err(Error::Invalid(m)) => {
                    assert!(
                        distinct.len() < folds || m.contains("too few groups"),
                        "{m}"
                    );
                    continue;
                }
                Err(e) => panic!("{e}"),
            };
            assert_eq!(plans.len(), folds);
            let mut tested: Vec<usize> = plans.iter().flat_map(|p| p.test.clone()).collect();
            tested.sort_unstable();
            assert_eq!(tested, (0..groups.len()).collect::<Vec<_>>());
            let test_groups: Vec<usize> = plans
                .iter()
                .map(|p| {
                    p.test
                        .iter()
                        .map(|&i| &groups[i])
                        .collect::<HashSet<_>>()
                        .len()
                })
                .collect();
            let (min, max) = (test_groups.iter().min(), test_groups.iter().max());
            assert!(
                max.zip(min).is_some_and(|(a, b)| a - b <= 1),
                "{test_groups:?}"
            );
            for plan in &plans {
                check_plan(plan, &groups);
                assert!(!plan.test.is_empty() && !plan.train.is_empty());
                assert_eq!(plan.validation.is_empty(), validation == 0.0);
            }
        }
    }

    #[test]
    fn k_fold_is_stratified_and_seeded() {
        let (groups, labels) = pure_groups(&[10, 5]);
        let plans = grouped_k_fold(&groups, &labels, 5, 0.25, 4).expect("folds");
        for plan in &plans {
            check_plan(plan, &groups);
            let test_classes: Vec<usize> = plan.test.iter().map(|&i| labels[i]).collect();
            assert_eq!(test_classes.iter().filter(|&&l| l == 0).count(), 2);
            assert_eq!(test_classes.iter().filter(|&&l| l == 1).count(), 1);
            // 12 groups remain (8 + 4): validation takes round(3) of them, one of class 1 at least.
            assert_eq!(plan.validation.len(), 3);
            assert!(plan.validation.iter().any(|&i| labels[i] == 1));
        }
        assert_eq!(
            plans,
            grouped_k_fold(&groups, &labels, 5, 0.25, 4).expect("again")
        );
        assert_ne!(
            plans,
            grouped_k_fold(&groups, &labels, 5, 0.25, 5).expect("seed 5")
        );
    }

    #[test]
    fn k_fold_errors_are_clear() {
        let (groups, labels) = pure_groups(&[2, 1]);
        assert_eq!(
            message(grouped_k_fold(&groups, &labels, 4, 0.0, 0)),
            "grouped_k_fold: 4 folds need between 2 and the number of groups \
             (3: class 0: 2 groups, class 1: 1 group)"
        );
        assert!(message(grouped_k_fold(&groups, &labels, 1, 0.0, 0)).contains("1 folds"));
        assert!(message(grouped_k_fold(&groups, &labels, 2, 1.0, 0)).contains("[0, 1)"));
        let message = message(grouped_k_fold(&groups, &labels, 3, 0.5, 0));
        assert!(message.contains("leaves too few groups"), "{message}");
    }

    #[test]
    fn explicit_splits() {
        use Split::{Test, Train, Validation};
        let groups: Vec<String> = ["a", "a", "b", "c", "d"].map(String::from).to_vec();
        let splits = [
            Some(Train),
            Some(Train),
            Some(Test),
            Some(Validation),
            Some(Train),
        ];
        assert_eq!(
            explicit_split(&splits, &groups).expect("split"),
            SplitPlan {
                train: vec![0, 1, 4],
                validation: vec![3],
                test: vec![2],
            }
        );
        let leaky = [
            Some(Train),
            Some(Test),
            Some(Test),
            Some(Validation),
            Some(Train),
        ];
        assert_eq!(
            message(explicit_split(&leaky, &groups)),
            "explicit_split: group \"a\" is in both train (entry 1) and test (entry 2); a \
             group's trajectories must share one split"
        );
        let partial = [
            Some(Train),
            Some(Train),
            None,
            Some(Validation),
            Some(Train),
        ];
        assert_eq!(
            message(explicit_split(&partial, &groups)),
            "explicit_split: entry 3 has no split but entry 1 has one; give every entry a \
             split, or none to split automatically"
        );
        assert!(message(explicit_split(&[None; 5], &groups)).contains("no entry has a split"));
        assert_eq!(
            message(explicit_split(&[Some(Test); 5], &groups)),
            "explicit_split: no entry is in the train split"
        );
        assert!(message(explicit_split(&[Some(Train)], &groups)).contains("1 splits for 5"));
    }

    #[test]
    fn balanced_class_weights() {
        // n = 6, 4 classes: class 0 ×3 → 6/(4·3), class 1 ×1 → 6/(4·1), class 2 ×2 → 6/(4·2),
        // class 3 absent → 0.
        let weights = class_weights(&[0, 1, 0, 2, 0, 2], 4);
        let want = [6.0 / 12.0, 6.0 / 4.0, 6.0 / 8.0, 0.0];
        for (w, v) in weights.iter().zip(want) {
            assert!((w - v).abs() < 1e-6, "{weights:?}");
        }
        assert_eq!(class_weights(&[1, 1], 2), [0.0, 0.5], "2 / (2 classes · 2)");
        assert_eq!(class_weights(&[], 2), [0.0, 0.0]);
        assert_eq!(
            class_weights(&[0, 5], 1),
            [1.0],
            "out-of-range labels ignored"
        );
    }
}
