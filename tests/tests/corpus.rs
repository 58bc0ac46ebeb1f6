//! Every real-world spec in `tests/corpus` and every construct fixture in `tests/fixtures`
//! generates a crate, and all of them compile clippy-clean with `-D warnings`.
//!
//! The crates are generated into one workspace under `target/corpus-check` and compiled by a
//! single `cargo clippy --workspace`, so shared dependencies are built once.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// Runs cargo in the check workspace, with its own target folder.
fn cargo_in(workspace: &Path, args: &[&str]) -> Output {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(args)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", workspace.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs")
}

#[test]
fn every_corpus_spec_and_fixture_compiles_clippy_clean_and_fixtures_behave() {
    let root = workspace_root();
    let specs = xtask::checked_specs(&root).expect("specs are listed");
    // The expected numbers come from files that list the same specs independently: the corpus's
    // provenance table, and the snapshot every construct fixture has.
    let corpus = specs.iter().filter(|s| s.name.starts_with("corpus-")).count();
    let fixtures = specs.iter().filter(|s| s.name.starts_with("fixture-")).count();
    let sources = std::fs::read_to_string(root.join("tests/corpus/SOURCES.tsv")).expect("the corpus lists its sources");
    let listed = sources.lines().skip(1).filter(|line| !line.trim().is_empty()).count();
    assert_eq!(corpus, listed, "every spec in tests/corpus/SOURCES.tsv is checked, and nothing else");
    let snapshots = std::fs::read_dir(root.join("tests/tests/snapshots"))
        .expect("the snapshots are listed")
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("generator__construct_fixtures@"))
        .count();
    assert_eq!(fixtures, snapshots, "every construct fixture (each has a snapshot) is compiled too");

    let out = root.join("target").join("corpus-check");
    let warnings = xtask::generate_check_workspace(&root, &specs, &out).unwrap_or_else(|error| panic!("{error:#}"));
    for warning in &warnings {
        eprintln!("{warning}");
    }

    let output = cargo_in(&out, &["clippy", "--workspace", "--all-targets", "--offline", "--", "-D", "warnings"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let problems: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error") || l.starts_with("warning")).collect();
    assert!(output.status.success(), "generated crates fail clippy:\n{}\n\n{stderr}", problems.join("\n"));
    // Crates with a feature per tag compile with any of them: with none; the construct
    // fixture with each alone; the corpus crates with their first alone. Turning off the
    // default features turns off TLS too, so the default backend is named with each.
    for spec in &specs {
        let manifest = std::fs::read_to_string(out.join(&spec.name).join("Cargo.toml")).expect("a manifest");
        let Some(full) = manifest.lines().find_map(|line| line.strip_prefix("full = [")) else { continue };
        let features: Vec<&str> = full.trim_end_matches(']').split(", ").map(|f| f.trim_matches('"')).collect();
        let picked: Vec<&str> = if spec.name.starts_with("fixture-") { features.clone() } else { vec![features[0]] };
        for selection in std::iter::once("").chain(picked) {
            let features =
                if selection.is_empty() { "rustls-ring".to_owned() } else { format!("rustls-ring,{selection}") };
            let mut args = vec!["clippy", "--package", spec.name.as_str(), "--offline", "--no-default-features"];
            args.extend(["--features", features.as_str()]);
            args.extend(["--", "-D", "warnings"]);
            let output = cargo_in(&out, &args);
            assert!(
                output.status.success(),
                "{} fails with features [{selection}]:\n{}",
                spec.name,
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    // The fixture crates also behave as their specs say (tests/behavior/lib.rs).
    let output = cargo_in(&out, &["test", "--package", "behavior", "--offline"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "behaviour tests failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let behavior =
        std::fs::read_to_string(root.join("tests/behavior/lib.rs")).expect("the behaviour tests are readable");
    let expected = behavior.lines().filter(|line| matches!(line.trim(), "#[test]" | "#[tokio::test]")).count();
    assert!(
        stdout.contains(&format!("test result: ok. {expected} passed")),
        "expected the {expected} behaviour tests to run:\n{stdout}"
    );

    // `--workspace` checks every member; make sure every spec is one.
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("the workspace manifest was written");
    for spec in &specs {
        assert!(
            manifest.contains(&format!("{:?}", spec.name)),
            "{} is not a member of the checked workspace",
            spec.name
        );
        assert!(out.join(&spec.name).join("src/client.rs").is_file(), "{} was not generated", spec.name);
    }
}
