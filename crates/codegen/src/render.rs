//! Tokens to text: parse with syn, format with prettyplease, prefix the generated-file header.

use proc_macro2::TokenStream;

/// Formats a module's tokens. A failure here is a bug in the generator, reported as an error
/// instead of a panic so the caller can say which file and which spec.
pub(crate) fn format_module(tokens: TokenStream) -> Result<String, String> {
    Ok(space_items(&prettyplease::unparse(&parse(tokens)?)))
}

/// prettyplease puts items directly under each other; hand-written code separates them with a
/// blank line. This adds one before an item (or its docs and attributes) that follows the end of
/// another item at the same indentation, and after the module's `//!` docs.
fn space_items(formatted: &str) -> String {
    let mut out = String::with_capacity(formatted.len() + formatted.len() / 20);
    space_items_into(&mut out, formatted);
    out
}

/// [`space_items`], appending to `out`.
fn space_items_into(out: &mut String, formatted: &str) {
    const ITEM_STARTS: [&str; 12] =
        ["///", "#[", "pub ", "impl", "fn ", "async fn", "static ", "const ", "struct ", "enum ", "type ", "mod "];
    let mut previous: Option<&str> = None;
    for line in formatted.lines() {
        if let Some(previous) = previous {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let (prev, current) = (previous.trim(), line.trim_start());
            let ends_item = prev == "}"
                || prev == "};"
                || (prev.ends_with(';') && !prev.starts_with("use ") && !prev.starts_with("//"));
            let starts_item = ITEM_STARTS.iter().any(|start| current.starts_with(start));
            let after_module_docs = (prev.starts_with("//!") && !current.starts_with("//!"))
                || (prev.starts_with("#![") && !current.starts_with("#!["));
            let after_uses = (prev.starts_with("use ") || prev == "};")
                && !current.starts_with("use ")
                && current.starts_with(|c: char| c.is_alphabetic() || c == '#' || c == '/');
            if (ends_item && starts_item && indent(previous) == indent(line))
                || after_module_docs
                || (after_uses && indent(line) == 0)
            {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
}

/// Parses tokens as a file; a failure is a bug in the generator, reported with the tokens.
fn parse(tokens: TokenStream) -> Result<syn::File, String> {
    syn::parse2::<syn::File>(tokens.clone()).map_err(|error| {
        format!(
            "the generator produced invalid Rust ({error}); this is a bug in the generator. Tokens: {}",
            truncate(&tokens.to_string())
        )
    })
}

/// The items of `types.rs`, formatted: each type emitted and formatted on its own and gated at
/// the syntax tree, the types split into contiguous shares formatted on up to `threads`
/// threads. The same text as formatting the module whole, without holding the whole module's
/// syntax tree, and without turning gated items back into tokens to parse them again. Only the
/// model crosses threads; tokens cannot, so each thread emits what it formats.
pub(crate) fn types_items(api: &crate::ir::Api, threads: usize) -> Result<Vec<String>, String> {
    // Each type is spaced as it is formatted, after the blank line that separates it from what
    // comes before (the module's head, or the type before it, always an item's end), so the
    // file is never copied whole to space it.
    let format_share = |defs: &[&crate::ir::TypeDef]| -> Result<String, String> {
        let mut formatted = String::new();
        for def in defs {
            let (tokens, features) = crate::emit::type_items(api, def);
            let mut file = parse(tokens)?;
            crate::emit::gate_items(&mut file.items, features);
            formatted.push('\n');
            space_items_into(&mut formatted, &prettyplease::unparse(&file));
        }
        Ok(formatted)
    };
    let defs: Vec<&crate::ir::TypeDef> = api.types.values().collect();
    if threads <= 1 || defs.len() < 2 * PARALLEL_FROM {
        return Ok(vec![format_share(&defs)?]);
    }
    // The first share on this thread, the others on threads of their own.
    let mut chunks = defs.chunks(defs.len().div_ceil(threads));
    let first = chunks.next().unwrap_or_default();
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks.map(|chunk| scope.spawn(move || format_share(chunk))).collect();
        std::iter::once(format_share(first))
            .chain(
                handles
                    .into_iter()
                    .map(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))),
            )
            .collect::<Result<_, _>>()
    })
}

/// The `types.rs` file: the header, the module's head, and its formatted items. Each share of
/// the items is freed as soon as it is copied in, so the file is held about once.
pub(crate) fn types_file(header: &str, head: TokenStream, items: Vec<String>) -> Result<String, String> {
    let head = space_items(&prettyplease::unparse(&parse(head)?));
    let length = header.len() + 4 + head.len() + items.iter().map(String::len).sum::<usize>();
    let mut file = String::with_capacity(length);
    file.push_str("// ");
    file.push_str(header);
    file.push_str("\n\n");
    file.push_str(&head);
    for share in items {
        file.push_str(&share);
    }
    Ok(file)
}

/// Below twice this many types, `types.rs` is formatted on one thread: a thread costs more than
/// it saves.
const PARALLEL_FROM: usize = 100;

/// A Rust file: the `// @generated` header, then the formatted module.
pub(crate) fn rust_file(header: &str, tokens: TokenStream) -> Result<String, String> {
    Ok(format!("// {header}\n\n{}", format_module(tokens)?))
}

/// The example function as README lines: the wrapper is hidden from readers with `# ` and the
/// body is shown at the left margin.
pub(crate) fn doctest_body(formatted: &str) -> String {
    let mut out = String::new();
    let mut in_fn = false;
    for line in formatted.lines() {
        if line.starts_with("async fn ") {
            in_fn = true;
            out.push_str(&format!("# {line}\n"));
        } else if in_fn && line == "}" {
            in_fn = false;
            out.push_str("# }\n");
        } else if in_fn {
            if line.trim() == "Ok(())" {
                out.push_str("# Ok(())\n");
            } else {
                out.push_str(line.strip_prefix("    ").unwrap_or(line));
                out.push('\n');
            }
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn truncate(text: &str) -> String {
    text.chars().take(2000).collect()
}
