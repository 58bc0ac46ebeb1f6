//! The model between the spec and the generated code.
//!
//! Lowering makes every naming and typing decision and writes it down here, keeping the wire name
//! beside the Rust name; emitting only turns this model into tokens. Types are keyed by their Rust
//! name in a `BTreeMap`, so output order never depends on hash order or discovery order.

use std::collections::BTreeMap;

use serde_json::Value;

/// One API, ready to emit.
#[derive(Debug, Clone)]
pub struct Api {
    /// The spec's `info.title`.
    pub title: String,
    /// The display name used in docs and messages (`Simli`).
    pub display_name: String,
    /// The spec's `info.version`.
    pub api_version: String,
    /// The spec's `info.description`.
    pub description: Option<String>,
    /// The base URL used when none is configured; `None` when the spec has no absolute server
    /// URL and the settings give none, so users must configure one.
    pub default_base_url: Option<String>,
    /// Every server the spec lists, for users to choose from.
    pub servers: Vec<Server>,
    /// All named types, by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// The operations, in spec order.
    pub operations: Vec<Operation>,
    /// Whether any operation sends the API key.
    pub requires_api_key: bool,
    /// The credentials other than the API key: the schemes of security requirements that
    /// combine several, in the order operations first use them.
    pub credentials: Vec<Credential>,
    /// How many schemas were typed, and which fell back to `serde_json::Value`.
    pub schema_count: SchemaCount,
    /// One Cargo feature per tag, when operations are sorted under several tags, so users
    /// compile only the operations they call. Empty: no features.
    pub features: Vec<Feature>,
    /// How the client mints a short-lived token (`impl MintToken`), from the settings' `[token]`
    /// table checked against the spec; `None` without one.
    pub token: Option<TokenMint>,
}

/// How the client mints a short-lived token through one of its operations.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenMint {
    /// The operation's id ([`Operation::id`]).
    pub operation: String,
    /// Where the lifetime goes and what the spec allows; `None` when the vendor takes none.
    pub lifetime: Option<TokenLifetime>,
    /// The wire name of the body field that carries the client's API key.
    pub api_key_field: Option<String>,
    /// Where the token is in the answer.
    pub token: ValuePath,
    /// Where the expiry is in the answer, and how it is written.
    pub expiry: Option<(ValuePath, crate::settings::ExpiryKind)>,
}

/// Where a token's lifetime goes, and its bounds in whole seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenLifetime {
    /// A body field or a query parameter.
    pub place: LifetimePlace,
    /// The field's or parameter's wire name.
    pub name: String,
    /// Seconds, or an absolute time.
    pub unit: crate::settings::LifetimeUnit,
    /// The shortest lifetime allowed.
    pub min: u64,
    /// The longest lifetime allowed.
    pub max: Option<u64>,
    /// Sent when none is asked for, where the spec requires a lifetime.
    pub default: Option<u64>,
}

/// Where in a request a token's lifetime goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifetimePlace {
    /// A field of the JSON body.
    Body,
    /// A query parameter.
    Query,
}

/// A JSON pointer into a typed answer, resolved to the Rust fields it passes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuePath {
    /// The pointer as the settings wrote it.
    pub pointer: String,
    /// Each step from the answer to the value.
    pub steps: Vec<PathStep>,
    /// What the value is.
    pub leaf: LeafKind,
}

/// One step of a [`ValuePath`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// A field of a generated struct, wrapped as the field is.
    Field {
        /// The generated struct the field belongs to.
        owner: String,
        /// The field's Rust name.
        rust_name: String,
        /// `T`, `Option<T>` or `Nullable<T>`.
        wrapper: Wrapper,
    },
    /// The rest of the pointer, read from JSON the spec leaves free-form (`serde_json::Value`).
    Json(String),
    /// One key of a free-form JSON object (`serde_json::Map`), then the rest, if any.
    JsonObject(String, Option<String>),
}

/// The kind of value a [`ValuePath`] ends at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafKind {
    /// `String`.
    String,
    /// `Secret`.
    Secret,
    /// An integer.
    Integer,
    /// A float.
    Float(FloatKind),
    /// A free-form JSON value.
    Json,
}

/// A Cargo feature: the operations of one tag, and the types only they reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// The feature's name (`payment-intents`).
    pub name: String,
    /// The tag as the spec names it (`Payment Intents`).
    pub tag: String,
    /// The tag's description.
    pub docs: Option<String>,
    /// How many operations it turns on.
    pub operations: usize,
    /// Whether the group is a path segment rather than a tag (the spec has no tags).
    pub from_path: bool,
}

impl Feature {
    /// `Tag `Payment Intents`: 12 operations`, or `Paths under `charges`: 9 operations`.
    pub fn summary(&self) -> String {
        let plural = if self.operations == 1 { "" } else { "s" };
        let tag = self.tag.replace(['\n', '\r'], " ");
        if self.from_path {
            format!("Paths under `{tag}`: {} operation{plural}", self.operations)
        } else {
            format!("Tag `{tag}`: {} operation{plural}", self.operations)
        }
    }
}

/// How many schemas lowering typed, and the places of those it could not type, which are
/// generated as `serde_json::Value` (each with a warning). A schema that says "any value" (`{}`)
/// is typed: `Value` is what it means.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaCount {
    /// The schemas lowered: each inline schema once, and each dangling `$ref`.
    pub schemas: usize,
    /// The places (JSON pointers) of the schemas that fell back to `serde_json::Value`.
    pub fell_back: Vec<String>,
    /// Of those, the ones an operation uses directly as its request or response body.
    pub bodies: Vec<String>,
}

impl SchemaCount {
    /// `412 of 415 schemas typed; 3 fell back to serde_json::Value (see warnings)`.
    pub fn summary(&self) -> String {
        let typed = self.schemas.saturating_sub(self.fell_back.len());
        let mut line = format!("{typed} of {} schemas typed", self.schemas);
        if !self.fell_back.is_empty() {
            line.push_str(&format!("; {} fell back to serde_json::Value (see warnings)", self.fell_back.len()));
        }
        if !self.bodies.is_empty() {
            line.push_str(&format!(", {} of them a request or response body", self.bodies.len()));
        }
        line
    }
}

/// A credential other than the API key: one scheme of a security requirement that combines
/// several (a client id header sent together with a secret header, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// The security scheme's name in the spec (`clientId`); the runtime knows it by this name.
    pub scheme: String,
    /// The constant in the crate's `credentials` module (`CLIENT_ID`).
    pub const_name: String,
    /// The argument of `Client::new` when it is required (`client_id`).
    pub arg_name: String,
    /// The environment variable `from_env` reads (`PLAID_CLIENT_ID`).
    pub env_var: String,
    /// The scheme's description.
    pub docs: Option<String>,
    /// Whether every operation that authenticates sends it, so a client is built with it.
    pub required: bool,
}

/// The methods every generated `Client` has beside its operations' methods. The client emitter
/// writes them, lowering keeps operation methods from taking their names, and a test checks
/// that the emitted client has exactly these.
pub const CLIENT_METHODS: &[&str] = &["new", "from_env", "builder", "base_url", "with_timeout"];

/// The methods of `client_runtime::MintToken`, which a client with a `[token]` table implements:
/// an operation's method of the same name would shadow the trait's for callers, so operations
/// are kept off them too.
pub const MINT_TOKEN_METHODS: &[&str] = &["mint_token", "lifetime_rule", "provider"];

impl Api {
    /// The type behind named aliases and boxes (`pub type Tags = Vec<String>;` is `Vec<String>`).
    pub fn without_aliases(&self, ty: &TypeRef) -> TypeRef {
        let mut ty = ty.clone();
        for _ in 0..16 {
            ty = match &ty {
                TypeRef::Boxed(inner) => (**inner).clone(),
                TypeRef::Named(name) => match self.types.get(name).map(|t| &t.kind) {
                    Some(TypeKind::Alias(target)) => target.clone(),
                    _ => return ty,
                },
                _ => return ty,
            };
        }
        ty
    }

    /// Whether some struct has a field that is optional and nullable: a `Nullable<T>`.
    pub fn uses_nullable(&self) -> bool {
        self.types.values().any(|t| match &t.kind {
            TypeKind::Struct(def) => def.fields.iter().any(|f| f.wrapper() == Wrapper::Nullable),
            _ => false,
        })
    }

    /// Which kinds of streams the API's methods return, for imports, exports and docs.
    pub fn stream_kinds(&self) -> StreamKinds {
        let mut kinds = StreamKinds::default();
        for operation in &self.operations {
            let main = match &operation.success.kind {
                ResponseKind::Events(data) => Some(data),
                _ => None,
            };
            let extra = operation.success.stream.as_ref().map(|stream| &stream.kind);
            kinds.bytes |= matches!(extra, Some(StreamKind::Bytes));
            let extra = match extra {
                Some(StreamKind::Events(data)) => Some(data),
                _ => None,
            };
            for data in [main, extra].into_iter().flatten() {
                kinds.events = true;
                kinds.raw_events |= *data == EventData::Raw;
            }
        }
        kinds
    }
}

/// Which kinds of streams an API's methods return.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamKinds {
    /// Some method returns a `ByteStream`.
    pub bytes: bool,
    /// Some method returns an `EventStream`.
    pub events: bool,
    /// Some event stream hands over raw `ServerEvent`s.
    pub raw_events: bool,
}

/// A server from the spec.
#[derive(Debug, Clone)]
pub struct Server {
    /// The constant's name (`PRODUCTION`).
    pub const_name: String,
    /// The URL, with server variables replaced by their defaults.
    pub url: String,
    /// The spec's description.
    pub description: Option<String>,
}

/// A named Rust type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name.
    pub name: String,
    /// Doc paragraphs.
    pub docs: Vec<String>,
    /// The JSON pointer of the schema it came from.
    pub origin: String,
    /// What kind of type.
    pub kind: TypeKind,
    /// The Cargo features it is compiled under: any of them. Empty: always compiled.
    pub features: Vec<String>,
    /// Whether the client decodes it from a response (a success or error body, an event,
    /// headers), directly or inside another type. Decoders of the other types (request bodies,
    /// webhook payloads) are compiled only where a user's code decodes them.
    pub decoded: bool,
}

/// The shapes a named type can take.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(StructDef),
    /// A string or integer enum, open to values added later.
    Enum(EnumDef),
    /// A value that is one of several shapes, told apart by trying each in order.
    Union(UnionDef),
    /// Another name for a type (`pub type Tags = Vec<String>;`).
    Alias(TypeRef),
    /// The query and header parameters of an operation.
    Params(ParamsDef),
    /// The documented error bodies of an operation.
    Errors(ErrorsDef),
    /// The documented headers of an operation's success response.
    Headers(HeadersDef),
}

/// An object with known properties.
#[derive(Debug, Clone)]
pub struct StructDef {
    /// The fields, in spec order.
    pub fields: Vec<Field>,
    /// Unions the object also is (an `allOf` of objects and a `oneOf`): each a field whose
    /// shape is flattened into the same JSON object.
    pub flattened: Vec<FlattenedField>,
    /// Sent as `multipart/form-data` by some operation, so it needs a `to_multipart` method.
    pub multipart: bool,
    /// Typed `additionalProperties` beside the properties: a map of the other keys.
    pub additional: Option<AdditionalFields>,
}

/// A union held by a struct and flattened into its JSON object (`#[serde(flatten)]`).
#[derive(Debug, Clone)]
pub struct FlattenedField {
    /// The field's Rust name (`payload`).
    pub rust_name: String,
    /// The union's type.
    pub ty: TypeRef,
}

/// The map that holds an object's properties beyond the named ones.
#[derive(Debug, Clone)]
pub struct AdditionalFields {
    /// The map field's Rust name (`additional_properties`).
    pub rust_name: String,
    /// The type of each value.
    pub ty: TypeRef,
}

impl StructDef {
    /// A struct can derive `Default` when every field may be absent.
    pub fn all_fields_optional(&self) -> bool {
        self.flattened.is_empty() && self.fields.iter().all(Field::can_be_unset)
    }

    /// The arguments of the generated `new`: the fields that must be given (the flattened unions
    /// follow them). A struct gets a `new` when it has some of those and also fields that `new`
    /// can leave unset.
    pub fn constructor_fields(&self) -> Option<Vec<&Field>> {
        let required: Vec<&Field> = self.fields.iter().filter(|f| !f.can_be_unset()).collect();
        let has_optional = self.additional.is_some() || required.len() < self.fields.len();
        ((!required.is_empty() || !self.flattened.is_empty()) && has_optional).then_some(required)
    }
}

/// One struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// The Rust name (possibly raw, `r#type`).
    pub rust_name: String,
    /// The name on the wire.
    pub wire_name: String,
    /// The value's type, without the `Option` or `Nullable` that optionality or nullability
    /// adds (see [`Field::wrapper`]).
    pub ty: TypeRef,
    /// Whether the spec lists it in `required`.
    pub required: bool,
    /// Whether `null` is a valid value.
    pub nullable: bool,
    /// Doc paragraphs.
    pub docs: Vec<String>,
    /// `deprecated: true` in the spec.
    pub deprecated: bool,
}

impl Field {
    /// How the field's type wraps its value, from `required` and `nullable`.
    pub fn wrapper(&self) -> Wrapper {
        match (self.required, self.nullable) {
            (true, false) => Wrapper::Bare,
            (true, true) | (false, false) => Wrapper::Option,
            (false, true) => Wrapper::Nullable,
        }
    }

    /// Whether the field can be left unset (`None` or absent), so `new` and `Default` need no
    /// value for it.
    pub fn can_be_unset(&self) -> bool {
        self.wrapper() != Wrapper::Bare
    }
}

/// How a field's type wraps its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrapper {
    /// Required and not nullable: `T`.
    Bare,
    /// Optional and not nullable (left out when `None`), or required and nullable (always
    /// sent, `None` as `null`): `Option<T>`.
    Option,
    /// Optional and nullable: three states on the wire, `client_runtime::Nullable<T>`.
    Nullable,
}

impl Wrapper {
    /// The field's type as written, around the value's type `ty`.
    pub fn around(self, ty: &str) -> String {
        match self {
            Self::Bare => ty.to_owned(),
            Self::Option => format!("Option<{ty}>"),
            Self::Nullable => format!("Nullable<{ty}>"),
        }
    }
}

/// A string or integer enum.
#[derive(Debug, Clone)]
pub enum EnumDef {
    /// A string enum: the known strings.
    String(Vec<EnumVariant<String>>),
    /// An integer enum: encoded as its number.
    Integer {
        /// The integer type every value fits in.
        kind: IntegerKind,
        /// The known numbers.
        variants: Vec<EnumVariant<i64>>,
    },
}

impl EnumDef {
    /// The Rust names of the known values, in spec order.
    pub fn variant_names(&self) -> Vec<&str> {
        match self {
            Self::String(variants) => variants.iter().map(|v| v.rust_name.as_str()).collect(),
            Self::Integer { variants, .. } => variants.iter().map(|v| v.rust_name.as_str()).collect(),
        }
    }
}

/// One known enum value.
#[derive(Debug, Clone)]
pub struct EnumVariant<V> {
    /// The Rust variant name.
    pub rust_name: String,
    /// The value on the wire.
    pub value: V,
}

/// A value that is one of several shapes (`anyOf`/`oneOf`).
#[derive(Debug, Clone)]
pub struct UnionDef {
    /// The variants: in the order serde tries them when untagged.
    pub variants: Vec<UnionVariant>,
    /// The property whose value names the variant, when the spec gives a discriminator.
    /// Decoding then looks at that property alone, and an unknown value is kept, not an error.
    pub discriminator: Option<String>,
}

/// One shape of a union.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The variant's payload.
    pub ty: TypeRef,
    /// The discriminator values that select this variant (tagged unions only).
    pub tags: Vec<String>,
}

/// The query and header parameters of one operation, as a struct.
#[derive(Debug, Clone)]
pub struct ParamsDef {
    /// The operation's method name, for docs.
    pub method_name: String,
    /// The parameters.
    pub params: Vec<Param>,
}

/// The documented error responses of one operation, as an enum.
#[derive(Debug, Clone)]
pub struct ErrorsDef {
    /// The operation's method name, for docs.
    pub method_name: String,
    /// One variant per documented status or range.
    pub variants: Vec<ErrorVariant>,
}

/// The documented headers of one operation's success response, as a struct.
#[derive(Debug, Clone)]
pub struct HeadersDef {
    /// The headers, as `Option` fields.
    pub fields: Vec<HeaderField>,
}

/// One documented response header.
#[derive(Debug, Clone)]
pub struct HeaderField {
    /// The Rust name.
    pub rust_name: String,
    /// The header name as documented.
    pub wire_name: String,
    /// The value's type (a scalar, string enum or string).
    pub ty: TypeRef,
    /// Doc paragraphs.
    pub docs: Vec<String>,
}

/// One documented error response.
#[derive(Debug, Clone)]
pub struct ErrorVariant {
    /// The Rust variant name (`UnprocessableEntity`).
    pub rust_name: String,
    /// Which statuses it covers.
    pub status: StatusMatch,
    /// The body type, when the spec documents a JSON body.
    pub ty: Option<TypeRef>,
    /// Doc paragraphs.
    pub docs: Vec<String>,
}

/// Which statuses a response entry covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// `4XX`: the hundreds digit.
    Range(u16),
    /// `default`: everything else.
    Default,
}

/// A reference to a type, as used in a field, parameter, body or response.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// A named type in the generated `types` module.
    Named(String),
    /// `String`.
    String,
    /// `Secret`: a string whose `Debug` output is redacted.
    Secret,
    /// `bool`.
    Bool,
    /// An integer type.
    Integer(IntegerKind),
    /// A float type.
    Float(FloatKind),
    /// Any JSON value.
    Json,
    /// A JSON object with arbitrary keys and values.
    JsonObject,
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>`.
    Option(Box<TypeRef>),
    /// `()`, for a schema that only allows `null`.
    Unit,
    /// `Box<T>`: the indirection a recursive type needs.
    Boxed(Box<TypeRef>),
    /// `FilePart`: binary data (`format: binary`, 3.1 `contentMediaType`), a file in a form.
    File,
}

/// Integer widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IntegerKind {
    /// `i32` (`format: int32`).
    I32,
    /// `i64` (the default).
    I64,
    /// `u32` (`format: uint32`).
    U32,
    /// `u64` (`format: uint64`).
    U64,
}

impl IntegerKind {
    /// Whether the type can hold `value`.
    pub fn holds(self, value: i64) -> bool {
        match self {
            Self::I32 => i32::try_from(value).is_ok(),
            Self::I64 => true,
            Self::U32 => u32::try_from(value).is_ok(),
            Self::U64 => value >= 0,
        }
    }
}

/// Float widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FloatKind {
    /// `f32` (`format: float`).
    F32,
    /// `f64` (the default).
    F64,
}

/// Whether values of a type can be written with `Display`, as path, query and header parameters
/// and form fields need: scalars, string enums, aliases of those, and unions of those.
pub fn is_display(types: &BTreeMap<String, TypeDef>, ty: &TypeRef) -> bool {
    fn check(types: &BTreeMap<String, TypeDef>, ty: &TypeRef, depth: usize) -> bool {
        match ty {
            TypeRef::String | TypeRef::Bool | TypeRef::Integer(_) | TypeRef::Float(_) => true,
            TypeRef::Boxed(inner) => check(types, inner, depth + 1),
            TypeRef::Named(name) if depth < 16 => match types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Enum(_)) => true,
                Some(TypeKind::Alias(target)) => check(types, target, depth + 1),
                Some(TypeKind::Union(def)) => def.variants.iter().all(|v| check(types, &v.ty, depth + 1)),
                _ => false,
            },
            _ => false,
        }
    }
    check(types, ty, 0)
}

/// The kinds of JSON value a type decodes from, as a bit set: what an untagged union's decoder
/// dispatches on, so that it can hand a value straight to the one variant that can take it
/// instead of buffering it and trying each variant in turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JsonKinds(u8);

impl JsonKinds {
    /// `null`.
    pub const NULL: Self = Self(1);
    /// `true` and `false`.
    pub const BOOL: Self = Self(1 << 1);
    /// A number without a fraction or exponent.
    pub const INTEGER: Self = Self(1 << 2);
    /// Any other number.
    pub const FLOAT: Self = Self(1 << 3);
    /// A string.
    pub const STRING: Self = Self(1 << 4);
    /// An array.
    pub const ARRAY: Self = Self(1 << 5);
    /// An object.
    pub const OBJECT: Self = Self(1 << 6);
    /// Every kind.
    pub const ANY: Self = Self(0x7f);
    /// Each kind on its own, in a fixed order.
    pub const EACH: [Self; 7] =
        [Self::NULL, Self::BOOL, Self::INTEGER, Self::FLOAT, Self::STRING, Self::ARRAY, Self::OBJECT];

    /// Whether every kind of `other` is in `self`.
    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// The kinds of a type's values: what its decoder accepts.
    pub fn of(types: &BTreeMap<String, TypeDef>, ty: &TypeRef) -> Self {
        fn kinds(types: &BTreeMap<String, TypeDef>, ty: &TypeRef, depth: usize) -> JsonKinds {
            match ty {
                TypeRef::String | TypeRef::Secret => JsonKinds::STRING,
                TypeRef::Bool => JsonKinds::BOOL,
                TypeRef::Integer(_) => JsonKinds::INTEGER,
                TypeRef::Float(_) => JsonKinds(JsonKinds::INTEGER.0 | JsonKinds::FLOAT.0),
                TypeRef::JsonObject | TypeRef::Map(_) => JsonKinds::OBJECT,
                TypeRef::Array(_) => JsonKinds::ARRAY,
                TypeRef::Unit => JsonKinds::NULL,
                TypeRef::Option(inner) => JsonKinds(JsonKinds::NULL.0 | kinds(types, inner, depth + 1).0),
                TypeRef::Boxed(inner) => kinds(types, inner, depth + 1),
                TypeRef::Json | TypeRef::File => JsonKinds::ANY,
                TypeRef::Named(name) if depth < 16 => match types.get(name).map(|t| &t.kind) {
                    Some(TypeKind::Struct(_)) => JsonKinds::OBJECT,
                    Some(TypeKind::Enum(EnumDef::String(_))) => JsonKinds::STRING,
                    Some(TypeKind::Enum(EnumDef::Integer { .. })) => JsonKinds::INTEGER,
                    // A discriminated union keeps whatever it cannot place as `Unknown`.
                    Some(TypeKind::Union(def)) if def.discriminator.is_none() => {
                        JsonKinds(def.variants.iter().fold(0, |all, v| all | kinds(types, &v.ty, depth + 1).0))
                    }
                    Some(TypeKind::Alias(target)) => kinds(types, target, depth + 1),
                    _ => JsonKinds::ANY,
                },
                TypeRef::Named(_) => JsonKinds::ANY,
            }
        }
        kinds(types, ty, 0)
    }
}

impl TypeRef {
    /// Whether the type is `Copy`, so parameters can take it by value.
    pub fn is_copy(&self) -> bool {
        matches!(self, Self::Bool | Self::Integer(_) | Self::Float(_) | Self::Unit)
    }
}

/// One operation: one method on the client.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The operationId, or `METHOD /path` without one; used in messages and settings.
    pub id: String,
    /// The method name.
    pub method_name: String,
    /// The HTTP method.
    pub http_method: HttpMethod,
    /// The path template, such as `/videos/{video_id}`.
    pub path: String,
    /// Doc paragraphs.
    pub docs: Vec<String>,
    /// `deprecated: true` in the spec.
    pub deprecated: bool,
    /// Path parameters, as positional arguments.
    pub path_params: Vec<Param>,
    /// The params struct's name, when the operation has query or header parameters.
    pub params_type: Option<String>,
    /// The query and header parameters (the params struct's fields).
    pub params: Vec<Param>,
    /// The request body (JSON, form, multipart, text or bytes).
    pub body: Option<Body>,
    /// The success response.
    pub success: Success,
    /// The error enum's name, when the spec documents error responses.
    pub errors_type: Option<String>,
    /// The credentials the operation sends and how: none, the API key alone, or several when
    /// its security requirement combines schemes.
    pub auth: Vec<AuthUse>,
    /// Names of the derived methods that had to give way to a name the spec uses.
    pub derived_names: DerivedNames,
    /// The spec's tags, in its order.
    pub tags: Vec<String>,
    /// The Cargo features it is compiled under: any of them. Empty: always compiled.
    pub features: Vec<String>,
}

impl Operation {
    /// The types the operation names directly: parameters, the params struct, the body, the
    /// success response and its events, the error enum and the headers struct.
    pub fn type_roots(&self) -> Vec<TypeRef> {
        let mut roots: Vec<TypeRef> = self.path_params.iter().chain(&self.params).map(|p| p.ty.clone()).collect();
        roots.extend(self.params_type.iter().cloned().map(TypeRef::Named));
        roots.extend(self.body.as_ref().and_then(|body| body.kind.ty()).cloned());
        roots.extend(self.response_roots());
        roots
    }

    /// The types the API sends back: the success body and its events, the error enum and the
    /// headers struct.
    pub fn response_roots(&self) -> Vec<TypeRef> {
        let mut roots = self.response_types();
        roots.extend([&self.errors_type, &self.success.headers].into_iter().flatten().cloned().map(TypeRef::Named));
        roots
    }

    /// The success body's type, and its events' data type, when JSON.
    pub fn response_types(&self) -> Vec<TypeRef> {
        let mut types = Vec::new();
        if let ResponseKind::Json(ty) | ResponseKind::Events(EventData::Json(ty)) = &self.success.kind {
            types.push(ty.clone());
        }
        if let Some(StreamKind::Events(EventData::Json(ty))) = self.success.stream.as_ref().map(|s| &s.kind) {
            types.push(ty.clone());
        }
        types
    }
}

impl TypeKind {
    /// The types a value of this kind holds: fields (flattened ones and extra properties too),
    /// variants, an alias's target, parameters, error bodies, headers.
    pub fn children(&self) -> Vec<&TypeRef> {
        match self {
            Self::Struct(def) => def
                .fields
                .iter()
                .map(|f| &f.ty)
                .chain(def.flattened.iter().map(|f| &f.ty))
                .chain(def.additional.as_ref().map(|a| &a.ty))
                .collect(),
            Self::Enum(_) => Vec::new(),
            Self::Union(def) => def.variants.iter().map(|v| &v.ty).collect(),
            Self::Alias(ty) => vec![ty],
            Self::Params(def) => def.params.iter().map(|p| &p.ty).collect(),
            Self::Errors(def) => def.variants.iter().filter_map(|v| v.ty.as_ref()).collect(),
            Self::Headers(def) => def.fields.iter().map(|f| &f.ty).collect(),
        }
    }
}

impl TypeRef {
    /// The named type this refers to, through arrays, maps, options and boxes.
    pub fn named(&self) -> Option<&str> {
        match self {
            Self::Named(name) => Some(name),
            Self::Array(inner) | Self::Map(inner) | Self::Option(inner) | Self::Boxed(inner) => inner.named(),
            _ => None,
        }
    }
}

/// The names of an operation's derived methods, when they are not the usual `<name>_with_response`
/// and `<name>_stream` because another operation's method has that name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DerivedNames {
    /// Instead of `<name>_with_response`.
    pub with_response: Option<String>,
    /// Instead of `<name>_stream`.
    pub stream: Option<String>,
}

impl Operation {
    /// The method that also returns the status and headers (`<name>_with_response`); streaming
    /// methods have none, as their stream carries both.
    pub fn with_response_name(&self) -> Option<String> {
        (!matches!(self.success.kind, ResponseKind::Events(_))).then(|| {
            self.derived_names
                .with_response
                .clone()
                .unwrap_or_else(|| format!("{}_with_response", crate::naming::unraw(&self.method_name)))
        })
    }

    /// The method that reads the body as it arrives (`<name>_stream`), when there is one.
    pub fn stream_name(&self) -> Option<String> {
        self.success.stream.as_ref().map(|_| {
            self.derived_names
                .stream
                .clone()
                .unwrap_or_else(|| format!("{}_stream", crate::naming::unraw(&self.method_name)))
        })
    }

    /// Every client method generated for this operation.
    pub fn all_method_names(&self) -> Vec<String> {
        let main = crate::naming::unraw(&self.method_name).to_owned();
        [Some(main), self.with_response_name(), self.stream_name()].into_iter().flatten().collect()
    }
}

/// An HTTP method an operation can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `PUT`.
    Put,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `HEAD`.
    Head,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
}

impl HttpMethod {
    /// The method for a path item's key (`get`, `post`, ...).
    pub fn from_path_item_key(key: &str) -> Option<Self> {
        Some(match key {
            "get" => Self::Get,
            "put" => Self::Put,
            "post" => Self::Post,
            "delete" => Self::Delete,
            "options" => Self::Options,
            "head" => Self::Head,
            "patch" => Self::Patch,
            "trace" => Self::Trace,
            _ => return None,
        })
    }

    /// The method as HTTP writes it: `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }

    /// The key of the path item that holds the operation: `get`.
    pub fn path_item_key(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Put => "put",
            Self::Post => "post",
            Self::Delete => "delete",
            Self::Options => "options",
            Self::Head => "head",
            Self::Patch => "patch",
            Self::Trace => "trace",
        }
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// The Rust name.
    pub rust_name: String,
    /// The name on the wire.
    pub wire_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type, without `Option`.
    pub ty: TypeRef,
    /// Whether it must be given.
    pub required: bool,
    /// Doc paragraphs.
    pub docs: Vec<String>,
    /// Bounds checked before sending.
    pub bounds: Bounds,
    /// An example value from the spec, for the README.
    pub example: Option<Value>,
    /// How the value is written into the request.
    pub encoding: ParamEncoding,
}

/// How a parameter's value is written into the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamEncoding {
    /// Formatted with `Display`: scalars and enums; arrays of them as repeated query parameters
    /// or as one comma-separated header (`style: simple`).
    Plain,
    /// Not a scalar (an object or a union) in the query: flattened by serializing it
    /// (`name[key]=value`, `deepObject`).
    DeepObject,
    /// Described with `content: {application/json: ...}`: the value as JSON text.
    Json,
}

/// Numeric bounds from the spec, checked before a request is sent.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Bounds {
    /// The lower bound.
    pub minimum: Option<Bound>,
    /// The upper bound.
    pub maximum: Option<Bound>,
}

/// One bound: the limit, and whether the limit itself is excluded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The limit, typed like the value it limits.
    pub limit: Number,
    /// `exclusiveMinimum`/`exclusiveMaximum`: the limit itself is not allowed.
    pub exclusive: bool,
}

/// A number from the spec, kept as the kind of number the schema describes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// A bound of an `integer` schema.
    Integer(i64),
    /// A bound of a `number` schema.
    Float(f64),
}

impl std::fmt::Display for Number {
    /// As JSON writes it: `5`, `-1`, `0.5`, `1.0`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Integer(n) => write!(f, "{n}"),
            Self::Float(x) => match serde_json::Number::from_f64(*x) {
                Some(number) => write!(f, "{number}"),
                None => write!(f, "{x}"),
            },
        }
    }
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// How it is encoded.
    pub kind: BodyKind,
    /// Whether the spec requires it; an optional body is an `Option` argument.
    pub required: bool,
}

/// How a request body is encoded.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    /// `application/json` and `+json` types: a serialized value.
    Json(TypeRef),
    /// `application/x-www-form-urlencoded`: a serialized value, nested with brackets.
    Form(TypeRef),
    /// `multipart/form-data`: a generated struct with a `to_multipart` method.
    Multipart(TypeRef),
    /// `text/*`: a string, sent with this content type.
    Text(String),
    /// Anything else (`application/octet-stream`, `image/png`, ...): bytes, sent with this
    /// content type.
    Bytes(String),
}

impl BodyKind {
    /// The typed value behind a JSON, form or multipart body.
    pub fn ty(&self) -> Option<&TypeRef> {
        match self {
            Self::Json(ty) | Self::Form(ty) | Self::Multipart(ty) => Some(ty),
            Self::Text(_) | Self::Bytes(_) => None,
        }
    }
}

/// The success response.
#[derive(Debug, Clone)]
pub struct Success {
    /// How the main method reads its body.
    pub kind: ResponseKind,
    /// A second method, `<name>_stream`, that reads the body as it arrives: for binary bodies,
    /// and for responses that offer an event stream beside JSON.
    pub stream: Option<StreamMethod>,
    /// The type of the documented response headers, when the spec documents any.
    pub headers: Option<String>,
}

/// The `<name>_stream` method of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamMethod {
    /// What it streams.
    pub kind: StreamKind,
    /// The boolean body field that asks the API to stream (`stream: true`), set by the method.
    pub flag: Option<StreamFlag>,
}

/// What a streaming method yields.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamKind {
    /// Chunks of a binary body.
    Bytes,
    /// Server-sent events, each one's data decoded as this type.
    Events(EventData),
}

/// How the data of server-sent events is read.
#[derive(Debug, Clone, PartialEq)]
pub enum EventData {
    /// JSON of this type.
    Json(TypeRef),
    /// Text the spec does not describe as JSON: the events are handed over as they are.
    Raw,
}

/// A boolean field of the JSON request body that switches the response to an event stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamFlag {
    /// The field's Rust name.
    pub rust_name: String,
    /// Whether the field is a `bool`, an `Option<bool>` or a `Nullable<bool>`.
    pub wrapper: Wrapper,
}

/// How a success body is read.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseKind {
    /// No body is documented: the body is ignored.
    Empty,
    /// A JSON body of this type.
    Json(TypeRef),
    /// A `text/*` body: a `String`.
    Text,
    /// Any other media type (images, video, octet streams): `Bytes`.
    Bytes,
    /// Only `text/event-stream`: the main method returns the stream of events.
    Events(EventData),
}

/// One credential an operation sends, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUse {
    /// Which of the client's credentials.
    pub credential: CredentialRef,
    /// How it is sent.
    pub scheme: AuthScheme,
}

/// One of the client's credentials.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum CredentialRef {
    /// The API key.
    ApiKey,
    /// One of [`Api::credentials`], by its scheme's name.
    Named(String),
}

/// How an operation presents a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthScheme {
    /// The key in a header.
    Header(String),
    /// The key in a query parameter.
    Query(String),
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `Authorization: Basic`, the key as the user name.
    Basic,
    /// The key as a cookie.
    Cookie(String),
}
