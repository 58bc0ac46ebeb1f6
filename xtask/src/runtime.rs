//! `cargo xtask generate --runtime`: where a standalone crate finds `client-runtime`.
//!
//! The choice is parsed and checked before anything is generated, so a bad value writes nothing.
//! A folder is written relative to the generated crate's folder whenever a relative path exists,
//! so the two can move together (a workspace, a repository) without breaking the dependency.

use std::fmt;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, bail};
use codegen::RuntimeSource;

/// The forms `--runtime` takes, for messages.
pub const FORMS: &str = "`path:DIR`, `git:URL@REV` or `version:REQ` (for example `path:../client-runtime`, \
`git:https://github.com/org/repo@3f2a9c1`, `version:0.1`)";

/// Where `--runtime` says the runtime is, as the user gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeChoice {
    /// `path:DIR`: a folder holding the runtime crate; a relative `DIR` is relative to the
    /// current folder, like any other path on the command line.
    Path(PathBuf),
    /// `git:URL@REV`: a git repository at a fixed revision.
    Git {
        /// The repository URL.
        url: String,
        /// The revision: a commit hash, or a tag or branch name.
        rev: String,
    },
    /// `version:REQ`: a version requirement resolved from crates.io.
    Version(String),
}

impl RuntimeChoice {
    /// Parses a `--runtime` value.
    ///
    /// # Errors
    ///
    /// An unknown or missing prefix, an empty folder, a git URL without a scheme, host or
    /// revision, or a version requirement cargo would not accept; the message names the value.
    pub fn parse(value: &str) -> anyhow::Result<Self> {
        let Some((kind, rest)) = value.split_once(':') else {
            if value.contains(['/', '\\']) || value.starts_with('.') {
                bail!("`--runtime {value}` has no kind; for a folder, write `--runtime path:{value}`");
            }
            bail!("`--runtime {value}` has no kind; expected {FORMS}");
        };
        match kind {
            "path" => {
                if rest.trim().is_empty() {
                    bail!("`--runtime {value}` names no folder; expected `path:DIR`");
                }
                Ok(Self::Path(PathBuf::from(rest)))
            }
            "git" => parse_git(rest).with_context(|| format!("`--runtime {value}` is not a git source")),
            "version" => {
                let requirement = rest.trim();
                if requirement.is_empty() {
                    bail!("`--runtime {value}` names no version; expected `version:REQ`, such as `version:0.1`");
                }
                semver::VersionReq::parse(requirement)
                    .with_context(|| format!("`--runtime {value}`: `{requirement}` is not a version requirement"))?;
                Ok(Self::Version(requirement.to_owned()))
            }
            other => bail!("`--runtime {value}`: unknown kind `{other}`; expected {FORMS}"),
        }
    }

    /// The dependency source to write into the `Cargo.toml` of a crate generated into `out`.
    ///
    /// # Errors
    ///
    /// For `path:`, a folder without a `Cargo.toml`, a path that is not UTF-8, or an `out` that is
    /// the runtime's own folder.
    pub fn resolve(&self, out: &Path) -> anyhow::Result<RuntimeSource> {
        match self {
            Self::Path(dir) => {
                if !dir.join("Cargo.toml").is_file() {
                    bail!(
                        "`--runtime path:{}`: there is no Cargo.toml in {}; point it at the client-runtime crate's folder",
                        dir.display(),
                        dir.display()
                    );
                }
                let runtime = dir.canonicalize().with_context(|| format!("cannot resolve {}", dir.display()))?;
                let crate_dir = physical(out).with_context(|| format!("cannot resolve {}", out.display()))?;
                if crate_dir == runtime {
                    bail!("`--out {}` is the runtime's own folder; generate the crate somewhere else", out.display());
                }
                let written = relative(&runtime, &crate_dir).unwrap_or(runtime);
                let text = written.to_str().with_context(|| {
                    format!("{} is not UTF-8, so it cannot be written into Cargo.toml", written.display())
                })?;
                Ok(RuntimeSource::Path(text.to_owned()))
            }
            Self::Git { url, rev } => Ok(RuntimeSource::Git { url: url.clone(), rev: rev.clone() }),
            Self::Version(requirement) => Ok(RuntimeSource::Version(requirement.clone())),
        }
    }
}

impl fmt::Display for RuntimeChoice {
    /// The `--runtime` value that gives this choice back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Path(dir) => write!(f, "path:{}", dir.display()),
            Self::Git { url, rev } => write!(f, "git:{url}@{rev}"),
            Self::Version(requirement) => write!(f, "version:{requirement}"),
        }
    }
}

/// `URL@REV`: the revision follows the last `@` in the URL's path, so a user name in the URL
/// (`ssh://git@host/repo`) is not taken for one.
fn parse_git(rest: &str) -> anyhow::Result<RuntimeChoice> {
    let Some((scheme, after_scheme)) = rest.split_once("://") else {
        bail!("expected `git:URL@REV` with a URL such as `https://github.com/org/repo`");
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        bail!("`{scheme}` is not a URL scheme");
    }
    let path_start = after_scheme.find('/').unwrap_or(after_scheme.len());
    let (host, path) = after_scheme.split_at(path_start);
    if host.is_empty() && scheme != "file" {
        bail!("the URL has no host");
    }
    let Some((repository, rev)) = path.rsplit_once('@') else {
        bail!(
            "no revision: add `@REV` after the URL (a commit hash, tag or branch), so every build gets the same runtime"
        );
    };
    if repository.trim_matches('/').is_empty() {
        bail!("the URL names no repository");
    }
    if rev.is_empty() || rev.contains(char::is_whitespace) {
        bail!("`{rev}` is not a revision: give a commit hash, tag or branch after the `@`");
    }
    Ok(RuntimeChoice::Git { url: format!("{scheme}://{host}{repository}"), rev: rev.to_owned() })
}

/// `path` made absolute with symbolic links resolved, as cargo will see the folder once it exists:
/// the longest existing ancestor is resolved and the rest appended.
fn physical(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut missing = Vec::new();
    loop {
        if let Ok(mut resolved) = existing.canonicalize() {
            resolved.extend(missing.iter().rev());
            return Ok(resolved);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name);
                existing = parent;
            }
            _ => return Ok(absolute),
        }
    }
}

/// `target` relative to `base` with `/` separators, or `None` when no relative path leads there
/// (on Windows, another drive).
fn relative(target: &Path, base: &Path) -> Option<PathBuf> {
    // Both are absolute, so the first component is the root (`/`) or, on Windows, the drive. A
    // `..` left in a folder that does not exist yet cannot be counted reliably.
    let climbs = |path: &Path| path.components().any(|c| matches!(c, Component::ParentDir));
    if target.components().next() != base.components().next() || climbs(target) || climbs(base) {
        return None;
    }
    let relative = pathdiff::diff_paths(target, base)?;
    let parts: Vec<&str> = relative.components().map(|c| c.as_os_str().to_str()).collect::<Option<_>>()?;
    Some(PathBuf::from(parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_out_of_the_crate_folder() {
        let base = Path::new("/a/b/out");
        assert_eq!(relative(Path::new("/a/b/client-runtime"), base), Some(PathBuf::from("../client-runtime")));
        assert_eq!(relative(Path::new("/a/x/y"), base), Some(PathBuf::from("../../x/y")));
        assert_eq!(relative(Path::new("/a/b/out/vendor/rt"), base), Some(PathBuf::from("vendor/rt")));
        assert_eq!(relative(Path::new("/a/b/client-runtime"), Path::new("/a/new/../b/out")), None);
    }

    #[test]
    fn git_sources_keep_user_names_in_the_url() {
        let choice = RuntimeChoice::parse("git:ssh://git@example.com/org/repo@v0.1.0").unwrap();
        assert_eq!(choice, RuntimeChoice::Git { url: "ssh://git@example.com/org/repo".into(), rev: "v0.1.0".into() });
        assert!(RuntimeChoice::parse("git:ssh://git@example.com/org/repo").is_err());
        let choice = RuntimeChoice::parse("git:file:///srv/git/runtime@abc123").unwrap();
        assert_eq!(choice, RuntimeChoice::Git { url: "file:///srv/git/runtime".into(), rev: "abc123".into() });
    }

    #[test]
    fn choices_print_as_they_are_given() {
        for value in ["path:../client-runtime", "git:https://github.com/org/repo@3f2a9c1", "version:^0.1.2"] {
            assert_eq!(RuntimeChoice::parse(value).unwrap().to_string(), value);
        }
    }
}
