//! Keeps freed memory in the process instead of handing it back to the kernel at once.
//!
//! burn allocates a fresh buffer for almost every tensor operation, many of them tens of MB at
//! GPCR size. glibc's malloc serves blocks that large with `mmap` and unmaps them when they are
//! freed, so every operation paid for fresh, zeroed pages: a sixth of a training epoch at one
//! thread and a quarter at two (BENCHMARKS.md, model section). The heap keeps them instead, for a
//! peak RSS about 10 % higher.

/// Call first thing in `main`, before any other thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn keep_freed_memory() {
    // SAFETY: `mallopt` only sets two of malloc's tuning parameters, and no other thread is
    // allocating yet. Large blocks then come from the heap, which is not trimmed.
    unsafe {
        libc::mallopt(libc::M_MMAP_MAX, 0);
        libc::mallopt(libc::M_TRIM_THRESHOLD, libc::c_int::MAX);
    }
}

/// Other systems' allocators keep their own policies.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn keep_freed_memory() {}
