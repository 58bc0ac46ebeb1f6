//! Cases the fixture pairs in `tests/changes` do not reach: the fixtures there cover every
//! change class both ways; these pin the rarer rules one at a time.

use super::*;
use crate::{Settings, SpecFile};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\nservers: [{url: 'https://x.example'}]\n";

fn lower(yaml: &str, settings: &Settings) -> Api {
    let spec = format!("{HEAD}{yaml}");
    crate::lower(SpecFile { path: "t.yaml", contents: spec.as_bytes() }, settings)
        .unwrap_or_else(|error| panic!("the spec lowers: {error}\n{spec}"))
        .0
}

/// The entries of old -> new as `(severity, subject, what)`.
fn entries(old: &str, new: &str) -> Vec<(Verdict, String, String)> {
    let settings = Settings::for_crate("t");
    let report = compare(&lower(old, &settings), &lower(new, &settings));
    report.entries.into_iter().map(|c| (c.severity, c.subject.to_string(), c.what)).collect()
}

fn one(severity: Verdict, subject: &str, what: &str) -> Vec<(Verdict, String, String)> {
    vec![(severity, subject.to_owned(), what.to_owned())]
}

/// A request body struct `Body` with these properties (YAML lines under `properties:`).
fn request_struct(required: &str, properties: &str) -> String {
    format!(
        "paths:\n  /a:\n    post:\n      operationId: send\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/Body'}}\n      responses:\n        '204': {{description: ok}}\ncomponents:\n  schemas:\n    Body:\n      type: object\n      required: [{required}]\n      properties:\n{properties}"
    )
}

/// A response body `Out` with one property `value` of this schema, and the components given.
fn response_value(schema: &str, components: &str) -> String {
    format!(
        "paths:\n  /a:\n    get:\n      operationId: read\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Out'}}\ncomponents:\n  schemas:\n    Out:\n      type: object\n      properties:\n        value: {schema}\n{components}"
    )
}

#[test]
fn the_verdict_is_the_most_severe_entry() {
    let entry = |severity| Change { severity, subject: Subject::Client, what: String::new(), why: None };
    assert_eq!(Report::default().verdict(), Verdict::Unchanged);
    let report = Report { entries: vec![entry(Verdict::DocsOnly), entry(Verdict::Additive)] };
    assert_eq!(report.verdict(), Verdict::Additive);
}

#[test]
fn an_operation_id_change_that_keeps_the_method_name_is_docs_only() {
    let spec = |id: &str| {
        format!(
            "paths:\n  /a:\n    get:\n      operationId: {id}\n      responses:\n        '204': {{description: ok}}\n"
        )
    };
    let settings = |id: &str| {
        let text = format!("[package]\nname = 't'\n[operations.{id}]\nmethod_name = 'get_a'\n");
        Settings::from_toml("t.toml", &text).expect("settings parse")
    };
    let old = lower(&spec("getA"), &settings("getA"));
    let new = lower(&spec("fetchA"), &settings("fetchA"));
    let report = compare(&old, &new);
    assert_eq!(report.verdict(), Verdict::DocsOnly, "{}", report.render_text());
    assert_eq!(report.entries[0].what, "operationId `getA` is now `fetchA`; the method keeps its name");
}

#[test]
fn reordered_constructor_arguments_break_callers() {
    let old =
        request_struct("a, b", "        a: {type: string}\n        b: {type: string}\n        c: {type: string}\n");
    let new =
        request_struct("a, b", "        b: {type: string}\n        a: {type: string}\n        c: {type: string}\n");
    assert_eq!(
        entries(&old, &new),
        one(Verdict::Breaking, "type `Body`", "arguments of `Body::new` reordered: (`a`, `b`) -> (`b`, `a`)")
    );
}

#[test]
fn reordered_required_parameters_break_callers() {
    let spec = |first: &str, second: &str| {
        format!(
            "paths:\n  /a:\n    get:\n      operationId: find\n      parameters:\n        - {{name: {first}, in: query, required: true, schema: {{type: string}}}}\n        - {{name: {second}, in: query, required: true, schema: {{type: string}}}}\n      responses:\n        '204': {{description: ok}}\n"
        )
    };
    assert_eq!(
        entries(&spec("x", "y"), &spec("y", "x")),
        one(
            Verdict::Breaking,
            "operation `find`",
            "arguments of `FindParams::new` reordered: (`x`, `y`) -> (`y`, `x`)"
        )
    );
}

#[test]
fn reordered_untagged_response_variants_may_decode_differently() {
    let union = |first: &str, second: &str| {
        let shape =
            |name: &str| format!("    {name}:\n      type: object\n      properties:\n        x: {{type: string}}\n");
        response_value(
            "{$ref: '#/components/schemas/Value'}",
            &format!(
                "    Value:\n      oneOf:\n        - {{$ref: '#/components/schemas/{first}'}}\n        - {{$ref: '#/components/schemas/{second}'}}\n{}{}",
                shape("A"),
                shape("B")
            ),
        )
    };
    let found = entries(&union("A", "B"), &union("B", "A"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Verdict::Breaking);
    assert!(found[0].2.starts_with("variants reordered"), "{found:?}");
}

#[test]
fn an_optional_field_in_a_struct_that_has_new_is_additive() {
    let old = request_struct("a", "        a: {type: string}\n        b: {type: string}\n");
    let new = request_struct("a", "        a: {type: string}\n        b: {type: string}\n        c: {type: string}\n");
    assert_eq!(entries(&old, &new), one(Verdict::Additive, "type `Body`", "field `c` added (`Option<String>`)"));
}

#[test]
fn required_and_nullable_together_change_what_is_sent_not_the_type() {
    // `Option<String>` both times: optional, then required and nullable.
    let old = request_struct("a", "        a: {type: string}\n        b: {type: string}\n");
    let new = request_struct("a, b", "        a: {type: string}\n        b: {type: string, nullable: true}\n");
    assert_eq!(
        entries(&old, &new),
        one(Verdict::Additive, "type `Body`", "field `b` is now required and now nullable (still `Option<String>`)")
    );
}

#[test]
fn a_field_that_gains_or_loses_its_third_state_breaks_callers() {
    // Optional, then optional and nullable: `Option<String>` -> `Nullable<String>`, both ways.
    let old = request_struct("a", "        a: {type: string}\n        b: {type: string}\n");
    let new = request_struct("a", "        a: {type: string}\n        b: {type: string, nullable: true}\n");
    assert_eq!(
        entries(&old, &new),
        one(Verdict::Breaking, "type `Body`", "field `b` is now nullable: `Option<String>` -> `Nullable<String>`")
    );
    assert_eq!(entries(&new, &old)[0].0, Verdict::Breaking);
}

#[test]
fn an_event_stream_whose_data_changes_type_breaks_callers() {
    let events = |ty: &str| {
        format!(
            "paths:\n  /a:\n    get:\n      operationId: watch\n      responses:\n        '200':\n          description: ok\n          content:\n            text/event-stream:\n              schema: {{type: {ty}}}\n"
        )
    };
    let found = entries(&events("object"), &events("string"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Verdict::Breaking);
    assert_eq!(
        found[0].2,
        "response changed: an event stream of `serde_json::Map<String, serde_json::Value>` -> an event stream of raw events"
    );
}

#[test]
fn a_renamed_type_is_one_entry_and_its_uses_are_unchanged() {
    // The inline response type is named after the method, so renaming the operation renames it;
    // its fields, and the method's return type, are the same type under its new name.
    let spec = |id: &str| {
        format!(
            "paths:\n  /a:\n    get:\n      operationId: {id}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  x: {{type: string}}\n"
        )
    };
    assert_eq!(
        entries(&spec("getA"), &spec("readA")),
        vec![
            (Verdict::Breaking, "operation `read_a`".to_owned(), "renamed from `get_a` (`GET /a`)".to_owned()),
            (Verdict::Breaking, "type `ReadAResponse`".to_owned(), "renamed from `GetAResponse`".to_owned()),
        ]
    );
}

#[test]
fn a_discriminator_value_removed_from_a_response_variant_breaks_readers() {
    let union = |mapping: &str| {
        response_value(
            "{$ref: '#/components/schemas/Event'}",
            &format!(
                "    Event:\n      oneOf:\n        - {{$ref: '#/components/schemas/Started'}}\n        - {{$ref: '#/components/schemas/Stopped'}}\n      discriminator:\n        propertyName: type\n        mapping:\n{mapping}          stopped: '#/components/schemas/Stopped'\n    Started:\n      type: object\n      required: [type]\n      properties:\n        type: {{type: string}}\n    Stopped:\n      type: object\n      required: [type]\n      properties:\n        type: {{type: string}}\n"
            ),
        )
    };
    let both = "          started: '#/components/schemas/Started'\n          begun: '#/components/schemas/Started'\n";
    let one_tag = "          started: '#/components/schemas/Started'\n";
    let found = entries(&union(both), &union(one_tag));
    assert_eq!(
        found,
        one(Verdict::Breaking, "type `Event`", "variant `Started` is no longer chosen by `type`: `begun`")
    );
    let found = entries(&union(one_tag), &union(both));
    assert_eq!(
        found,
        one(Verdict::Additive, "type `Event`", "variant `Started` is now also chosen by `type`: `begun`")
    );
}
