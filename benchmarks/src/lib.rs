//! What the benches under `benches/` share: the specs they run on, the timing helpers, and a
//! local HTTP server. The figures and how to reproduce them are in `BENCHMARKS.md` at the
//! workspace root; `cargo bench -p workspace-benches` runs all three benches.

pub mod server;
pub mod specs;
pub mod timing;
