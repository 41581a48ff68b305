//! Threads across the batch: natively `std::thread::scope` over contiguous chunks, in wasm one
//! thread (wasm32-unknown-unknown has no threads without a special build).

/// Threads to use when the caller did not say.
pub(crate) fn default_threads() -> usize {
    if cfg!(target_arch = "wasm32") {
        1
    } else {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    }
}

/// Calls `work(first_item, chunk)` on consecutive chunks of `out`, `per_item` values per batch
/// item, spread over at most `threads` threads. Each call owns its chunk, so `work` allocates its
/// scratch once per thread, not per item.
pub(crate) fn for_batch<T, F>(out: &mut [T], per_item: usize, threads: usize, work: F)
where
    T: Send,
    F: Fn(usize, &mut [T]) + Sync,
{
    let items = out.len().checked_div(per_item).unwrap_or(0);
    let threads = threads.clamp(1, items.max(1));
    if threads == 1 || cfg!(target_arch = "wasm32") {
        work(0, out);
        return;
    }
    let per_thread = items.div_ceil(threads);
    std::thread::scope(|scope| {
        for (i, chunk) in out.chunks_mut(per_thread * per_item).enumerate() {
            let work = &work;
            scope.spawn(move || work(i * per_thread, chunk));
        }
    });
}
