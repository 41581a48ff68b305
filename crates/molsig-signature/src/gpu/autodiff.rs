//! The operation under burn's autodiff: one graph node whose backward step calls the inner
//! backend's [`signature_backward`](SignatureBackend::signature_backward).
//!
//! The node keeps the input paths (not the output): the backward kernels recompute the states
//! they need from checkpoints, which costs one more forward pass but no memory per step. It is
//! marked compute-bound so burn's gradient checkpointing never re-runs the forward on its own.

use burn::backend::AutodiffBackend;
use burn::backend::autodiff::Autodiff;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::tensor::FloatTensor;

use super::SignatureBackend;

/// The backward step of [`SignatureBackend::signature_forward`]; its state is (paths, depth).
#[derive(Debug)]
struct SignatureStep;

impl<B: SignatureBackend> Backward<B, 1> for SignatureStep {
    type State = (FloatTensor<B>, usize);

    fn backward(self, ops: Ops<Self::State, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [parent] = ops.parents;
        let grad = grads.consume::<B>(&ops.node);
        if let Some(parent) = parent {
            let (paths, depth) = ops.state;
            grads.register::<B>(parent.id, B::signature_backward(paths, grad, depth));
        }
    }
}

impl<B: SignatureBackend, C: CheckpointStrategy> SignatureBackend for Autodiff<B, C> {
    fn signature_forward(paths: FloatTensor<Self>, depth: usize) -> FloatTensor<Self> {
        let (paths, guard) = paths.into_parts();
        match SignatureStep
            .prepare::<C>([guard])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let out = B::signature_forward(paths.clone(), depth);
                prep.finish((paths, depth), out)
            }
            OpsKind::UnTracked(prep) => prep.finish(B::signature_forward(paths, depth)),
        }
    }

    /// Second derivatives are not provided: the gradient is returned as a constant.
    fn signature_backward(
        paths: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        depth: usize,
    ) -> FloatTensor<Self> {
        Self::from_inner(B::signature_backward(
            Self::inner(paths),
            Self::inner(grad),
            depth,
        ))
    }
}
