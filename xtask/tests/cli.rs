//! The `xtask` binary as a user runs it: bad input exits non-zero with a located error and
//! leaves what is on disk untouched; `--check` names stale files and the fixing command;
//! `generate` writes a standalone crate that builds where it was written.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

const GOOD_SPEC: &str = "openapi: 3.1.0
info: {title: Tiny, version: '1'}
servers: [{url: 'https://tiny.example'}]
security: [{Key: []}]
paths:
  /ping:
    get:
      operationId: ping
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {pong: {type: [boolean, 'null']}}}
components:
  securitySchemes:
    Key: {type: apiKey, in: header, name: x-key}
";

#[test]
fn generate_rejects_bad_specs_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(out.join("src")).unwrap();
    fs::write(out.join("src/lib.rs"), "// a crate the user already had\n").unwrap();
    let cases = [
        ("broken.yaml", "openapi: 3.0.3\ninfo: {title: T\n", "broken.yaml:3:"),
        ("empty.yaml", "", "the file is empty"),
        ("swagger.yaml", "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n", "#/swagger"),
    ];
    for (name, contents, expected) in cases {
        let spec = dir.path().join(name);
        fs::write(&spec, contents).unwrap();
        let output = xtask(&["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert!(!output.status.success(), "{name} must fail");
        let message = stderr(&output);
        assert!(message.contains(expected), "{name}: expected `{expected}` in:\n{message}");
        assert!(message.contains(name), "{name}: the error names the file:\n{message}");
        assert_eq!(fs::read_to_string(out.join("src/lib.rs")).unwrap(), "// a crate the user already had\n");
        assert!(!out.join("Cargo.toml").exists(), "{name}: nothing may be written");
    }
}

#[test]
fn a_missing_spec_file_is_a_clear_error() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("never-written");
    let output = xtask(&["generate", "--spec", "/nonexistent/openapi.yaml", "--out", out.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("cannot read /nonexistent/openapi.yaml"), "{}", stderr(&output));
    assert!(!out.exists(), "nothing is written when the spec cannot be read");
}

#[test]
fn unknown_commands_and_flags_print_usage() {
    let output = xtask(&["frobnicate"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("usage:"));
    let output = xtask(&["codegen", "--chekc"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("unknown flag `--chekc`"));
}

#[test]
fn codegen_check_passes_on_this_workspace() {
    let output = xtask(&["codegen", "--check"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("up to date"));
}

/// A copy of the workspace's specs (and one generated crate) in a temporary root.
fn scratch_workspace() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let source = workspace_root();
    for provider in ["perplexity", "videodb"] {
        let specs = root.path().join("specs").join(provider);
        fs::create_dir_all(&specs).unwrap();
        for file in ["openapi.yaml", "provider.toml"] {
            fs::copy(source.join("specs").join(provider).join(file), specs.join(file)).unwrap();
        }
    }
    xtask::codegen(root.path(), &[], xtask::Mode::Write).unwrap();
    root
}

#[test]
fn check_names_stale_files_shows_a_diff_and_the_fix() {
    let root = scratch_workspace();
    let client = root.path().join("crates/videodb/src/client.rs");
    let original = fs::read_to_string(&client).unwrap();
    fs::write(&client, original.replace("pub struct Client", "pub struct Klient")).unwrap();
    fs::remove_file(root.path().join("crates/perplexity/README.md")).unwrap();

    let report = xtask::codegen(root.path(), &[], xtask::Mode::Check).unwrap();
    assert!(!report.is_fresh());
    let rendered = report.render(xtask::Mode::Check);
    assert!(rendered.contains("stale: crates/videodb/src/client.rs"), "{rendered}");
    assert!(rendered.contains("-pub struct Klient") && rendered.contains("+pub struct Client"), "{rendered}");
    assert!(rendered.contains("stale: crates/perplexity/README.md"), "{rendered}");
    assert!(rendered.contains("run `cargo xtask codegen`"), "{rendered}");
    // Check mode wrote nothing.
    assert!(fs::read_to_string(&client).unwrap().contains("Klient"));

    // Writing fixes both, and a second check is clean.
    xtask::codegen(root.path(), &[], xtask::Mode::Write).unwrap();
    assert_eq!(fs::read_to_string(&client).unwrap(), original);
    assert!(xtask::codegen(root.path(), &[], xtask::Mode::Check).unwrap().is_fresh());
}

/// A Windows checkout with `core.autocrlf` holds generated files with CRLF line endings; they
/// are fresh all the same.
#[test]
fn check_accepts_generated_files_with_crlf_line_endings() {
    let root = scratch_workspace();
    let client = root.path().join("crates/videodb/src/client.rs");
    let original = fs::read_to_string(&client).unwrap();
    fs::write(&client, original.replace('\n', "\r\n")).unwrap();
    let report = xtask::codegen(root.path(), &[], xtask::Mode::Check).unwrap();
    assert!(report.is_fresh(), "{}", report.render(xtask::Mode::Check));
}

#[test]
fn a_broken_spec_stops_the_run_before_any_crate_is_touched() {
    let root = scratch_workspace();
    let perplexity = root.path().join("crates/perplexity/src/client.rs");
    let before = fs::read_to_string(&perplexity).unwrap();
    // Make perplexity stale and videodb's spec broken: nothing may be written for either.
    fs::write(&perplexity, "// edited\n").unwrap();
    let videodb_spec = root.path().join("specs/videodb/openapi.yaml");
    fs::write(&videodb_spec, "openapi: 3.0.3\npaths: [\n").unwrap();
    let settings = root.path().join("specs/videodb/provider.toml");
    let text = fs::read_to_string(&settings).unwrap();
    let without_hash: String = text.lines().filter(|l| !l.starts_with("sha256")).map(|l| format!("{l}\n")).collect();
    fs::write(&settings, without_hash).unwrap();

    let error = xtask::codegen(root.path(), &[], xtask::Mode::Write).unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("specs/videodb/openapi.yaml"), "{message}");
    assert!(message.contains("nothing was written"), "{message}");
    assert_eq!(fs::read_to_string(&perplexity).unwrap(), "// edited\n");
    assert_ne!(before, "// edited\n");
}

#[test]
fn orphaned_generated_files_are_reported_and_removed() {
    let root = scratch_workspace();
    let orphan = root.path().join("crates/videodb/src/old.rs");
    fs::write(&orphan, "// @generated by `cargo xtask codegen` from an older spec\n").unwrap();
    let handwritten = root.path().join("crates/videodb/src/notes.txt");
    fs::write(&handwritten, "not generated\n").unwrap();
    let report = xtask::codegen(root.path(), &["videodb".into()], xtask::Mode::Check).unwrap();
    assert_eq!(report.orphaned, vec![PathBuf::from("crates/videodb/src/old.rs")]);
    xtask::codegen(root.path(), &["videodb".into()], xtask::Mode::Write).unwrap();
    assert!(!orphan.exists());
    assert!(handwritten.exists(), "files without the @generated marker are never removed");
}

/// The standalone crate builds where it was written. This compiles the crate's whole dependency
/// tree in its own target folder, so it is the slowest test here.
#[test]
fn generate_writes_a_standalone_crate_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("tiny.yaml");
    fs::write(&spec, GOOD_SPEC).unwrap();
    let out = dir.path().join("tiny-client");
    let output =
        xtask(&["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--name", "tiny-client"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"tiny-client\"") && manifest.contains("[workspace]"), "{manifest}");

    // Share downloaded and compiled dependencies with the workspace build where possible.
    let target = workspace_root().join("target").join("standalone-check");
    let check = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--offline"])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&out)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "cargo check in {} failed:\n{}",
        out.display(),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn diff_prints_the_change_report_and_its_json() {
    let changes = workspace_root().join("tests/changes/assemblyai");
    let old = changes.join("old.yaml");
    let new = changes.join("new.yaml");
    let output = xtask(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("operation `get_transcript_paragraphs`"), "{text}");
    assert!(text.trim_end().ends_with("Verdict: breaking (2 breaking, 1 additive, 0 docs-only)"), "{text}");

    let output = xtask(&["diff", old.to_str().unwrap(), new.to_str().unwrap(), "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("--json prints JSON");
    assert_eq!(json["verdict"], "breaking");
    assert_eq!(json["counts"]["breaking"], 2);

    let output = xtask(&["diff", old.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("diff needs two spec files"), "{}", stderr(&output));
}

#[test]
fn refresh_refuses_bad_arguments_before_downloading_anything() {
    let output = xtask(&["refresh", "--timeout", "soon"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("is not a positive number of seconds"), "{}", stderr(&output));
    let output = xtask(&["refresh", "no-such-provider"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("no provider `no-such-provider`"), "{}", stderr(&output));
}

/// Generates `GOOD_SPEC` into `out` (relative to `cwd`), passing `extra` arguments, and returns
/// the manifest's `client-runtime` dependency and its header line.
fn generate_in(cwd: &Path, out: &str, extra: &[&str]) -> (toml_edit::Table, String) {
    let spec = cwd.join("tiny.yaml");
    fs::write(&spec, GOOD_SPEC).unwrap();
    let mut args = vec!["generate", "--spec", spec.to_str().unwrap(), "--out", out, "--name", "tiny-client"];
    args.extend_from_slice(extra);
    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).args(&args).current_dir(cwd).output().unwrap();
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    let manifest = fs::read_to_string(cwd.join(out).join("Cargo.toml")).unwrap();
    let document: toml_edit::DocumentMut = manifest.parse().unwrap();
    let dependency = document["dependencies"]["client-runtime"]
        .as_inline_table()
        .unwrap_or_else(|| panic!("client-runtime is an inline table:\n{manifest}"))
        .clone()
        .into_table();
    (dependency, manifest.lines().next().unwrap().to_owned())
}

/// Where the dependency comes from: its keys other than `default-features`, which is always
/// `false` (the generated crate's own features choose the runtime's TLS backend).
fn keys(table: &toml_edit::Table) -> Vec<(&str, &str)> {
    assert_eq!(table.get("default-features").and_then(|value| value.as_bool()), Some(false), "{table}");
    table
        .iter()
        .filter(|(key, _)| *key != "default-features")
        .map(|(key, value)| (key, value.as_str().unwrap()))
        .collect()
}

#[test]
fn generate_without_runtime_points_at_this_workspace_by_a_relative_path() {
    let dir = tempfile::tempdir().unwrap();
    let (dependency, header) = generate_in(dir.path(), "nested/tiny-client", &[]);
    let path = dependency["path"].as_str().unwrap();
    assert!(Path::new(path).is_relative() && path.starts_with("../"), "{path}");
    let resolved = dir.path().join("nested/tiny-client").join(path).canonicalize().unwrap();
    assert_eq!(resolved, workspace_root().join("crates/client-runtime").canonicalize().unwrap());
    assert!(!header.contains("--runtime"), "{header}");
}

#[test]
fn generate_runtime_choices_write_the_dependency_line() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = dir.path().join("vendor/client-runtime");
    fs::create_dir_all(&runtime).unwrap();
    fs::write(runtime.join("Cargo.toml"), "[package]\nname = \"client-runtime\"\n").unwrap();

    // A folder given relative to the current folder is written relative to the crate's folder.
    let (dependency, header) = generate_in(dir.path(), "apps/tiny", &["--runtime", "path:vendor/client-runtime"]);
    assert_eq!(keys(&dependency), [("path", "../../vendor/client-runtime")]);
    assert!(header.contains("--runtime path:vendor/client-runtime"), "{header}");
    // So is an absolute one.
    let absolute = format!("path:{}", runtime.display());
    let (dependency, _) = generate_in(dir.path(), "apps/tiny", &["--runtime", &absolute]);
    assert_eq!(keys(&dependency), [("path", "../../vendor/client-runtime")]);

    let (dependency, header) =
        generate_in(dir.path(), "git", &["--runtime", "git:https://github.com/org/openapi-clients@3f2a9c1"]);
    assert_eq!(keys(&dependency), [("git", "https://github.com/org/openapi-clients"), ("rev", "3f2a9c1")]);
    assert!(header.contains("--runtime git:https://github.com/org/openapi-clients@3f2a9c1"), "{header}");

    let (dependency, _) =
        generate_in(dir.path(), "ssh", &["--runtime", "git:ssh://git@example.com/org/repo.git@v0.1.0"]);
    assert_eq!(keys(&dependency), [("git", "ssh://git@example.com/org/repo.git"), ("rev", "v0.1.0")]);

    let (dependency, _) = generate_in(dir.path(), "version", &["--runtime", "version:0.1"]);
    assert_eq!(keys(&dependency), [("version", "0.1")]);
    let (dependency, _) = generate_in(dir.path(), "exact", &["--runtime", "version:=0.1.3"]);
    assert_eq!(keys(&dependency), [("version", "=0.1.3")]);
}

#[test]
fn generate_refuses_bad_runtime_choices_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("tiny.yaml");
    fs::write(&spec, GOOD_SPEC).unwrap();
    let out = dir.path().join("out");
    let cases = [
        ("git:https://github.com/org/repo", "no revision: add `@REV`"),
        ("git:https://github.com/org/repo@", "is not a revision"),
        ("git:ssh://git@example.com/org/repo", "no revision"),
        ("git:github.com/org/repo@3f2a9c1", "expected `git:URL@REV`"),
        ("version:", "names no version"),
        ("version:  ", "names no version"),
        ("version:latest", "`latest` is not a version requirement"),
        ("svn:https://example.com/repo", "unknown kind `svn`"),
        ("../client-runtime", "write `--runtime path:../client-runtime`"),
        ("0.1", "has no kind; expected `path:DIR`, `git:URL@REV` or `version:REQ`"),
        ("path:", "names no folder"),
        ("path:/nonexistent/client-runtime", "there is no Cargo.toml in /nonexistent/client-runtime"),
    ];
    for (value, expected) in cases {
        let output =
            xtask(&["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--runtime", value]);
        assert!(!output.status.success(), "`--runtime {value}` must fail");
        let message = stderr(&output);
        assert!(message.contains(expected), "`--runtime {value}`: expected `{expected}` in:\n{message}");
        assert!(!out.exists(), "`--runtime {value}`: nothing may be written");
    }
    let output = xtask(&["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--runtime"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("`--runtime` needs a value"), "{}", stderr(&output));
    assert!(!out.exists());
}

/// The issue this answers: a generated crate used to name the runtime by an absolute path, so it
/// broke when the folders moved. With a relative path, a folder holding both can be moved (or
/// renamed, or checked out elsewhere) and cargo still finds the runtime.
#[test]
fn a_generated_crate_and_its_runtime_survive_a_move_together() {
    let scratch = tempfile::tempdir().unwrap();
    let before = scratch.path().join("A");
    let runtime = before.join("client-runtime");
    fs::create_dir_all(runtime.join("src")).unwrap();
    // A stand-in with the runtime's name and the features the generated crate forwards (TLS and
    // `tracing`); no dependencies, so resolving needs nothing beyond the generated crate's own.
    fs::write(
        runtime.join("Cargo.toml"),
        "[package]\nname = \"client-runtime\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[features]\n\
         rustls-ring = []\nrustls-aws-lc = []\nnative-tls = []\ntracing = []\n",
    )
    .unwrap();
    fs::write(runtime.join("src/lib.rs"), "").unwrap();
    let (dependency, _) = generate_in(&before, "clients/tiny", &["--runtime", "path:client-runtime"]);
    assert_eq!(keys(&dependency), [("path", "../../client-runtime")]);

    let after = scratch.path().join("B");
    fs::rename(&before, &after).unwrap();
    assert!(!before.exists());

    // Resolving the dependency graph reads the runtime's manifest through the path dependency,
    // without compiling anything.
    let metadata = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--offline", "--format-version", "1"])
        .current_dir(after.join("clients/tiny"))
        .output()
        .unwrap();
    assert!(metadata.status.success(), "cargo metadata failed after the move:\n{}", stderr(&metadata));
    let metadata: serde_json::Value = serde_json::from_slice(&metadata.stdout).unwrap();
    let packages = metadata["packages"].as_array().unwrap();
    let runtime_package = packages.iter().find(|p| p["name"] == "client-runtime").expect("the runtime resolves");
    let manifest = PathBuf::from(runtime_package["manifest_path"].as_str().unwrap());
    assert_eq!(manifest.canonicalize().unwrap(), after.join("client-runtime/Cargo.toml").canonicalize().unwrap());
}
