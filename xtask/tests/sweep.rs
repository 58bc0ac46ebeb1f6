//! `cargo xtask sweep`: which files are swept, the outcome of each spec (generated, refused,
//! panicked, timed out, clippy-clean, clippy-fails) and the totals, and the mapping of cargo's
//! JSON messages to member crates.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;
use xtask::sweep::{Attribution, CrateCheck, Outcome, Problem, SweepOptions, openapi_version, panic_problem};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn xtask(args: &[&str], envs: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args);
    for (key, value) in envs {
        command.env(key, value);
    }
    command.output().expect("xtask runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Generates with one operation and one named type, and two warnings: no server URL, and a
/// `$ref` to a schema that does not exist (which falls back to `serde_json::Value`).
const GOOD_SPEC: &str = "openapi: 3.1.0
info: {title: Tiny, version: '1'}
paths:
  /ping:
    get:
      operationId: ping
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pong'}
components:
  schemas:
    Pong: {type: object, properties: {pong: {type: boolean}, note: {type: string}, extra: {$ref: '#/components/schemas/Gone'}}}
";

/// Two operations, no types, no warnings, and JSON.
const GOOD_JSON: &str = r#"{"openapi":"3.0.3","info":{"title":"Nested","version":"1"},
"servers":[{"url":"https://nested.example"}],
"paths":{"/a":{"get":{"operationId":"getA","responses":{"204":{"description":"none"}}},
"delete":{"operationId":"deleteA","responses":{"204":{"description":"none"}}}}}}"#;

/// A folder with two good specs (one nested, in JSON), a broken one, and files that are not
/// OpenAPI 3.x specs.
fn spec_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, contents: &str| {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    };
    write("good.yaml", GOOD_SPEC);
    write("nested/api.json", GOOD_JSON);
    write("broken.yaml", "openapi: 3.0.3\ninfo: {title: T\n");
    write("notes.yaml", "title: not a spec\nitems: [1, 2]\n");
    write("swagger.json", r#"{"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": {}}"#);
    write("package.json", r#"{"name": "openapi-tools", "dependencies": {"openapi": "^1.0.0"}}"#);
    write("SOURCES.tsv", "file\tsource\ngood.yaml\there\n");
    write("README.md", "# Specs\n");
    write(".hidden/ignored.yaml", GOOD_SPEC);
    dir
}

fn rows(json: &Value) -> Vec<&Value> {
    json["specs"].as_array().expect("a list of specs").iter().collect()
}

fn row<'a>(json: &'a Value, suffix: &str) -> &'a Value {
    rows(json)
        .into_iter()
        .find(|row| row["spec"].as_str().is_some_and(|s| s.ends_with(suffix)))
        .unwrap_or_else(|| panic!("no row for {suffix} in {json:#}"))
}

#[test]
fn no_compile_sweep_reports_each_spec_and_the_totals() {
    let specs = spec_folder();
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("sweep");
    let dir = specs.path().to_str().unwrap();
    let output = xtask(&["sweep", dir, "--out", out.to_str().unwrap(), "--no-compile", "--json"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: Value = serde_json::from_slice(&output.stdout).expect("--json prints JSON");

    let specs_seen: Vec<&str> = rows(&json).iter().map(|r| r["spec"].as_str().unwrap()).collect();
    assert_eq!(specs_seen.len(), 3, "only the three OpenAPI 3.x files are swept: {specs_seen:?}");
    assert_eq!(json["skipped"].as_array().unwrap().len(), 3, "notes.yaml, swagger.json, package.json: {json:#}");

    let good = row(&json, "good.yaml");
    assert_eq!(good["outcome"], "generated");
    assert_eq!(good["dialect"], "3.1");
    assert_eq!(
        (good["operations"].as_u64(), good["types"].as_u64(), good["warnings"].as_u64()),
        (Some(1), Some(1), Some(2))
    );
    // Pong, its two typed properties, and the dangling `$ref`, which fell back; no body did.
    assert_eq!(
        (good["schemas"].as_u64(), good["fell_back"].as_u64(), good["body_fallbacks"].as_u64()),
        (Some(4), Some(1), Some(0))
    );
    assert!(good["error"].is_null());
    assert!(out.join(good["crate"].as_str().unwrap()).join("src/client.rs").is_file());

    let nested = row(&json, "nested/api.json");
    assert_eq!(nested["outcome"], "generated");
    assert_eq!(nested["dialect"], "3.0");
    assert_eq!(
        (nested["operations"].as_u64(), nested["types"].as_u64(), nested["warnings"].as_u64()),
        (Some(2), Some(0), Some(0))
    );

    let broken = row(&json, "broken.yaml");
    assert_eq!(broken["outcome"], "refused");
    assert_eq!(broken["error"]["location"], "3:1", "{broken:#}");
    assert!(broken["error"]["message"].as_str().unwrap().contains("invalid YAML"), "{broken:#}");
    assert!(broken["operations"].is_null());
    assert!(!out.join(broken["crate"].as_str().unwrap()).exists(), "a refused spec leaves no crate");

    let totals = &json["totals"];
    assert_eq!(totals["specs"], 3);
    assert_eq!(totals["generated"], 2);
    assert_eq!(totals["refused"], 1);
    assert_eq!((totals["panicked"].as_u64(), totals["timed_out"].as_u64()), (Some(0), Some(0)));
    assert_eq!(totals["warnings"], 2);
    assert_eq!((totals["schemas"].as_u64(), totals["fell_back"].as_u64()), (Some(4), Some(1)));
    assert_eq!(totals["share_generated"].as_f64().map(|p| (p * 10.0).round()), Some(667.0));
    assert!(totals["clippy_clean"].is_null() && totals["share_clippy_clean"].is_null(), "nothing was compiled");

    // The workspace has exactly the generated crates as members.
    let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains(&format!("{:?}", good["crate"].as_str().unwrap())), "{manifest}");
    assert!(!manifest.contains(broken["crate"].as_str().unwrap()), "{manifest}");
    assert!(out.join("Cargo.lock").is_file());

    // The table: aligned rows, the located error, the totals. The same folder can be swept again.
    let output = xtask(&["sweep", dir, "--out", out.to_str().unwrap(), "--no-compile"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("SPEC") && lines[0].contains("OUTCOME") && lines[0].contains("FIRST ERROR"),
        "{table}"
    );
    let outcome_column = lines[0].find("OUTCOME").unwrap();
    for line in &lines[1..4] {
        assert!(
            line[outcome_column..].starts_with("generated") || line[outcome_column..].starts_with("refused"),
            "{table}"
        );
    }
    let broken_line = lines.iter().find(|l| l.contains("broken.yaml")).unwrap();
    assert!(broken_line.contains("refused") && broken_line.contains("3:1: invalid YAML"), "{table}");
    assert!(table.contains("3 spec(s) (3 other file(s) skipped"), "{table}");
    assert!(table.contains("generated:    2 of 3 (66.7%); refused 1, panicked 0, timed out 0"), "{table}");
    assert!(table.contains("clippy-clean: not checked"), "{table}");

    // `--require-clean` fails the run when a spec falls short, after the table, and passes it
    // when none does.
    let output = xtask(&["sweep", dir, "--out", out.to_str().unwrap(), "--no-compile", "--require-clean"], &[]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("broken.yaml"));
    assert!(stderr(&output).contains("--require-clean: 1 of 3 spec(s) are not generated"), "{}", stderr(&output));
    let good_only = specs.path().join("nested");
    let output = xtask(
        &["sweep", good_only.to_str().unwrap(), "--out", out.to_str().unwrap(), "--no-compile", "--require-clean"],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        table.contains(
            "typed:        3 of 4 schemas (75.0%); 1 fell back to serde_json::Value, in 1 spec(s); 0 of them bodies"
        ),
        "{table}"
    );
}

#[test]
fn sweep_refuses_bad_arguments_and_foreign_folders() {
    let output = xtask(&["sweep"], &[]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("sweep needs at least one folder"), "{}", stderr(&output));
    let output = xtask(&["sweep", ".", "--jobs", "0"], &[]);
    assert!(stderr(&output).contains("`--jobs 0` is not a positive number"), "{}", stderr(&output));

    let empty = tempfile::tempdir().unwrap();
    fs::write(empty.path().join("notes.yaml"), "a: b\n").unwrap();
    let output = xtask(&["sweep", empty.path().to_str().unwrap(), "--no-compile"], &[]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("no OpenAPI 3.x spec"), "{}", stderr(&output));

    // A folder that is not an earlier sweep's workspace is never written into.
    let specs = spec_folder();
    let foreign = tempfile::tempdir().unwrap();
    fs::write(foreign.path().join("Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
    let args = ["sweep", specs.path().to_str().unwrap(), "--out", foreign.path().to_str().unwrap(), "--no-compile"];
    let output = xtask(&args, &[]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("not a sweep workspace"), "{}", stderr(&output));
    assert_eq!(fs::read_dir(foreign.path()).unwrap().count(), 1, "nothing was written");
}

/// A worker that panics or hangs stands in for a generator bug: the sweep records it for that
/// spec and goes on. The stand-in hands every other spec to the real worker.
#[cfg(unix)]
#[test]
fn a_panic_or_a_hang_in_the_generator_is_that_specs_outcome() {
    use std::os::unix::fs::PermissionsExt as _;

    let specs = tempfile::tempdir().unwrap();
    for name in ["good.yaml", "panics.yaml", "crashes.yaml", "hangs.yaml"] {
        fs::write(specs.path().join(name), GOOD_SPEC).unwrap();
    }
    let scratch = tempfile::tempdir().unwrap();
    let worker = scratch.path().join("worker.sh");
    let script = format!(
        "#!/bin/sh\ncase \"$2\" in\n\
         *panics.yaml) printf \"thread 'main' panicked at crates/codegen/src/lower/mod.rs:42:9:\\nindex out of bounds\\nnote: run with RUST_BACKTRACE=1\\n\" >&2; exit 101 ;;\n\
         *crashes.yaml) echo \"thread 'main' has overflowed its stack\" >&2; kill -ABRT $$ ;;\n\
         *hangs.yaml) exec sleep 30 ;;\n\
         *) exec {:?} \"$@\" ;;\nesac\n",
        env!("CARGO_BIN_EXE_xtask")
    );
    fs::write(&worker, script).unwrap();
    fs::set_permissions(&worker, fs::Permissions::from_mode(0o755)).unwrap();
    let options = SweepOptions {
        inputs: vec![specs.path().to_path_buf()],
        out: scratch.path().join("out"),
        jobs: Some(4),
        compile: false,
        timeout: Duration::from_secs(3),
        worker,
    };
    let mut progress = Vec::new();
    let started = std::time::Instant::now();
    let sweep = xtask::sweep::sweep(&workspace_root(), &options, &mut |line| progress.push(line.to_owned())).unwrap();
    assert!(started.elapsed() < Duration::from_secs(20), "the hanging worker was stopped at the limit");
    let outcome = |name: &str| sweep.rows.iter().find(|r| r.spec.ends_with(name)).unwrap();
    assert_eq!(outcome("good.yaml").outcome, Outcome::Generated);
    let panicked = outcome("panics.yaml");
    assert_eq!(panicked.outcome, Outcome::Panicked);
    assert_eq!(
        panicked.error,
        Some(Problem {
            location: "crates/codegen/src/lower/mod.rs:42:9".into(),
            message: "index out of bounds".into()
        })
    );
    let crashed = outcome("crashes.yaml");
    assert_eq!(crashed.outcome, Outcome::Panicked);
    let message = &crashed.error.as_ref().unwrap().message;
    assert!(message.contains("overflowed its stack") && message.contains("signal"), "{message}");
    let hung = outcome("hangs.yaml");
    assert_eq!(hung.outcome, Outcome::TimedOut);
    assert!(hung.error.as_ref().unwrap().message.contains("longer than 3 s"), "{hung:?}");

    let totals = sweep.totals();
    assert_eq!((totals.specs, totals.generated, totals.panicked, totals.timed_out), (4, 1, 2, 1));
    assert_eq!(progress.iter().filter(|line| line.starts_with('[')).count(), 4, "{progress:?}");
    let table = sweep.render_table();
    assert!(table.contains("generated:    1 of 4 (25.0%); refused 0, panicked 2, timed out 1"), "{table}");
}

/// The compile step for real: one crate passes clippy, and one fails it because a `clippy.toml`
/// in its folder forbids `String` (the generator is not at fault, and the file survives
/// regeneration, since only generated files are ever removed).
#[test]
fn the_compile_step_tells_clean_crates_from_failing_ones() {
    let specs = tempfile::tempdir().unwrap();
    fs::write(specs.path().join("clean.yaml"), GOOD_SPEC).unwrap();
    fs::write(specs.path().join("strict.yaml"), GOOD_SPEC).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("sweep");
    let args = ["sweep", specs.path().to_str().unwrap(), "--out", out.to_str().unwrap(), "--json"];
    let output = xtask(&[&args[..], &["--no-compile"]].concat(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let strict = row(&json, "strict.yaml")["crate"].as_str().unwrap().to_owned();
    fs::write(out.join(&strict).join("clippy.toml"), "disallowed-types = [\"std::string::String\"]\n").unwrap();

    // The dependencies are compiled once into a folder kept between test runs.
    let target = workspace_root().join("target").join("sweep-check");
    let output = xtask(&args, &[("CARGO_TARGET_DIR", &target)]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(row(&json, "clean.yaml")["outcome"], "clippy-clean", "{json:#}");
    let failing = row(&json, "strict.yaml");
    assert_eq!(failing["outcome"], "clippy-fails", "{json:#}");
    let message = failing["error"]["message"].as_str().unwrap();
    assert!(message.contains("disallowed type") && message.contains("[clippy::disallowed_types]"), "{message}");
    let location = failing["error"]["location"].as_str().unwrap();
    assert!(location.starts_with("src/") && location.split(':').count() == 3, "file:line:column, got {location}");
    assert_eq!(json["totals"]["clippy_clean"], 1);
    assert_eq!(json["totals"]["clippy_fails"], 1);
    assert_eq!(json["totals"]["share_clippy_clean"], 50.0);
}

fn compiler_message(workspace: &str, member: &str, level: &str, message: &str, file: Option<&str>) -> String {
    let spans = match file {
        Some(file) => format!(r#"[{{"file_name":"{file}","line_start":7,"column_start":5,"is_primary":true}}]"#),
        None => "[]".to_owned(),
    };
    format!(
        r#"{{"reason":"compiler-message","package_id":"path+file://{workspace}/{member}#0.1.0","manifest_path":"{workspace}/{member}/Cargo.toml","target":{{"name":"{member}"}},"message":{{"rendered":"{level}: {message}","level":"{level}","message":"{message}","code":{{"code":"clippy::needless_return"}},"spans":{spans}}}}}"#
    )
}

fn artifact(workspace: &str, member: &str) -> String {
    format!(
        r#"{{"reason":"compiler-artifact","package_id":"x","manifest_path":"{workspace}/{member}/Cargo.toml","target":{{"name":"{member}"}},"fresh":false}}"#
    )
}

#[test]
fn cargo_messages_are_mapped_to_their_member_crates() {
    let ws = "/tmp/sweep-ws";
    let members = ["sweep-a".to_owned(), "sweep-b".to_owned(), "sweep-c".to_owned()];
    let mut attribution = Attribution::new(Path::new(ws), &members);
    let lines = [
        "    Checking sweep-a v0.1.0".to_owned(),
        artifact(ws, "sweep-a"),
        // A warning is not an error (with -D warnings clippy reports it as an error anyway).
        compiler_message(ws, "sweep-a", "warning", "unused import", Some("sweep-a/src/lib.rs")),
        compiler_message(ws, "sweep-b", "error", "aborting due to 2 previous errors", None),
        compiler_message(ws, "sweep-b", "error", "unneeded `return` statement", Some("sweep-b/src/client.rs")),
        compiler_message(ws, "sweep-b", "error", "second problem", Some("sweep-b/src/types.rs")),
        // The same error again, from the crate's test build.
        compiler_message(ws, "sweep-b", "error", "unneeded `return` statement", Some("sweep-b/src/client.rs")),
        // A crate of the same name in another folder is not the member.
        artifact("/elsewhere", "sweep-c"),
        r#"{"reason":"build-finished","success":false}"#.to_owned(),
    ];
    for line in &lines {
        attribution.feed(line);
    }
    let checks = attribution.finish();
    assert_eq!(checks.get("sweep-a"), Some(&CrateCheck::Clean));
    assert_eq!(
        checks.get("sweep-b"),
        Some(&CrateCheck::Fails {
            error: Problem {
                location: "src/client.rs:7:5".into(),
                message: "unneeded `return` statement [clippy::needless_return]".into()
            },
            errors: 2,
        })
    );
    assert_eq!(checks.get("sweep-c"), None, "never checked, and no dependency failed: unknown");

    // A dependency that fails keeps members from being checked; they fail with its error.
    let mut attribution = Attribution::new(Path::new(ws), &members);
    attribution.feed(&artifact(ws, "sweep-a"));
    attribution.feed(&compiler_message("/repo/crates", "client-runtime", "error", "broken", Some("src/lib.rs")));
    let checks = attribution.finish();
    assert_eq!(checks.get("sweep-a"), Some(&CrateCheck::Clean));
    let Some(CrateCheck::Fails { error, .. }) = checks.get("sweep-c") else { panic!("{checks:?}") };
    assert_eq!(error.location, "src/lib.rs:7:5");
    assert!(error.message.starts_with("not checked: `client-runtime` failed: broken"), "{error:?}");
}

#[test]
fn openapi_documents_are_recognized_without_parsing_them() {
    assert_eq!(openapi_version("openapi: 3.0.3\ninfo: {title: T\n").as_deref(), Some("3.0.3"));
    assert_eq!(openapi_version("# comment\n---\ninfo: {}\nopenapi: '3.1.0' # ok\n").as_deref(), Some("3.1.0"));
    assert_eq!(openapi_version("{\n  \"info\": {},\n  \"openapi\" : \"3.1.1\"\n}").as_deref(), Some("3.1.1"));
    assert_eq!(openapi_version(r#"{"openapi":"3.0.0","paths":{}}"#).as_deref(), Some("3.0.0"));
    assert_eq!(openapi_version("swagger: '2.0'\n"), None);
    assert_eq!(openapi_version("info:\n  openapi: 3.0.0\n"), None, "only a top-level key counts");
    assert_eq!(xtask::sweep::dialect("3.1.0"), "3.1");
    assert_eq!(xtask::sweep::dialect("3.0"), "3.0");
}

#[test]
fn panic_messages_are_summarized_with_their_location() {
    let stderr = "\nthread 'main' panicked at crates/codegen/src/emit/types.rs:10:5:\nassertion failed: x\nmore\nnote: run with `RUST_BACKTRACE=1`\n";
    assert_eq!(
        panic_problem(stderr, "exit status: 101"),
        Problem {
            location: "crates/codegen/src/emit/types.rs:10:5".into(),
            message: "assertion failed: x more".into()
        }
    );
    let with_backtrace = "thread 'main' panicked at src/a.rs:1:2:\nboom\nstack backtrace:\n   0: std::panicking\n";
    assert_eq!(panic_problem(with_backtrace, "exit status: 101").message, "boom");
    let crash = panic_problem("", "signal: 11 (SIGSEGV)");
    assert_eq!(crash.message, "the worker ended with signal: 11 (SIGSEGV)");
}
