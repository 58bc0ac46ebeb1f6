//! `impl client_runtime::MintToken for Client`, from the checked `[token]` table: the typed
//! request is built with the lifetime (and the API key, where the vendor wants it in the body),
//! the typed operation is called, and the token and its expiry are read through the typed
//! answer's fields.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{cfg_any, doc_attrs, ident, type_tokens};
use crate::ir::{
    Api, FloatKind, IntegerKind, LeafKind, LifetimePlace, Operation, PathStep, ResponseKind, StructDef, TokenMint,
    TypeKind, TypeRef, ValuePath, Wrapper,
};
use crate::settings::{ExpiryKind, LifetimeUnit};

/// The `MintToken` impl, when the settings describe a token operation.
pub(super) fn mint_token_impl(api: &Api) -> Option<TokenStream> {
    let mint = api.token.as_ref()?;
    let operation = api.operations.iter().find(|op| op.id == mint.operation)?;
    let ResponseKind::Json(response_ty) = &operation.success.kind else { return None };
    let response_type = type_tokens(response_ty, true);
    let error_body = match &operation.errors_type {
        Some(errors) => {
            let errors = format_ident!("{}", errors);
            quote! { types::#errors }
        }
        None => quote! { client_runtime::NoErrorBody },
    };
    let rule = match &mint.lifetime {
        None => quote! { client_runtime::token::LifetimeRule::FIXED },
        Some(lifetime) => {
            let min = proc_macro2::Literal::u64_unsuffixed(lifetime.min);
            let max = option_tokens(lifetime.max);
            let default = option_tokens(lifetime.default);
            quote! { client_runtime::token::LifetimeRule::seconds(#min, #max, #default) }
        }
    };
    let required = mint.lifetime.as_ref().is_some_and(|l| l.default.is_some());
    let lifetime_let = if required {
        quote! { let lifetime = self.lifetime_rule().required_seconds_for(PROVIDER.name, request)?; }
    } else if mint.lifetime.is_some() {
        quote! { let lifetime = self.lifetime_rule().seconds_for(PROVIDER.name, request)?; }
    } else {
        quote! { self.lifetime_rule().seconds_for(PROVIDER.name, request)?; }
    };
    let epoch = mint.lifetime.as_ref().is_some_and(|l| l.unit == LifetimeUnit::EpochSeconds);
    let relative = matches!(mint.expiry, Some((_, ExpiryKind::RelativeSeconds)));
    let sent_at = (epoch || relative).then(|| quote! { let sent_at = std::time::SystemTime::now(); });
    let epoch_lifetime = epoch.then(|| {
        if required {
            quote! { let lifetime = client_runtime::token::epoch_seconds_after(sent_at, lifetime); }
        } else {
            quote! {
                let lifetime = lifetime.map(|seconds| client_runtime::token::epoch_seconds_after(sent_at, seconds));
            }
        }
    });

    let mut args = Vec::new();
    let mut lets = Vec::new();
    if let Some(params_type) = &operation.params_type {
        let value = params_value(api, mint, operation, params_type);
        lets.push(quote! { let params = #value; });
        args.push(quote! { &params });
    }
    if let Some(body) = &operation.body
        && let Some(TypeRef::Named(name)) = body.kind.ty().map(|ty| api.without_aliases(ty))
        && let Some(TypeKind::Struct(def)) = api.types.get(&name).map(|t| &t.kind)
    {
        let fills =
            mint.api_key_field.is_some() || mint.lifetime.as_ref().is_some_and(|l| l.place == LifetimePlace::Body);
        if body.required || fills {
            let value = body_value(api, mint, &name, def);
            lets.push(quote! { let body = #value; });
            args.push(if body.required {
                quote! { &body }
            } else {
                quote! { Some(&body) }
            });
        } else {
            // Nothing to say in an optional body: leave it out.
            args.push(quote! { None });
        }
    }
    let method = ident(&operation.method_name);
    let allow_deprecated = operation.deprecated.then(|| quote! { #[allow(deprecated)] });

    let token_pointer = &mint.token.pointer;
    let token_text = token_text(&mint.token);
    let expires_at = match &mint.expiry {
        None => quote! { None },
        Some((path, kind)) => {
            let pointer = &path.pointer;
            let kind = match kind {
                ExpiryKind::RelativeSeconds => quote! { RelativeSeconds },
                ExpiryKind::EpochSeconds => quote! { EpochSeconds },
                ExpiryKind::Rfc3339 => quote! { Rfc3339 },
            };
            let when = if relative {
                quote! { sent_at }
            } else {
                quote! { std::time::SystemTime::now() }
            };
            let read = |value: TokenStream| {
                quote! {
                    client_runtime::token::expires_at(PROVIDER.name, #pointer, client_runtime::token::ExpiryKind::#kind, #value, #when)
                }
            };
            match expiry_value(path) {
                Expiry::Always(value) => {
                    let read = read(value);
                    quote! { Some(#read?) }
                }
                Expiry::Maybe(value) => {
                    let read = read(quote! { value });
                    quote! { #value.map(|value| #read).transpose()? }
                }
            }
        }
    };

    let docs = doc_attrs(&impl_docs(mint, operation));
    let cfg = cfg_any(&operation.features);
    Some(quote! {
        #docs
        #cfg
        impl client_runtime::MintToken for Client {
            type Response = #response_type;
            type ErrorBody = #error_body;

            fn provider(&self) -> &'static str {
                PROVIDER.name
            }

            fn lifetime_rule(&self) -> client_runtime::token::LifetimeRule {
                #rule
            }

            async fn mint_token(
                &self,
                request: &client_runtime::TokenRequest,
            ) -> Result<client_runtime::ShortLivedToken<Self::Response>, client_runtime::MintError<Self::ErrorBody>> {
                #lifetime_let
                #sent_at
                #epoch_lifetime
                #(#lets)*
                #allow_deprecated
                let response = self.#method(#(#args),*).await?;
                let token = client_runtime::token::required_token(PROVIDER.name, #token_pointer, #token_text)?;
                let expires_at = #expires_at;
                Ok(client_runtime::ShortLivedToken::new(PROVIDER.name, token, expires_at, response))
            }
        }
    })
}

fn option_tokens(value: Option<u64>) -> TokenStream {
    match value {
        Some(value) => {
            let value = proc_macro2::Literal::u64_unsuffixed(value);
            quote! { Some(#value) }
        }
        None => quote! { None },
    }
}

/// What the impl's docs say: which method it calls, where the lifetime goes, where the token
/// and expiry are read.
fn impl_docs(mint: &TokenMint, operation: &Operation) -> Vec<String> {
    let method = crate::naming::unraw(&operation.method_name);
    let mut docs =
        vec![format!("Mints a token with [`Client::{method}`] (`{} {}`).", operation.http_method, operation.path)];
    docs.push(match &mint.lifetime {
        None => "The API takes no lifetime: asking for one is an error, not silently dropped.".to_owned(),
        Some(lifetime) => {
            let place = match lifetime.place {
                LifetimePlace::Body => format!("the body field `{}`", lifetime.name),
                LifetimePlace::Query => format!("the query parameter `{}`", lifetime.name),
            };
            let unit = match lifetime.unit {
                LifetimeUnit::Seconds => "in seconds",
                LifetimeUnit::EpochSeconds => "as the time it ends, in seconds since the Unix epoch",
            };
            let bounds = match lifetime.max {
                Some(max) => format!("{} to {max} seconds", lifetime.min),
                None => format!("at least {} second(s)", lifetime.min),
            };
            let default = match lifetime.default {
                Some(default) => format!(
                    " The API requires a lifetime, so {default} seconds are asked for when the request names none."
                ),
                None => " Without one, the API's own default applies.".to_owned(),
            };
            format!("The lifetime goes in {place}, {unit}; {bounds} are allowed.{default}")
        }
    });
    let expiry = match &mint.expiry {
        None => "the API does not say when it expires".to_owned(),
        Some((path, kind)) => {
            let kind = match kind {
                ExpiryKind::RelativeSeconds => "seconds from the request",
                ExpiryKind::EpochSeconds => "seconds since the Unix epoch",
                ExpiryKind::Rfc3339 => "an RFC 3339 time",
            };
            format!("its expiry from `{}` ({kind})", path.pointer)
        }
    };
    docs.push(format!("The token is read from `{}` of the answer, and {expiry}.", mint.token.pointer));
    docs
}

/// The lifetime (an `Option<i64>`, or an `i64` when required) as the target's type, wrapped as
/// the target is.
fn lifetime_value(api: &Api, ty: &TypeRef, wrapper: Wrapper) -> TokenStream {
    let convert = match api.without_aliases(ty) {
        TypeRef::Integer(IntegerKind::I64) => None,
        TypeRef::Integer(IntegerKind::I32) => Some(quote! { i32 }),
        TypeRef::Integer(IntegerKind::U32) => Some(quote! { u32 }),
        TypeRef::Integer(IntegerKind::U64) => Some(quote! { u64 }),
        TypeRef::Float(FloatKind::F32) => Some(quote! { f32 }),
        _ => Some(quote! { f64 }),
    };
    // The rule's bounds keep the value in the target type's range.
    match (wrapper, convert) {
        (Wrapper::Bare, None) => quote! { lifetime },
        (Wrapper::Bare, Some(to)) => quote! { lifetime as #to },
        (Wrapper::Option, None) => quote! { lifetime },
        (Wrapper::Option, Some(to)) => quote! { lifetime.map(|seconds| seconds as #to) },
        (Wrapper::Nullable, None) => {
            quote! { lifetime.map_or(client_runtime::Nullable::Absent, client_runtime::Nullable::Value) }
        }
        (Wrapper::Nullable, Some(to)) => quote! {
            lifetime.map_or(client_runtime::Nullable::Absent, |seconds| client_runtime::Nullable::Value(seconds as #to))
        },
    }
}

/// The request body: the lifetime and API key set, every other field left unset.
fn body_value(api: &Api, mint: &TokenMint, name: &str, def: &StructDef) -> TokenStream {
    let ty = format_ident!("{}", name);
    let mut set: Vec<(String, TokenStream)> = Vec::new();
    for field in &def.fields {
        let lifetime = mint.lifetime.as_ref().filter(|l| l.place == LifetimePlace::Body && l.name == field.wire_name);
        let value = if lifetime.is_some() {
            lifetime_value(api, &field.ty, field.wrapper())
        } else if mint.api_key_field.as_deref() == Some(field.wire_name.as_str()) {
            let key = match field.ty {
                TypeRef::Secret => quote! { api_key.clone() },
                _ => quote! { api_key.expose_secret().to_owned() },
            };
            match field.wrapper() {
                Wrapper::Bare => key,
                Wrapper::Option => quote! { Some(#key) },
                Wrapper::Nullable => quote! { client_runtime::Nullable::Value(#key) },
            }
        } else {
            continue;
        };
        set.push((field.wire_name.clone(), value));
    }
    let api_key = mint.api_key_field.as_ref().map(|_| {
        quote! {
            let Some(api_key) = self.core.api_key() else {
                return Err(client_runtime::MintError::Request(client_runtime::Error::InvalidRequest(
                    client_runtime::InvalidRequest::new("the client has no API key to put in the token request"),
                )));
            };
        }
    });
    let field_inits = |set: &[(String, TokenStream)]| -> Vec<TokenStream> {
        set.iter()
            .map(|(wire, value)| {
                let field = def.fields.iter().find(|f| &f.wire_name == wire).map(|f| ident(&f.rust_name));
                quote! { #field: #value, }
            })
            .collect()
    };
    let value = if def.all_fields_optional() {
        let inits = field_inits(&set);
        if set.is_empty() {
            quote! { types::#ty::default() }
        } else if set.len() == def.fields.len() && def.additional.is_none() {
            quote! { types::#ty { #(#inits)* } }
        } else {
            quote! { types::#ty { #(#inits)* ..Default::default() } }
        }
    } else if let Some(required) = def.constructor_fields() {
        let args: Vec<TokenStream> = required
            .iter()
            .filter_map(|f| set.iter().find(|(wire, _)| wire == &f.wire_name).map(|(_, value)| value.clone()))
            .collect();
        let rest: Vec<(String, TokenStream)> =
            set.iter().filter(|(wire, _)| !required.iter().any(|f| &f.wire_name == wire)).cloned().collect();
        let inits = field_inits(&rest);
        if rest.is_empty() {
            quote! { types::#ty::new(#(#args),*) }
        } else {
            quote! { types::#ty { #(#inits)* ..types::#ty::new(#(#args),*) } }
        }
    } else {
        let inits = field_inits(&set);
        quote! { types::#ty { #(#inits)* } }
    };
    match api_key {
        Some(api_key) => quote! {{ #api_key #value }},
        None => value,
    }
}

/// The params struct: the lifetime set, every other parameter unset.
fn params_value(api: &Api, mint: &TokenMint, operation: &Operation, params_type: &str) -> TokenStream {
    let ty = format_ident!("{}", params_type);
    let lifetime = mint.lifetime.as_ref().filter(|l| l.place == LifetimePlace::Query);
    let param = lifetime.and_then(|l| operation.params.iter().find(|p| p.wire_name == l.name));
    match param {
        None => quote! { types::#ty::default() },
        Some(param) => {
            let wrapper = if param.required { Wrapper::Bare } else { Wrapper::Option };
            let value = lifetime_value(api, &param.ty, wrapper);
            if param.required {
                quote! { types::#ty::new(#value) }
            } else {
                let field = ident(&param.rust_name);
                let others = operation.params.len() > 1;
                if others {
                    quote! { types::#ty { #field: #value, ..Default::default() } }
                } else {
                    quote! { types::#ty { #field: #value } }
                }
            }
        }
    }
}

/// An expression for the value at the end of a path from `response`, and whether it is an
/// `Option<&T>` (some step may be absent) rather than a place.
fn path_expr(path: &ValuePath) -> (TokenStream, bool) {
    let mut expr = quote! { response };
    let mut optional = false;
    for step in &path.steps {
        match step {
            PathStep::Field { rust_name, wrapper, .. } => {
                let field = ident(rust_name);
                let read = match wrapper {
                    Wrapper::Bare => None,
                    Wrapper::Option => Some(quote! { as_ref }),
                    Wrapper::Nullable => Some(quote! { value }),
                };
                expr = match (optional, read) {
                    (false, None) => quote! { #expr.#field },
                    (false, Some(read)) => quote! { #expr.#field.#read() },
                    (true, None) => quote! { #expr.map(|value| &value.#field) },
                    (true, Some(read)) => quote! { #expr.and_then(|value| value.#field.#read()) },
                };
                optional |= *wrapper != Wrapper::Bare;
            }
            PathStep::Json(pointer) => {
                expr = if optional {
                    quote! { #expr.and_then(|value| value.pointer(#pointer)) }
                } else {
                    quote! { #expr.pointer(#pointer) }
                };
                optional = true;
            }
            PathStep::JsonObject(key, rest) => {
                expr = if optional {
                    quote! { #expr.and_then(|value| value.get(#key)) }
                } else {
                    quote! { #expr.get(#key) }
                };
                if let Some(rest) = rest {
                    expr = quote! { #expr.and_then(|value| value.pointer(#rest)) };
                }
                optional = true;
            }
        }
    }
    (expr, optional)
}

/// The token as an `Option<&str>`.
fn token_text(path: &ValuePath) -> TokenStream {
    let (expr, optional) = path_expr(path);
    match (path.leaf, optional) {
        (LeafKind::Secret, false) => quote! { Some(#expr.expose_secret()) },
        (LeafKind::Secret, true) => quote! { #expr.map(client_runtime::Secret::expose_secret) },
        (LeafKind::String, false) => quote! { Some(#expr.as_str()) },
        (LeafKind::String, true) => quote! { #expr.map(String::as_str) },
        (_, false) => quote! { #expr.as_str() },
        (_, true) => quote! { #expr.and_then(serde_json::Value::as_str) },
    }
}

/// An expiry as the runtime reads it: always there, or maybe.
enum Expiry {
    Always(TokenStream),
    Maybe(TokenStream),
}

fn expiry_value(path: &ValuePath) -> Expiry {
    let (expr, optional) = path_expr(path);
    let value = quote! { client_runtime::token::ExpiryValue };
    let number = |v: TokenStream| match path.leaf {
        LeafKind::Float(FloatKind::F64) => quote! { #value::Number(#v) },
        LeafKind::Float(FloatKind::F32) => quote! { #value::Number(f64::from(#v)) },
        _ => quote! { #value::Number(#v as f64) },
    };
    match (path.leaf, optional) {
        (LeafKind::String, false) => Expiry::Always(quote! { #value::Text(&#expr) }),
        (LeafKind::String, true) => Expiry::Maybe(quote! { #expr.map(|text| #value::Text(text.as_str())) }),
        (LeafKind::Json | LeafKind::Secret, _) => Expiry::Maybe(quote! {
            #expr.and_then(|json| json.as_f64().map(#value::Number).or_else(|| json.as_str().map(#value::Text)))
        }),
        (_, false) => Expiry::Always(number(expr)),
        (_, true) => {
            let read = number(quote! { *number });
            Expiry::Maybe(quote! { #expr.map(|number| #read) })
        }
    }
}
