//! Turns an OpenAPI 3.0 or 3.1 document into a typed async Rust client crate, in memory.
//!
//! The pipeline: `load` parses the bytes and normalizes the 3.1 dialect into 3.0
//! form; `lower` builds the [`ir`] model, making every naming and typing decision;
//! validation problems are collected along the way with their location; `emit`
//! turns the model into tokens with `quote`; `render` formats them with
//! `prettyplease`. Nothing here touches the filesystem: the caller passes bytes and settings and
//! gets files back, so writing, checking and reporting stay in the `xtask` shell.

pub mod change;
mod diagnostics;
mod docs;
mod emit;
pub mod ir;
mod load;
mod lower;
pub mod naming;
mod refs;
mod render;
mod settings;
mod walk;
mod yaml;

use sha2::{Digest, Sha256};

pub use crate::diagnostics::{Diagnostic, Error, Location, Severity};
pub use crate::settings::{ClientSettings, OperationSettings, Package, RefreshFrom, Settings, Source};

/// A spec file: its contents, and the name to use for it in messages and headers.
#[derive(Debug, Clone, Copy)]
pub struct SpecFile<'a> {
    /// The path as it should appear in messages, such as `specs/simli/openapi.yaml`.
    pub path: &'a str,
    /// The file's bytes, YAML or JSON.
    pub contents: &'a [u8],
}

/// What to generate beyond the spec and settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// The command that regenerates the crate, named in every file's header.
    pub command: String,
    /// How the crate's `Cargo.toml` names its dependencies.
    pub dependencies: Dependencies,
}

/// How a generated crate names its dependencies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dependencies {
    /// Inside this workspace: `workspace = true` everywhere.
    Workspace,
    /// A standalone crate: versions spelled out, the runtime from `runtime`, and an empty
    /// `[workspace]` table so it builds wherever it is written.
    Standalone {
        /// Where the crate finds `client-runtime`.
        runtime: RuntimeSource,
    },
    /// Like [`Dependencies::Standalone`], but a member of a workspace the caller writes around
    /// it (so many generated crates can be compiled together).
    Member {
        /// Where the crate finds `client-runtime`.
        runtime: RuntimeSource,
    },
}

/// Where a crate generated outside this workspace finds `client-runtime`: the source of its
/// `client-runtime = { ... }` dependency line.
///
/// The values are written as given (TOML-quoted); checking them, and making a path relative to
/// the generated crate's folder, is the caller's job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeSource {
    /// A local folder holding the runtime crate: `{ path = "..." }`. A relative path is resolved
    /// by cargo against the generated crate's folder.
    Path(String),
    /// A git repository at a fixed revision: `{ git = "...", rev = "..." }`.
    Git {
        /// The repository URL.
        url: String,
        /// The revision cargo checks out: a commit hash, or a tag or branch name.
        rev: String,
    },
    /// A version requirement resolved from crates.io: `{ version = "..." }`.
    Version(String),
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The path relative to the crate directory, with `/` separators.
    pub path: String,
    /// The contents.
    pub contents: String,
}

/// A generated crate, in memory.
#[derive(Debug, Clone)]
pub struct GeneratedCrate {
    /// The files, in a fixed order.
    pub files: Vec<GeneratedFile>,
    /// Problems that did not stop generation, each with a documented fallback.
    pub warnings: Vec<Diagnostic>,
    /// How many schemas were typed, and which fell back to `serde_json::Value`.
    pub schema_count: ir::SchemaCount,
}

/// Loads, lowers and validates the spec without emitting code, returning the model and the
/// warnings: for tests and tools that inspect what would be generated.
///
/// # Errors
///
/// Every problem found in the spec or settings, each with the file and the place in it.
pub fn lower(spec: SpecFile<'_>, settings: &Settings) -> Result<(ir::Api, Vec<Diagnostic>), Error> {
    let parsed = phases::parse(spec, settings)?;
    let loaded = phases::deserialize(phases::normalize(parsed)?)?;
    let lowered = phases::lower(loaded, settings)?;
    Ok((lowered.api, lowered.warnings))
}

/// Generates a client crate from a spec and its settings.
///
/// # Errors
///
/// Every problem found in the spec or settings, each with the file and the place in it.
pub fn generate(spec: SpecFile<'_>, settings: &Settings, options: &Options) -> Result<GeneratedCrate, Error> {
    let (api, warnings) = lower(spec, settings)?;
    let emitted = phases::emit(spec, &api, settings, options);
    let files = phases::format(spec.path, &api, settings, emitted)?;
    Ok(GeneratedCrate { files, warnings, schema_count: api.schema_count })
}

/// The steps of [`generate`] one at a time, each taking the one before's result, so the
/// benchmarks (`cargo bench -p workspace-benches`) can time them apart: `parse` (bytes to a value
/// tree), `normalize` (the repairs and the 3.1-to-3.0 rewrites on that tree), `deserialize` (the
/// tree as an `openapiv3` document), `lower` (the [`ir`] model), `emit` (tokens), `format`
/// (syn and prettyplease, to text). [`generate`] runs exactly these; not a stable API.
#[doc(hidden)]
pub mod phases {
    use proc_macro2::TokenStream;
    use sha2::{Digest, Sha256};

    use crate::diagnostics::Diagnostics;
    use crate::{Diagnostic, Error, GeneratedFile, Location, Options, Settings, SpecFile, emit, ir, load, render};

    /// The spec as a value tree, and the problems found so far.
    #[derive(Debug, Clone)]
    pub struct Parsed {
        value: serde_json::Value,
        diagnostics: Diagnostics,
    }

    /// The value tree repaired and rewritten into OpenAPI 3.0 form.
    #[derive(Debug, Clone)]
    pub struct Normalized(Parsed);

    /// The typed document.
    #[derive(Debug, Clone)]
    pub struct Loaded {
        document: openapiv3::OpenAPI,
        diagnostics: Diagnostics,
    }

    /// The model, and the warnings of every phase so far.
    #[derive(Debug, Clone)]
    pub struct Lowered {
        /// The model the emitter works from.
        pub api: ir::Api,
        /// Problems that did not stop generation.
        pub warnings: Vec<Diagnostic>,
    }

    /// The crate's files before formatting: the manifest as text, the Rust modules as tokens.
    #[derive(Debug, Clone)]
    pub struct Emitted {
        header: String,
        cargo_toml: String,
        example: TokenStream,
        lib: TokenStream,
        client: TokenStream,
        /// The head of `types.rs` (docs and imports); its types are emitted while formatting.
        types: Option<TokenStream>,
    }

    /// Checks the recorded hash and reads the bytes into a value tree (JSON or YAML).
    ///
    /// # Errors
    ///
    /// Text that is not JSON or YAML, or not a mapping.
    pub fn parse(spec: SpecFile<'_>, settings: &Settings) -> Result<Parsed, Error> {
        let mut diagnostics = Diagnostics::new(spec.path);
        super::check_provenance(spec, settings, &mut diagnostics);
        let value = load::parse(spec.contents, &mut diagnostics)?;
        Ok(Parsed { value, diagnostics })
    }

    /// The repairs and the 3.1-to-3.0 rewrites.
    ///
    /// # Errors
    ///
    /// A document that is not OpenAPI 3.0 or 3.1.
    pub fn normalize(parsed: Parsed) -> Result<Normalized, Error> {
        let Parsed { mut value, mut diagnostics } = parsed;
        load::normalize(&mut value, &mut diagnostics)?;
        Ok(Normalized(Parsed { value, diagnostics }))
    }

    /// The value tree as a typed `openapiv3` document.
    ///
    /// # Errors
    ///
    /// The first place that does not fit the OpenAPI schema.
    pub fn deserialize(normalized: Normalized) -> Result<Loaded, Error> {
        let Normalized(Parsed { value, mut diagnostics }) = normalized;
        let document = load::deserialize(&value, &mut diagnostics)?;
        Ok(Loaded { document, diagnostics })
    }

    /// Builds and validates the model.
    ///
    /// # Errors
    ///
    /// Every error found so far, in the spec or the settings.
    pub fn lower(loaded: Loaded, settings: &Settings) -> Result<Lowered, Error> {
        let Loaded { document, mut diagnostics } = loaded;
        let api = crate::lower::lower(&document, settings, &mut diagnostics);
        diagnostics.check()?;
        Ok(Lowered { api, warnings: diagnostics.into_warnings() })
    }

    /// The manifest, and each Rust module as tokens.
    pub fn emit(spec: SpecFile<'_>, api: &ir::Api, settings: &Settings, options: &Options) -> Emitted {
        let digest = hex::encode(Sha256::digest(spec.contents));
        let header = format!(
            "@generated by `{}` from {} (sha256 {}). Do not edit by hand.",
            options.command,
            spec.path,
            &digest[..16]
        );
        Emitted {
            cargo_toml: emit::cargo_toml(api, settings, &options.dependencies, &header),
            example: emit::readme::example_tokens(api, settings),
            lib: emit::lib_module(api),
            client: emit::client_module(api, settings),
            types: (!api.types.is_empty()).then(|| emit::types_module(api)),
            header,
        }
    }

    /// Formats the modules (syn, then prettyplease) and writes the README around the formatted
    /// example: the crate's files, in their fixed order.
    ///
    /// # Errors
    ///
    /// Tokens that are not valid Rust: a bug in the generator, reported for `spec_path`.
    pub fn format(
        spec_path: &str,
        api: &ir::Api,
        settings: &Settings,
        emitted: Emitted,
    ) -> Result<Vec<GeneratedFile>, Error> {
        let internal = |message: String| Diagnostics::new(spec_path).fatal(Location::File, message);
        let Emitted { header, cargo_toml, example, lib, client, types } = emitted;
        // The types (most of a large crate) are emitted and formatted on other threads, one
        // share per core, while this one formats the rest.
        let threads = std::thread::available_parallelism().map_or(1, usize::from).min(8);
        let (types_items, files) = std::thread::scope(|scope| {
            let types_items = types.is_some().then(|| scope.spawn(|| render::types_items(api, threads)));
            let files = format_rest(api, settings, &header, cargo_toml, example, lib, client);
            let types_items =
                types_items.map(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
            (types_items, files)
        });
        let mut files = files.map_err(internal)?;
        if let (Some(types), Some(items)) = (types, types_items) {
            let items = items.map_err(internal)?;
            files.push(GeneratedFile {
                path: "src/types.rs".into(),
                contents: render::types_file(&header, types, items).map_err(internal)?,
            });
        }
        Ok(files)
    }

    /// Every file but `types.rs`, in order.
    fn format_rest(
        api: &ir::Api,
        settings: &Settings,
        header: &str,
        cargo_toml: String,
        example: TokenStream,
        lib: TokenStream,
        client: TokenStream,
    ) -> Result<Vec<GeneratedFile>, String> {
        let mut files = vec![GeneratedFile { path: "Cargo.toml".into(), contents: cargo_toml }];
        let example = render::format_module(example)?;
        files.push(GeneratedFile {
            path: "README.md".into(),
            contents: emit::readme(api, settings, header, &render::doctest_body(&example)),
        });
        files.push(GeneratedFile { path: "src/lib.rs".into(), contents: render::rust_file(header, lib)? });
        files.push(GeneratedFile { path: "src/client.rs".into(), contents: render::rust_file(header, client)? });
        Ok(files)
    }
}

/// The recorded hash must match the vendored file, so a spec cannot change unnoticed.
fn check_provenance(spec: SpecFile<'_>, settings: &Settings, diagnostics: &mut diagnostics::Diagnostics) {
    let Some(expected) = &settings.source.sha256 else { return };
    let actual = hex::encode(Sha256::digest(spec.contents));
    if !expected.eq_ignore_ascii_case(&actual) {
        diagnostics.error(
            Location::File,
            format!(
                "the file's SHA-256 is {actual}, but the provider settings record {expected}; if the spec was updated on purpose, record the new hash and its source in `[source]`"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each runtime source becomes one TOML inline table, its values quoted as TOML strings
    /// (Windows paths and quotes included), without the runtime's default features, and the
    /// TLS and `tracing` features are forwarded to it.
    #[test]
    fn standalone_manifests_name_the_runtime_as_told() {
        let spec = b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n";
        let cases = [
            (RuntimeSource::Path("../client-runtime".into()), vec![("path", "../client-runtime")]),
            (
                RuntimeSource::Path(r#"C:\odd "name"\client-runtime"#.into()),
                vec![("path", r#"C:\odd "name"\client-runtime"#)],
            ),
            (
                RuntimeSource::Git { url: "https://example.com/org/repo".into(), rev: "3f2a9c1".into() },
                vec![("git", "https://example.com/org/repo"), ("rev", "3f2a9c1")],
            ),
            (RuntimeSource::Version("0.1".into()), vec![("version", "0.1")]),
        ];
        for (runtime, expected) in cases {
            for dependencies in [
                Dependencies::Standalone { runtime: runtime.clone() },
                Dependencies::Member { runtime: runtime.clone() },
            ] {
                let standalone = matches!(dependencies, Dependencies::Standalone { .. });
                let options = Options { command: "test".into(), dependencies };
                let generated =
                    generate(SpecFile { path: "t.yaml", contents: spec }, &Settings::for_crate("t"), &options)
                        .expect("the spec generates");
                let manifest = &generated.files.iter().find(|f| f.path == "Cargo.toml").expect("a manifest").contents;
                let parsed: toml::Table = toml::from_str(manifest).expect("the manifest is TOML");
                let dependency = parsed["dependencies"]["client-runtime"].as_table().expect("an inline table");
                let found: Vec<(&str, &str)> = dependency
                    .iter()
                    .filter(|(key, _)| *key != "default-features")
                    .map(|(key, value)| (key.as_str(), value.as_str().expect("a string")))
                    .collect();
                assert_eq!(found, expected, "{manifest}");
                // The runtime's TLS backend is chosen through the crate's own features.
                assert_eq!(dependency["default-features"].as_bool(), Some(false), "{manifest}");
                assert_eq!(parsed["features"]["default"][0].as_str(), Some("rustls-ring"));
                for feature in ["rustls-ring", "rustls-aws-lc", "native-tls", "tracing"] {
                    let forwarded = format!("client-runtime/{feature}");
                    assert_eq!(parsed["features"][feature][0].as_str(), Some(forwarded.as_str()), "{manifest}");
                }
                assert_eq!(parsed.contains_key("workspace"), standalone, "{manifest}");
            }
        }
    }

    /// The client's own methods are written by hand in the emitter and listed in
    /// [`ir::CLIENT_METHODS`] for lowering to keep operations off them; the two must agree.
    #[test]
    fn the_emitted_client_has_exactly_the_listed_own_methods() {
        let spec = b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\nservers: [{url: 'https://x.example'}]\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '204': {description: none}\n";
        let options = Options { command: "test".into(), dependencies: Dependencies::Workspace };
        let generated = generate(SpecFile { path: "t.yaml", contents: spec }, &Settings::for_crate("t"), &options)
            .expect("the spec generates");
        let client = generated.files.iter().find(|f| f.path == "src/client.rs").expect("client.rs is generated");
        let file = syn::parse_file(&client.contents).expect("client.rs parses");
        let mut own: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Impl(block)
                    if block.trait_.is_none()
                        && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client")) =>
                {
                    Some(block)
                }
                _ => None,
            })
            .flat_map(|block| &block.items)
            .filter_map(|item| match item {
                syn::ImplItem::Fn(function) => Some(function.sig.ident.to_string()),
                _ => None,
            })
            .filter(|name| !["get_a", "get_a_with_response"].contains(&name.as_str()))
            .collect();
        own.sort();
        let mut listed: Vec<String> = ir::CLIENT_METHODS.iter().map(|name| (*name).to_owned()).collect();
        listed.sort();
        assert_eq!(own, listed);
    }
}
