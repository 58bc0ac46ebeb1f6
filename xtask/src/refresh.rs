//! `cargo xtask refresh`: download each provider's spec again, and when it changed, regenerate
//! the crate in memory, compare the generated API with the current one, and only when all of
//! that succeeded write the spec, its provenance, the new version, the crate and the changelog.
//!
//! Each provider is planned completely before anything of it is written, so a download that
//! fails, a page without its fence or a spec that no longer generates leaves every file as it
//! was. Providers are independent: one failing does not stop the others.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use codegen::change::{Report as ChangeReport, Verdict};
use codegen::{RefreshFrom, Settings, SpecFile};
use sha2::{Digest, Sha256};

use crate::fetch::{self, SourceKind};
use crate::{Mode, Provider, Report, display_path, ensure_files, generate_provider_from, providers, write_atomically};

/// How a refresh runs.
#[derive(Debug, Clone)]
pub struct RefreshOptions {
    /// Write nothing; only report what differs upstream.
    pub check: bool,
    /// The limit for each download, connection included.
    pub timeout: Duration,
    /// Today's date (`YYYY-MM-DD`), recorded as the fetch date and in the changelog.
    pub today: String,
}

/// What happened to one provider.
#[derive(Debug)]
pub struct ProviderRefresh {
    /// The provider's folder name.
    pub provider: String,
    /// The URL downloaded (empty when the settings name none).
    pub url: String,
    /// The result.
    pub outcome: Outcome,
}

/// The result of refreshing one provider.
#[derive(Debug)]
pub enum Outcome {
    /// The upstream spec is the vendored one.
    Unchanged,
    /// The upstream spec differs (and, unless checking, was written).
    Changed(Box<Changed>),
    /// Nothing was written for this provider; the message says why.
    Failed(String),
}

/// A changed upstream spec.
#[derive(Debug)]
pub struct Changed {
    /// The change report on the generated Rust API.
    pub report: ChangeReport,
    /// The crate version before.
    pub old_version: String,
    /// The crate version after.
    pub new_version: String,
    /// The fence header before and after, when it changed.
    pub fence: Option<(Option<String>, Option<String>)>,
    /// The new spec's SHA-256.
    pub sha256: String,
    /// The files written (empty when checking).
    pub written: Vec<PathBuf>,
}

impl ProviderRefresh {
    /// One line for the progress output: unchanged, changed with its verdict, or failed.
    pub fn summary_line(&self) -> String {
        match &self.outcome {
            Outcome::Unchanged => format!("{}: unchanged", self.provider),
            Outcome::Changed(changed) => {
                let verdict = verdict_name(changed.report.verdict());
                if changed.old_version == changed.new_version {
                    format!("{}: changed, {verdict} (version stays {})", self.provider, changed.new_version)
                } else {
                    format!(
                        "{}: changed, {verdict} ({} -> {})",
                        self.provider, changed.old_version, changed.new_version
                    )
                }
            }
            Outcome::Failed(message) => format!("{}: failed: {message}", self.provider),
        }
    }

    /// The result as JSON, for `--json`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut value = serde_json::json!({ "provider": self.provider, "url": self.url });
        match &self.outcome {
            Outcome::Unchanged => value["status"] = "unchanged".into(),
            Outcome::Failed(message) => {
                value["status"] = "failed".into();
                value["error"] = message.clone().into();
            }
            Outcome::Changed(changed) => {
                value["status"] = "changed".into();
                value["verdict"] = verdict_name(changed.report.verdict()).into();
                value["old_version"] = changed.old_version.clone().into();
                value["new_version"] = changed.new_version.clone().into();
                value["sha256"] = changed.sha256.clone().into();
                if let Some((before, after)) = &changed.fence {
                    value["fence"] = serde_json::json!({ "before": before, "after": after });
                }
                value["report"] = changed.report.to_json();
            }
        }
        value
    }
}

/// The verdict as the report and the summary spell it.
pub fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Unchanged => "no change to the Rust API",
        Verdict::DocsOnly => "docs only",
        Verdict::Additive => "additive",
        Verdict::Breaking => "breaking",
    }
}

/// Refreshes every provider (or those named), calling `progress` with a line as each one starts
/// and ends. An unknown provider name is an error before anything is downloaded.
pub fn refresh(
    root: &Path,
    only: &[String],
    options: &RefreshOptions,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<Vec<ProviderRefresh>> {
    let all = providers(root)?;
    for name in only {
        if !all.iter().any(|p| &p.name == name) {
            let known: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
            anyhow::bail!("no provider `{name}` under specs/ (known: {})", known.join(", "));
        }
    }
    let mut results = Vec::new();
    for provider in all.iter().filter(|p| only.is_empty() || only.contains(&p.name)) {
        let result = refresh_one(root, provider, options, progress);
        progress(&result.summary_line());
        results.push(result);
    }
    Ok(results)
}

fn refresh_one(
    root: &Path,
    provider: &Provider,
    options: &RefreshOptions,
    progress: &mut dyn FnMut(&str),
) -> ProviderRefresh {
    let settings_text = match fs::read_to_string(&provider.settings) {
        Ok(text) => text,
        Err(error) => {
            let message = format!("cannot read {}: {error}", display_path(root, &provider.settings));
            return ProviderRefresh {
                provider: provider.name.clone(),
                url: String::new(),
                outcome: Outcome::Failed(message),
            };
        }
    };
    let settings = match Settings::from_toml(&display_path(root, &provider.settings), &settings_text) {
        Ok(settings) => settings,
        Err(error) => {
            let outcome = Outcome::Failed(error.to_string());
            return ProviderRefresh { provider: provider.name.clone(), url: String::new(), outcome };
        }
    };
    let Some((url, from)) = settings.source.refresh_url() else {
        let message =
            format!("{} names no `[source] page` or `spec_url` to download", display_path(root, &provider.settings));
        return ProviderRefresh {
            provider: provider.name.clone(),
            url: String::new(),
            outcome: Outcome::Failed(message),
        };
    };
    let url = url.to_owned();
    progress(&format!("{}: fetching {url}", provider.name));
    let outcome = match plan(root, provider, &settings, &settings_text, &url, from, options) {
        Ok(None) => Outcome::Unchanged,
        Ok(Some(plan)) => {
            if options.check {
                Outcome::Changed(Box::new(plan.changed))
            } else {
                match apply(root, provider, plan) {
                    Ok(changed) => Outcome::Changed(Box::new(changed)),
                    Err(error) => Outcome::Failed(format!("{url}: writing failed: {error:#}")),
                }
            }
        }
        Err(message) => Outcome::Failed(format!("{url}: {message}")),
    };
    ProviderRefresh { provider: provider.name.clone(), url, outcome }
}

/// Everything one changed provider will write, computed before anything is.
struct Plan {
    spec: Vec<u8>,
    settings_text: String,
    crate_files: Vec<(PathBuf, String)>,
    changelog: String,
    changed: Changed,
}

/// Downloads, compares and regenerates in memory. `Ok(None)` when upstream is unchanged.
fn plan(
    root: &Path,
    provider: &Provider,
    settings: &Settings,
    settings_text: &str,
    url: &str,
    from: RefreshFrom,
    options: &RefreshOptions,
) -> Result<Option<Plan>, String> {
    let kind = match from {
        RefreshFrom::Page => SourceKind::Page,
        RefreshFrom::SpecUrl => SourceKind::Spec,
    };
    let fetched = fetch::fetch(url, kind, options.timeout)?;
    let spec_name = display_path(root, &provider.spec);
    let current = fs::read(&provider.spec).map_err(|error| format!("cannot read {spec_name}: {error}"))?;
    let fence_changed = kind == SourceKind::Page && fetched.fence != settings.source.fence;
    if fetched.spec == current && !fence_changed {
        return Ok(None);
    }

    // The API as generated today, and as the new spec would generate it.
    let old_api = codegen::lower(SpecFile { path: &spec_name, contents: &current }, settings)
        .map_err(|error| format!("the vendored spec does not generate, so there is nothing to compare with: {error}"))?
        .0;
    let sha256 = sha256_hex(&fetched.spec);
    let mut new_settings = settings.clone();
    new_settings.source.sha256 = Some(sha256.clone());
    let new_api = codegen::lower(SpecFile { path: url, contents: &fetched.spec }, &new_settings)
        .map_err(|error| format!("the new spec does not generate: {error}"))?
        .0;
    let report = codegen::change::compare(&old_api, &new_api);
    let old_version = settings.package.version.clone().unwrap_or_else(|| "0.1.0".to_owned());
    let new_version = report.verdict().next_version(&old_version)?;

    let new_settings_text =
        updated_settings(settings_text, &sha256, &options.today, fetched.fence.as_deref(), &new_version)
            .map_err(|error| format!("cannot update {}: {error}", display_path(root, &provider.settings)))?;
    let generated = generate_provider_from(root, provider, &fetched.spec, &new_settings_text)
        .map_err(|error| format!("the new spec does not generate: {error:#}"))?;
    let fence = fence_changed.then(|| (settings.source.fence.clone(), fetched.fence.clone()));
    let changed = Changed { report, old_version, new_version, fence, sha256, written: Vec::new() };
    let changelog_path = changelog_path(root, provider);
    let existing = fs::read_to_string(&changelog_path).ok();
    let changelog = changelog_with_entry(existing.as_deref(), &provider.name, url, &options.today, &changed);
    Ok(Some(Plan {
        spec: fetched.spec,
        settings_text: new_settings_text,
        crate_files: generated.files,
        changelog,
        changed,
    }))
}

fn changelog_path(root: &Path, provider: &Provider) -> PathBuf {
    root.join("crates").join(&provider.name).join("CHANGELOG.md")
}

/// Writes a plan: the crate first, then the spec and its provenance, then the changelog; each
/// file atomically.
fn apply(root: &Path, provider: &Provider, plan: Plan) -> anyhow::Result<Changed> {
    let mut report = Report::default();
    let crate_dir = root.join("crates").join(&provider.name);
    ensure_files(root, &crate_dir, &plan.crate_files, Mode::Write, &mut report)?;
    let mut written: Vec<PathBuf> = report.stale.into_iter().map(|(path, _)| path).collect();
    write_atomically(&provider.spec, &plan.spec)?;
    write_atomically(&provider.settings, &plan.settings_text)?;
    let changelog = changelog_path(root, provider);
    write_atomically(&changelog, &plan.changelog)?;
    for path in [&provider.spec, &provider.settings, &changelog] {
        written.push(path.strip_prefix(root).unwrap_or(path).to_path_buf());
    }
    let mut changed = plan.changed;
    changed.written = written;
    Ok(changed)
}

/// The settings text with the new provenance and version, comments and layout kept.
fn updated_settings(
    text: &str,
    sha256: &str,
    today: &str,
    fence: Option<&str>,
    version: &str,
) -> Result<String, toml_edit::TomlError> {
    let mut document: toml_edit::DocumentMut = text.parse()?;
    let source = document.entry("source").or_insert(toml_edit::table());
    if let Some(fence) = fence {
        source["fence"] = toml_edit::value(fence);
    }
    source["fetched"] = toml_edit::value(today);
    source["sha256"] = toml_edit::value(sha256);
    let package = document.entry("package").or_insert(toml_edit::table());
    // A version the settings do not state is 0.1.0; it is written once it changes.
    if package.get("version").is_some() || version != "0.1.0" {
        package["version"] = toml_edit::value(version);
    }
    Ok(document.to_string())
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

const CHANGELOG_TITLE: &str = "# Changelog";

/// The changelog with a new entry on top (newest first), created if there is none yet.
fn changelog_with_entry(existing: Option<&str>, provider: &str, url: &str, today: &str, changed: &Changed) -> String {
    let mut entry = format!("## {} ({today})\n\n", changed.new_version);
    let _ = writeln!(
        entry,
        "Refreshed from <{url}> (sha256 `{}`): {}.\n",
        &changed.sha256[..16],
        verdict_name(changed.report.verdict())
    );
    if let Some((before, after)) = &changed.fence {
        let show = |fence: &Option<String>| fence.as_deref().map_or("(none)".to_owned(), |f| format!("`{f}`"));
        let _ = writeln!(entry, "The page's fence header changed from {} to {}.\n", show(before), show(after));
    }
    let text = changed.report.render_text();
    if !text.trim().is_empty() {
        entry.push_str("```text\n");
        entry.push_str(text.trim_end());
        entry.push_str("\n```\n\n");
    }
    match existing {
        // Newest first: the entry goes before the first one already there.
        Some(existing) => match existing.find("\n## ") {
            Some(index) => format!("{}{entry}{}", &existing[..index + 1], &existing[index + 1..]),
            None => format!("{}\n\n{entry}", existing.trim_end()),
        },
        None => format!(
            "{CHANGELOG_TITLE}\n\nChanges to the `{provider}` crate's API, written by `cargo xtask refresh`, newest first.\n\n{entry}"
        ),
    }
}

/// `cargo xtask diff`: the change report between any two spec files, each generated with the
/// same settings (a provider's `provider.toml`, or defaults). The recorded hash is not checked:
/// the point is to compare files that differ.
pub fn diff(old: &Path, new: &Path, settings: Option<&Path>) -> anyhow::Result<ChangeReport> {
    let mut settings = match settings {
        Some(path) => {
            let text = fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            Settings::from_toml(&path.display().to_string(), &text).map_err(anyhow::Error::new)?
        }
        None => Settings::for_crate("api"),
    };
    settings.source.sha256 = None;
    let lower = |path: &Path| -> anyhow::Result<codegen::ir::Api> {
        let contents = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let name = path.display().to_string();
        let (api, _) = codegen::lower(SpecFile { path: &name, contents: &contents }, &settings)
            .map_err(anyhow::Error::new)
            .with_context(|| format!("{name} does not generate"))?;
        Ok(api)
    };
    Ok(codegen::change::compare(&lower(old)?, &lower(new)?))
}
