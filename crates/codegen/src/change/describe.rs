//! Short texts for the parts of the model that entries name.

use crate::ir::{
    AuthScheme, AuthUse, BodyKind, Bound, Bounds, CredentialRef, EventData, FloatKind, IntegerKind, Number,
    ParamLocation, ResponseKind, StatusMatch, StreamKind, TypeKind, TypeRef, Wrapper,
};

/// The Rust type as the generated code writes it (`Vec<Video>`, `Option<i64>`).
pub(super) fn rust_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Secret => "Secret".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::Integer(kind) => integer(*kind).into(),
        TypeRef::Float(FloatKind::F32) => "f32".into(),
        TypeRef::Float(FloatKind::F64) => "f64".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::JsonObject => "serde_json::Map<String, serde_json::Value>".into(),
        TypeRef::Array(item) => format!("Vec<{}>", rust_type(item)),
        TypeRef::Map(value) => format!("BTreeMap<String, {}>", rust_type(value)),
        TypeRef::Option(inner) => format!("Option<{}>", rust_type(inner)),
        TypeRef::Unit => "()".into(),
        TypeRef::Boxed(inner) => format!("Box<{}>", rust_type(inner)),
        TypeRef::File => "FilePart".into(),
    }
}

/// The type of a field or parameter, with the `Option` that optionality adds.
pub(super) fn field_type(ty: &TypeRef, wrapper: Wrapper) -> String {
    wrapper.around(&rust_type(ty))
}

pub(super) fn integer(kind: IntegerKind) -> &'static str {
    match kind {
        IntegerKind::I32 => "i32",
        IntegerKind::I64 => "i64",
        IntegerKind::U32 => "u32",
        IntegerKind::U64 => "u64",
    }
}

/// `404`, `4XX`, `default`.
pub(super) fn status(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(range) => format!("{range}XX"),
        StatusMatch::Default => "default".into(),
    }
}

/// How a credential is sent.
pub(super) fn auth(scheme: &AuthScheme) -> String {
    match scheme {
        AuthScheme::Header(name) => format!("header `{name}`"),
        AuthScheme::Query(name) => format!("query parameter `{name}`"),
        AuthScheme::Bearer => "`Authorization: Bearer`".into(),
        AuthScheme::Basic => "`Authorization: Basic`".into(),
        AuthScheme::Cookie(name) => format!("cookie `{name}`"),
    }
}

/// Which credential: `the API key` or `credential `clientId``.
pub(super) fn credential(credential: &CredentialRef) -> String {
    match credential {
        CredentialRef::ApiKey => "the API key".into(),
        CredentialRef::Named(name) => format!("credential `{name}`"),
    }
}

/// What an operation sends: `the API key (in header `x`)`, or several such joined by `and`.
pub(super) fn auth_uses(uses: &[AuthUse]) -> String {
    let parts: Vec<String> =
        uses.iter().map(|u| format!("{} (in {})", credential(&u.credential), auth(&u.scheme))).collect();
    parts.join(" and ")
}

/// `>= 1, <= 100`, or `none`.
pub(super) fn bounds(bounds: &Bounds) -> String {
    let one = |bound: Option<Bound>, inclusive: &str, exclusive: &str| {
        bound.map(|b| format!("{} {}", if b.exclusive { exclusive } else { inclusive }, b.limit))
    };
    let parts: Vec<String> =
        [one(bounds.minimum, ">=", ">"), one(bounds.maximum, "<=", "<")].into_iter().flatten().collect();
    if parts.is_empty() { "none".into() } else { format!("`{}`", parts.join(", ")) }
}

/// A number's value, for comparing bounds of either kind.
pub(super) fn value(number: Number) -> f64 {
    match number {
        // Bounds are spec numbers; the precision lost above 2^53 does not matter here.
        Number::Integer(n) => n as f64,
        Number::Float(x) => x,
    }
}

pub(super) fn location(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    }
}

/// `JSON `CreateVideo``, `text (`text/plain`)`.
pub(super) fn body(kind: &BodyKind) -> String {
    match kind {
        BodyKind::Json(ty) => format!("JSON `{}`", rust_type(ty)),
        BodyKind::Form(ty) => format!("form `{}`", rust_type(ty)),
        BodyKind::Multipart(ty) => format!("multipart `{}`", rust_type(ty)),
        BodyKind::Text(media) => format!("text (`{media}`)"),
        BodyKind::Bytes(media) => format!("bytes (`{media}`)"),
    }
}

/// What the main method returns.
pub(super) fn response(kind: &ResponseKind) -> String {
    match kind {
        ResponseKind::Empty => "no body (`()`)".into(),
        ResponseKind::Json(ty) => format!("JSON `{}`", rust_type(ty)),
        ResponseKind::Text => "text (`String`)".into(),
        ResponseKind::Bytes => "bytes (`Bytes`)".into(),
        ResponseKind::Events(data) => format!("an event stream of {}", events(data)),
    }
}

pub(super) fn events(data: &EventData) -> String {
    match data {
        EventData::Json(ty) => format!("`{}`", rust_type(ty)),
        EventData::Raw => "raw events".into(),
    }
}

pub(super) fn stream(kind: &StreamKind) -> String {
    match kind {
        StreamKind::Bytes => "byte chunks".into(),
        StreamKind::Events(data) => format!("events of {}", events(data)),
    }
}

/// `a struct`, `a string enum`, ...
pub(super) fn kind(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Struct(_) => "a struct".into(),
        TypeKind::Enum(crate::ir::EnumDef::String(_)) => "a string enum".into(),
        TypeKind::Enum(crate::ir::EnumDef::Integer { .. }) => "an integer enum".into(),
        TypeKind::Union(_) => "a union".into(),
        TypeKind::Alias(ty) => format!("an alias of `{}`", rust_type(ty)),
        TypeKind::Params(_) => "a params struct".into(),
        TypeKind::Errors(_) => "an error enum".into(),
        TypeKind::Headers(_) => "a headers struct".into(),
    }
}

/// `` `a`, `b` `` for a list of names.
pub(super) fn names<S: AsRef<str>>(names: &[S]) -> String {
    names.iter().map(|n| format!("`{}`", n.as_ref())).collect::<Vec<_>>().join(", ")
}

/// A path template with its placeholders' names dropped: `/videos/{}`, for matching.
pub(super) fn path_shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_placeholder = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_placeholder = true;
                out.push('{');
            }
            '}' => {
                in_placeholder = false;
                out.push('}');
            }
            _ if in_placeholder => {}
            _ => out.push(c),
        }
    }
    out
}
