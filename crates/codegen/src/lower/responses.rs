//! Responses: the success body and its streams, documented headers, and the error enum.

use std::collections::BTreeSet;

use openapiv3::{ParameterSchemaOrContent, ReferenceOr, Response, StatusCode};

use super::schema::{Hint, option_if};
use super::{Lowerer, MediaClass, OperationContext, media_class, preferred_media};
use crate::diagnostics::pointer;
use crate::ir::{
    Body, BodyKind, ErrorVariant, EventData, HeaderField, HeadersDef, ResponseKind, StatusMatch, StreamFlag,
    StreamKind, StreamMethod, Success, TypeKind, TypeRef,
};
use crate::{docs, naming};

impl Lowerer<'_> {
    pub(super) fn lower_responses(
        &mut self,
        responses: &openapiv3::Responses,
        context: &OperationContext<'_>,
        type_base: &str,
    ) -> (Success, Vec<ErrorVariant>) {
        let mut raw: Vec<(StatusMatch, String, &ReferenceOr<Response>)> = responses
            .responses
            .iter()
            .map(|(status, response)| match status {
                StatusCode::Code(code) => (StatusMatch::Code(*code), code.to_string(), response),
                StatusCode::Range(range) => (StatusMatch::Range(*range), format!("{range}XX"), response),
            })
            .collect();
        if let Some(default) = &responses.default {
            raw.push((StatusMatch::Default, "default".to_owned(), default));
        }
        let mut entries: Vec<(StatusMatch, String, Response)> = Vec::new();
        for (status, key, response) in raw {
            let location = context.location(pointer(&context.at, &["responses", &key]));
            if let Some(response) = self.resolve_component(response, "responses", |c| &c.responses, location) {
                entries.push((status, key, response));
            }
        }
        let is_success = |status: &StatusMatch| match status {
            StatusMatch::Code(code) => (200..300).contains(code),
            StatusMatch::Range(range) => *range == 2,
            StatusMatch::Default => false,
        };
        let success_entry = entries.iter().find(|(status, _, _)| is_success(status)).or_else(|| {
            entries.iter().find(|(status, _, _)| {
                *status == StatusMatch::Default && !entries.iter().any(|(s, _, _)| is_success(s))
            })
        });
        let success_key = success_entry.map(|(status, _, _)| *status);
        let success = match success_entry {
            Some((_, key, response)) => {
                let mut success = self.success_body(response, context, type_base, key);
                success.headers = self.response_headers(response, context, type_base, key);
                success
            }
            None => Success { kind: ResponseKind::Empty, stream: None, headers: None },
        };

        let mut errors = Vec::new();
        let mut taken = BTreeSet::new();
        let mut error_entries: Vec<_> = entries
            .iter()
            .filter(|(status, _, _)| Some(*status) != success_key && !is_success(status))
            .filter(|(status, _, _)| {
                !matches!(status, StatusMatch::Code(code) if *code < 400)
                    && *status != StatusMatch::Range(1)
                    && *status != StatusMatch::Range(3)
            })
            .collect();
        error_entries.sort_by_key(|(status, _, _)| *status);
        for (status, key, response) in error_entries {
            let variant = match status {
                StatusMatch::Code(code) => http::StatusCode::from_u16(*code)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .map_or_else(|| format!("Status{code}"), naming::type_ident),
                StatusMatch::Range(4) => "ClientError".to_owned(),
                StatusMatch::Range(5) => "ServerError".to_owned(),
                StatusMatch::Range(range) => format!("Status{range}xx"),
                StatusMatch::Default => "Other".to_owned(),
            };
            let rust_name = naming::unique(variant, &mut taken);
            let ty = self.response_body(response, context, &format!("{type_base}{rust_name}Body"), key);
            let status_text = match status {
                StatusMatch::Code(code) => format!("`{code}`"),
                StatusMatch::Range(range) => format!("`{range}XX`"),
                StatusMatch::Default => "Any other status".to_owned(),
            };
            let mut docs = docs::paragraphs(&response.description);
            match docs.first_mut() {
                Some(first) => *first = format!("{status_text}: {first}"),
                None => docs.push(status_text),
            };
            errors.push(ErrorVariant { rust_name, status: *status, ty, docs });
        }
        (success, errors)
    }

    /// The success body: JSON of its type, text, bytes, an event stream, or nothing; and the
    /// streaming method that goes with it.
    pub(super) fn success_body(
        &mut self,
        response: &Response,
        context: &OperationContext<'_>,
        type_base: &str,
        key: &str,
    ) -> Success {
        let Some((media_type, media)) = preferred_media(&response.content) else {
            return Success { kind: ResponseKind::Empty, stream: None, headers: None };
        };
        let events = response.content.iter().find(|(media_type, _)| media_class(media_type) == MediaClass::EventStream);
        match media_class(media_type) {
            MediaClass::Json | MediaClass::Form | MediaClass::Multipart => {
                let at = pointer(&context.at, &["responses", key, "content", media_type, "schema"]);
                let ty = match &media.schema {
                    Some(schema) => {
                        option_if(self.lower_body_schema(schema, &Hint::Derived(format!("{type_base}Response")), &at))
                    }
                    None => TypeRef::Json,
                };
                let stream = events.map(|(events_type, events)| StreamMethod {
                    kind: StreamKind::Events(self.event_data(events_type, events, context, type_base, key)),
                    flag: None,
                });
                Success { kind: ResponseKind::Json(ty), stream, headers: None }
            }
            MediaClass::EventStream => {
                let data = self.event_data(media_type, media, context, type_base, key);
                Success { kind: ResponseKind::Events(data), stream: None, headers: None }
            }
            MediaClass::Text => Success { kind: ResponseKind::Text, stream: None, headers: None },
            MediaClass::Binary => Success {
                kind: ResponseKind::Bytes,
                stream: Some(StreamMethod { kind: StreamKind::Bytes, flag: None }),
                headers: None,
            },
        }
    }

    /// A struct for the headers a success response documents (`Content-Type` aside, which
    /// OpenAPI says to ignore). Each is read into its type when it is a scalar or a string enum,
    /// and kept as text otherwise.
    pub(super) fn response_headers(
        &mut self,
        response: &Response,
        context: &OperationContext<'_>,
        type_base: &str,
        key: &str,
    ) -> Option<String> {
        let mut fields = Vec::new();
        let mut taken = BTreeSet::new();
        for (wire_name, header) in &response.headers {
            if wire_name.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let at = pointer(&context.at, &["responses", key, "headers", wire_name]);
            let location = context.location(at.as_str());
            let Some(header) = self.resolve_component(header, "headers", |c| &c.headers, location) else { continue };
            let ty = match &header.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let hint = Hint::Derived(format!("{type_base}ResponseHeader {wire_name}"));
                    let lowered = self.lower_schema(schema, &hint, &pointer(&at, &["schema"]));
                    let ty = self.without_aliases(lowered.ty);
                    if crate::ir::is_display(&self.types, &ty) { ty } else { TypeRef::Json }
                }
                ParameterSchemaOrContent::Content(_) => TypeRef::Json,
            };
            let mut docs = header.description.as_deref().map(docs::paragraphs).unwrap_or_default();
            if docs.is_empty() {
                docs.push(format!("The `{wire_name}` header."));
            }
            // Structured values (lists, objects) are kept as the text sent.
            let ty = if ty == TypeRef::Json {
                docs.push("Kept as the text sent: the spec describes a structured value.".to_owned());
                TypeRef::String
            } else {
                ty
            };
            fields.push(HeaderField {
                rust_name: naming::unique(naming::snake_ident(wire_name), &mut taken),
                wire_name: wire_name.clone(),
                ty,
                docs,
            });
        }
        if fields.is_empty() {
            return None;
        }
        let name = naming::unique(format!("{type_base}ResponseHeaders"), &mut self.taken_type_names);
        let docs = vec![format!(
            "The headers documented for the success response of [`Client::{}`](crate::Client::{}), read by [`ApiResponse::typed_headers`](client_runtime::ApiResponse::typed_headers).",
            context.method_name,
            naming::unraw(&context.method_name)
        )];
        self.define(name.clone(), docs, &context.at, TypeKind::Headers(HeadersDef { fields }));
        Some(name)
    }

    /// The type of each event's data in a `text/event-stream` response. Its schema describes one
    /// event's data (the convention the vendors follow); without one, or with a plain string
    /// schema, the events are handed over raw.
    pub(super) fn event_data(
        &mut self,
        media_type: &str,
        media: &openapiv3::MediaType,
        context: &OperationContext<'_>,
        type_base: &str,
        key: &str,
    ) -> EventData {
        let Some(schema) = &media.schema else { return EventData::Raw };
        let at = pointer(&context.at, &["responses", key, "content", media_type, "schema"]);
        let lowered = self.lower_schema(schema, &Hint::Derived(format!("{type_base}Event")), &at);
        match self.without_aliases(lowered.ty) {
            TypeRef::String => EventData::Raw,
            ty => EventData::Json(if lowered.nullable { TypeRef::Option(Box::new(ty)) } else { ty }),
        }
    }

    /// The boolean `stream` field of a JSON request body, which APIs that answer with either JSON
    /// or an event stream use to choose between them.
    pub(super) fn stream_flag(&self, body: Option<&Body>) -> Option<StreamFlag> {
        let Some(BodyKind::Json(TypeRef::Named(name))) = body.filter(|b| b.required).map(|b| &b.kind) else {
            return None;
        };
        let Some(TypeKind::Struct(def)) = self.types.get(name).map(|t| &t.kind) else { return None };
        let field = def.fields.iter().find(|f| f.wire_name == "stream" && f.ty == TypeRef::Bool)?;
        Some(StreamFlag { rust_name: field.rust_name.clone(), wrapper: field.wrapper() })
    }

    /// An error response's typed body: only JSON bodies are decoded; others stay raw.
    pub(super) fn response_body(
        &mut self,
        response: &Response,
        context: &OperationContext<'_>,
        name: &str,
        key: &str,
    ) -> Option<TypeRef> {
        let (media_type, media) = preferred_media(&response.content)?;
        if media_class(media_type) != MediaClass::Json {
            return None;
        }
        let at = pointer(&context.at, &["responses", key, "content", media_type, "schema"]);
        let ty = match &media.schema {
            Some(schema) => option_if(self.lower_body_schema(schema, &Hint::Derived(name.to_owned()), &at)),
            None => TypeRef::Json,
        };
        Some(ty)
    }
}
