//! The file-touching shell around the `codegen` library: finds the providers under `specs/`,
//! generates every crate in memory, and only then writes (atomically) or checks the files.
//!
//! One function, [`ensure_files`], serves both writing and checking, so `--check` can never
//! disagree with what a write would produce.

pub mod fetch;
pub mod refresh;
pub mod runtime;
pub mod sweep;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use codegen::{Dependencies, GeneratedFile, Options, RuntimeSource, Settings, SpecFile};

use crate::runtime::RuntimeChoice;

/// The command every generated file names in its header.
pub const CODEGEN_COMMAND: &str = "cargo xtask codegen";

/// The settings file next to each vendored spec.
pub const SETTINGS_FILE: &str = "provider.toml";

/// The spec file names looked for in a provider's folder, in order.
pub const SPEC_FILES: [&str; 3] = ["openapi.yaml", "openapi.yml", "openapi.json"];

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// A provider: a folder under `specs/` with a spec and a settings file.
#[derive(Debug, Clone)]
pub struct Provider {
    /// The folder name, which is also the crate's folder under `crates/`.
    pub name: String,
    /// The spec file.
    pub spec: PathBuf,
    /// The settings file.
    pub settings: PathBuf,
}

/// Every provider under `root/specs`, sorted by name.
pub fn providers(root: &Path) -> anyhow::Result<Vec<Provider>> {
    let specs = root.join("specs");
    let mut providers = Vec::new();
    let entries = fs::read_dir(&specs).with_context(|| format!("cannot read {}", specs.display()))?;
    for entry in entries {
        let dir = entry?.path();
        let settings = dir.join(SETTINGS_FILE);
        if !settings.is_file() {
            continue;
        }
        let Some(spec) = SPEC_FILES.iter().map(|f| dir.join(f)).find(|p| p.is_file()) else {
            bail!("{} has a {SETTINGS_FILE} but no spec (expected one of {})", dir.display(), SPEC_FILES.join(", "));
        };
        let name = dir.file_name().and_then(|n| n.to_str()).context("a provider folder name is not UTF-8")?.to_owned();
        providers.push(Provider { name, spec, settings });
    }
    providers.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(providers)
}

/// Write the files, or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write changed files and remove stale generated ones.
    Write,
    /// Change nothing; report what differs.
    Check,
}

/// What [`codegen()`] found or did.
#[derive(Debug, Default)]
pub struct Report {
    /// Files whose contents differ from what is generated (or that are missing), with a diff.
    pub stale: Vec<(PathBuf, String)>,
    /// Generated files on disk that the generator no longer produces.
    pub orphaned: Vec<PathBuf>,
    /// Files that were already up to date.
    pub fresh: usize,
    /// Warnings from the generator.
    pub warnings: Vec<String>,
    /// One line per provider: how many of its schemas were typed.
    pub schema_counts: Vec<String>,
}

impl Report {
    /// Whether nothing is stale.
    pub fn is_fresh(&self) -> bool {
        self.stale.is_empty() && self.orphaned.is_empty()
    }

    /// A summary for the terminal.
    pub fn render(&self, mode: Mode) -> String {
        let mut out = String::new();
        for warning in &self.warnings {
            let _ = writeln!(out, "{warning}");
        }
        for line in &self.schema_counts {
            let _ = writeln!(out, "{line}");
        }
        match mode {
            Mode::Write => {
                for (path, _) in &self.stale {
                    let _ = writeln!(out, "updated {}", path.display());
                }
                for path in &self.orphaned {
                    let _ = writeln!(out, "removed {}", path.display());
                }
                let _ = writeln!(
                    out,
                    "{} file(s) updated, {} removed, {} already up to date",
                    self.stale.len(),
                    self.orphaned.len(),
                    self.fresh
                );
            }
            Mode::Check => {
                for (path, diff) in &self.stale {
                    let _ = writeln!(out, "stale: {}\n{diff}", path.display());
                }
                for path in &self.orphaned {
                    let _ = writeln!(out, "stale: {} is generated but no longer produced", path.display());
                }
                if self.is_fresh() {
                    let _ = writeln!(out, "all {} generated files are up to date", self.fresh);
                } else {
                    let _ = writeln!(
                        out,
                        "{} stale file(s); run `{CODEGEN_COMMAND}` to update them",
                        self.stale.len() + self.orphaned.len()
                    );
                }
            }
        }
        out
    }
}

/// One provider's crate, generated in memory.
#[derive(Debug)]
pub struct ProviderFiles {
    /// `(path relative to the workspace root, contents)` pairs.
    pub files: Vec<(PathBuf, String)>,
    /// Generator warnings.
    pub warnings: Vec<String>,
    /// How many schemas were typed, and which fell back to `serde_json::Value`.
    pub schema_count: codegen::ir::SchemaCount,
}

/// A path as messages and generated headers show it: relative to the root, with `/`.
pub fn display_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Generates one provider's crate in memory.
pub fn generate_provider(root: &Path, provider: &Provider) -> anyhow::Result<ProviderFiles> {
    let settings_name = display_path(root, &provider.settings);
    let settings_text =
        fs::read_to_string(&provider.settings).with_context(|| format!("cannot read {settings_name}"))?;
    let spec_name = display_path(root, &provider.spec);
    let contents = fs::read(&provider.spec).with_context(|| format!("cannot read {spec_name}"))?;
    generate_provider_from(root, provider, &contents, &settings_text)
}

/// Generates one provider's crate in memory from a spec and settings text that need not be on
/// disk yet (refresh generates from what it downloaded before writing anything).
pub fn generate_provider_from(
    root: &Path,
    provider: &Provider,
    contents: &[u8],
    settings_text: &str,
) -> anyhow::Result<ProviderFiles> {
    let settings =
        Settings::from_toml(&display_path(root, &provider.settings), settings_text).map_err(anyhow::Error::new)?;
    let spec_name = display_path(root, &provider.spec);
    let options = Options { command: CODEGEN_COMMAND.to_owned(), dependencies: Dependencies::Workspace };
    let generated = codegen::generate(SpecFile { path: &spec_name, contents }, &settings, &options)
        .map_err(anyhow::Error::new)
        .with_context(|| format!("cannot generate the `{}` crate", provider.name))?;
    let crate_dir = Path::new("crates").join(&provider.name);
    let files =
        generated.files.into_iter().map(|GeneratedFile { path, contents }| (crate_dir.join(path), contents)).collect();
    Ok(ProviderFiles {
        files,
        warnings: generated.warnings.iter().map(ToString::to_string).collect(),
        schema_count: generated.schema_count,
    })
}

/// `cargo xtask codegen`: generates every provider (or those named) in memory first, so a bad
/// spec stops the run before any file is touched; then writes or checks.
pub fn codegen(root: &Path, only: &[String], mode: Mode) -> anyhow::Result<Report> {
    let all = providers(root)?;
    for name in only {
        if !all.iter().any(|p| &p.name == name) {
            let known: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
            bail!("no provider `{name}` under specs/ (known: {})", known.join(", "));
        }
    }
    let selected: Vec<&Provider> = all.iter().filter(|p| only.is_empty() || only.contains(&p.name)).collect();
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    let mut schema_counts = Vec::new();
    let mut failures = Vec::new();
    for provider in &selected {
        match generate_provider(root, provider) {
            Ok(generated) => {
                files.push((root.join("crates").join(&provider.name), generated.files));
                warnings.extend(generated.warnings);
                schema_counts.push(format!("{}: {}", provider.name, generated.schema_count.summary()));
            }
            Err(error) => failures.push(format!("{error:#}")),
        }
    }
    if !failures.is_empty() {
        bail!("{}\nnothing was written", failures.join("\n"));
    }
    let mut report = Report { warnings, schema_counts, ..Report::default() };
    for (crate_dir, generated) in files {
        ensure_files(root, &crate_dir, &generated, mode, &mut report)?;
    }
    Ok(report)
}

/// Makes the files under `crate_dir` match `generated` (or, in check mode, reports how they
/// differ), and removes generated files that are no longer produced.
pub fn ensure_files(
    root: &Path,
    crate_dir: &Path,
    generated: &[(PathBuf, String)],
    mode: Mode,
    report: &mut Report,
) -> anyhow::Result<()> {
    for (relative, contents) in generated {
        let path = root.join(relative);
        // A checkout that turned line endings into CRLF (git's `core.autocrlf` on Windows) holds
        // the same text; only the content counts.
        let current = fs::read_to_string(&path).ok().map(|text| text.replace("\r\n", "\n"));
        if current.as_deref() == Some(contents.as_str()) {
            report.fresh += 1;
            continue;
        }
        if mode == Mode::Write {
            write_atomically(&path, contents)?;
        }
        report.stale.push((relative.clone(), diff(current.as_deref().unwrap_or(""), contents, relative)));
    }
    for existing in generated_files_in(crate_dir)? {
        let relative = existing.strip_prefix(root).unwrap_or(&existing).to_path_buf();
        if generated.iter().any(|(path, _)| *path == relative) {
            continue;
        }
        if mode == Mode::Write {
            fs::remove_file(&existing).with_context(|| format!("cannot remove {}", existing.display()))?;
        }
        report.orphaned.push(relative);
    }
    Ok(())
}

/// Files under `dir` whose first line carries the `@generated` marker.
pub(crate) fn generated_files_in(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    if !dir.is_dir() {
        return Ok(found);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current).with_context(|| format!("cannot read {}", current.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(text) = fs::read_to_string(&path)
                && text.lines().next().is_some_and(|line| line.contains("@generated by `"))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Writes through a temporary file in the same folder and renames it into place, so a reader
/// (or a crash) never sees a half-written file.
pub fn write_atomically(path: &Path, contents: impl AsRef<[u8]>) -> anyhow::Result<()> {
    let dir = path.parent().context("a generated file has no parent folder")?;
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temporary = dir.join(format!(".{file_name}.xtask-tmp"));
    fs::write(&temporary, contents).with_context(|| format!("cannot write {}", temporary.display()))?;
    fs::rename(&temporary, path).with_context(|| format!("cannot move {} into place", path.display()))?;
    Ok(())
}

/// A unified diff, cut short when long.
fn diff(old: &str, new: &str, path: &Path) -> String {
    const MAX_LINES: usize = 120;
    let name = path.display().to_string();
    let text = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&format!("{name} (on disk)"), &format!("{name} (generated)"))
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= MAX_LINES {
        return text;
    }
    format!("{}\n... ({} more diff lines)\n", lines[..MAX_LINES].join("\n"), lines.len() - MAX_LINES)
}

/// What [`generate_standalone`] wrote.
#[derive(Debug)]
pub struct Standalone {
    /// How many files.
    pub files: usize,
    /// Generator warnings.
    pub warnings: Vec<String>,
    /// How many schemas were typed, and which fell back to `serde_json::Value`.
    pub schema_count: codegen::ir::SchemaCount,
}

/// `cargo xtask generate`: a standalone crate from any spec, which builds where it is written.
///
/// Its `client-runtime` dependency comes from `runtime`; without one, it is this workspace's
/// `crates/client-runtime`, by a path relative to `out` (so the two can move together).
pub fn generate_standalone(
    root: &Path,
    spec: &Path,
    out: &Path,
    name: Option<&str>,
    settings: Option<&Path>,
    runtime: Option<&RuntimeChoice>,
) -> anyhow::Result<Standalone> {
    let default_runtime = RuntimeChoice::Path(root.join("crates").join("client-runtime"));
    let runtime_source = runtime.unwrap_or(&default_runtime).resolve(out)?;
    let contents = fs::read(spec).with_context(|| format!("cannot read {}", spec.display()))?;
    let spec_name = spec.display().to_string();
    let mut settings = match settings {
        Some(path) => {
            let text = fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            Settings::from_toml(&path.display().to_string(), &text).map_err(anyhow::Error::new)?
        }
        None => {
            let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
            let words: Vec<&str> = stem.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
            let mut name = words.join("-").to_ascii_lowercase();
            if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                name.insert_str(0, "api-");
            }
            Settings::for_crate(&name)
        }
    };
    if let Some(name) = name {
        settings.package.name = name.to_owned();
    }
    let valid = settings.package.name.starts_with(|c: char| c.is_ascii_alphabetic())
        && settings.package.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        bail!(
            "`{}` is not a valid crate name: use ASCII letters, digits, `-` and `_`, starting with a letter",
            settings.package.name
        );
    }
    let mut command = format!("cargo xtask generate --spec {}", spec.display());
    if let Some(runtime) = runtime {
        command.push_str(&format!(" --runtime {runtime}"));
    }
    let options = Options { command, dependencies: Dependencies::Standalone { runtime: runtime_source } };
    let generated = codegen::generate(SpecFile { path: &spec_name, contents: &contents }, &settings, &options)
        .map_err(anyhow::Error::new)?;
    for file in &generated.files {
        write_atomically(&out.join(&file.path), &file.contents)?;
    }
    Ok(Standalone {
        files: generated.files.len(),
        warnings: generated.warnings.iter().map(ToString::to_string).collect(),
        schema_count: generated.schema_count,
    })
}

/// A spec to compile-check, and the crate name to generate it as.
#[derive(Debug, Clone)]
pub struct CheckedSpec {
    /// The crate name (and folder name).
    pub name: String,
    /// The spec file.
    pub spec: PathBuf,
}

/// Every spec the compile check covers: the corpus (`tests/corpus`) and the construct fixtures
/// (`tests/fixtures`, with their optional `.toml` settings).
pub fn checked_specs(root: &Path) -> anyhow::Result<Vec<CheckedSpec>> {
    let mut specs = Vec::new();
    for (folder, prefix) in [("tests/corpus", "corpus"), ("tests/fixtures", "fixture")] {
        let dir = root.join(folder);
        let entries = fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?;
        for entry in entries {
            let path = entry?.path();
            let is_spec = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json"));
            if !is_spec {
                continue;
            }
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
            let words: Vec<&str> = stem.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
            specs.push(CheckedSpec { name: format!("{prefix}-{}", words.join("-").to_ascii_lowercase()), spec: path });
        }
    }
    specs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(specs)
}

/// Generates every spec as a member of one workspace under `out`, with this workspace's
/// `Cargo.lock` so the same dependency versions are used (and no network is needed). Returns
/// the generator's warnings.
pub fn generate_check_workspace(root: &Path, specs: &[CheckedSpec], out: &Path) -> anyhow::Result<Vec<String>> {
    let runtime = root.join("crates").join("client-runtime");
    let runtime = runtime.canonicalize().unwrap_or(runtime);
    let mut warnings = Vec::new();
    let mut members = Vec::new();
    for checked in specs {
        let contents = fs::read(&checked.spec).with_context(|| format!("cannot read {}", checked.spec.display()))?;
        let spec_name = checked.spec.strip_prefix(root).unwrap_or(&checked.spec).display().to_string();
        let settings_path = checked.spec.with_extension("toml");
        let mut settings = match fs::read_to_string(&settings_path) {
            Ok(text) => Settings::from_toml(&settings_path.display().to_string(), &text).map_err(anyhow::Error::new)?,
            Err(_) => Settings::for_crate(&checked.name),
        };
        settings.package.name = checked.name.clone();
        let options = Options {
            command: format!("cargo xtask generate --spec {spec_name}"),
            dependencies: Dependencies::Member { runtime: RuntimeSource::Path(runtime.display().to_string()) },
        };
        let generated = codegen::generate(SpecFile { path: &spec_name, contents: &contents }, &settings, &options)
            .map_err(anyhow::Error::new)?;
        warnings.extend(generated.warnings.iter().map(ToString::to_string));
        for file in &generated.files {
            write_if_changed(&out.join(&checked.name).join(&file.path), &file.contents)?;
        }
        members.push(format!("    {:?},", checked.name));
    }
    write_behavior_crate(root, specs, out)?;
    members.push("    \"behavior\",".to_owned());
    let manifest = format!(
        "# Generated by the corpus compile check; every crate here is generated.\n[workspace]\nresolver = \"3\"\nmembers = [\n{}\n]\n",
        members.join("\n")
    );
    write_if_changed(&out.join("Cargo.toml"), &manifest)?;
    let lock = fs::read_to_string(root.join("Cargo.lock")).context("cannot read Cargo.lock")?;
    write_if_changed(&out.join("Cargo.lock"), &lock)?;
    Ok(warnings)
}

/// The crate that tests the fixture crates' behaviour at run time: `tests/behavior/lib.rs`,
/// with a manifest that depends on every fixture crate.
fn write_behavior_crate(root: &Path, specs: &[CheckedSpec], out: &Path) -> anyhow::Result<()> {
    let source = root.join("tests/behavior/lib.rs");
    let lib = fs::read_to_string(&source).with_context(|| format!("cannot read {}", source.display()))?;
    let mut manifest = String::from(
        "[package]\nname = \"behavior\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dev-dependencies]\n",
    );
    for fixture in specs.iter().filter(|s| s.name.starts_with("fixture-")) {
        manifest.push_str(&format!("{} = {{ path = \"../{}\" }}\n", fixture.name, fixture.name));
    }
    manifest.push_str(
        "futures-util = { version = \"0.3\", default-features = false }\nserde_json = \"1\"\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\nwiremock = \"0.6\"\n",
    );
    write_if_changed(&out.join("behavior/Cargo.toml"), &manifest)?;
    write_if_changed(&out.join("behavior/src/lib.rs"), &lib)
}

/// Writes only when the contents differ, so cargo's fingerprints stay fresh between runs.
pub(crate) fn write_if_changed(path: &Path, contents: &str) -> anyhow::Result<()> {
    if fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    write_atomically(path, contents)
}
