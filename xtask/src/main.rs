//! `cargo xtask`: regenerate the provider crates, check they are fresh, generate a crate from any
//! spec, refresh vendored specs from upstream, compare two specs, or sweep folders of specs
//! through the generator and clippy. Run `cargo xtask help` for usage.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};

/// mimalloc instead of glibc's malloc: generating allocates many small strings and token trees
/// on several threads, where glibc's allocator was a third of the run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage:
  cargo xtask codegen [PROVIDER...] [--check]
      Regenerate crates/<provider> from specs/<provider> (all providers when none is named).
      --check   write nothing; fail and show a diff if any generated file is stale.
  cargo xtask generate --spec FILE --out DIR [--name NAME] [--settings FILE] [--runtime SOURCE]
      Generate a standalone client crate from any OpenAPI 3.0/3.1 spec (YAML or JSON).
      --runtime where the crate's `client-runtime` dependency comes from:
                path:DIR      a folder holding the runtime crate, written relative to --out
                              when possible (default: this workspace's crates/client-runtime)
                git:URL@REV   a git repository at a revision (commit hash, tag or branch),
                              e.g. git:https://github.com/org/repo@3f2a9c1
                version:REQ   a version requirement from crates.io, e.g. version:0.1
  cargo xtask refresh [PROVIDER...] [--check] [--json] [--timeout SECONDS]
      Download each provider's spec again (the docs page's yaml fence, or the spec URL, as
      specs/<provider>/provider.toml says); when it changed, regenerate the crate, bump its
      version by the change report's verdict, and add the report to crates/<provider>/CHANGELOG.md.
      --check   write nothing; exit non-zero when any upstream spec differs or fails.
      --json    print the results as JSON on stdout (progress stays on stderr).
      --timeout limit for each download (default 30 s).
  cargo xtask diff OLD NEW [--json] [--settings FILE]
      The change report between two spec files: what changed for a Rust caller of the
      generated crate, each change breaking, additive or docs-only, and the verdict.
  cargo xtask sweep DIR... [--jobs N] [--out DIR] [--no-compile] [--json] [--timeout SECONDS]
                          [--require-clean]
      Generate every OpenAPI 3.x spec (.yaml, .yml, .json) under the folders (other files are
      skipped) as one member crate each of a scratch workspace, then run `cargo clippy
      --workspace --all-targets --keep-going -- -D warnings` over it (offline, with this
      workspace's Cargo.lock). Prints one row per spec (dialect, operations, types, generator
      warnings, outcome: clippy-clean, clippy-fails, refused, panicked or timed-out, and the
      first error with its location) and the totals. Settings are read from a `<stem>.toml`
      beside a spec, or `provider.toml` beside an `openapi.*` file.
      --jobs       specs generated at once (default: the number of cores); passed to cargo.
      --out        the scratch workspace (default target/sweep; its target/ folder is the
                   build folder unless CARGO_TARGET_DIR is set).
      --no-compile generate only (outcome `generated`).
      --json       print the rows and totals as JSON on stdout (progress stays on stderr).
      --timeout    limit for generating one spec (default 120 s).
      --require-clean
                   exit non-zero unless every spec is clippy-clean (generated, with
                   --no-compile), after printing the rows and totals; for CI.
      Otherwise exits non-zero only when the sweep itself cannot run, not for specs that fail.
";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> anyhow::Result<()> {
    let root = xtask::workspace_root();
    let (command, rest) = args.split_first().map(|(c, r)| (c.as_str(), r)).unwrap_or(("help", &[]));
    match command {
        "codegen" => {
            let mut check = false;
            let mut only = Vec::new();
            for arg in rest {
                match arg.as_str() {
                    "--check" => check = true,
                    flag if flag.starts_with('-') => bail!("unknown flag `{flag}` for codegen\n\n{USAGE}"),
                    provider => only.push(provider.to_owned()),
                }
            }
            let mode = if check { xtask::Mode::Check } else { xtask::Mode::Write };
            let report = xtask::codegen(&root, &only, mode)?;
            eprint!("{}", report.render(mode));
            if mode == xtask::Mode::Check && !report.is_fresh() {
                bail!("generated files are stale; run `cargo xtask codegen` to update them");
            }
            Ok(())
        }
        "generate" => {
            let mut spec = None;
            let mut out = None;
            let mut name = None;
            let mut settings = None;
            let mut runtime = None;
            let mut iter = rest.iter();
            while let Some(arg) = iter.next() {
                let mut value = || iter.next().cloned().with_context(|| format!("`{arg}` needs a value\n\n{USAGE}"));
                match arg.as_str() {
                    "--spec" => spec = Some(PathBuf::from(value()?)),
                    "--out" => out = Some(PathBuf::from(value()?)),
                    "--name" => name = Some(value()?),
                    "--settings" => settings = Some(PathBuf::from(value()?)),
                    "--runtime" => runtime = Some(xtask::runtime::RuntimeChoice::parse(&value()?)?),
                    other => bail!("unexpected argument `{other}` for generate\n\n{USAGE}"),
                }
            }
            let spec = spec.with_context(|| format!("generate needs --spec FILE\n\n{USAGE}"))?;
            let out = out.with_context(|| format!("generate needs --out DIR\n\n{USAGE}"))?;
            let written =
                xtask::generate_standalone(&root, &spec, &out, name.as_deref(), settings.as_deref(), runtime.as_ref())?;
            for warning in &written.warnings {
                eprintln!("{warning}");
            }
            eprintln!("{}", written.schema_count.summary());
            eprintln!(
                "wrote {} files to {}; try it with `cargo check --manifest-path {}`",
                written.files,
                out.display(),
                out.join("Cargo.toml").display()
            );
            Ok(())
        }
        "refresh" => {
            let mut check = false;
            let mut json = false;
            let mut timeout = Duration::from_secs(30);
            let mut only = Vec::new();
            let mut iter = rest.iter();
            while let Some(arg) = iter.next() {
                match arg.as_str() {
                    "--check" => check = true,
                    "--json" => json = true,
                    "--timeout" => {
                        let value =
                            iter.next().with_context(|| format!("`--timeout` needs a number of seconds\n\n{USAGE}"))?;
                        timeout = seconds(value)?;
                    }
                    flag if flag.starts_with('-') => bail!("unknown flag `{flag}` for refresh\n\n{USAGE}"),
                    provider => only.push(provider.to_owned()),
                }
            }
            let today = jiff::tz::Offset::UTC.to_datetime(jiff::Timestamp::now()).date().to_string();
            let options = xtask::refresh::RefreshOptions { check, timeout, today };
            let results = xtask::refresh::refresh(&root, &only, &options, &mut |line| eprintln!("{line}"))?;
            if json {
                let values: Vec<serde_json::Value> =
                    results.iter().map(xtask::refresh::ProviderRefresh::to_json).collect();
                println!("{}", serde_json::to_string_pretty(&values)?);
            } else {
                for result in &results {
                    if let xtask::refresh::Outcome::Changed(changed) = &result.outcome {
                        println!(
                            "== {} ({} -> {}) ==\n{}",
                            result.provider,
                            changed.old_version,
                            changed.new_version,
                            changed.report.render_text()
                        );
                    }
                }
            }
            let failed: Vec<&str> = results
                .iter()
                .filter(|r| matches!(r.outcome, xtask::refresh::Outcome::Failed(_)))
                .map(|r| r.provider.as_str())
                .collect();
            let changed: Vec<&str> = results
                .iter()
                .filter(|r| matches!(r.outcome, xtask::refresh::Outcome::Changed(_)))
                .map(|r| r.provider.as_str())
                .collect();
            let unchanged = results.len() - failed.len() - changed.len();
            eprintln!(
                "refresh: {} changed{}, {unchanged} unchanged, {} failed{}",
                changed.len(),
                if changed.is_empty() { String::new() } else { format!(" ({})", changed.join(", ")) },
                failed.len(),
                if failed.is_empty() { String::new() } else { format!(" ({})", failed.join(", ")) },
            );
            if !failed.is_empty() {
                bail!(
                    "refresh failed for {}; nothing was written for {}",
                    failed.join(", "),
                    if failed.len() == 1 { "it" } else { "them" }
                );
            }
            if check && !changed.is_empty() {
                bail!("upstream specs differ for {}; run `cargo xtask refresh` to update them", changed.join(", "));
            }
            Ok(())
        }
        "diff" => {
            let mut json = false;
            let mut settings = None;
            let mut files = Vec::new();
            let mut iter = rest.iter();
            while let Some(arg) = iter.next() {
                match arg.as_str() {
                    "--json" => json = true,
                    "--settings" => {
                        settings = Some(PathBuf::from(
                            iter.next().with_context(|| format!("`--settings` needs a file\n\n{USAGE}"))?,
                        ))
                    }
                    flag if flag.starts_with('-') => bail!("unknown flag `{flag}` for diff\n\n{USAGE}"),
                    file => files.push(PathBuf::from(file)),
                }
            }
            let [old, new] = files.as_slice() else { bail!("diff needs two spec files, OLD and NEW\n\n{USAGE}") };
            let report = xtask::refresh::diff(old, new, settings.as_deref())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report.to_json())?);
            } else {
                print!("{}", report.render_text());
            }
            Ok(())
        }
        "sweep" => {
            let mut options = xtask::sweep::SweepOptions {
                inputs: Vec::new(),
                out: root.join("target").join("sweep"),
                jobs: None,
                compile: true,
                timeout: xtask::sweep::DEFAULT_TIMEOUT,
                worker: std::env::current_exe().context("cannot find the xtask executable")?,
            };
            let mut json = false;
            let mut require_clean = false;
            let mut iter = rest.iter();
            while let Some(arg) = iter.next() {
                let mut value = || iter.next().with_context(|| format!("`{arg}` needs a value\n\n{USAGE}"));
                match arg.as_str() {
                    "--jobs" => {
                        let value = value()?;
                        let jobs = value.parse().ok().filter(|n: &usize| *n > 0);
                        options.jobs =
                            Some(jobs.with_context(|| format!("`--jobs {value}` is not a positive number"))?);
                    }
                    "--out" => options.out = PathBuf::from(value()?),
                    "--timeout" => options.timeout = seconds(value()?)?,
                    "--no-compile" => options.compile = false,
                    "--json" => json = true,
                    "--require-clean" => require_clean = true,
                    flag if flag.starts_with('-') => bail!("unknown flag `{flag}` for sweep\n\n{USAGE}"),
                    input => options.inputs.push(PathBuf::from(input)),
                }
            }
            if options.inputs.is_empty() {
                bail!("sweep needs at least one folder of specs\n\n{USAGE}");
            }
            let sweep = xtask::sweep::sweep(&root, &options, &mut |line| eprintln!("{line}"))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&sweep.to_json())?);
            } else {
                print!("{}", sweep.render_table());
            }
            let short = sweep.not_clean();
            if require_clean && short > 0 {
                let wanted = if sweep.compiled { "clippy-clean" } else { "generated" };
                bail!("--require-clean: {short} of {} spec(s) are not {wanted} (see the rows above)", sweep.rows.len());
            }
            Ok(())
        }
        // Not in the usage: `sweep` runs this in a child process per spec, so a panic or a hang in
        // the generator is that spec's result. Prints one JSON object.
        "sweep-worker" => {
            let [spec, crate_name, crate_dir] = rest else { bail!("sweep-worker SPEC CRATE_NAME CRATE_DIR") };
            let generation = xtask::sweep::generate_member(&root, Path::new(spec), crate_name, Path::new(crate_dir))?;
            println!("{}", generation.to_json());
            Ok(())
        }
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

/// A `--timeout` value: a positive number of seconds.
fn seconds(value: &str) -> anyhow::Result<Duration> {
    let seconds: f64 = value
        .parse()
        .ok()
        .filter(|s: &f64| s.is_finite() && *s > 0.0)
        .with_context(|| format!("`--timeout {value}` is not a positive number of seconds"))?;
    Ok(Duration::from_secs_f64(seconds))
}
