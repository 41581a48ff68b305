//! When the wasm instance can no longer be used, said explicitly rather than guessed from text.
//!
//! wasm32 aborts on panic: after the panic hook runs, the instance traps (`unreachable`) and its
//! state (borrowed handles, half-written memory) must not be used again. The hook records the
//! first panic's message, and `panicMessage()` lets the worker read it after the trap, so the
//! worker can answer with a fatal marker and the page restarts it. Traps that bypass the hook
//! (a stack overflow: `RangeError`; other traps: `WebAssembly.RuntimeError`) the worker tells
//! by their JS error type.
//!
//! `crashForTesting` produces both kinds of real trap for the page's recovery tests; a thrown
//! JS error would not exercise the path that a crash of the engine takes.

use std::sync::OnceLock;

use wasm_bindgen::prelude::*;

/// The first panic's message (`panicked at file:line:col: message`).
static PANIC: OnceLock<String> = OnceLock::new();

/// Records every panic for `panicMessage` and logs it to the console with its message.
pub(crate) fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let _ = PANIC.set(info.to_string());
        console_error_panic_hook::hook(info);
    }));
}

/// The message of the panic that poisoned this instance, or `undefined` if none happened. After
/// a panic the instance has trapped: do not call anything else on it; start a new one.
#[wasm_bindgen(js_name = panicMessage)]
#[must_use]
pub fn panic_message() -> Option<String> {
    PANIC.get().cloned()
}

/// Test-only: traps this instance for real, as a bug in the engine would. `"panic"` panics in
/// Rust (the hook records it, then wasm aborts); `"stackOverflow"` recurses until the browser's
/// call stack is exhausted (`RangeError: Maximum call stack size exceeded`). The page sends it
/// only from its end-to-end tests.
///
/// # Errors
/// An unknown `kind`.
///
/// # Panics
/// With `kind` `"panic"`, by design.
#[wasm_bindgen(js_name = crashForTesting)]
pub fn crash_for_testing(kind: &str) -> Result<(), JsError> {
    match kind {
        "panic" => panic!("crash requested for testing (crashForTesting)"),
        "stackOverflow" => {
            // Never returns in practice; the value is kept so the call is not removed.
            std::hint::black_box(recurse(std::hint::black_box(0)));
            Ok(())
        }
        other => Err(JsError::new(&format!(
            "unknown crash kind {other:?}; use \"panic\" or \"stackOverflow\""
        ))),
    }
}

/// Recurses about forever: the result is used after the call by a subtraction (neither a tail
/// call nor an accumulator that the optimiser could turn into a loop), and `depth` lives in a wasm
/// local, so the engine's call stack, not Rust's stack in linear memory, runs out first.
#[inline(never)]
fn recurse(depth: u64) -> u64 {
    if depth == u64::MAX {
        return depth;
    }
    depth.wrapping_sub(recurse(depth + 1))
}
