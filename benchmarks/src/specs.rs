//! The benchmarked specs: the five providers' (with their `provider.toml`), Oxide's nexus (the
//! spec progenitor is usually measured on), the largest JSON spec in the repository (Vapi's,
//! `tests/wide`; the largest one in `tests/corpus` is nexus itself) and Stripe's, the largest.

use std::path::{Path, PathBuf};

use codegen::{Dependencies, GeneratedCrate, Options, RuntimeSource, Settings, SpecFile};

/// One benchmarked spec.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The short name benches are labelled with.
    pub name: &'static str,
    /// The spec, relative to the workspace root.
    pub path: &'static str,
    /// Its settings file, relative to the workspace root, if it has one; else the defaults
    /// `cargo xtask generate` uses.
    pub settings: Option<&'static str>,
}

/// Every benchmarked spec, smallest first.
pub const SPECS: &[Spec] = &[
    Spec {
        name: "perplexity",
        path: "specs/perplexity/openapi.yaml",
        settings: Some("specs/perplexity/provider.toml"),
    },
    Spec { name: "simli", path: "specs/simli/openapi.yaml", settings: Some("specs/simli/provider.toml") },
    Spec { name: "videodb", path: "specs/videodb/openapi.yaml", settings: Some("specs/videodb/provider.toml") },
    Spec { name: "decart", path: "specs/decart/openapi.yaml", settings: Some("specs/decart/provider.toml") },
    Spec {
        name: "assemblyai",
        path: "specs/assemblyai/openapi.yaml",
        settings: Some("specs/assemblyai/provider.toml"),
    },
    Spec { name: "nexus", path: "tests/corpus/progenitor-nexus.json", settings: None },
    Spec { name: "vapi", path: "tests/wide/vapi-openapi.json", settings: None },
    Spec { name: "stripe", path: "tests/corpus/stripe-spec3.yaml", settings: None },
];

/// The names of [`SPECS`], in order (divan's `args`).
pub const NAMES: &[&str] = &["perplexity", "simli", "videodb", "decart", "assemblyai", "nexus", "vapi", "stripe"];

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
}

/// The spec called `name`.
///
/// # Panics
///
/// When no spec has that name.
pub fn find(name: &str) -> Spec {
    *SPECS.iter().find(|spec| spec.name == name).unwrap_or_else(|| panic!("no benchmarked spec is called {name}"))
}

/// A spec read from disk, with its settings: what [`codegen::generate`] takes.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The short name.
    pub name: &'static str,
    /// The path as messages and headers show it.
    pub path: String,
    /// The file's bytes.
    pub contents: Vec<u8>,
    /// Its settings.
    pub settings: Settings,
    /// The options `cargo xtask generate` would pass (a standalone crate).
    pub options: Options,
}

impl Spec {
    /// Reads the spec and its settings.
    ///
    /// # Panics
    ///
    /// When a file cannot be read or the settings do not parse.
    pub fn load(&self) -> Loaded {
        let root = root();
        let contents =
            std::fs::read(root.join(self.path)).unwrap_or_else(|error| panic!("cannot read {}: {error}", self.path));
        let settings = match self.settings {
            Some(path) => {
                let text = std::fs::read_to_string(root.join(path))
                    .unwrap_or_else(|error| panic!("cannot read {path}: {error}"));
                Settings::from_toml(path, &text).unwrap_or_else(|error| panic!("{error}"))
            }
            None => Settings::for_crate(&format!("bench-{}", self.name)),
        };
        let options = Options {
            command: "cargo bench -p workspace-benches".to_owned(),
            dependencies: Dependencies::Standalone { runtime: RuntimeSource::Path("../client-runtime".to_owned()) },
        };
        Loaded { name: self.name, path: self.path.to_owned(), contents, settings, options }
    }
}

impl Loaded {
    /// The spec as the generator takes it.
    pub fn file(&self) -> SpecFile<'_> {
        SpecFile { path: &self.path, contents: &self.contents }
    }

    /// The whole generation, in memory, as `cargo xtask generate` runs it (without writing).
    ///
    /// # Panics
    ///
    /// When the spec does not generate: every benchmarked spec does.
    pub fn generate(&self) -> GeneratedCrate {
        codegen::generate(self.file(), &self.settings, &self.options).unwrap_or_else(|error| panic!("{error}"))
    }
}

/// The format floor's input: the generated Rust files' text.
pub fn rust_files(generated: &GeneratedCrate) -> Vec<(String, String)> {
    generated
        .files
        .iter()
        .filter(|file| file.path.ends_with(".rs"))
        .map(|file| (file.path.clone(), file.contents.clone()))
        .collect()
}

/// The format floor for one file: syn parses the text and prettyplease prints it again.
///
/// # Panics
///
/// When the text is not Rust (generated files always are).
pub fn parse_and_print(text: &str) -> String {
    let file = syn::parse_file(text).unwrap_or_else(|error| panic!("a generated file does not parse: {error}"));
    prettyplease::unparse(&file)
}

/// The parse floor's reference reader: serde_yaml (or serde_json) straight to a
/// `serde_json::Value`, without the generator's YAML visitor (which also reads integers beyond
/// 64 bits and merge keys).
///
/// # Panics
///
/// When the text does not parse.
pub fn plain_value_tree(contents: &[u8]) -> serde_json::Value {
    let text = std::str::from_utf8(contents).expect("specs are UTF-8");
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).expect("the JSON parses")
    } else {
        serde_yaml::from_str(text).expect("the YAML parses")
    }
}
