//! Downloading a vendor's spec: either a raw spec URL, or a docs page whose markdown holds the
//! spec in exactly one yaml fence (the `.md` form of a docs page). Nothing here touches files.

use std::io::ErrorKind;
use std::time::Duration;

/// The largest body read: well above the biggest vendor spec seen (about 4 MB).
const MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// How a source URL is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A markdown page; the spec is the body of its one yaml fence.
    Page,
    /// The spec itself, YAML or JSON.
    Spec,
}

/// A spec as downloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The spec's bytes, exactly as they will be vendored.
    pub spec: Vec<u8>,
    /// For a page: what the fence header says after `yaml`, such as
    /// `https://api.simli.ai/openapi.yaml post /auto/token` (the full spec and the operation the
    /// page shows). `None` for a raw spec.
    pub fence: Option<String>,
}

/// Downloads `url` and cuts out the spec. The error is one line that says what went wrong (the
/// caller adds the provider and the URL).
pub fn fetch(url: &str, kind: SourceKind, timeout: Duration) -> Result<Fetched, String> {
    let body = download(url, timeout)?;
    match kind {
        SourceKind::Spec => {
            if body.iter().all(u8::is_ascii_whitespace) {
                return Err("the response body is empty".to_owned());
            }
            Ok(Fetched { spec: body, fence: None })
        }
        SourceKind::Page => {
            let text = String::from_utf8(body).map_err(|_| "the page is not UTF-8 text".to_owned())?;
            if text.trim().is_empty() {
                return Err("the response body is empty".to_owned());
            }
            let fence = yaml_fence(&text)?;
            Ok(Fetched { spec: fence.body.into_bytes(), fence: Some(fence.header) })
        }
    }
}

/// GETs `url` with a timeout for the whole exchange; any status but 2xx is an error.
fn download(url: &str, timeout: Duration) -> Result<Vec<u8>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .user_agent(concat!("xtask-refresh/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|error| describe(&error, timeout))?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_BODY_BYTES)
        .read_to_vec()
        .map_err(|error| format!("reading the body failed: {}", describe(&error, timeout)))
}

/// One clear phrase per failure class.
fn describe(error: &ureq::Error, timeout: Duration) -> String {
    match error {
        ureq::Error::StatusCode(status) => format!("the server answered HTTP {status}"),
        ureq::Error::Timeout(_) => format!("no complete answer within {} s (timed out)", timeout.as_secs_f32()),
        ureq::Error::HostNotFound => "the host name could not be resolved (DNS failure)".to_owned(),
        ureq::Error::Io(io) if io.kind() == ErrorKind::ConnectionRefused => "the connection was refused".to_owned(),
        ureq::Error::Io(io) if io.kind() == ErrorKind::TimedOut => {
            format!("no complete answer within {} s (timed out)", timeout.as_secs_f32())
        }
        other => other.to_string(),
    }
}

/// A fenced code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// The info string after the language word, trimmed.
    pub header: String,
    /// The lines between the fences, each ending in `\n`.
    pub body: String,
}

/// The one fenced code block whose language is `yaml` (or `yml`). None, or more than one, is an
/// error: a page that shows two specs is ambiguous, and guessing would vendor the wrong one.
pub fn yaml_fence(markdown: &str) -> Result<Fence, String> {
    let fences: Vec<(String, Fence)> = fences(markdown);
    let yaml: Vec<&Fence> = fences
        .iter()
        .filter(|(language, _)| language.eq_ignore_ascii_case("yaml") || language.eq_ignore_ascii_case("yml"))
        .map(|(_, fence)| fence)
        .collect();
    match yaml.as_slice() {
        [] => Err("the page has no yaml fence (```yaml ... ```) holding the spec".to_owned()),
        [fence] if fence.body.trim().is_empty() => Err("the page's yaml fence is empty".to_owned()),
        [fence] => Ok((*fence).clone()),
        many => Err(format!("the page has {} yaml fences; expected exactly one holding the spec", many.len())),
    }
}

/// Every fenced code block, as CommonMark reads them: an opening line of three or more backticks
/// or tildes (indented at most three spaces), closed by a line of the same character at least as
/// long; an unclosed fence runs to the end of the document. Returns each block's language word
/// and the rest.
fn fences(markdown: &str) -> Vec<(String, Fence)> {
    let mut found = Vec::new();
    let mut lines = markdown.split_inclusive('\n');
    while let Some(line) = lines.next() {
        let Some((marker, length, indent, info)) = opening_fence(line) else { continue };
        let mut body = String::new();
        for line in lines.by_ref() {
            if is_closing_fence(line, marker, length) {
                break;
            }
            body.push_str(strip_indent(line, indent));
            if !line.ends_with('\n') {
                body.push('\n');
            }
        }
        let (language, header) = match info.split_once(char::is_whitespace) {
            Some((language, rest)) => (language.to_owned(), rest.trim().to_owned()),
            None => (info.to_owned(), String::new()),
        };
        found.push((language, Fence { header, body }));
    }
    found
}

fn leading_spaces(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `(marker, length, indent, info)` when the line opens a fence.
fn opening_fence(line: &str) -> Option<(char, usize, usize, &str)> {
    let indent = leading_spaces(line);
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let marker = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = rest.len() - rest.trim_start_matches(marker).len();
    if length < 3 {
        return None;
    }
    let info = rest[length..].trim();
    // A backtick fence's info string may not contain backticks (that is inline code).
    if marker == '`' && info.contains('`') {
        return None;
    }
    Some((marker, length, indent, info))
}

fn is_closing_fence(line: &str, marker: char, length: usize) -> bool {
    let indent = leading_spaces(line);
    if indent > 3 {
        return false;
    }
    let rest = line[indent..].trim_end();
    rest.len() >= length && rest.chars().all(|c| c == marker)
}

/// Content lines lose up to as many leading spaces as the opening fence had.
fn strip_indent(line: &str, indent: usize) -> &str {
    let spaces = leading_spaces(line).min(indent);
    &line[spaces..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_one_yaml_fence_is_cut_out_with_its_header() {
        let page = "# Title\n\n```json\n{}\n```\n\n````yaml https://x.example/openapi.yaml post /t\nopenapi: 3.1.0\npaths: {}\n````\n\ntext\n";
        let fence = yaml_fence(page).unwrap();
        assert_eq!(fence.header, "https://x.example/openapi.yaml post /t");
        assert_eq!(fence.body, "openapi: 3.1.0\npaths: {}\n");
    }

    #[test]
    fn a_longer_closing_fence_closes_and_a_shorter_one_does_not() {
        let page = "````yaml\na: |\n  ```\n  inner\n  ```\n`````\n";
        assert_eq!(yaml_fence(page).unwrap().body, "a: |\n  ```\n  inner\n  ```\n");
    }

    #[test]
    fn no_fence_two_fences_and_an_empty_fence_are_errors() {
        assert!(yaml_fence("# nothing here\n").unwrap_err().contains("no yaml fence"));
        assert!(yaml_fence("```yaml\na: 1\n```\n```yml\nb: 2\n```\n").unwrap_err().contains("2 yaml fences"));
        assert!(yaml_fence("```yaml\n\n```\n").unwrap_err().contains("empty"));
        assert!(yaml_fence("```python\nx = 1\n```\n").unwrap_err().contains("no yaml fence"));
    }

    #[test]
    fn indented_fences_lose_their_indent_and_tilde_fences_count() {
        let page = "  ~~~yaml\n  a: 1\n    b: 2\n  ~~~\n";
        assert_eq!(yaml_fence(page).unwrap().body, "a: 1\n  b: 2\n");
    }
}
