//! `cargo xtask`: regenerate the provider crates, check they are fresh, or generate a crate from
//! any spec. Run `cargo xtask help` for usage.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};

const USAGE: &str = "\
usage:
  cargo xtask codegen [PROVIDER...] [--check]
      Regenerate crates/<provider> from specs/<provider> (all providers when none is named).
      --check   write nothing; fail and show a diff if any generated file is stale.
  cargo xtask generate --spec FILE --out DIR [--name NAME] [--settings FILE]
      Generate a standalone client crate from any OpenAPI 3.0/3.1 spec (YAML or JSON).
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
            let mut iter = rest.iter();
            while let Some(arg) = iter.next() {
                let mut value = || iter.next().cloned().with_context(|| format!("`{arg}` needs a value\n\n{USAGE}"));
                match arg.as_str() {
                    "--spec" => spec = Some(PathBuf::from(value()?)),
                    "--out" => out = Some(PathBuf::from(value()?)),
                    "--name" => name = Some(value()?),
                    "--settings" => settings = Some(PathBuf::from(value()?)),
                    other => bail!("unexpected argument `{other}` for generate\n\n{USAGE}"),
                }
            }
            let spec = spec.with_context(|| format!("generate needs --spec FILE\n\n{USAGE}"))?;
            let out = out.with_context(|| format!("generate needs --out DIR\n\n{USAGE}"))?;
            let written = xtask::generate_standalone(&root, &spec, &out, name.as_deref(), settings.as_deref())?;
            for warning in &written.warnings {
                eprintln!("{warning}");
            }
            eprintln!(
                "wrote {} files to {}; try it with `cargo check --manifest-path {}`",
                written.files,
                out.display(),
                out.join("Cargo.toml").display()
            );
            Ok(())
        }
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}
