//! Workspace-level tests live in `tests/`; this library only carries the workspace README, so
//! that its Rust examples are compiled (and kept honest) as doctests.

#![doc = include_str!("../../README.md")]

/// The fixture behaviour tests (`tests/behavior/lib.rs`) run in the generated check workspace,
/// not here; this declaration, compiled out, only brings the file under `cargo fmt`.
#[cfg(any())]
#[path = "../behavior/lib.rs"]
mod behavior;
