/* tslint:disable */
/* eslint-disable */
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
};

export type DatasetSummary = {
    /**
     * Frames, samples and memory of the job.
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
     * Warnings from the readers, e.g. skipped CONECT entries.
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
     * Held-out metrics at save time, if measured.
     */
    test_metrics: Metrics | null,
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



/**
 * The benchmark page's measurements (not part of the session API): signature throughput and
 * one training epoch, on WebGPU or the CPU.
 */
export class Benchmarks {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Measurements on the worker's shared backend (see `Session.create`).
     */
    static create(gpu_unavailable?: string | null): Promise<Benchmarks>;
    /**
     * Seconds of a training epoch on synthetic graphs, on WebGPU or the CPU.
     *
     * # Errors
     * No WebGPU when asked for it, or training errors.
     */
    epoch(gpu: boolean, per_class: number, nodes: number, frames: number, beads: number): Promise<EpochRun>;
    /**
     * Mean seconds and paths per second of the signature of `batch` random-walk paths
     * (`length` points, `channels` channels) at `depth`, on WebGPU (`gpu`) or the CPU.
     *
     * # Errors
     * No WebGPU when asked for it, or the signature's errors.
     */
    signature(gpu: boolean, batch: number, length: number, channels: number, depth: number, repeats: number): Promise<SignatureRun>;
}

/**
 * One page's molsig engine: the compute backend, the training data, the model and the last
 * predicted data. Create it with `Session.create()`.
 */
export class Session {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Asks a running `train` to stop after the current batch.
     */
    cancel(): void;
    /**
     * A session on WebGPU when the browser offers an adapter, else burn's CPU backend. Pass
     * the reason when the page already knows WebGPU is unavailable. The backend is chosen once
     * per worker: every session of a worker shares it.
     */
    static create(gpu_unavailable?: string | null): Promise<Session>;
    /**
     * Explains trajectory `index` of the training data (`"training"`) or of the last
     * prediction (`"new"`): bead memberships and positions, couplings, attributions, and the
     * first frame as PDB for the viewer.
     *
     * # Errors
     * No model or data, an index out of range, or the interpretation pass.
     */
    explain(source: Source, index: number): Promise<Explanation>;
    /**
     * Counts, selection and per-frame radius of gyration of a topology (PDB or GRO bytes) and
     * optionally one XTC `Blob`, streamed.
     *
     * # Errors
     * A reader error, with file name and position.
     */
    inspect(topology_name: string, topology: Uint8Array | number[], trajectory_name: string | null | undefined, trajectory: Blob | null | undefined, selection: string): Promise<Inspection>;
    /**
     * Plans (memory check from the headers), then reads the training trajectories: one `Blob`
     * per entry (name, label, group).
     *
     * # Errors
     * Unreadable or mismatched files, a job too large for the tab, trajectories too short.
     */
    loadDataset(topology_name: string, topology: Uint8Array | number[], files: Blob[], entries: TrajectoryEntry[], options: DataOptions, batch_size: number): DatasetSummary;
    /**
     * Loads a `.molsig` file as the current model and returns its header: classes,
     * configuration, input options and the record of its run (settings, history, metrics,
     * split).
     *
     * # Errors
     * Not a molsig model, a newer format, truncation, shapes that do not fit the config.
     */
    loadModel(name: string, bytes: Uint8Array | number[]): CheckpointHeader;
    /**
     * Predicts trajectories with the current model, reading them as its training data was
     * read. Labels are optional; ones the model does not know are reported as such.
     *
     * # Errors
     * No model, files that do not fit the model, reader errors.
     */
    predict(topology_name: string, topology: Uint8Array | number[], files: Blob[], entries: TrajectoryEntry[]): Promise<Predictions>;
    /**
     * The current model as a `.molsig` file.
     *
     * # Errors
     * No model, or a parameter that cannot be read back.
     */
    saveModel(): Promise<Uint8Array>;
    /**
     * Trains on the loaded dataset; `onEvent` receives every started/batch/epoch event.
     * The model stays in the session for prediction, explanation and saving.
     *
     * # Errors
     * No dataset, training errors (including "cancelled"), evaluation errors.
     */
    train(request: TrainRequest, onEvent: (event: TrainEvent) => void): Promise<TrainSummary>;
    /**
     * Which backend the session computes on, and why.
     *
     * # Errors
     * Only if the description cannot be converted.
     */
    readonly backend: BackendInfo;
}

/**
 * Parses a manifest (CSV or JSON: topology, trajectory, label, group, split) into its entries.
 *
 * # Errors
 * The manifest's error, with the line and column.
 */
export function parseManifest(text: string, name: string): ManifestEntry[];

export function start(): void;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_benchmarks_free: (a: number, b: number) => void;
    readonly __wbg_session_free: (a: number, b: number) => void;
    readonly benchmarks_create: (a: number, b: number) => any;
    readonly benchmarks_epoch: (a: number, b: number, c: number, d: number, e: number, f: number) => any;
    readonly benchmarks_signature: (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => any;
    readonly parseManifest: (a: number, b: number, c: number, d: number) => [number, number, number];
    readonly session_backend: (a: number) => [number, number, number];
    readonly session_cancel: (a: number) => void;
    readonly session_create: (a: number, b: number) => any;
    readonly session_explain: (a: number, b: any, c: number) => any;
    readonly session_inspect: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number) => any;
    readonly session_loadDataset: (a: number, b: number, c: number, d: number, e: number, f: any, g: any, h: any, i: number) => [number, number, number];
    readonly session_loadModel: (a: number, b: number, c: number, d: number, e: number) => [number, number, number];
    readonly session_predict: (a: number, b: number, c: number, d: number, e: number, f: any, g: any) => any;
    readonly session_saveModel: (a: number) => any;
    readonly session_train: (a: number, b: any, c: any) => any;
    readonly start: () => void;
    readonly wasm_bindgen__convert__closures_____invoke__h1721ed57657516d4: (a: number, b: number, c: any) => [number, number];
    readonly wasm_bindgen__convert__closures_____invoke__h183b1875345036b1: (a: number, b: number, c: any) => [number, number];
    readonly wasm_bindgen__convert__closures_____invoke__h183b1875345036b1_20: (a: number, b: number, c: any) => [number, number];
    readonly wasm_bindgen__convert__closures_____invoke__h183b1875345036b1_21: (a: number, b: number, c: any) => [number, number];
    readonly wasm_bindgen__convert__closures_____invoke__h9f4aad382ddcd120: (a: number, b: number, c: any, d: any) => void;
    readonly wasm_bindgen__convert__closures_____invoke__h549f64d9cd5ef521: (a: number, b: number, c: any) => void;
    readonly wasm_bindgen__convert__closures_____invoke__h549f64d9cd5ef521_19: (a: number, b: number, c: any) => void;
    readonly __wbindgen_malloc_command_export: (a: number, b: number) => number;
    readonly __wbindgen_realloc_command_export: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free_command_export: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store_command_export: (a: number) => void;
    readonly __externref_table_alloc_command_export: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __wbindgen_destroy_closure_command_export: (a: number, b: number) => void;
    readonly __externref_table_dealloc_command_export: (a: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
