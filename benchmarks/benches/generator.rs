//! The generator, phase by phase, on every benchmarked spec (see `workspace_benches::specs`).
//!
//! `cargo bench -p workspace-benches --bench generator` runs everything; divan's filters pick
//! some: `-- stripe` (one spec), `-- phase::lower` (one phase). Each phase is timed on its input
//! as the phase before left it (prepared outside the clock); `end_to_end` is
//! `codegen::generate` itself; `floor` holds the two floors (`floors.rs` relates them to
//! end-to-end and measures peak memory). Each benchmark stops after `max_time` seconds (`--max-time`
//! overrides), so Stripe's slow ones get a few samples and the small specs a hundred.

use codegen::phases;
use divan::Bencher;
use workspace_benches::specs::{self, NAMES};

fn main() {
    divan::main();
}

/// The phases `codegen::generate` runs, in order.
mod phase {
    use super::{Bencher, NAMES, phases, specs};

    /// Bytes to a value tree, with the generator's YAML (or JSON) reader; the provenance check
    /// (a SHA-256 of the file, for specs whose settings record one) comes first.
    #[divan::bench(args = NAMES, max_time = 8)]
    fn parse(bencher: Bencher<'_, '_>, name: &str) {
        let spec = specs::find(name).load();
        bencher.bench_local(|| phases::parse(spec.file(), &spec.settings).expect("parses"));
    }

    /// The repairs and the 3.1-to-3.0 rewrites on the value tree.
    #[divan::bench(args = NAMES, max_time = 8)]
    fn normalize(bencher: Bencher<'_, '_>, name: &str) {
        let spec = specs::find(name).load();
        let parsed = phases::parse(spec.file(), &spec.settings).expect("parses");
        bencher
            .with_inputs(|| parsed.clone())
            .bench_local_values(|parsed| phases::normalize(parsed).expect("normalizes"));
    }

    /// The value tree to an `openapiv3` document.
    #[divan::bench(args = NAMES, max_time = 8)]
    fn deserialize(bencher: Bencher<'_, '_>, name: &str) {
        let spec = specs::find(name).load();
        let normalized =
            phases::normalize(phases::parse(spec.file(), &spec.settings).expect("parses")).expect("normalizes");
        bencher
            .with_inputs(|| normalized.clone())
            .bench_local_values(|normalized| phases::deserialize(normalized).expect("deserializes"));
    }

    /// The document to the model.
    #[divan::bench(args = NAMES, max_time = 8)]
    fn lower(bencher: Bencher<'_, '_>, name: &str) {
        let spec = specs::find(name).load();
        let loaded = loaded(&spec);
        bencher
            .with_inputs(|| loaded.clone())
            .bench_local_values(|loaded| phases::lower(loaded, &spec.settings).expect("lowers"));
    }

    /// The model to tokens (and the manifest's text).
    #[divan::bench(args = NAMES, max_time = 8)]
    fn emit(bencher: Bencher<'_, '_>, name: &str) {
        let spec = specs::find(name).load();
        let lowered = phases::lower(loaded(&spec), &spec.settings).expect("lowers");
        bencher.bench_local(|| phases::emit(spec.file(), &lowered.api, &spec.settings, &spec.options));
    }

    /// Tokens to text: syn and prettyplease over each module, and the README around the
    /// formatted example.
    #[divan::bench(args = NAMES, max_time = 8)]
    fn format(bencher: Bencher<'_, '_>, name: &str) {
        let spec = specs::find(name).load();
        let lowered = phases::lower(loaded(&spec), &spec.settings).expect("lowers");
        let emitted = phases::emit(spec.file(), &lowered.api, &spec.settings, &spec.options);
        bencher.with_inputs(|| emitted.clone()).bench_local_values(|emitted| {
            phases::format(&spec.path, &lowered.api, &spec.settings, emitted).expect("formats")
        });
    }

    fn loaded(spec: &specs::Loaded) -> phases::Loaded {
        let parsed = phases::parse(spec.file(), &spec.settings).expect("parses");
        phases::deserialize(phases::normalize(parsed).expect("normalizes")).expect("deserializes")
    }
}

/// `codegen::generate`: every phase, bytes to files in memory (what `cargo xtask generate` does
/// before it writes them).
#[divan::bench(args = NAMES, max_time = 10)]
fn end_to_end(bencher: Bencher<'_, '_>, name: &str) {
    let spec = specs::find(name).load();
    bencher.bench_local(|| spec.generate());
}

/// What no generator can go below: reading the spec, and formatting what it writes.
mod floor {
    use super::{Bencher, NAMES, specs};

    /// serde_yaml (or serde_json) straight to a `serde_json::Value`: the reference for
    /// `phase::parse`, which uses the same parser with a visitor of its own.
    #[divan::bench(args = NAMES, max_time = 8)]
    fn parse_plain(bencher: Bencher<'_, '_>, name: &str) {
        let spec = specs::find(name).load();
        bencher.bench_local(|| specs::plain_value_tree(&spec.contents));
    }

    /// `syn::parse_file` and `prettyplease::unparse` over the generated `.rs` files' text, one
    /// after the other.
    #[divan::bench(args = NAMES, max_time = 8)]
    fn format(bencher: Bencher<'_, '_>, name: &str) {
        let spec = specs::find(name).load();
        let files = specs::rust_files(&spec.generate());
        bencher.bench_local(|| files.iter().map(|(_, text)| specs::parse_and_print(text)).collect::<Vec<_>>());
    }
}
