//! Workspace-level tests live in `tests/`; this library only carries the workspace README, so
//! that its Rust examples are compiled (and kept honest) as doctests.

#![doc = include_str!("../../README.md")]
