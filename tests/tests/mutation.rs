//! The generator never panics and never hangs, whatever it is given: every corpus spec and
//! construct fixture, edited at random (a key dropped; a value swapped for null, a number, a
//! list, a string or an object; a `$ref` pointed elsewhere or nowhere; an operationId
//! duplicated), must give a crate or a located error. The edits are seeded, so a failure names
//! the seed that reproduces it; seeds that once failed are kept below and run first.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use codegen::{Dependencies, Options, Settings, SpecFile};
use serde_json::Value;

/// Seeds that once made the generator panic or hang: run on every test run.
/// (A seed picks its spec from the sorted list of inputs, so it reproduces with the inputs of
/// its time.) 119: `allOf: []` indexed its first member (with the `polymorphic-bases` fixture).
const REGRESSIONS: &[u64] = &[119];

/// How many random cases each run tries (about twenty seconds in a debug build). A longer hunt:
/// `MUTATION_CASES=100000 MUTATION_FIRST_SEED=3000 cargo test --release -p workspace-tests --test mutation`.
const CASES: u64 = 3000;

fn seeds() -> std::ops::Range<u64> {
    let read = |name: &str| std::env::var(name).ok().and_then(|value| value.parse::<u64>().ok());
    let first = read("MUTATION_FIRST_SEED").unwrap_or(0);
    first..first + read("MUTATION_CASES").unwrap_or(CASES)
}

/// The limit for one case: generation of these small specs takes milliseconds.
const CASE_TIMEOUT: Duration = Duration::from_secs(20);

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// The specs to edit: construct fixtures, the providers' specs and the small corpus specs.
fn inputs() -> Vec<(String, Value)> {
    let root = workspace_root();
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["tests/fixtures", "tests/corpus"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("the folder is readable") {
            let path = entry.expect("a directory entry").path();
            let small = std::fs::metadata(&path).is_ok_and(|m| m.len() < 40_000);
            let spec = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json"));
            if small && spec {
                files.push(path);
            }
        }
    }
    for entry in std::fs::read_dir(root.join("specs")).expect("specs/ is readable") {
        files.push(entry.expect("a directory entry").path().join("openapi.yaml"));
    }
    files.sort();
    // A spec whose numbers a plain JSON value cannot hold (integers beyond 64 bits) is left out.
    files
        .into_iter()
        .filter(|path| path.is_file())
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).expect("the spec is readable");
            let value: Value = if text.trim_start().starts_with('{') {
                serde_json::from_str(&text).ok()?
            } else {
                serde_yaml::from_str(&text).ok()?
            };
            Some((path.strip_prefix(&root).unwrap_or(&path).display().to_string(), value))
        })
        .collect()
}

/// Every node of a document, as a path of keys and indexes.
fn nodes(value: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(path.clone());
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                path.push(key.clone());
                nodes(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(index.to_string());
                nodes(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(value: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |node, token| match node {
        Value::Object(object) => object.get_mut(token),
        Value::Array(items) => items.get_mut(token.parse::<usize>().ok()?),
        _ => None,
    })
}

fn as_pointer(path: &[String]) -> String {
    let tokens: Vec<String> = path.iter().map(|t| t.replace('~', "~0").replace('/', "~1")).collect();
    format!("#/{}", tokens.join("/"))
}

/// One random structural edit.
fn mutate(document: &mut Value, rng: &mut fastrand::Rng) {
    let mut all = Vec::new();
    nodes(document, &mut Vec::new(), &mut all);
    let references: Vec<Vec<String>> =
        all.iter().filter(|path| path.last().is_some_and(|last| last == "$ref")).cloned().collect();
    let operation_ids: Vec<Vec<String>> =
        all.iter().filter(|path| path.last().is_some_and(|last| last == "operationId")).cloned().collect();
    let target = all[rng.usize(..all.len())].clone();
    match rng.u8(..10) {
        // Point a reference at another place in the document, or at nothing.
        0 | 1 if !references.is_empty() => {
            let reference = &references[rng.usize(..references.len())];
            let pointer = match rng.u8(..3) {
                0 => "#/components/schemas/Nowhere".to_owned(),
                1 => "#/definitely/not/here".to_owned(),
                _ => as_pointer(&target),
            };
            if let Some(node) = node_mut(document, reference) {
                *node = Value::String(pointer);
            }
        }
        // Give one operation another's operationId.
        2 if operation_ids.len() > 1 => {
            let from = &operation_ids[rng.usize(..operation_ids.len())];
            let to = &operation_ids[rng.usize(..operation_ids.len())];
            let id = node_mut(document, from).cloned().unwrap_or(Value::Null);
            if let Some(node) = node_mut(document, to) {
                *node = id;
            }
        }
        // Drop a key.
        3 | 4 => {
            if let Some((last, parent)) = target.split_last()
                && let Some(Value::Object(object)) = node_mut(document, parent)
            {
                object.remove(last);
            }
        }
        // Swap a value for another kind of value.
        _ => {
            let replacement = match rng.u8(..7) {
                0 => Value::Null,
                1 => Value::from(rng.i64(..)),
                2 => serde_json::json!(1.5e300),
                3 => serde_json::json!([]),
                4 => Value::String("x".into()),
                5 => serde_json::json!({}),
                _ => Value::Bool(rng.bool()),
            };
            if let Some(node) = node_mut(document, &target) {
                *node = replacement;
            }
        }
    }
}

/// Generates one edited spec on its own thread; `Err` describes a panic or a hang.
fn run_case(seed: u64, specs: &[(String, Value)]) -> Result<(), String> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let (name, original) = &specs[rng.usize(..specs.len())];
    let mut document = original.clone();
    for _ in 0..rng.usize(1..4) {
        mutate(&mut document, &mut rng);
    }
    let bytes = serde_json::to_vec(&document).expect("a JSON value serializes");
    let (sender, receiver) = mpsc::channel();
    let spec_name = name.clone();
    std::thread::spawn(move || {
        let options = Options { command: "mutation test".into(), dependencies: Dependencies::Workspace };
        let outcome = std::panic::catch_unwind(|| {
            codegen::generate(SpecFile { path: &spec_name, contents: &bytes }, &Settings::for_crate("m"), &options)
                .map(|_| ())
        });
        let _ = sender.send(outcome.map_err(|panic| {
            panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        }));
    });
    match receiver.recv_timeout(CASE_TIMEOUT) {
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(Ok(Err(error))) => {
            // A refusal must say where: every error has a place, or is about the whole file.
            match error.diagnostics.iter().find(|d| d.message.trim().is_empty()) {
                Some(empty) => Err(format!("seed {seed} ({name}): an error without a message: {empty:?}")),
                None => Ok(()),
            }
        }
        Ok(Err(message)) => Err(format!("seed {seed} ({name}): the generator panicked: {message:?}")),
        Err(_) => Err(format!("seed {seed} ({name}): no result within {CASE_TIMEOUT:?}")),
    }
}

#[test]
fn edited_specs_give_a_crate_or_a_located_error_never_a_panic_or_a_hang() {
    let specs = inputs();
    assert!(specs.len() >= 20, "the fixtures, provider specs and small corpus specs are found");
    // Quiet the default panic message per case; failures are collected and reported below.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let seeds = seeds();
    let cases = seeds.end - seeds.start;
    for seed in REGRESSIONS.iter().copied().chain(seeds) {
        if let Err(failure) = run_case(seed, &specs) {
            failures.push(failure);
        }
    }
    std::panic::set_hook(previous);
    assert!(failures.is_empty(), "{} of {cases} cases failed:\n{}", failures.len(), failures.join("\n"));
}
