//! `cargo xtask refresh` against docs pages served from 127.0.0.1: a no-op when nothing
//! changed, a full update (spec, provenance, version, changelog, crate) when a page changed, and
//! every failure leaving the whole tree byte for byte as it was.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use xtask::refresh::{Outcome, ProviderRefresh, RefreshOptions, refresh};

const PROVIDERS: [&str; 5] = ["assemblyai", "decart", "perplexity", "simli", "videodb"];

/// What the test server answers for a path.
#[derive(Clone)]
enum Route {
    Body(Vec<u8>),
    Status(u16),
    /// Accepts the connection and never answers.
    Stall,
}

/// A minimal HTTP/1.1 server on 127.0.0.1 that serves fixed routes, one connection per request.
struct Server {
    port: u16,
    routes: Arc<Mutex<HashMap<String, Route>>>,
}

impl Server {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let routes: Arc<Mutex<HashMap<String, Route>>> = Arc::default();
        let shared = Arc::clone(&routes);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let routes = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &routes));
            }
        });
        Self { port, routes }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn set(&self, path: &str, route: Route) {
        self.routes.lock().unwrap().insert(path.to_owned(), route);
    }
}

fn serve(mut stream: TcpStream, routes: &Mutex<HashMap<String, Route>>) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
    let head = String::from_utf8_lossy(&request);
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let route = routes.lock().unwrap().get(&path).cloned().unwrap_or(Route::Status(404));
    let (status, body) = match route {
        Route::Body(body) => (200, body),
        Route::Status(status) => (status, b"no".to_vec()),
        Route::Stall => {
            std::thread::sleep(Duration::from_secs(30));
            return;
        }
    };
    let head = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn page(provider: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages").join(format!("{provider}.md")))
        .unwrap()
}

/// A workspace with the five providers, their pages served by `server`, crates generated.
fn scratch(server: &Server) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let source = workspace_root();
    for provider in PROVIDERS {
        let specs = root.path().join("specs").join(provider);
        fs::create_dir_all(&specs).unwrap();
        fs::copy(source.join("specs").join(provider).join("openapi.yaml"), specs.join("openapi.yaml")).unwrap();
        let settings = fs::read_to_string(source.join("specs").join(provider).join("provider.toml")).unwrap();
        let page_line = settings.lines().find(|line| line.starts_with("page = ")).unwrap();
        let local = format!("page = \"{}\"", server.url(&format!("/{provider}.md")));
        fs::write(specs.join("provider.toml"), settings.replace(page_line, &local)).unwrap();
        server.set(&format!("/{provider}.md"), Route::Body(page(provider).into_bytes()));
    }
    xtask::codegen(root.path(), &[], xtask::Mode::Write).unwrap();
    root
}

/// Every file under `root`, for byte-for-byte comparisons of the whole tree.
fn tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.strip_prefix(root).unwrap().to_path_buf(), fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn options(check: bool) -> RefreshOptions {
    RefreshOptions { check, timeout: Duration::from_millis(1500), today: "2026-12-02".into() }
}

fn run(root: &Path, only: &[&str], check: bool) -> (Vec<ProviderRefresh>, Vec<String>) {
    let only: Vec<String> = only.iter().map(|s| (*s).to_owned()).collect();
    let mut lines = Vec::new();
    let results = refresh(root, &only, &options(check), &mut |line| lines.push(line.to_owned())).unwrap();
    (results, lines)
}

/// The simli page with `msg` of a validation error no longer required: a breaking change for
/// callers who read it (the field becomes an `Option`). (Not a change to the token request:
/// one that the `[token]` table cannot fill stops the refresh, tested below.)
fn simli_page_with_a_required_field() -> String {
    let page = page("simli");
    let changed = page.replace(
        "      required:\n        - loc\n        - msg\n        - type\n",
        "      required:\n        - loc\n        - type\n",
    );
    assert_ne!(changed, page, "the fixture page still has the expected shape");
    changed
}

/// The simli page with `createTranscript` made required in the token request, which the
/// `[token]` table does not fill.
fn simli_page_breaking_the_token_table() -> String {
    let page = page("simli");
    let changed = page.replace(
        "      required:\n        - simliAPIKey\n",
        "      required:\n        - simliAPIKey\n        - createTranscript\n",
    );
    assert_ne!(changed, page, "the fixture page still has the expected shape");
    changed
}

/// A vendor change that the `[token]` table can no longer mint with stops that provider's
/// refresh with an error at the table's line in provider.toml, and writes nothing.
#[test]
fn a_change_that_breaks_the_token_table_is_refused_at_its_line() {
    let server = Server::start();
    let root = scratch(&server);
    server.set("/simli.md", Route::Body(simli_page_breaking_the_token_table().into_bytes()));
    let before = tree(root.path());
    let (results, _) = run(root.path(), &["simli"], false);
    let summary = results[0].summary_line();
    assert!(summary.starts_with("simli: failed: "), "{summary}");
    assert!(summary.contains("specs/simli/provider.toml:"), "{summary}");
    assert!(summary.contains("requires the body field `TokenRequest.createTranscript`"), "{summary}");
    assert_eq!(tree(root.path()), before, "nothing is written");
}

#[test]
fn refresh_is_a_no_op_when_nothing_changed() {
    let server = Server::start();
    let root = scratch(&server);
    let before = tree(root.path());
    let (results, lines) = run(root.path(), &[], false);
    assert_eq!(results.len(), 5);
    for result in &results {
        assert!(matches!(result.outcome, Outcome::Unchanged), "{}", result.summary_line());
    }
    assert!(lines.contains(&"simli: unchanged".to_owned()), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("simli: fetching http://127.0.0.1:")), "{lines:?}");
    assert_eq!(tree(root.path()), before, "no file may be touched");
}

#[test]
fn a_changed_page_updates_spec_provenance_version_changelog_and_crate() {
    let server = Server::start();
    let root = scratch(&server);
    let new_page = simli_page_with_a_required_field();
    server.set("/simli.md", Route::Body(new_page.clone().into_bytes()));

    let (results, lines) = run(root.path(), &["simli"], false);
    let Outcome::Changed(changed) = &results[0].outcome else { panic!("{}", results[0].summary_line()) };
    assert_eq!((changed.old_version.as_str(), changed.new_version.as_str()), ("0.1.0", "0.2.0"));
    assert!(lines.contains(&"simli: changed, breaking (0.1.0 -> 0.2.0)".to_owned()), "{lines:?}");
    let text = changed.report.render_text();
    assert!(text.contains("msg"), "{text}");

    let specs = root.path().join("specs/simli");
    let spec = fs::read_to_string(specs.join("openapi.yaml")).unwrap();
    assert!(new_page.contains(&spec) && !spec.contains("        - msg\n"), "the spec is the new fence");
    let settings = fs::read_to_string(specs.join("provider.toml")).unwrap();
    assert!(settings.contains(&format!("sha256 = \"{}\"", changed.sha256)), "{settings}");
    assert!(settings.contains("fetched = \"2026-12-02\""), "{settings}");
    assert!(settings.contains("version = \"0.2.0\""), "{settings}");
    assert!(settings.contains("# The request body carries provider API keys"), "comments are kept: {settings}");

    let crate_dir = root.path().join("crates/simli");
    assert!(fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap().contains("version = \"0.2.0\""));
    let types = fs::read_to_string(crate_dir.join("src/types.rs")).unwrap();
    assert!(types.contains("pub msg: Option<String>,"), "the crate was regenerated");
    let changelog = fs::read_to_string(crate_dir.join("CHANGELOG.md")).unwrap();
    assert!(changelog.starts_with("# Changelog\n"), "{changelog}");
    assert!(changelog.contains("## 0.2.0 (2026-12-02)"), "{changelog}");
    assert!(changelog.contains("breaking"), "{changelog}");

    // The result is fresh for codegen, and a second refresh has nothing to do.
    assert!(xtask::codegen(root.path(), &[], xtask::Mode::Check).unwrap().is_fresh());
    let before = tree(root.path());
    let (results, _) = run(root.path(), &["simli"], false);
    assert!(matches!(results[0].outcome, Outcome::Unchanged), "{}", results[0].summary_line());
    assert_eq!(tree(root.path()), before);
}

#[test]
fn check_reports_a_changed_page_and_writes_nothing() {
    let server = Server::start();
    let root = scratch(&server);
    server.set("/simli.md", Route::Body(simli_page_with_a_required_field().into_bytes()));
    let before = tree(root.path());
    let (results, _) = run(root.path(), &[], true);
    let changed: Vec<&str> =
        results.iter().filter(|r| matches!(r.outcome, Outcome::Changed(_))).map(|r| r.provider.as_str()).collect();
    assert_eq!(changed, ["simli"]);
    assert_eq!(tree(root.path()), before, "--check writes nothing");
    let json = results[3].to_json();
    assert_eq!(json["status"], "changed");
    assert_eq!(json["verdict"], "breaking");
    assert_eq!(json["new_version"], "0.2.0");
}

#[test]
fn every_failure_names_the_provider_and_url_and_leaves_the_tree_as_it_was() {
    let server = Server::start();
    let root = scratch(&server);
    let before = tree(root.path());
    let refused_port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let simli = page("simli");
    let fence_start = simli.find("````yaml").unwrap();
    let broken_yaml = simli.replace("openapi: 3.1.0\n", "openapi: 3.1.0\n  : : [\n");
    let broken_spec =
        simli.replace("components:\n  schemas:\n", "components:\n  schemas:\n    Refused: {not: {type: string}}\n");
    assert_ne!(broken_spec, simli);
    let cases: Vec<(&str, Route, &str)> = vec![
        ("404", Route::Status(404), "HTTP 404"),
        ("500", Route::Status(500), "HTTP 500"),
        ("timeout", Route::Stall, "timed out"),
        ("no fence", Route::Body(simli.replace("````yaml", "````text").into_bytes()), "no yaml fence"),
        (
            "two fences",
            Route::Body(format!("{}\n\n```yaml\nopenapi: 3.0.3\n```\n", simli).into_bytes()),
            "2 yaml fences",
        ),
        ("empty body", Route::Body(Vec::new()), "empty"),
        ("broken yaml", Route::Body(broken_yaml.into_bytes()), "does not generate"),
        ("broken spec", Route::Body(broken_spec.into_bytes()), "`not` schemas are not supported"),
        ("header only", Route::Body(simli.as_bytes()[..fence_start].to_vec()), "no yaml fence"),
    ];
    for (name, route, expected) in cases {
        server.set("/simli.md", route);
        let (results, lines) = run(root.path(), &["simli"], false);
        let Outcome::Failed(message) = &results[0].outcome else { panic!("{name}: {}", results[0].summary_line()) };
        assert!(message.contains(expected), "{name}: expected `{expected}` in: {message}");
        assert!(message.contains(&server.url("/simli.md")), "{name}: the URL is named: {message}");
        assert!(lines.iter().any(|l| l.starts_with("simli: failed: ")), "{name}: {lines:?}");
        assert_eq!(tree(root.path()), before, "{name}: the tree must be unchanged");
    }

    // A refused connection: point the settings at a port nobody listens on.
    let settings_path = root.path().join("specs/simli/provider.toml");
    let settings = fs::read_to_string(&settings_path).unwrap();
    let refused = settings.replace(&server.url("/simli.md"), &format!("http://127.0.0.1:{refused_port}/simli.md"));
    fs::write(&settings_path, &refused).unwrap();
    let before = tree(root.path());
    let (results, _) = run(root.path(), &["simli"], false);
    let Outcome::Failed(message) = &results[0].outcome else { panic!("{}", results[0].summary_line()) };
    assert!(message.contains("refused"), "{message}");
    assert_eq!(tree(root.path()), before);
}

#[test]
fn one_provider_failing_does_not_stop_the_others() {
    let server = Server::start();
    let root = scratch(&server);
    server.set("/decart.md", Route::Status(503));
    server.set("/simli.md", Route::Body(simli_page_with_a_required_field().into_bytes()));
    let decart_before: BTreeMap<PathBuf, Vec<u8>> = tree(root.path())
        .into_iter()
        .filter(|(path, _)| path.starts_with("specs/decart") || path.starts_with("crates/decart"))
        .collect();
    let (results, _) = run(root.path(), &[], false);
    let summary: Vec<String> = results.iter().map(ProviderRefresh::summary_line).collect();
    assert!(summary[1].starts_with("decart: failed: ") && summary[1].contains("HTTP 503"), "{summary:?}");
    assert_eq!(summary[3], "simli: changed, breaking (0.1.0 -> 0.2.0)", "{summary:?}");
    assert_eq!(summary[0], "assemblyai: unchanged", "{summary:?}");
    let decart_after: BTreeMap<PathBuf, Vec<u8>> = tree(root.path())
        .into_iter()
        .filter(|(path, _)| path.starts_with("specs/decart") || path.starts_with("crates/decart"))
        .collect();
    assert_eq!(decart_after, decart_before);
}

/// The fence header names the full spec and the operation a page shows; when only it changes,
/// refresh records the new header and says so, and the version stays (the API did not change).
#[test]
fn a_changed_fence_header_is_recorded_and_reported() {
    let server = Server::start();
    let root = scratch(&server);
    let page = page("simli").replace(
        "````yaml https://api.simli.ai/openapi.yaml post /auto/token",
        "````yaml https://api.simli.ai/v2/openapi.yaml post /auto/token",
    );
    server.set("/simli.md", Route::Body(page.into_bytes()));
    let (results, lines) = run(root.path(), &["simli"], false);
    let Outcome::Changed(changed) = &results[0].outcome else { panic!("{}", results[0].summary_line()) };
    assert_eq!(changed.report.verdict(), codegen::change::Verdict::Unchanged);
    assert_eq!(changed.new_version, "0.1.0");
    assert_eq!(
        changed.fence,
        Some((
            Some("https://api.simli.ai/openapi.yaml post /auto/token".to_owned()),
            Some("https://api.simli.ai/v2/openapi.yaml post /auto/token".to_owned())
        ))
    );
    assert!(lines.contains(&"simli: changed, no change to the Rust API (version stays 0.1.0)".to_owned()), "{lines:?}");
    let settings = fs::read_to_string(root.path().join("specs/simli/provider.toml")).unwrap();
    assert!(settings.contains("fence = \"https://api.simli.ai/v2/openapi.yaml post /auto/token\""), "{settings}");
    let changelog = fs::read_to_string(root.path().join("crates/simli/CHANGELOG.md")).unwrap();
    assert!(changelog.contains("fence header changed from `https://api.simli.ai/openapi.yaml"), "{changelog}");
}
