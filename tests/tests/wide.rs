//! The wide corpus (`tests/wide`, 63 public vendor specs the generator was not written
//! against): every spec either generates or is one of the known refusals below, each of which
//! is refused with a located error. A spec that starts or stops generating fails this test, so
//! the list is kept honest in both directions. `cargo xtask sweep tests/wide` also compiles them.

use std::path::{Path, PathBuf};

use codegen::{Dependencies, Options, Settings, SpecFile};

/// The specs that are refused today, and why (see the README's wide-corpus section): each entry
/// is a file name and a text its first error contains. None at the moment.
const REFUSED: &[(&str, &str)] = &[];

fn wide_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("wide")
}

#[test]
fn the_wide_corpus_generates_except_the_known_refusals() {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(wide_dir())
        .expect("tests/wide is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    specs.sort();
    assert!(specs.len() >= 60, "the wide corpus is there: {} specs", specs.len());
    let options = Options { command: "wide corpus test".into(), dependencies: Dependencies::Workspace };
    let mut surprises = Vec::new();
    let mut generated = 0;
    for path in &specs {
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let contents = std::fs::read(path).expect("the spec is readable");
        let name = format!("tests/wide/{file}");
        let outcome = std::panic::catch_unwind(|| {
            codegen::generate(SpecFile { path: &name, contents: &contents }, &Settings::for_crate("wide"), &options)
        });
        let expected = REFUSED.iter().find(|(refused, _)| *refused == file);
        match (outcome, expected) {
            (Err(_), _) => surprises.push(format!("{file}: the generator panicked")),
            (Ok(Ok(_)), None) => generated += 1,
            (Ok(Ok(_)), Some(_)) => surprises.push(format!("{file}: generates now; take it off REFUSED")),
            (Ok(Err(error)), Some((_, reason))) => {
                let first = error.diagnostics.first().map(ToString::to_string).unwrap_or_default();
                if !first.contains(reason) || !first.contains(&name) {
                    surprises.push(format!("{file}: refused for another reason than `{reason}`: {first}"));
                }
            }
            (Ok(Err(error)), None) => surprises.push(format!("{file}: refused: {error}")),
        }
    }
    assert!(surprises.is_empty(), "{}", surprises.join("\n"));
    assert_eq!(generated + REFUSED.len(), specs.len());
}
