//! The change report (`codegen::change`) on pairs of specs in `tests/changes/<case>/`
//! (`old.yaml`, `new.yaml`): each case compared both ways, its verdicts pinned here and its
//! report text pinned by a snapshot; the JSON shape; and the next crate version.

use std::path::{Path, PathBuf};

use codegen::change::{self, Report, Subject, Verdict};
use codegen::{Settings, SpecFile, ir::Api};

use Verdict::{Additive, Breaking, DocsOnly, Unchanged};

fn changes_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("changes")
}

/// The model of one side of a case.
fn model(case: &str, side: &str) -> Api {
    let path = changes_dir().join(case).join(format!("{side}.yaml"));
    let contents = std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let name = format!("tests/changes/{case}/{side}.yaml");
    codegen::lower(SpecFile { path: &name, contents: &contents }, &Settings::for_crate("fixture"))
        .unwrap_or_else(|error| panic!("{name} does not lower:\n{error}"))
        .0
}

/// Every case, with the verdict of old -> new and of new -> old.
const CASES: &[(&str, Verdict, Verdict)] = &[
    ("unchanged", Unchanged, Unchanged),
    ("docs-and-deprecation", DocsOnly, DocsOnly),
    ("operations", Breaking, Breaking),
    ("parameters", Breaking, Breaking),
    ("bodies", Breaking, Breaking),
    ("errors-and-headers", Breaking, Breaking),
    ("fields", Breaking, Breaking),
    ("enums", Breaking, Breaking),
    ("unions", Breaking, Breaking),
    ("types", Breaking, Breaking),
    ("auth-and-servers", Breaking, Breaking),
    ("api-key-required", Breaking, Breaking),
    ("credentials", Breaking, Breaking),
    ("reachability", Breaking, Breaking),
    ("additive-only", Additive, Breaking),
    ("assemblyai", Breaking, Breaking),
];

fn both_ways(case: &str) -> (Report, Report) {
    let (old, new) = (model(case, "old"), model(case, "new"));
    (change::compare(&old, &new), change::compare(&new, &old))
}

#[test]
fn every_case_directory_is_listed() {
    let mut found: Vec<String> = std::fs::read_dir(changes_dir())
        .expect("tests/changes is readable")
        .map(|entry| entry.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut listed: Vec<String> = CASES.iter().map(|(case, _, _)| (*case).to_owned()).collect();
    listed.sort();
    assert_eq!(found, listed);
}

/// Each case both ways: the text pinned by a snapshot, then the verdicts checked against the
/// table above (after the snapshots, so a changed report shows its text first).
#[test]
fn cases_both_ways() {
    let mut verdicts = Vec::new();
    for (case, _, _) in CASES {
        let (there, back) = both_ways(case);
        let text = format!("== old -> new ==\n{}\n== new -> old ==\n{}", there.render_text(), back.render_text());
        insta::assert_snapshot!(format!("case_{case}"), text);
        for report in [&there, &back] {
            check_invariants(case, report);
        }
        verdicts.push((*case, there.verdict(), back.verdict()));
    }
    let expected: Vec<(&str, Verdict, Verdict)> = CASES.to_vec();
    assert_eq!(verdicts, expected);
}

fn check_invariants(case: &str, report: &Report) {
    assert_eq!(report.is_empty(), report.verdict() == Unchanged, "{case}");
    for change in &report.entries {
        assert_ne!(change.severity, Unchanged, "{case}: {change:?}");
        assert_eq!(
            change.why.is_some(),
            change.severity == Breaking,
            "{case}: only breaking entries say why: {change:?}"
        );
        assert!(!change.what.is_empty(), "{case}: {change:?}");
    }
    let severities: Vec<Verdict> = report.entries.iter().map(|c| c.severity).collect();
    assert!(severities.windows(2).all(|w| w[0] >= w[1]), "{case}: breaking entries come first: {severities:?}");
    assert!(report.render_text().trim_end().lines().last().is_some_and(|l| l.starts_with("Verdict: ")), "{case}");
}

/// A model compared with itself has no changes: nothing is reported from how the walk
/// matches things up.
#[test]
fn every_side_compared_with_itself_is_unchanged() {
    for (case, _, _) in CASES {
        for side in ["old", "new"] {
            let api = model(case, side);
            let report = change::compare(&api, &api);
            assert!(report.is_empty(), "{case}/{side}:\n{}", report.render_text());
        }
    }
}

/// The hand-edited AssemblyAI spec (`tests/changes/assemblyai/new.yaml`, edits listed at its
/// top): breaking for exactly the removed operation and the request field made required, and
/// the new response enum value is additive.
#[test]
fn assemblyai_edits_are_found_exactly() {
    let (report, _) = both_ways("assemblyai");
    let breaking: Vec<(Subject, &str)> = report.of(Breaking).map(|c| (c.subject.clone(), c.what.as_str())).collect();
    assert_eq!(
        breaking,
        vec![
            (
                Subject::Operation("get_transcript_paragraphs".into()),
                "removed (`GET /v2/transcript/{transcript_id}/paragraphs`), with its types `GetTranscriptParagraphsError`"
            ),
            (Subject::Type("TranscriptParams".into()), "field `punctuate` is now required: `Option<bool>` -> `bool`"),
        ],
        "{}",
        report.render_text()
    );
    let additive: Vec<(Subject, &str)> = report.of(Additive).map(|c| (c.subject.clone(), c.what.as_str())).collect();
    assert_eq!(
        additive,
        vec![(Subject::Type("TranscriptStatus".into()), "value `archived` added (`Archived`)")],
        "{}",
        report.render_text()
    );
    assert_eq!(report.verdict(), Breaking);
}

/// The JSON shape documented in `codegen::change`.
#[test]
fn json_has_the_documented_shape() {
    let (report, _) = both_ways("fields");
    let json = report.to_json();
    let object = json.as_object().expect("an object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["counts", "entries", "format", "verdict"]);
    assert_eq!(json["format"], 1);
    assert_eq!(json["verdict"], "breaking");
    let entries = json["entries"].as_array().expect("entries is an array");
    assert_eq!(entries.len(), report.entries.len());
    let count = |severity: &str| entries.iter().filter(|e| e["severity"] == severity).count();
    for (key, severity) in [("breaking", "breaking"), ("additive", "additive"), ("docs_only", "docs_only")] {
        assert_eq!(json["counts"][key], count(severity), "{key}");
    }
    for (entry, change) in entries.iter().zip(&report.entries) {
        let mut keys: Vec<&str> =
            entry.as_object().expect("an entry is an object").keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["severity", "subject", "what", "why"]);
        assert_eq!(entry["severity"], change.severity.as_str());
        assert_eq!(entry["what"], change.what.as_str());
        assert_eq!(entry["why"].as_str(), change.why.as_deref());
        let (kind, name) = match &change.subject {
            Subject::Operation(name) => ("operation", serde_json::Value::from(name.as_str())),
            Subject::Type(name) => ("type", serde_json::Value::from(name.as_str())),
            Subject::Client => ("client", serde_json::Value::Null),
        };
        assert_eq!(entry["subject"], serde_json::json!({ "kind": kind, "name": name }));
    }
    // A docs-only report and an empty one.
    let (docs, _) = both_ways("docs-and-deprecation");
    assert_eq!(docs.to_json()["verdict"], "docs_only");
    let (empty, _) = both_ways("unchanged");
    assert_eq!(
        empty.to_json(),
        serde_json::json!({
            "format": 1,
            "verdict": "unchanged",
            "counts": { "breaking": 0, "additive": 0, "docs_only": 0 },
            "entries": [],
        })
    );
    // Pinned as a whole, for one case with entries of every kind of subject.
    let (servers, _) = both_ways("auth-and-servers");
    insta::assert_snapshot!(
        "json_auth_and_servers",
        serde_json::to_string_pretty(&servers.to_json()).expect("JSON serializes")
    );
}

#[test]
fn next_version_follows_cargo_semver() {
    let cases = [
        (Breaking, "0.3.1", "0.4.0"),
        (Additive, "0.3.1", "0.3.2"),
        (DocsOnly, "0.3.1", "0.3.1"),
        (Unchanged, "0.3.1", "0.3.1"),
        (Breaking, "0.0.7", "0.1.0"),
        (Additive, "0.0.7", "0.0.8"),
        (Breaking, "1.2.3", "2.0.0"),
        (Additive, "1.2.3", "1.3.0"),
        (DocsOnly, "1.2.3", "1.2.3"),
        (Unchanged, "10.20.30", "10.20.30"),
    ];
    for (verdict, current, next) in cases {
        assert_eq!(verdict.next_version(current).as_deref(), Ok(next), "{verdict} from {current}");
    }
    for bad in
        ["1.2", "1.2.3.4", "1.2.x", "01.2.3", "1.02.3", "1.2.3-beta", "1.2.3+build", "", "1..3", " 1.2.3", "-1.2.3"]
    {
        for verdict in [Unchanged, DocsOnly, Additive, Breaking] {
            let error = verdict.next_version(bad).expect_err(bad);
            assert!(error.contains("x.y.z"), "{error}");
        }
    }
    assert!(Breaking.next_version(&format!("{}.0.0", u64::MAX)).is_err());
    assert!(Additive.next_version(&format!("0.1.{}", u64::MAX)).is_err());
}

#[test]
fn the_verdict_is_the_most_severe_entry_and_ends_the_text() {
    let (docs, _) = both_ways("docs-and-deprecation");
    assert!(docs.entries.iter().all(|c| c.severity == DocsOnly));
    let (unchanged, _) = both_ways("unchanged");
    assert_eq!(unchanged.render_text(), "No changes.\nVerdict: unchanged\n");
    let (additive, breaking) = both_ways("additive-only");
    assert_eq!(additive.verdict(), Additive);
    assert!(additive.render_text().ends_with(&format!(
        "Verdict: additive (0 breaking, {} additive, {} docs-only)\n",
        additive.of(Additive).count(),
        additive.of(DocsOnly).count()
    )));
    assert!(breaking.render_text().starts_with("Breaking changes ("));
}

/// Two real versions of a vendor's spec, years apart: the report names every operation whose
/// operationId disappeared (as removed, or renamed when its method and path stayed), read from
/// the JSON independently of the generator, and calls the change breaking.
#[test]
fn a_real_spec_history_names_every_operation_that_disappeared() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let old_path = root.join("changes-real/progenitor-nexus-2022-07-26.json");
    let new_path = root.join("corpus/progenitor-nexus.json");
    let read = |path: &Path| std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let (old_bytes, new_bytes) = (read(&old_path), read(&new_path));
    let operation_ids = |bytes: &[u8]| -> std::collections::BTreeSet<String> {
        let document: serde_json::Value = serde_json::from_slice(bytes).expect("the spec is JSON");
        let paths = document["paths"].as_object().expect("the spec has paths");
        paths
            .values()
            .filter_map(serde_json::Value::as_object)
            .flat_map(|item| item.values())
            .filter_map(|operation| operation.get("operationId").and_then(serde_json::Value::as_str))
            .map(str::to_owned)
            .collect()
    };
    let gone: Vec<String> = operation_ids(&old_bytes).difference(&operation_ids(&new_bytes)).cloned().collect();
    assert!(gone.len() > 5, "the two versions really differ: {gone:?}");

    let settings = Settings::for_crate("nexus");
    let lower = |name: &str, contents: &[u8]| {
        codegen::lower(SpecFile { path: name, contents }, &settings)
            .unwrap_or_else(|error| panic!("{name}:\n{error}"))
            .0
    };
    let report =
        change::compare(&lower("old/nexus.json", &old_bytes), &lower("tests/corpus/progenitor-nexus.json", &new_bytes));
    assert_eq!(report.verdict(), Breaking);
    let named: std::collections::BTreeSet<String> = report
        .of(Breaking)
        .filter(|entry| entry.what.starts_with("removed") || entry.what.starts_with("renamed from"))
        .filter_map(|entry| match &entry.subject {
            Subject::Operation(method) if entry.what.starts_with("removed") => Some(method.clone()),
            Subject::Operation(_) => entry.what.split('`').nth(1).map(str::to_owned),
            _ => None,
        })
        .collect();
    for id in &gone {
        let method = id.replace('-', "_");
        assert!(
            named.contains(&method),
            "`{id}` disappeared but the report does not say so:\n{}",
            report.render_text()
        );
    }
}
