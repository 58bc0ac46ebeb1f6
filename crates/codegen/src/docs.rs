//! Spec prose to rustdoc-safe Markdown.
//!
//! Descriptions are written for documentation sites, not rustdoc. Left as they are, a bare URL
//! trips `rustdoc::bare_urls`, `[text]` becomes a broken intra-doc link, `<Note>` an unclosed HTML
//! tag, and an untagged or indented code block a doctest that does not compile.

use serde_json::Value;

/// Splits spec prose into paragraphs that are safe to put in a doc comment.
pub(crate) fn paragraphs(text: &str) -> Vec<String> {
    let cleaned = sanitize(text.trim());
    cleaned.split("\n\n").map(|p| p.trim_matches('\n').to_owned()).filter(|p| !p.trim().is_empty()).collect()
}

fn sanitize(text: &str) -> String {
    indent_list_items(&flatten(text))
}

/// Escapes each line outside code fences, tags fences that would be doctests, and keeps at most
/// two spaces of indentation, so no line starts an indented code block (a doctest).
fn flatten(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if in_fence {
                out.push_str("```");
            } else {
                // A fence without a language would be compiled as a Rust doctest.
                let lang = trimmed.trim_start_matches('`').trim();
                let lang = if lang.is_empty() || lang == "rust" { "text" } else { lang };
                out.push_str("```");
                out.push_str(lang);
            }
            in_fence = !in_fence;
        } else if in_fence {
            out.push_str(line);
        } else {
            let indent = (line.len() - trimmed.len()).min(2);
            out.push_str(&" ".repeat(indent));
            out.push_str(&escape_line(trimmed));
        }
        out.push('\n');
    }
    if in_fence {
        out.push_str("```\n");
    }
    out
}

/// Indents every line inside a list item (continuation lines, nested items) to the item's
/// content, as CommonMark reads the text (with `pulldown-cmark`), so rustdoc renders the list
/// and clippy's `doc_lazy_continuation` has nothing to say. Lines in code blocks stay as they are.
fn indent_list_items(text: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut items: Vec<(std::ops::Range<usize>, usize)> = Vec::new();
    let mut code: Vec<std::ops::Range<usize>> = Vec::new();
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::Item) => {
                // The item's range may start at its indentation, before the marker.
                let line = text[range.start..].lines().next().unwrap_or_default().trim_start_matches(' ');
                let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                let marker = if digits > 0 { digits + 1 } else { 1 };
                let after = line.get(marker..).unwrap_or_default();
                let spaces = after.len() - after.trim_start_matches(' ').len();
                let spaces = if spaces == 0 || spaces > 4 || after.trim().is_empty() { 1 } else { spaces };
                items.push((range, marker + spaces));
            }
            Event::Start(Tag::CodeBlock(_)) => code.push(range),
            _ => {}
        }
    }
    if items.is_empty() {
        return text.to_owned();
    }
    let mut columns: Vec<Option<usize>> = vec![None; items.len()];
    let mut out = String::with_capacity(text.len() + 64);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches('\n');
        let trimmed = content.trim_start();
        if trimmed.is_empty() || code.iter().any(|range| range.start < start && start < range.end) {
            out.push_str(line);
            continue;
        }
        let starts_here = |range: &std::ops::Range<usize>| (start..=start + content.len()).contains(&range.start);
        let enclosing = items
            .iter()
            .enumerate()
            .rfind(|(_, (range, _))| range.start < start && start < range.end && !starts_here(range))
            .and_then(|(index, _)| columns[index]);
        let indent = enclosing.unwrap_or(content.len() - trimmed.len());
        for (index, (range, width)) in items.iter().enumerate() {
            if starts_here(range) && columns[index].is_none() {
                columns[index] = Some(indent + width);
            }
        }
        out.push_str(&" ".repeat(indent));
        out.push_str(&line[content.len() - trimmed.len()..]);
    }
    out
}

/// Escapes the inline constructs rustdoc would misread; leaves code spans and Markdown links.
fn escape_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                // Copy a code span verbatim.
                let end = chars[i + 1..].iter().position(|&d| d == '`').map(|p| i + 1 + p);
                match end {
                    Some(end) => {
                        out.extend(&chars[i..=end]);
                        i = end + 1;
                        continue;
                    }
                    None => out.push_str("\\`"),
                }
            }
            '[' => {
                // Keep `[text](url)`; escape other brackets so rustdoc sees no intra-doc link.
                let close = chars[i + 1..].iter().position(|&d| d == ']').map(|p| i + 1 + p);
                match close {
                    Some(close) if chars.get(close + 1) == Some(&'(') => {
                        let text: String = chars[i + 1..close].iter().collect();
                        out.push('[');
                        out.push_str(&escape_line(&text));
                        out.push(']');
                        let url_end = chars[close + 1..].iter().position(|&d| d == ')').map(|p| close + 1 + p);
                        let url_end = url_end.unwrap_or(chars.len() - 1);
                        out.extend(&chars[close + 1..=url_end]);
                        i = url_end + 1;
                        continue;
                    }
                    _ => out.push_str("\\["),
                }
            }
            ']' => out.push_str("\\]"),
            '<' => {
                // Keep autolinks `<https://...>`; escape anything else that looks like HTML.
                let rest: String = chars[i..].iter().collect();
                if rest.starts_with("<http://") || rest.starts_with("<https://") {
                    let end = rest.find('>').map_or(rest.len(), |p| p + 1);
                    out.push_str(&rest[..end]);
                    i += rest[..end].chars().count();
                    continue;
                }
                out.push_str("&lt;");
            }
            '>' if i == 0 => out.push('>'),
            '>' => out.push_str("&gt;"),
            'h' if starts_url(&chars[i..]) => {
                let end = chars[i..]
                    .iter()
                    .position(|d| d.is_whitespace() || matches!(d, ')' | '>' | '"' | '\''))
                    .map_or(chars.len(), |p| i + p);
                let mut url: String = chars[i..end].iter().collect();
                let trailing: String = {
                    let keep = url.trim_end_matches(['.', ',', ';', ':']).len();
                    url.split_off(keep)
                };
                out.push('<');
                out.push_str(&url);
                out.push('>');
                out.push_str(&trailing);
                i = end;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn starts_url(chars: &[char]) -> bool {
    let head: String = chars.iter().take(8).collect();
    head.starts_with("http://") || head.starts_with("https://")
}

/// A JSON value as inline code for docs: `` `-1` ``, `` `""` ``.
pub(crate) fn code(value: &Value) -> String {
    let text = value.to_string();
    if text.contains('`') { format!("`` {text} ``") } else { format!("`{text}`") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(escape_line("See https://x.io/a."), "See <https://x.io/a>.");
        assert_eq!(escape_line("[docs](https://x.io/a) ok"), "[docs](https://x.io/a) ok");
        assert_eq!(escape_line("<https://x.io>"), "<https://x.io>");
    }

    #[test]
    fn brackets_and_tags_are_escaped_outside_code() {
        assert_eq!(escape_line("list[str] and <Note>"), "list\\[str\\] and &lt;Note&gt;");
        assert_eq!(escape_line("`list[str]`"), "`list[str]`");
    }

    #[test]
    fn list_items_keep_their_continuation_lines_indented() {
        let text = "Filters:\n- `target=experiment`\n  - `datasetId`: options\n    Use dataset ids,\n    not names.\n- `x`: y\ncontinued lazily\n\nAfter the list.\n1. one\n   more";
        assert_eq!(
            paragraphs(text),
            vec![
                "Filters:\n- `target=experiment`\n  - `datasetId`: options\n    Use dataset ids,\n    not names.\n- `x`: y\n  continued lazily",
                "After the list.\n1. one\n   more",
            ]
        );
    }

    #[test]
    fn lines_indented_into_a_paragraph_do_not_become_a_lazy_list() {
        // Four spaces after a paragraph continue it (no list); once flattened to two spaces they
        // would start a list, whose continuation lines must then be indented too.
        let text =
            "Not used in these cases:\n    - Child workflows who inherit their\n      parent's build\n    - Activities";
        assert_eq!(
            paragraphs(text),
            vec!["Not used in these cases:\n  - Child workflows who inherit their\n    parent's build\n  - Activities"]
        );
    }

    #[test]
    fn indented_numbered_items_continue_at_their_content() {
        let text = "Messages:\n  1. When it converted:\n  {\n  type: x\n  }\n  2. When it failed";
        assert_eq!(
            paragraphs(text),
            vec!["Messages:\n  1. When it converted:\n     {\n     type: x\n     }\n  2. When it failed"]
        );
    }

    #[test]
    fn code_blocks_never_become_doctests() {
        let out = paragraphs("Example:\n\n```\ncurl x\n```\n\n    indented");
        assert_eq!(out, vec!["Example:", "```text\ncurl x\n```", "  indented"]);
    }
}
