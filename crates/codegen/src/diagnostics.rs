//! Problems found in a spec or its settings, each tied to the file and the place in it.
//!
//! Phases collect every problem they find before stopping (like serde_derive's context), so one
//! run reports all of them instead of one per run.

use std::fmt;

/// Where in a spec a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole.
    File,
    /// A line and column (1-based), for syntax errors.
    Line {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A JSON pointer into the document, such as `#/components/schemas/Token/properties/ttl`.
    Pointer(String),
    /// An operation, by operationId (or `METHOD /path` when it has none), plus a JSON pointer.
    Operation {
        /// The operationId or `METHOD /path`.
        operation: String,
        /// The pointer to the offending part.
        pointer: String,
    },
}

impl Location {
    /// A place inside an operation: `pointer` in the document, named with the operation's id.
    pub(crate) fn operation(operation: &str, pointer: impl Into<String>) -> Self {
        Self::Operation { operation: operation.to_owned(), pointer: pointer.into() }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File => Ok(()),
            Self::Line { line, column } => write!(f, "{line}:{column}"),
            Self::Pointer(pointer) => f.write_str(pointer),
            Self::Operation { operation, pointer } => write!(f, "{pointer} (operation `{operation}`)"),
        }
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Generation fails.
    Error,
    /// Generation goes on with a documented fallback.
    Warning,
}

/// One problem, with the file and the place in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, as the caller named it (such as `specs/simli/openapi.yaml`).
    pub file: String,
    /// Where in the file.
    pub location: Location,
    /// What is wrong, and where possible what to do about it.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &self.location {
            Location::File => write!(f, "{severity}: {}: {}", self.file, self.message),
            Location::Line { .. } => write!(f, "{severity}: {}:{}: {}", self.file, self.location, self.message),
            location => write!(f, "{severity}: {}: {location}: {}", self.file, self.message),
        }
    }
}

/// Generation failed; every error found is listed, warnings too.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Error {
    /// The problems, errors first.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        write!(f, "{errors} error(s) in the spec")?;
        for diagnostic in &self.diagnostics {
            write!(f, "\n  {diagnostic}")?;
        }
        Ok(())
    }
}

/// Collects diagnostics for one file.
#[derive(Debug, Clone)]
pub(crate) struct Diagnostics {
    file: String,
    items: Vec<Diagnostic>,
    /// Pointers that normalization made, and where their contents are in the user's file.
    aliases: Vec<(String, String)>,
}

impl Diagnostics {
    pub(crate) fn new(file: &str) -> Self {
        Self { file: file.to_owned(), items: Vec::new(), aliases: Vec::new() }
    }

    /// Diagnostics at `made` (or below it), a place that normalization created, are reported at
    /// `original`, where that content is in the file the user wrote. `original` is a place in the
    /// document as it is now: when an earlier step made it (a schema moved out of a copy that a
    /// `$ref` was replaced with), it is mapped on to the user's file here, once.
    pub(crate) fn alias_pointer(&mut self, made: String, original: String) {
        let original = self.original_pointer(original);
        self.aliases.push((made, original));
    }

    /// The innermost made place a pointer is in decides (a copy inside a copy); of two aliases
    /// for the same place, the later one.
    fn original_pointer(&self, pointer: String) -> String {
        let innermost = self
            .aliases
            .iter()
            .filter_map(|(made, original)| {
                let rest = pointer.strip_prefix(made.as_str())?;
                (rest.is_empty() || rest.starts_with('/')).then_some((made.len(), original, rest))
            })
            .max_by_key(|(length, _, _)| *length);
        match innermost {
            Some((_, original, rest)) => format!("{original}{rest}"),
            None => pointer,
        }
    }

    pub(crate) fn error(&mut self, location: Location, message: impl Into<String>) {
        self.push(Severity::Error, location, message.into());
    }

    /// An error in another file than the spec: the provider's settings.
    pub(crate) fn error_in(&mut self, file: &str, location: Location, message: impl Into<String>) {
        self.add(Diagnostic { severity: Severity::Error, file: file.to_owned(), location, message: message.into() });
    }

    pub(crate) fn warning(&mut self, location: Location, message: impl Into<String>) {
        self.push(Severity::Warning, location, message.into());
    }

    fn push(&mut self, severity: Severity, location: Location, message: String) {
        let location = match location {
            Location::Pointer(pointer) => Location::Pointer(self.original_pointer(pointer)),
            Location::Operation { operation, pointer } => {
                Location::Operation { operation, pointer: self.original_pointer(pointer) }
            }
            other => other,
        };
        self.add(Diagnostic { severity, file: self.file.clone(), location, message });
    }

    /// Records a diagnostic once.
    fn add(&mut self, diagnostic: Diagnostic) {
        if !self.items.contains(&diagnostic) {
            self.items.push(diagnostic);
        }
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Fails with everything collected if any error was found.
    pub(crate) fn check(&mut self) -> Result<(), Error> {
        if self.has_errors() { Err(self.take_error()) } else { Ok(()) }
    }

    pub(crate) fn take_error(&mut self) -> Error {
        let mut diagnostics = std::mem::take(&mut self.items);
        diagnostics.sort_by_key(|d| d.severity != Severity::Error);
        Error { diagnostics }
    }

    pub(crate) fn into_warnings(self) -> Vec<Diagnostic> {
        self.items
    }

    /// An error for the whole file, ending generation at once.
    pub(crate) fn fatal(&mut self, location: Location, message: impl Into<String>) -> Error {
        self.error(location, message);
        self.take_error()
    }
}

/// Escapes one JSON pointer token (RFC 6901).
pub(crate) fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Reads one escaped JSON pointer token back (RFC 6901: `~1` is `/`, then `~0` is `~`).
pub(crate) fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends tokens to a pointer.
pub(crate) fn pointer(base: &str, tokens: &[&str]) -> String {
    let mut pointer = base.to_owned();
    for token in tokens {
        pointer.push('/');
        pointer.push_str(&pointer_token(token));
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_round_trip() {
        for token in ["plain", "a/b", "~tilde", "~1 literal", "application/json"] {
            assert_eq!(unescape_pointer_token(&pointer_token(token)), token);
        }
        assert_eq!(pointer("#/paths", &["/a/{id}", "get"]), "#/paths/~1a~1{id}/get");
    }
}
