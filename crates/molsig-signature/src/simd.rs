//! Wider vectors when the CPU has them: the hot loops are plain Rust that LLVM vectorises, so
//! compiling them a second time for AVX2 doubles the f64 lanes (2 → 4) on machines that have it,
//! while the binary still runs on any x86-64 (and in wasm, where the plain version is the only one).
//!
//! [`wide!`] writes, for one entry point, a copy compiled with `#[target_feature(enable = "avx2")]`
//! and a dispatcher that picks it after a (cached) CPU check. The entry point and everything it
//! calls in the hot path are `#[inline(always)]`, so they are compiled into that copy. Results are
//! bitwise the same either way: no fused multiply-adds, and sums in a fixed order.

/// `wide!(fn name<T>(args..) => inner;)` defines `name`, which runs `inner(args..)` compiled for
/// AVX2 when the CPU supports it.
macro_rules! wide {
    ($(#[$meta:meta])* fn $name:ident<$t:ident>($($arg:ident: $ty:ty),* $(,)?) => $inner:path;) => {
        $(#[$meta])*
        #[allow(unsafe_code)]
        pub(crate) fn $name<$t: $crate::Scalar>($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                fn avx2<$t: $crate::Scalar>($($arg: $ty),*) {
                    $inner($($arg),*);
                }
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: `avx2` only needs the AVX2 instructions, present on this CPU.
                    return unsafe { avx2($($arg),*) };
                }
            }
            $inner($($arg),*);
        }
    };
}

pub(crate) use wide;
