// Generated from molsig's Rust types by ts-rs (crates/molsig-wasm/src/typescript.rs).
// Do not edit: `MOLSIG_BLESS=1 cargo test -p molsig-wasm --test typescript` rewrites it.

export type BackendInfo = { 
/**
 * `"WebGPU"` or `"CPU"`.
 */
kind: string, 
/**
 * The adapter's name (empty where the browser hides it).
 */
adapter: string, 
/**
 * Why the GPU is not used, when it is not.
 */
fallbackReason: string | null,
};

export type DataOptions = { 
/**
 * Atom selection (molsig-io's names: all, heavy, protein, backbone, ca, residue-centroids).
 */
selection: string, 
/**
 * Frames per sample.
 */
frames: number, 
/**
 * Frames between sample starts.
 */
stride: number, 
/**
 * Keep bonds between residues (peptide, disulfide); the authors' backbone graphs had none.
 */
interResidueBonds?: boolean, 
/**
 * Kabsch-align every frame onto the topology as it is read, once, for the models that
 * align (Deep Signature and `GraphLSTM`); the others must get unaligned frames.
 */
align: boolean,
};

export type TrajectoryEntry = { 
/**
 * File name.
 */
name: string, 
/**
 * Class name, if labelled.
 */
label?: string, 
/**
 * Group (trajectories of one group stay on one side of every split).
 */
group?: string,
};

export type Plan = { 
/**
 * Selected points per frame (of the first topology).
 */
points: number, 
/**
 * Frames and samples of each trajectory, in input order.
 */
trajectories: Array<PlannedTrajectory>, 
/**
 * Bytes of the samples plus the largest trajectory while it is cut into samples.
 */
dataBytes: number, 
/**
 * Rough bytes of one training mini-batch's activations and gradients.
 */
trainingBytes: number,
};

export type PlannedTrajectory = { 
/**
 * File name.
 */
name: string, 
/**
 * Frames in the file.
 */
frames: number, 
/**
 * Samples it yields.
 */
samples: number, 
/**
 * What reading it will leave out: a file cut short inside a frame names its last complete
 * frame and the byte where its data stops.
 */
warning?: string,
};

export type DatasetSummary = { 
/**
 * Frames, samples, memory of the job, and what reading each trajectory left out.
 */
plan: Plan, 
/**
 * The class order fixed for training.
 */
classes: Array<string>, 
/**
 * Samples read.
 */
samples: number,
};

export type Inspection = { 
/**
 * Atoms in the topology.
 */
atoms: number, 
/**
 * Residues in the topology.
 */
residues: number, 
/**
 * Bonds in the inferred graph over all atoms.
 */
bonds: number, 
/**
 * Selection name (`backbone`, …).
 */
selection: string, 
/**
 * Number of selected atoms (or beads, for residue centroids).
 */
selected: number, 
/**
 * Bonds of the graph restricted to the selection.
 */
selectedBonds: number, 
/**
 * Frames in the trajectory (models of the topology when no trajectory was given).
 */
frames: number, 
/**
 * Time of the first and last frame, ps.
 */
timeRange: [number, number], 
/**
 * Radius of gyration of the selection in every frame, nm, computed with burn.
 */
radiusOfGyration: Array<number>, 
/**
 * Warnings from the readers: skipped CONECT entries, a trajectory cut short inside a frame.
 */
warnings: Array<string>, 
/**
 * The first frame (all atoms) as PDB text, for the viewer.
 */
firstFramePdb: string,
};

export type ManifestEntry = { 
/**
 * Topology file (PDB or GRO), relative to the manifest's folder unless absolute.
 */
topology: string, 
/**
 * Trajectory file (XTC), relative to the manifest's folder unless absolute.
 */
trajectory: string, 
/**
 * Class name; `""` in a manifest without labels (for prediction).
 */
label: string, 
/**
 * Entries sharing a group always land in the same split; `None`: the trajectory alone.
 */
group: string | null, 
/**
 * The set this entry belongs to, when the manifest fixes the split.
 */
split: Split | null,
};

export type Split = "train" | "validation" | "test";

export type TrainRequest = { 
/**
 * `improved`, `reference`, `frame-lstm`, `graph-lstm` or `graph-transformer`.
 */
model: string, 
/**
 * Beads (coarse-grained clusters).
 */
beads: number, 
/**
 * Training epochs (at most; early stopping may end sooner).
 */
epochs?: number, 
/**
 * Samples per optimiser step.
 */
batchSize?: number, 
/**
 * Adam's learning rate.
 */
learningRate?: number, 
/**
 * Stop after this many epochs without validation improvement.
 */
patience?: number, 
/**
 * Fraction of trajectories (groups) held out for validation.
 */
validation: number, 
/**
 * Fraction held out for testing.
 */
test: number, 
/**
 * Seeds the split, the initial weights and the batch order.
 */
seed: number,
};

export type TrainEvent = { "type": "started", 
/**
 * Model name.
 */
model: string, 
/**
 * Trainable parameters.
 */
parameters: number, 
/**
 * Samples per part.
 */
train_samples: number, 
/**
 * Validation samples.
 */
validation_samples: number, 
/**
 * Optimiser steps per epoch.
 */
batches: number,
} | { "type": "batch", 
/**
 * 1-based epoch.
 */
epoch: number, 
/**
 * 1-based batch.
 */
batch: number, 
/**
 * Batches per epoch.
 */
batches: number, 
/**
 * Its total loss.
 */
loss: number,
} | { "type": "epoch" } & EpochReport;

export type EpochReport = { 
/**
 * 1-based epoch.
 */
epoch: number, 
/**
 * Epochs planned.
 */
epochs: number, 
/**
 * Training losses (with dropout active).
 */
train_loss: LossReport, 
/**
 * Training metrics from the same passes.
 */
train_metrics: Metrics | null, 
/**
 * Validation losses.
 */
validation_loss: LossReport | null, 
/**
 * Validation metrics.
 */
validation_metrics: Metrics | null, 
/**
 * Wall time of the epoch.
 */
seconds: number, 
/**
 * Estimated time to the last planned epoch.
 */
eta_seconds: number, 
/**
 * Epoch of the best model so far.
 */
best_epoch: number,
};

export type LossReport = { 
/**
 * The minimised total.
 */
total: number, 
/**
 * Classification loss.
 */
classification: number, 
/**
 * Back-mapping L1 loss (0 for models without it).
 */
temporal: number, 
/**
 * MinCut cut loss (0 for models without it).
 */
cut: number, 
/**
 * MinCut orthogonality loss (0 for models without it).
 */
orthogonality: number,
};

export type Metrics = { 
/**
 * Samples evaluated.
 */
count: number, 
/**
 * Fraction predicted correctly (prediction = the most probable class, ties → lowest index).
 */
accuracy: number, 
/**
 * Mean recall over the classes that occur in the labels (sklearn `balanced_accuracy_score`).
 */
balanced_accuracy: number, 
/**
 * Two classes: F1 of class 1 (sklearn `f1_score`, `zero_division=0`); more: macro F1 over
 * the classes that occur in the labels or the predictions (`average="macro"`).
 */
f1: number, 
/**
 * Two classes: ROC AUC of P(class 1); more: the macro average of one-vs-rest AUCs over the
 * classes that occur in the labels. `None` when the labels hold a single class.
 */
roc_auc: number | null, 
/**
 * `confusion[true][predicted]`: counts, `classes × classes`.
 */
confusion: Array<Array<number>>,
};

export type TrainSummary = { 
/**
 * The header of the model file this run writes.
 */
model: CheckpointHeader, 
/**
 * Every trajectory and sample, predicted, with the part of the split it was in.
 */
predictions: Predictions,
};

export type CrossValidated = { 
/**
 * Each fold's held-out trajectories and test metrics, with the mean ± sd.
 */
crossValidation: CrossValidation, 
/**
 * The last fold's run, as [`Session::train`] returns it.
 */
last: TrainSummary,
};

export type CrossValidation = { 
/**
 * One entry per fold, in order.
 */
folds: Array<Fold>, 
/**
 * Test accuracy per trajectory, over the folds: the headline number.
 */
trajectoryAccuracy: Spread, 
/**
 * Test balanced accuracy per trajectory, over the folds.
 */
trajectoryBalancedAccuracy: Spread, 
/**
 * Test accuracy per sample, over the folds.
 */
sampleAccuracy: Spread, 
/**
 * Test balanced accuracy per sample, over the folds.
 */
sampleBalancedAccuracy: Spread,
};

export type Fold = { 
/**
 * The held-out test trajectories.
 */
test: Array<string>, 
/**
 * The epoch whose weights the fold's model kept.
 */
selectedEpoch: number, 
/**
 * Test metrics with one answer per held-out trajectory (its samples' mean probabilities).
 */
byTrajectory: Metrics, 
/**
 * Test metrics with one answer per held-out sample.
 */
bySample: Metrics,
};

export type Spread = { 
/**
 * Mean.
 */
mean: number, 
/**
 * Sample standard deviation (0 for one value).
 */
sd: number,
};

export type CheckpointHeader = { 
/**
 * Checkpoint layout version ([`FORMAT`]).
 */
format: number, 
/**
 * molsig version that wrote it.
 */
molsig_version: string, 
/**
 * The model's configuration.
 */
model: ModelConfig, 
/**
 * How files were turned into samples.
 */
input: InputOptions, 
/**
 * Class names (index = label), in the order fixed when the training data was read.
 */
classes: Array<string>, 
/**
 * Selected points of the training molecule (a check on prediction inputs).
 */
atoms: number, 
/**
 * The epoch whose parameters were saved.
 */
selected_epoch: number, 
/**
 * Held-out metrics at save time, if measured: one answer per sample.
 */
test_metrics: Metrics | null, 
/**
 * Held-out metrics with one answer per test trajectory, the mean of its samples' class
 * probabilities (absent from files written before molsig recorded it).
 */
test_trajectory_metrics: Metrics | null, 
/**
 * The training schedule used (format 2).
 */
training: TrainConfig | null, 
/**
 * Every epoch's losses and metrics (format 2).
 */
history: Array<EpochReport>, 
/**
 * Early stopping ended training (format 2).
 */
stopped_early: boolean, 
/**
 * Which trajectories were trained, validated and tested on (format 2).
 */
split: Array<RecordedTrajectory>,
};

export type RecordedTrajectory = { 
/**
 * File name.
 */
name: string, 
/**
 * `train`, `validation` or `test`.
 */
part: Part, 
/**
 * Its class.
 */
label: string, 
/**
 * File size in bytes.
 */
bytes: number, 
/**
 * xxHash3 (64-bit) of the file's bytes, hexadecimal.
 */
xxh3: string,
};

export type Part = "train" | "validation" | "test" | "new";

export type InputOptions = { 
/**
 * Atom selection name (molsig-io's: all, heavy, protein, backbone, ca, residue-centroids).
 */
selection: string, 
/**
 * Keep bonds between residues (peptide, disulfide). The authors' backbone graphs had none.
 */
inter_residue_bonds: boolean, 
/**
 * Frames per sample.
 */
frames: number, 
/**
 * Frames between sample starts (= `frames` for the authors' consecutive chunks).
 */
stride: number,
};

export type TrainConfig = { 
/**
 * Passes over the training set (authors: 200).
 */
epochs: number, 
/**
 * Samples per optimiser step (authors: 16).
 */
batch_size: number, 
/**
 * Adam learning rate (authors: 1e-3).
 */
learning_rate: number, 
/**
 * L2 weight decay added to the gradient, as PyTorch's Adam (authors: 5e-4).
 */
weight_decay: number, 
/**
 * Clip each parameter's gradient to this L2 norm (authors: none).
 */
clip_norm: number | null, 
/**
 * Stop when validation loss has not improved for this many epochs (authors: never).
 */
patience: number | null, 
/**
 * Keep the parameters of the epoch with the best validation loss (authors: the last epoch).
 */
keep_best: boolean, 
/**
 * Weight classes inversely to their frequency in the training set.
 */
class_weights: boolean, 
/**
 * Seed of initialisation, shuffling and dropout.
 */
seed: number,
};

export type ModelConfig = { "kind": "deep_signature" } & DeepSignatureConfig | { "kind": "frame_lstm" } & FrameLstmConfig | { "kind": "graph_lstm" } & GraphLstmConfig | { "kind": "graph_transformer" } & GraphTransformerConfig;

export type DeepSignatureConfig = { 
/**
 * The preset this configuration started from (informational).
 */
preset: Preset, 
/**
 * Width of the graph layers (authors: 20 on GPCR).
 */
hidden: number, 
/**
 * Beads M after the last pooling level (authors: 50 on GPCR).
 */
beads: number, 
/**
 * Clusters per pooling level as multiples of `beads`, coarsest last (authors' code: 8, 4, 1;
 * the paper and `improved`: 1). On small molecules the authors' product of three soft
 * assignments collapsed every atom into one bead in each run we measured.
 */
level_factors: Array<number>, 
/**
 * Signature or log-signature of each segment (authors: log-signature).
 */
feature: Feature, 
/**
 * Truncation depth (authors: 2).
 */
depth: number, 
/**
 * Equal segments the bead path is cut into (authors: 4).
 */
segments: number, 
/**
 * Augmentations of each segment, applied in order (authors: none).
 */
augmentations: Array<Augmentation>, 
/**
 * How segment features are combined (authors: LSTM 256).
 */
combiner: Combiner, 
/**
 * Dropout before the output layer (authors: 0.2).
 */
dropout: number, 
/**
 * Number of classes (2 = binary, one logit).
 */
classes: number, 
/**
 * Loss weights (authors: 10 / 0.01 / 1).
 */
loss_weights: LossWeights, 
/**
 * Keep bonds in one direction only (i < j), as the authors' edge lists (reference: true).
 */
one_directional_edges: boolean, 
/**
 * Bound the frame-averaged assignment logits with tanh (reference: true). Logits in [−1, 1]
 * keep Q close to uniform: the authors' clustering loss barely moves from its uniform value.
 */
tanh_assignment: boolean, 
/**
 * Standardise the frame-averaged features across atoms (per feature: zero mean, unit
 * variance) before the assignment layer (reference: false). Without it, Q starts with near
 * identical rows — a saddle of the MinCut losses, which only see atoms that differ — and
 * stays near uniform through a short training. Absent in older checkpoints: false.
 */
standardise_assignment: boolean, 
/**
 * Apply the sigmoid twice in the binary loss (reference: true; the authors' bug).
 */
double_sigmoid: boolean, 
/**
 * Segments share their boundary frame, so no increment is dropped (reference: false).
 */
segment_overlap: boolean, 
/**
 * Subtract each frame's centroid from its coordinates (reference: false). Makes predictions
 * translation invariant.
 */
centre_frames: boolean, 
/**
 * Kabsch-align every frame onto the training topology (reference: off, improved: on).
 * Makes predictions rotation invariant, and gives each atom a distinct mean position for
 * the assignment layer (a tumbling molecule's raw atoms differ only by distance from the
 * centre); needs `centre_frames`.
 */
align_frames: boolean, 
/**
 * Back-mapping target: bead centroids (true) or Q-weighted sums (reference: false).
 */
centroid_target: boolean, 
/**
 * Detach Q in the back-mapping target (both presets: true).
 */
detach_target: boolean,
};

export type FrameLstmConfig = { 
/**
 * GCN width.
 */
hidden: number, 
/**
 * LSTM width.
 */
lstm_hidden: number, 
/**
 * Which frames are seen.
 */
frames: FrameChoice, 
/**
 * Number of classes.
 */
classes: number, 
/**
 * Head dropout.
 */
dropout: number,
};

export type GraphLstmConfig = { 
/**
 * The coarse-graining part (and loss weights) of this configuration is used.
 */
coarse: DeepSignatureConfig, 
/**
 * Hidden width of each direction of the bidirectional LSTM.
 */
lstm_hidden: number,
};

export type GraphTransformerConfig = { 
/**
 * Token width (GCN width).
 */
hidden: number, 
/**
 * Attention heads (must divide `hidden`).
 */
heads: number, 
/**
 * Encoder layers.
 */
layers: number, 
/**
 * Number of classes.
 */
classes: number, 
/**
 * Dropout in the encoder and the head.
 */
dropout: number,
};

export type FrameChoice = "first" | "last" | "both";

export type Preset = "reference" | "improved";

export type Feature = "signature" | "log_signature";

export type Augmentation = "basepoint" | "time" | "lead_lag";

export type Combiner = { "lstm": { 
/**
 * Hidden width (authors: 256).
 */
hidden: number,
} } | "concat" | "mean";

export type LossWeights = { 
/**
 * Classification loss (authors: 10).
 */
classification: number, 
/**
 * Temporal-consistency (back-mapping) L1 loss (authors: 0.01).
 */
temporal: number, 
/**
 * MinCut cut + orthogonality losses, summed over levels (authors: 1).
 */
clustering: number,
};

export type Predictions = { 
/**
 * The model's classes: the order of every `probabilities`.
 */
classes: Array<string>, 
/**
 * One per trajectory, in input order.
 */
trajectories: Array<TrajectoryPrediction>, 
/**
 * One per sample, grouped by trajectory.
 */
samples: Array<SamplePrediction>,
};

export type TrajectoryPrediction = { 
/**
 * Index among the predicted trajectories.
 */
trajectory: number, 
/**
 * File name.
 */
name: string, 
/**
 * The part of the split it was in; `new` for prediction-only data.
 */
part: Part, 
/**
 * The user's label, if any, as written.
 */
label: string | null, 
/**
 * The label is one of the model's classes.
 */
labelKnown: boolean, 
/**
 * The model's training data held a file of the same size and content hash, in this part.
 */
seenInTraining: Part | null, 
/**
 * Most probable class (one of the model's).
 */
predicted: string, 
/**
 * Its mean probability.
 */
confidence: number, 
/**
 * Mean probability of every class, in the model's class order.
 */
probabilities: Array<number>, 
/**
 * Samples averaged.
 */
samples: number, 
/**
 * What reading its file left out (a trajectory cut short inside a frame), or `null`.
 */
warning: string | null,
};

export type SamplePrediction = { 
/**
 * Index of its trajectory among the predicted ones.
 */
trajectory: number, 
/**
 * Its trajectory's file name.
 */
name: string, 
/**
 * First frame of the sample in its trajectory.
 */
startFrame: number, 
/**
 * The user's label, if any, as written.
 */
label: string | null, 
/**
 * Most probable class.
 */
predicted: string, 
/**
 * Its probability.
 */
confidence: number, 
/**
 * Probability of every class, in the model's class order.
 */
probabilities: Array<number>,
};

export type Source = "training" | "new";

export type Explanation = { 
/**
 * Trajectory name.
 */
name: string, 
/**
 * First frame of the explained sample as PDB text (the selected points only, Å).
 */
pdb: string, 
/**
 * One label per point (`A:ALA12:CA`).
 */
pointLabels: Array<string>, 
/**
 * Every frame of the sample, `[frames, points, 3]` in Å, in the frame of `pdb` (aligned
 * when the model aligns): the molecule as it moves.
 */
coordinates: Array<number>, 
/**
 * Beads' positions at every frame of the sample, `[frames, beads, 3]` in Å: the
 * membership-weighted mean of the points (the interpretation's bead paths), in the same
 * frame as `pdb`.
 */
beadPositions: Array<number>, 
/**
 * Frame numbers of the sample in its trajectory.
 */
firstFrame: number, 
/**
 * Which of the trajectory's samples this is (from 0), and how many it has.
 */
sample: number, 
/**
 * Samples cut from the trajectory.
 */
samples: number, 
/**
 * Each frame's time in the trajectory file, ps (empty when the data has no times).
 */
timesPs: Array<number>, 
/**
 * Points per frame.
 */
points: number, 
/**
 * Beads (0 for models without coarse-graining).
 */
beads: number, 
/**
 * Frames.
 */
frames: number, 
/**
 * Q, row-major `[points, beads]`: each point's membership of each bead (rows sum to 1).
 */
assignments: Array<number>, 
/**
 * Bead centroids (Q-weighted means of the input coordinates), `[frames, beads, 3]`, nm.
 */
bead_paths: Array<number>, 
/**
 * The back-mapped bead path the signature reads, `[frames, beads, 3]`.
 */
signed_paths: Array<number>, 
/**
 * Coupling of beads m and n: the Frobenius norm of the 3×3 block of Lévy areas between
 * their coordinates over the whole sample, `[beads, beads]`, symmetric, zero diagonal.
 */
couplings: Array<number>, 
/**
 * Gradient × input of the predicted class's logit, summed over frames and axes: `[points]`.
 */
attributions: Array<number>, 
/**
 * Mean over points of Q's row entropy divided by ln(beads): 1 = uniform, 0 = hard.
 */
assignment_entropy: number, 
/**
 * Set when Q is near uniform (its cluster map then carries little information).
 */
warning: string | null,
};

export type Interpretation = { 
/**
 * Points per frame.
 */
points: number, 
/**
 * Beads (0 for models without coarse-graining).
 */
beads: number, 
/**
 * Frames.
 */
frames: number, 
/**
 * Q, row-major `[points, beads]`: each point's membership of each bead (rows sum to 1).
 */
assignments: Array<number>, 
/**
 * Bead centroids (Q-weighted means of the input coordinates), `[frames, beads, 3]`, nm.
 */
bead_paths: Array<number>, 
/**
 * The back-mapped bead path the signature reads, `[frames, beads, 3]`.
 */
signed_paths: Array<number>, 
/**
 * Coupling of beads m and n: the Frobenius norm of the 3×3 block of Lévy areas between
 * their coordinates over the whole sample, `[beads, beads]`, symmetric, zero diagonal.
 */
couplings: Array<number>, 
/**
 * Gradient × input of the predicted class's logit, summed over frames and axes: `[points]`.
 */
attributions: Array<number>, 
/**
 * Mean over points of Q's row entropy divided by ln(beads): 1 = uniform, 0 = hard.
 */
assignment_entropy: number, 
/**
 * Set when Q is near uniform (its cluster map then carries little information).
 */
warning: string | null,
};

export type ClassComparison = { 
/**
 * Points per frame.
 */
points: number, 
/**
 * Beads (0 for models without coarse-graining).
 */
beads: number, 
/**
 * One label per point (`A:ALA12:CA`).
 */
pointLabels: Array<string>, 
/**
 * One summary per class of the model, in its class order.
 */
classes: Array<ClassSummary>,
};

export type ClassSummary = { 
/**
 * Class name.
 */
class: string, 
/**
 * Trajectories and samples summarised.
 */
trajectories: number, 
/**
 * Samples summarised.
 */
samples: number, 
/**
 * Mean bead–bead coupling matrix, `[beads, beads]` (empty for a model without beads).
 */
couplings: Array<number>, 
/**
 * Mean evidence for the class in its own samples, per point: gradient × input of the class's
 * logit minus the mean of the others'.
 */
evidence: Array<number>, 
/**
 * Per point, the mean evidence for the class in its own samples minus that in the other
 * classes' samples: where the model's score for the class differs between them. Summed over
 * points it approximates the gap in the class's mean score.
 */
separation: Array<number>,
};

export type Transform = { 
/**
 * Monotone time warp φ on [0, 1], as its values at equally spaced knots (first 0, last 1,
 * never decreasing). The copy passes through every original frame and adds the points of
 * the path at times φ(j / (T − 1)), so the path itself is unchanged. Empty: no warp.
 */
warp?: Array<number>, 
/**
 * Every this-many-th frame is shown twice (0: none).
 */
repeatEvery?: number, 
/**
 * Every this-many-th frame is left out, the first and last kept (0: none; else ≥ 2).
 */
dropEvery?: number, 
/**
 * Time runs backwards.
 */
reverse?: boolean, 
/**
 * Shuffle the atom order with this seed.
 */
permuteSeed?: number, 
/**
 * Rotation axis (any length but zero when `rotateDegrees` is not 0).
 */
rotateAxis?: [number, number, number], 
/**
 * Rotation angle in degrees, about the first frame's centroid.
 */
rotateDegrees?: number, 
/**
 * Added to every point of every frame, Å.
 */
translate?: [number, number, number], 
/**
 * Standard deviation of Gaussian noise added to every coordinate, Å.
 */
noise?: number, 
/**
 * Seed of the noise.
 */
noiseSeed?: number,
};

export type Transformed = { 
/**
 * Trajectory name.
 */
name: string, 
/**
 * The copy's first frame as PDB text, in the original atom order (Å).
 */
pdb: string, 
/**
 * Points per frame.
 */
points: number, 
/**
 * Beads (0 for models without coarse-graining).
 */
beads: number, 
/**
 * Frames of the copy.
 */
frames: number, 
/**
 * Each frame's time, in frames of the original window (decreasing when reversed).
 */
times: Array<number>, 
/**
 * `[frames, points, 3]`, Å, in the original atom order (for drawing).
 */
coordinates: Array<number>, 
/**
 * The copy's atom order: its point `i` is the original's point `order[i]`.
 */
order: Array<number>, 
/**
 * The copy's Q in its own atom order, `[points, beads]`.
 */
assignments: Array<number>, 
/**
 * Q comes from the model's pass over the copy; `false` when the copy's frame count differs
 * from the model's, and the original's Q (in the copy's order) is used instead.
 */
assignmentsFromModel: boolean, 
/**
 * Bead centroids of the copy, `[frames, beads, 3]`, Å: the path the numbers are about.
 */
beadPaths: Array<number>, 
/**
 * The model's classes, the order of `probabilities`.
 */
classes: Array<string>, 
/**
 * Mean class probabilities over the copy's samples; `null` when it is shorter than one
 * sample.
 */
probabilities: Array<number> | null, 
/**
 * Samples of the model's frame count the copy was cut into.
 */
samples: number,
};

export type SignatureRun = { 
/**
 * Paths per call.
 */
batch: number, 
/**
 * Points per path.
 */
length: number, 
/**
 * Channels per point.
 */
channels: number, 
/**
 * Truncation depth.
 */
depth: number, 
/**
 * Timed calls (after one warm-up call).
 */
repeats: number, 
/**
 * Mean seconds per call, the result read back included.
 */
seconds: number, 
/**
 * `batch / seconds`.
 */
pathsPerSecond: number,
};

export type EpochRun = { 
/**
 * Training samples (graphs).
 */
samples: number, 
/**
 * Nodes per graph.
 */
nodes: number, 
/**
 * Frames per sample.
 */
frames: number, 
/**
 * Beads.
 */
beads: number, 
/**
 * Samples per optimiser step.
 */
batchSize: number, 
/**
 * Seconds of the first epoch.
 */
warmUpSeconds: number, 
/**
 * Seconds of the second epoch.
 */
seconds: number,
};
