//! Per-provider settings: data that sits next to a vendored spec (`provider.toml`) and tells the
//! generator what the spec does not say. Provider quirks live here, never in generator code.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Everything the generator needs to know beyond the spec itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Where the spec came from.
    #[serde(default)]
    pub source: Source,
    /// The generated crate's package metadata.
    pub package: Package,
    /// Client construction: environment variables, base URL, credential.
    #[serde(default)]
    pub client: ClientSettings,
    /// Per-operation overrides, keyed by operationId (or `METHOD /path` without one).
    #[serde(default)]
    pub operations: BTreeMap<String, OperationSettings>,
    /// Type renames: spec schema name to Rust type name.
    #[serde(default, deserialize_with = "rust_type_names")]
    pub type_names: BTreeMap<String, String>,
    /// Fields that carry secrets, as `RustTypeName.wireFieldName`. They are generated as
    /// `Secret`, whose `Debug` output is redacted.
    #[serde(default)]
    pub secret_fields: Vec<String>,
    /// The operation that mints a short-lived token, and how to read it: the generated client
    /// then implements `client_runtime::MintToken`.
    pub token: Option<TokenSettings>,
    /// The settings file, as `from_toml` was told (for diagnostics); empty when there is none.
    #[serde(skip)]
    pub file: String,
}

/// The `[token]` table: how the generated client mints a token through one of the spec's
/// operations. Pointers are JSON pointers (RFC 6901) into the request or response body; each is
/// checked against the spec, and one that does not resolve is an error at its line here.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenSettings {
    /// The token operation: operationId, or `METHOD /path` without one.
    pub operation: Located<String>,
    /// Where the token is in the success body (`/data/token`).
    pub token: Located<String>,
    /// Where the expiry is in the success body, and how it is written; absent when the answer
    /// does not say.
    pub expiry: Option<ExpirySettings>,
    /// Where the lifetime goes; absent when the vendor takes none (asking for one is then an
    /// error).
    pub lifetime: Option<LifetimeSettings>,
    /// A field of the request body that carries the client's API key (some vendors want it in
    /// the body as well as, or instead of, a header).
    pub api_key_in_body: Option<Located<String>>,
    /// The success body's schema is free-form (`{}`), so the response pointers cannot be checked
    /// against the spec and are read from the JSON as it comes. Must be said explicitly.
    #[serde(default)]
    pub free_form_response: bool,
}

/// Where a token's expiry is in the answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpirySettings {
    /// The JSON pointer of the expiry in the success body.
    pub pointer: Located<String>,
    /// How it is written.
    pub kind: ExpiryKind,
}

/// How an answer writes a token's expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryKind {
    /// A number of seconds from now.
    RelativeSeconds,
    /// Seconds since the Unix epoch.
    EpochSeconds,
    /// An RFC 3339 (ISO 8601) time string.
    Rfc3339,
}

/// Where the wanted lifetime goes in the request: one of `body` and `query`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifetimeSettings {
    /// A JSON pointer to a field of the request body (`/expiresIn`).
    pub body: Option<Located<String>>,
    /// The name of a query parameter.
    pub query: Option<Located<String>>,
    /// What the value means.
    pub unit: LifetimeUnit,
    /// The lifetime, in seconds, sent when none is asked for. Only where the spec requires a
    /// lifetime (elsewhere the vendor's own default applies); checked against the spec's
    /// bounds.
    pub default_seconds: Option<Located<u64>>,
}

/// What a lifetime value in a request means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifetimeUnit {
    /// The lifetime in seconds.
    Seconds,
    /// The moment the token should expire, in seconds since the Unix epoch: now plus the
    /// lifetime.
    EpochSeconds,
}

/// A value from the settings file with the place it was written, for diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Its byte range in the file.
    span: std::ops::Range<usize>,
    /// Its 1-based line and column, filled in once the file's text is known.
    place: (usize, usize),
}

impl<T> Located<T> {
    /// A value with no place in a file (settings made in code).
    pub fn new(value: T) -> Self {
        Self { value, span: 0..0, place: (0, 0) }
    }

    /// Where it was written: a line and column, or the file as a whole.
    pub fn location(&self) -> crate::Location {
        match self.place {
            (0, _) => crate::Location::File,
            (line, column) => crate::Location::Line { line, column },
        }
    }

    fn locate(&mut self, text: &str) {
        self.place = line_column(text, self.span.start);
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = toml::Spanned::<T>::deserialize(deserializer)?;
        let span = spanned.span();
        Ok(Self { value: spanned.into_inner(), span, place: (0, 0) })
    }
}

impl TokenSettings {
    /// Fills in the line and column of every located value.
    fn locate(&mut self, text: &str) {
        self.operation.locate(text);
        self.token.locate(text);
        if let Some(expiry) = &mut self.expiry {
            expiry.pointer.locate(text);
        }
        if let Some(lifetime) = &mut self.lifetime {
            for place in [&mut lifetime.body, &mut lifetime.query].into_iter().flatten() {
                place.locate(text);
            }
            if let Some(default) = &mut lifetime.default_seconds {
                default.locate(text);
            }
        }
        if let Some(field) = &mut self.api_key_in_body {
            field.locate(text);
        }
    }
}

/// The 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

/// Provenance of the vendored spec, and where `cargo xtask refresh` downloads it again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The documentation page the spec was taken from: markdown (the `.md` form of a docs page)
    /// holding the spec in one yaml fence.
    pub page: Option<String>,
    /// Where the spec itself is served, YAML or JSON, when known.
    pub spec_url: Option<String>,
    /// Which of the two URLs refresh downloads: the page (and cuts out its yaml fence) or the
    /// spec itself. The page when there is one and this is not set.
    pub refresh_from: Option<RefreshFrom>,
    /// What the page's fence header said after `yaml` at the last refresh, such as
    /// `https://api.simli.ai/openapi.yaml post /auto/token` (the full spec and the operation the
    /// page shows). Refresh reports when it changes.
    pub fence: Option<String>,
    /// The day the vendored spec was last downloaded (`YYYY-MM-DD`).
    pub fetched: Option<String>,
    /// SHA-256 of the vendored spec file, hex. Generation fails when the file no longer matches,
    /// so a spec cannot change without its provenance being updated.
    pub sha256: Option<String>,
    /// Free-form notes on how the spec was obtained.
    pub notes: Option<String>,
}

/// Which recorded URL `cargo xtask refresh` downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefreshFrom {
    /// `page`: a markdown page whose one yaml fence is the spec.
    Page,
    /// `spec_url`: the spec itself.
    SpecUrl,
}

impl Source {
    /// The URL refresh downloads and how to read it; `None` when the settings record neither.
    pub fn refresh_url(&self) -> Option<(&str, RefreshFrom)> {
        match self.refresh_from {
            Some(RefreshFrom::Page) => self.page.as_deref().map(|url| (url, RefreshFrom::Page)),
            Some(RefreshFrom::SpecUrl) => self.spec_url.as_deref().map(|url| (url, RefreshFrom::SpecUrl)),
            None => match (&self.page, &self.spec_url) {
                (Some(page), _) => Some((page, RefreshFrom::Page)),
                (None, Some(spec)) => Some((spec, RefreshFrom::SpecUrl)),
                (None, None) => None,
            },
        }
    }
}

/// The generated crate's package metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// The crate name, such as `simli`.
    pub name: String,
    /// The crate version; `0.1.0` when not set.
    pub version: Option<String>,
    /// The crate description; derived from the spec's title when not set.
    pub description: Option<String>,
}

/// How the generated client is constructed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSettings {
    /// The API's display name (`Simli`); the spec title when not set.
    pub display_name: Option<String>,
    /// The variable `Client::from_env` reads the API key from; `<CRATE>_API_KEY` when not set.
    pub api_key_env: Option<String>,
    /// The variable `Client::from_env` reads a base URL from; `<CRATE>_BASE_URL` when not set.
    pub base_url_env: Option<String>,
    /// The base URL to use when the spec lists no servers.
    pub default_base_url: Option<String>,
    /// A header parameter that carries the API key (declared per operation instead of as a
    /// security scheme). It becomes the client's credential instead of a method argument.
    pub api_key_header_parameter: Option<String>,
    /// The header the API reads an idempotency key from, such as `Idempotency-Key`, when its
    /// documentation names one. Each call whose method is not idempotent then carries a fresh
    /// key in it, and is retried as fully as a GET; without it such calls are retried only when
    /// the server cannot have acted on them. Must be a valid HTTP header name.
    #[serde(default, deserialize_with = "header_name")]
    pub idempotency_header: Option<String>,
    /// The operation whose call the README example shows (operationId or `METHOD /path`); the
    /// first non-deprecated operation when not set.
    pub readme_example_operation: Option<String>,
    /// Whether each tag becomes a Cargo feature that compiles its operations and the types only
    /// they reach; when not set, whenever the operations use at least two tags.
    pub features_per_tag: Option<bool>,
}

/// Reads an optional header name, refusing one that cannot be sent in HTTP.
fn header_name<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let name = String::deserialize(deserializer)?;
    match http::HeaderName::from_bytes(name.as_bytes()) {
        Ok(_) => Ok(Some(name)),
        Err(_) => Err(serde::de::Error::custom(format!(
            "`idempotency_header` must be an HTTP header name (letters, digits and `-`, such as `Idempotency-Key`), not {name:?}"
        ))),
    }
}

/// Overrides for one operation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSettings {
    /// The method name, replacing the one derived from the operationId.
    #[serde(default, deserialize_with = "rust_method_name")]
    pub method_name: Option<String>,
}

/// A name from the settings that becomes a Rust identifier as written. Checked while parsing,
/// so a bad one is reported at its line in `provider.toml` instead of reaching the token builder
/// (which panics on names that are not identifiers).
struct RustName<const TYPE: bool>(String);

impl<'de, const TYPE: bool> Deserialize<'de> for RustName<TYPE> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        let what = if TYPE { "type name" } else { "method name" };
        if !crate::naming::is_plain_identifier(&name) {
            return Err(serde::de::Error::custom(format!(
                "{name:?} is not a usable Rust {what}: it must be an identifier (letters, digits and `_`, not starting with a digit) and not a keyword"
            )));
        }
        if TYPE && crate::naming::is_reserved_type_name(&name) {
            return Err(serde::de::Error::custom(format!(
                "`{name}` cannot be a type name: it would shadow the item of that name the generated code uses ({})",
                crate::naming::RESERVED_TYPE_NAMES.join(", ")
            )));
        }
        Ok(Self(name))
    }
}

fn rust_type_names<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<String, String>, D::Error> {
    let names = BTreeMap::<String, RustName<true>>::deserialize(deserializer)?;
    Ok(names.into_iter().map(|(schema, RustName(name))| (schema, name)).collect())
}

fn rust_method_name<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<RustName<false>>::deserialize(deserializer)?.map(|RustName(name)| name))
}

impl Settings {
    /// Parses settings from TOML; `file` names the file in the error.
    pub fn from_toml(file: &str, text: &str) -> Result<Self, crate::Error> {
        let mut settings: Self = toml::from_str(text).map_err(|error| {
            let location = match error.span() {
                Some(span) => {
                    let (line, column) = line_column(text, span.start);
                    crate::Location::Line { line, column }
                }
                None => crate::Location::File,
            };
            let mut diagnostics = crate::diagnostics::Diagnostics::new(file);
            diagnostics.fatal(location, error.message().to_owned())
        })?;
        settings.file = file.to_owned();
        if let Some(token) = &mut settings.token {
            token.locate(text);
        }
        Ok(settings)
    }

    /// Settings for a spec that has no settings file: everything derived from the crate name.
    pub fn for_crate(name: &str) -> Self {
        Self { package: Package { name: name.to_owned(), ..Package::default() }, ..Self::default() }
    }

    /// The variable holding the API key.
    pub fn api_key_env(&self) -> String {
        self.client.api_key_env.clone().unwrap_or_else(|| format!("{}_API_KEY", self.env_prefix()))
    }

    /// The variable holding an optional base URL.
    pub fn base_url_env(&self) -> String {
        self.client.base_url_env.clone().unwrap_or_else(|| format!("{}_BASE_URL", self.env_prefix()))
    }

    /// The variable holding a credential other than the API key, from its constant's name:
    /// `PLAID_CLIENT_ID` for `CLIENT_ID` (and for `PLAID_CLIENT_ID`) in crate `plaid`.
    pub fn credential_env(&self, const_name: &str) -> String {
        let prefix = self.env_prefix();
        if const_name.strip_prefix(&prefix).is_some_and(|rest| rest.starts_with('_')) {
            const_name.to_owned()
        } else {
            format!("{prefix}_{const_name}")
        }
    }

    fn env_prefix(&self) -> String {
        heck::ToShoutySnakeCase::to_shouty_snake_case(self.package.name.as_str())
    }
}
