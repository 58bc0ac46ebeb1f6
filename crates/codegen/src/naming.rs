//! Every naming rule in one place: case conversion, keywords, method names from operationIds,
//! and collision handling. Table-tested below.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves. A field or parameter with one of these names becomes a raw identifier
/// (`r#type`), which serde maps back to the plain wire name without a rename.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "gen",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct",
    "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore instead.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Splits on anything that is not a letter or digit, so heck sees word boundaries in names like
/// `ChatMessage-Input` or `lucy-2.5`.
fn words(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// `snake_case` for fields, parameters, methods and modules; the result is a valid identifier
/// (raw, `r#type`, for keywords).
pub fn snake_ident(name: &str) -> String {
    let mut snake = words(name).to_snake_case();
    if snake.is_empty() {
        snake = "value".to_owned();
    }
    if snake.starts_with(|c: char| c.is_ascii_digit()) {
        snake.insert(0, '_');
    }
    escape_keyword(snake)
}

/// `UpperCamelCase` for types and variants.
pub fn type_ident(name: &str) -> String {
    let mut camel = words(name).to_upper_camel_case();
    if camel.is_empty() {
        camel = "Value".to_owned();
    }
    if camel.starts_with(|c: char| c.is_ascii_digit()) {
        camel.insert(0, 'V');
    }
    if camel == "Self" { "Self_".to_owned() } else { camel }
}

/// Type names the generated `types` module uses unqualified: the prelude types in field types and
/// constructors, the conversion traits of integer enums, serde's derives, and the runtime's
/// `Nullable`. A schema with one of
/// these names would shadow it, so it is generated as `<Name>Schema` instead (see
/// [`unreserved_type_name`]). Every other std, serde and runtime item in generated code is
/// written with its path, so `Result`, `Error`, `Value` or `Client` are free for the spec to use.
pub const RESERVED_TYPE_NAMES: &[&str] =
    &["Box", "Deserialize", "From", "Into", "Nullable", "Option", "Serialize", "String", "Vec"];

/// Whether a type name would shadow a name the generated code relies on.
pub fn is_reserved_type_name(name: &str) -> bool {
    RESERVED_TYPE_NAMES.contains(&name)
}

/// The name itself, or `<Name>Schema` when it is reserved.
pub fn unreserved_type_name(name: String) -> String {
    if is_reserved_type_name(&name) { format!("{name}Schema") } else { name }
}

/// Whether `name` can be used as written for a type or method: a Rust identifier that is not a
/// keyword, so it needs no escaping. Names from the settings are checked with this before they
/// reach the token builder, which would panic on anything else.
pub fn is_plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    starts_well
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
        && !KEYWORDS.contains(&name)
        && !NOT_RAW.contains(&name)
}

/// `SHOUTY_SNAKE_CASE` for constants.
pub fn const_ident(name: &str) -> String {
    let mut shouty = words(name).to_shouty_snake_case();
    if shouty.is_empty() {
        shouty = "VALUE".to_owned();
    }
    if shouty.starts_with(|c: char| c.is_ascii_digit()) {
        shouty.insert(0, '_');
    }
    shouty
}

fn escape_keyword(ident: String) -> String {
    if NOT_RAW.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// The name without a raw-identifier prefix, as serde sees it.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// How a name is derived for an operation, beyond its own method, path and operationId.
#[derive(Debug, Clone, Copy, Default)]
pub struct PathNaming {
    /// A GET on a path that also has an item path (`/videos` beside `/videos/{id}`): `list_`.
    pub is_collection: bool,
    /// Another operation derives the same name. Without an operationId, the path parameters are
    /// added (`by_<param>`); with a FastAPI one, the whole operationId is kept.
    pub disambiguate: bool,
}

/// The method name for an operation.
///
/// The rule, in order:
/// 1. A `method_name` override in the provider's settings wins (applied by the caller).
/// 2. An operationId that FastAPI generated (`{function}{path}_{method}` with every non-word
///    character of the path turned into `_`, such as `create_client_token_v1_client_tokens_post`
///    for `POST /v1/client/tokens`) loses that machine-made suffix, leaving `create_client_token`.
/// 3. Any other operationId is converted to snake case (`generateStreamingToken` →
///    `generate_streaming_token`).
/// 4. Without an operationId, the name is a verb followed by the path's literal segments. The
///    verb comes from the HTTP method: `get` (or `list` for a collection, see [`PathNaming`]),
///    `create` for POST, `replace` for PUT, `update` for PATCH, `delete`. Only when two
///    operations would get the same name do their path parameters join it, as `by_<param>`.
pub fn method_name(operation_id: Option<&str>, http_method: &str, path: &str, naming: PathNaming) -> String {
    match operation_id {
        Some(id) if naming.disambiguate => snake_ident(id),
        Some(id) => {
            let stripped = strip_fastapi_suffix(id, http_method, path);
            snake_ident(stripped.unwrap_or(id))
        }
        None => method_name_from_path(http_method, path, naming),
    }
}

/// FastAPI's default unique id, `re.sub(r"\W", "_", name + path) + "_" + method`, or the
/// spelled-out variant some services configure (`-` as `_hyphen_`, `.` as `_dot_`, `_` as
/// `_underscore_`, so that `/lucy-2.5` and `/lucy_2_5` stay apart).
fn strip_fastapi_suffix<'a>(id: &'a str, http_method: &str, path: &str) -> Option<&'a str> {
    let plain: String = path.chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '_' }).collect();
    let spelled: String = path
        .chars()
        .map(|c| match c {
            '-' => "_hyphen_".to_owned(),
            '.' => "_dot_".to_owned(),
            '_' => "_underscore_".to_owned(),
            c if c.is_alphanumeric() => c.to_string(),
            _ => "_".to_owned(),
        })
        .collect();
    let method = http_method.to_ascii_lowercase();
    [plain, spelled].iter().find_map(|path_part| {
        let stripped = id.strip_suffix(&format!("{path_part}_{method}"))?;
        (!stripped.is_empty()).then_some(stripped)
    })
}

fn method_name_from_path(http_method: &str, path: &str, naming: PathNaming) -> String {
    let verb = match http_method.to_ascii_lowercase().as_str() {
        "get" if naming.is_collection => "list",
        "get" => "get",
        "post" => "create",
        "put" => "replace",
        "patch" => "update",
        "delete" => "delete",
        other => return snake_ident(&format!("{other} {}", words(path))),
    };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut name = verb.to_owned();
    for segment in segments.iter().filter(|s| !s.starts_with('{')) {
        name.push(' ');
        name.push_str(&words(segment));
    }
    if naming.disambiguate {
        let params: Vec<String> = segments.iter().filter(|s| s.starts_with('{')).map(|s| words(s)).collect();
        if !params.is_empty() {
            name.push_str(" by ");
            name.push_str(&params.join(" and "));
        }
    }
    snake_ident(&name)
}

/// The literal words of a path, for telling apart operations that would share a name:
/// `/v1/teams/{id}/members` gives `teams members` (a leading version segment says nothing).
pub fn path_words(path: &str) -> String {
    let literals: Vec<&str> = path.split('/').filter(|s| !s.is_empty() && !s.starts_with('{')).collect();
    let is_version = |s: &&str| s.len() > 1 && s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit());
    let meaningful: Vec<&str> = literals.iter().filter(|s| !is_version(s)).copied().collect();
    let chosen = if meaningful.is_empty() { literals } else { meaningful };
    chosen.iter().map(|s| words(s)).collect::<Vec<_>>().join(" ")
}

/// Variant names without the words every one of them repeats from the enum's name, as a
/// person would write them: `Shape::Square` rather than `Shape::ShapeSquare`, and
/// `ResponseStreamEvent::TextDelta` rather than `ResponseStreamEvent::TextDeltaEvent`. The
/// names are kept as they are when shortening would leave one empty, not starting with a
/// letter, equal to another or to the `Unknown` fallback.
pub fn shorten_variant_names(enum_name: &str, names: Vec<String>) -> Vec<String> {
    let starts_word = |rest: &str| rest.starts_with(|c: char| c.is_ascii_uppercase());
    let valid = |shortened: &[String]| {
        let distinct: std::collections::BTreeSet<&String> = shortened.iter().collect();
        distinct.len() == shortened.len() && shortened.iter().all(|name| starts_word(name) && name != "Unknown")
    };
    let mut names = names;
    let without_prefix: Vec<String> =
        names.iter().map(|name| name.strip_prefix(enum_name).unwrap_or("").to_owned()).collect();
    if names.len() > 1 && valid(&without_prefix) {
        names = without_prefix;
    }
    // The enum name's last word (`Event` of `ResponseStreamEvent`), when every variant ends with it.
    let last_word = enum_name.rfind(|c: char| c.is_ascii_uppercase()).map(|index| &enum_name[index..]);
    if let Some(word) = last_word.filter(|word| word.len() > 1) {
        let without_suffix: Vec<String> =
            names.iter().map(|name| name.strip_suffix(word).unwrap_or("").to_owned()).collect();
        if names.len() > 1 && valid(&without_suffix) {
            names = without_suffix;
        }
    }
    names
}

/// Makes `name` unique among `taken` by appending 2, 3, ... and records it.
pub fn unique(name: String, taken: &mut std::collections::BTreeSet<String>) -> String {
    if taken.insert(name.clone()) {
        return name;
    }
    let base = unraw(&name).to_owned();
    (2..).map(|n| format!("{base}{n}")).find(|candidate| taken.insert(candidate.clone())).unwrap_or(name)
}

/// A doc title says nothing new when it is the field name re-capitalized (FastAPI's
/// `title: Expiresin` for `expiresIn`).
pub fn title_is_redundant(title: &str, name: &str) -> bool {
    let normalize = |s: &str| s.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    normalize(title) == normalize(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_fields() {
        let cases = [
            ("expiresIn", "expires_in"),
            ("simliAPIKey", "simli_api_key"),
            ("llmAPIKey", "llm_api_key"),
            ("ttsAPIKey", "tts_api_key"),
            ("expires_in_seconds", "expires_in_seconds"),
            ("type", "r#type"),
            ("self", "self_"),
            ("x-api-key", "x_api_key"),
            ("2fa", "_2fa"),
            ("", "value"),
            ("created_at_epoch_seconds", "created_at_epoch_seconds"),
        ];
        for (input, expected) in cases {
            assert_eq!(snake_ident(input), expected, "{input}");
        }
    }

    #[test]
    fn type_names() {
        let cases = [
            ("HTTPValidationError", "HttpValidationError"),
            ("ChatMessage-Input", "ChatMessageInput"),
            ("token_request", "TokenRequest"),
            ("lucy-2.5", "Lucy25"),
            ("400", "V400"),
        ];
        for (input, expected) in cases {
            assert_eq!(type_ident(input), expected, "{input}");
        }
    }

    #[test]
    fn method_names() {
        let plain = PathNaming::default();
        let collection = PathNaming { is_collection: true, ..plain };
        let ambiguous = PathNaming { disambiguate: true, ..plain };
        let cases = [
            (
                Some("createPipecatSessionToken_auto_token_post"),
                "POST",
                "/auto/token",
                plain,
                "create_pipecat_session_token",
            ),
            (
                Some("create_client_token_v1_client_tokens_post"),
                "POST",
                "/v1/client/tokens",
                plain,
                "create_client_token",
            ),
            (Some("get_job_v1_jobs__job_id__get"), "GET", "/v1/jobs/{job_id}", plain, "get_job"),
            (Some("generateStreamingToken"), "GET", "/v3/token", plain, "generate_streaming_token"),
            (Some("generate_auth_token"), "POST", "/generate_auth_token", plain, "generate_auth_token"),
            (None, "POST", "/capture/session/token", plain, "create_capture_session_token"),
            (None, "GET", "/video", collection, "list_video"),
            (None, "GET", "/video/{video_id}", plain, "get_video"),
            (None, "DELETE", "/video/{video_id}", plain, "delete_video"),
            (None, "GET", "/collection/{id}/video/{video_id}", ambiguous, "get_collection_video_by_id_and_video_id"),
            (None, "PATCH", "/jobs/lucy-2.5", plain, "update_jobs_lucy_2_5"),
            (
                Some("create_job_lucy_vton_3_5_v1_jobs_lucy_hyphen_vton_hyphen_3_dot_5_post"),
                "POST",
                "/v1/jobs/lucy-vton-3.5",
                plain,
                "create_job_lucy_vton_3_5",
            ),
            (Some("create_job_v1_jobs_mirage_underscore_v2_post"), "POST", "/v1/jobs/mirage_v2", plain, "create_job"),
            (
                Some("create_job_v1_jobs_lucy_2_post"),
                "POST",
                "/v1/jobs/lucy-2",
                ambiguous,
                "create_job_v1_jobs_lucy_2_post",
            ),
        ];
        for (id, method, path, naming, expected) in cases {
            assert_eq!(method_name(id, method, path, naming), expected, "{id:?} {method} {path}");
        }
    }

    #[test]
    fn variant_names_drop_the_words_they_share_with_the_enum() {
        let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let cases: [(&str, &[&str], &[&str]); 6] = [
            ("Shape", &["ShapeCircle", "ShapeSquare"], &["Circle", "Square"]),
            ("ResponseStreamEvent", &["TextDeltaEvent", "ResponseCreatedEvent"], &["TextDelta", "ResponseCreated"]),
            ("Event", &["Created", "Deleted"], &["Created", "Deleted"]),
            // Kept: shortening would leave a name empty, or two names equal.
            ("Pet", &["Pet", "PetCat"], &["Pet", "PetCat"]),
            ("ToolEvent", &["ToolEvent", "Event"], &["ToolEvent", "Event"]),
            ("Amount", &["Integer", "String"], &["Integer", "String"]),
        ];
        for (enum_name, input, expected) in cases {
            assert_eq!(shorten_variant_names(enum_name, names(input)), names(expected), "{enum_name}");
        }
        assert_eq!(
            shorten_variant_names("Status", names(&["StatusUnknown", "StatusOk"])),
            names(&["StatusUnknown", "StatusOk"])
        );
    }

    #[test]
    fn collisions_get_numbered() {
        let mut taken = std::collections::BTreeSet::new();
        assert_eq!(unique("a".into(), &mut taken), "a");
        assert_eq!(unique("a".into(), &mut taken), "a2");
        assert_eq!(unique("a".into(), &mut taken), "a3");
    }

    #[test]
    fn redundant_titles() {
        assert!(title_is_redundant("Expiresin", "expiresIn"));
        assert!(title_is_redundant("Simliapikey", "simliAPIKey"));
        assert!(!title_is_redundant("Error Type", "type"));
    }
}
