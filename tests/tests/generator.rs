//! The generator end to end: checked-in crates are fresh, output is pinned by snapshots, the
//! 3.0 and 3.1 dialects generate the same code, and bad specs fail with a located error.

use std::path::{Path, PathBuf};

use codegen::{Dependencies, Location, Options, Settings, SpecFile};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

fn options() -> Options {
    Options { command: "cargo xtask codegen".into(), dependencies: Dependencies::Workspace }
}

/// Generates a fixture (with `<name>.toml` settings beside it, if present) as one text.
fn generate_fixture(path: &Path) -> String {
    let contents = std::fs::read(path).expect("fixture is readable");
    let settings_path = path.with_extension("toml");
    let settings = match std::fs::read_to_string(&settings_path) {
        Ok(text) => Settings::from_toml(&settings_path.display().to_string(), &text).expect("fixture settings parse"),
        Err(_) => Settings::for_crate("fixture"),
    };
    let name = format!("tests/fixtures/{}", path.file_name().unwrap().to_string_lossy());
    let generated = codegen::generate(SpecFile { path: &name, contents: &contents }, &settings, &options())
        .unwrap_or_else(|error| panic!("{name} does not generate:\n{error}"));
    rust_sources(&generated.files)
}

fn rust_sources(files: &[codegen::GeneratedFile]) -> String {
    files
        .iter()
        .filter(|f| f.path.ends_with(".rs"))
        .map(|f| format!("==> {} <==\n{}", f.path, f.contents))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Plain `cargo test` fails when a checked-in crate differs from what the generator produces.
#[test]
fn checked_in_crates_are_fresh() {
    let report = xtask::codegen(&workspace_root(), &[], xtask::Mode::Check).expect("every provider generates");
    assert!(report.is_fresh(), "{}", report.render(xtask::Mode::Check));
    assert!(report.fresh >= 25, "expected at least 5 files for each of the 5 providers, found {}", report.fresh);
}

/// The generated output of each provider, pinned (every file, README and Cargo.toml included).
#[test]
fn provider_snapshots() {
    let root = workspace_root();
    for provider in xtask::providers(&root).expect("providers are listed") {
        let generated = xtask::generate_provider(&root, &provider).expect("provider generates");
        let text = generated
            .files
            .iter()
            .map(|(path, contents)| format!("==> {} <==\n{contents}", path.display()))
            .collect::<Vec<_>>()
            .join("\n");
        insta::assert_snapshot!(format!("provider_{}", provider.name), text);
    }
}

/// One fixture per construct, each pinned by a snapshot.
#[test]
fn construct_fixtures() {
    insta::glob!("../fixtures", "*.yaml", |path| {
        insta::assert_snapshot!(generate_fixture(path));
    });
}

/// A 3.0 `nullable: true` field and its 3.1 spellings (`type: [X, 'null']`,
/// `anyOf: [X, {type: 'null'}]`, `oneOf` with a null member) generate identical code.
#[test]
fn nullable_dialects_generate_identical_code() {
    let fixtures = workspace_root().join("tests/fixtures");
    let v30 = generate_fixture(&fixtures.join("nullable-3.0.yaml"));
    let v31 = generate_fixture(&fixtures.join("nullable-3.1.yaml"));
    let strip_header = |text: &str| text.lines().filter(|l| !l.contains("@generated")).collect::<Vec<_>>().join("\n");
    assert_eq!(strip_header(&v30), strip_header(&v31));
    // And the shared output really keeps every nullable value: required and nullable is an
    // `Option`; optional and nullable is a `Nullable` (absent, null, value), through `allOf`, a
    // `$ref`, an alias and a union; nullable items and map values are `Option`s inside.
    for field in [
        "pub note: Option<String>",
        "pub count: Nullable<i64>",
        "pub parent: Nullable<Parent>",
        "pub owner: Nullable<Parent>",
        "pub guardian: Nullable<Parent>",
        "pub nickname: Nullable<Nickname>",
        "pub scores: Option<Vec<Option<f64>>>",
        "pub labels: Option<std::collections::BTreeMap<String, Option<String>>>",
        "pub size: Nullable<ThingSize>",
        "pub limit: Option<i64>",
    ] {
        assert!(v30.contains(field), "`{field}` in:\n{v30}");
    }
}

/// Generation is deterministic: the same input gives byte-identical output.
#[test]
fn output_is_deterministic() {
    let fixture = workspace_root().join("tests/fixtures/unions-and-free-form.yaml");
    assert_eq!(generate_fixture(&fixture), generate_fixture(&fixture));
}

/// Every schema the generator cannot type is counted, with its place and a warning; a body among
/// them is counted apart. A schema that means "any value" (`{}`) is typed: `Value` is its type.
#[test]
fn schemas_that_fall_back_to_json_values_are_counted_and_located() {
    let spec = "openapi: 3.1.0
info: {title: Counted, version: '1'}
paths:
  /a:
    post:
      operationId: send
      requestBody:
        required: true
        content:
          application/json:
            schema: {oneOf: []}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Out'}
components:
  schemas:
    Out:
      type: object
      properties:
        anything: {}
        gone: {$ref: '#/components/schemas/Gone'}
        name: {type: string}
";
    let generated = codegen::generate(
        SpecFile { path: "counted.yaml", contents: spec.as_bytes() },
        &Settings::for_crate("counted"),
        &options(),
    )
    .unwrap();
    let count = &generated.schema_count;
    assert_eq!(
        count.fell_back,
        [
            "#/components/schemas/Out/properties/gone",
            "#/paths/~1a/post/requestBody/content/application~1json/schema/oneOf"
        ]
    );
    assert_eq!(count.bodies, ["#/paths/~1a/post/requestBody/content/application~1json/schema"]);
    assert_eq!(
        count.summary(),
        "3 of 5 schemas typed; 2 fell back to serde_json::Value (see warnings), 1 of them a request or response body"
    );
    for place in &count.fell_back {
        let warned = generated.warnings.iter().any(|w| w.to_string().contains(place.as_str()));
        assert!(warned, "a warning names {place}: {:?}", generated.warnings);
    }
}

fn generate_error(file: &str, spec: &str) -> codegen::Error {
    codegen::generate(SpecFile { path: file, contents: spec.as_bytes() }, &Settings::for_crate("bad"), &options())
        .expect_err("the spec must be rejected")
}

/// The one error diagnostic, after checking it names the file.
fn only_error(error: &codegen::Error, file: &str) -> codegen::Diagnostic {
    let errors: Vec<_> = error.diagnostics.iter().filter(|d| d.severity == codegen::Severity::Error).collect();
    assert_eq!(errors.len(), 1, "expected exactly one error, got: {error}");
    let diagnostic = errors[0].clone();
    assert_eq!(diagnostic.file, file);
    assert!(error.to_string().contains(file), "the message names the file: {error}");
    diagnostic
}

const VALID_HEAD: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\nservers: [{url: 'https://x.example'}]\n";

#[test]
fn yaml_syntax_error_names_line_and_column() {
    let error = generate_error("specs/bad/openapi.yaml", "openapi: 3.0.3\ninfo: {title: T\npaths: {}\n");
    let diagnostic = only_error(&error, "specs/bad/openapi.yaml");
    assert!(matches!(diagnostic.location, Location::Line { line: 3, .. }), "{diagnostic}");
    assert!(diagnostic.message.contains("invalid YAML"), "{diagnostic}");
}

#[test]
fn json_syntax_error_names_line_and_column() {
    let error = generate_error("spec.json", "{\n  \"openapi\": \"3.1.0\",\n  \"info\": }\n");
    let diagnostic = only_error(&error, "spec.json");
    assert!(matches!(diagnostic.location, Location::Line { line: 3, .. }), "{diagnostic}");
}

#[test]
fn empty_file_is_rejected() {
    let error = generate_error("empty.yaml", "  \n");
    let diagnostic = only_error(&error, "empty.yaml");
    assert_eq!(diagnostic.location, Location::File);
    assert!(diagnostic.message.contains("empty"), "{diagnostic}");
}

#[test]
fn swagger_2_is_rejected_with_advice() {
    let error = generate_error("swagger.yaml", "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n");
    let diagnostic = only_error(&error, "swagger.yaml");
    assert_eq!(diagnostic.location, Location::Pointer("#/swagger".into()));
    assert!(diagnostic.message.contains("Swagger 2.0") && diagnostic.message.contains("3.0 and 3.1"), "{diagnostic}");
}

/// A reference to a schema that does not exist is a mistake in the spec, but not one that
/// should cost the whole crate: the value is free-form JSON, and a warning names the place.
#[test]
fn dangling_ref_names_the_referencing_place_and_falls_back_to_json() {
    let spec = format!(
        "{VALID_HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Missing'}}\n"
    );
    let generated = codegen::generate(
        SpecFile { path: "dangling.yaml", contents: spec.as_bytes() },
        &Settings::for_crate("x"),
        &options(),
    )
    .unwrap_or_else(|error| panic!("a dangling reference must not refuse the spec:\n{error}"));
    let warning =
        generated.warnings.iter().find(|w| w.message.contains("#/components/schemas/Missing")).expect("a warning");
    assert_eq!(
        warning.location,
        Location::Pointer("#/paths/~1a/get/responses/200/content/application~1json/schema".into())
    );
    let client = &generated.files.iter().find(|f| f.path == "src/client.rs").expect("client.rs").contents;
    assert!(client.contains("Result<serde_json::Value, Error>"), "{client}");
}

/// A string enum of many values finds its variant through a table of its wire values. The table
/// is a `static`: clippy rejects a `const` array over 16 KiB (1,025 `&str`s), which a real
/// spec's list of 1,276 carrier codes reached.
#[test]
fn the_wire_table_of_a_long_enum_is_a_static() {
    let values: Vec<String> = (0..1100).map(|i| format!("'C{i:04}'")).collect();
    let spec = format!(
        "{VALID_HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Carrier'}}\ncomponents:\n  schemas:\n    Carrier:\n      type: string\n      enum: [{}]\n",
        values.join(", ")
    );
    let generated = codegen::generate(
        SpecFile { path: "carriers.yaml", contents: spec.as_bytes() },
        &Settings::for_crate("x"),
        &options(),
    )
    .unwrap();
    let types = &generated.files.iter().find(|f| f.path == "src/types.rs").expect("types.rs").contents;
    assert!(types.contains("static WIRE: [&str; 1100] = ["), "{types}");
    assert!(!types.contains("const WIRE"));
}

#[test]
fn duplicate_operation_ids_are_disambiguated_by_path() {
    let op = |path: &str| {
        format!(
            "  {path}:\n    get:\n      operationId: getThing\n      responses:\n        '204': {{description: none}}\n"
        )
    };
    let spec = format!("{VALID_HEAD}paths:\n{}{}", op("/a"), op("/b"));
    let generate = |settings: &Settings| {
        codegen::generate(SpecFile { path: "dupes.yaml", contents: spec.as_bytes() }, settings, &options())
            .unwrap_or_else(|error| panic!("a shared operationId must not refuse the spec:\n{error}"))
    };
    let generated = generate(&Settings::for_crate("x"));
    let client = &generated.files.iter().find(|f| f.path == "src/client.rs").expect("client.rs").contents;
    assert!(client.contains("pub async fn get_thing_a(") && client.contains("pub async fn get_thing_b("), "{client}");
    let warning =
        generated.warnings.iter().find(|w| w.message.contains("`getThing` is used 2 times")).expect("a warning");
    assert!(warning.message.contains("#/paths/~1a/get") && warning.message.contains("#/paths/~1b/get"), "{warning}");

    let settings = Settings::from_toml(
        "specs/x/provider.toml",
        "[package]\nname = \"x\"\n\n[operations.\"GET /b\"]\nmethod_name = \"thing_b\"\n",
    )
    .expect("the settings parse");
    let generated = generate(&settings);
    let client = &generated.files.iter().find(|f| f.path == "src/client.rs").expect("client.rs").contents;
    assert!(client.contains("pub async fn thing_b("), "the settings name it by `METHOD /path`");
}

/// The spec's own names win over derived ones: a method name that is already taken gets the
/// path's words, and a derived `_stream` or `_with_response` that another operation's method
/// has becomes `_byte_stream` or `_with_raw_response`; each with a warning.
#[test]
fn method_names_that_collide_are_renamed_deterministically_with_a_warning() {
    let spec = format!(
        "{VALID_HEAD}paths:\n  /files/{{id}}:\n    get:\n      operationId: download\n      parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]\n      responses:\n        '200': {{description: ok, content: {{application/octet-stream: {{schema: {{type: string, format: binary}}}}}}}}\n  /files/{{id}}/stream:\n    get:\n      operationId: downloadStream\n      parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]\n      responses:\n        '204': {{description: none}}\n  /users:\n    get:\n      operationId: getUser\n      responses:\n        '204': {{description: none}}\n  /people:\n    get:\n      operationId: get_user\n      responses:\n        '204': {{description: none}}\n  /builder:\n    get:\n      operationId: builder\n      responses:\n        '204': {{description: none}}\n"
    );
    let generated = codegen::generate(
        SpecFile { path: "names.yaml", contents: spec.as_bytes() },
        &Settings::for_crate("x"),
        &options(),
    )
    .unwrap_or_else(|error| panic!("name collisions must not refuse the spec:\n{error}"));
    let client = &generated.files.iter().find(|f| f.path == "src/client.rs").expect("client.rs").contents;
    for method in
        ["download(", "download_byte_stream(", "download_stream(", "get_user(", "get_user_people(", "builder_builder("]
    {
        assert!(client.contains(&format!("pub async fn {method}")), "`{method}` is generated:\n{client}");
    }
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    assert!(warnings.iter().any(|w| w.contains("`download_stream` is another operation's method")), "{warnings:#?}");
    assert!(warnings.iter().any(|w| w.contains("`get_user` is also derived for operation `getUser`")), "{warnings:#?}");
    assert!(
        warnings.iter().any(|w| w.contains("`builder` is also derived for the client's own method")),
        "{warnings:#?}"
    );
}

#[test]
fn unsupported_construct_is_an_error_not_wrong_code() {
    let spec =
        format!("{VALID_HEAD}paths: {{}}\ncomponents:\n  schemas:\n    NotAString:\n      not: {{type: string}}\n");
    let error = generate_error("not.yaml", &spec);
    let diagnostic = only_error(&error, "not.yaml");
    assert_eq!(diagnostic.location, Location::Pointer("#/components/schemas/NotAString".into()));
    assert!(diagnostic.message.contains("`not`"), "{diagnostic}");
}

#[test]
fn every_error_is_reported_at_once() {
    let spec = format!(
        "{VALID_HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{not: {{type: string}}}}\n    B: {{not: {{type: integer}}}}\n"
    );
    let error = generate_error("many.yaml", &spec);
    assert_eq!(error.diagnostics.len(), 2, "{error}");
}

#[test]
fn a_changed_spec_fails_its_recorded_hash() {
    let mut settings = Settings::for_crate("x");
    settings.source.sha256 = Some("00".repeat(32));
    let spec = format!("{VALID_HEAD}paths: {{}}\n");
    let error =
        codegen::generate(SpecFile { path: "x.yaml", contents: spec.as_bytes() }, &settings, &options()).unwrap_err();
    assert!(error.to_string().contains("SHA-256"), "{error}");
}

#[test]
fn unknown_settings_keys_are_rejected_with_their_line() {
    let error =
        Settings::from_toml("specs/x/provider.toml", "[package]\nname = \"x\"\n\n[client]\napi_key_evn = \"X\"\n")
            .unwrap_err();
    let diagnostic = &error.diagnostics[0];
    assert_eq!(diagnostic.file, "specs/x/provider.toml");
    assert!(matches!(diagnostic.location, Location::Line { line: 5, .. }), "{diagnostic}");
}

/// A union that lists no members is a placeholder, not a reason to refuse the spec: a located
/// warning, and the value is `serde_json::Value` (or the members its discriminator's mapping
/// names, see the `unions-without-members` fixture).
#[test]
fn an_empty_union_is_a_located_warning_and_free_form() {
    for key in ["oneOf", "anyOf"] {
        let spec = format!("{VALID_HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Nothing:\n      {key}: []\n");
        let generated = codegen::generate(
            SpecFile { path: "empty-union.yaml", contents: spec.as_bytes() },
            &Settings::for_crate("x"),
            &options(),
        )
        .unwrap_or_else(|error| panic!("an empty union must not refuse the spec:\n{error}"));
        let warnings: Vec<_> = generated.warnings.iter().filter(|w| w.message.contains("no members")).collect();
        assert_eq!(warnings.len(), 1, "{:#?}", generated.warnings);
        assert_eq!(warnings[0].location, Location::Pointer(format!("#/components/schemas/Nothing/{key}")));
        assert!(warnings[0].message.contains("`serde_json::Value`"), "{}", warnings[0]);
        let types = &generated.files.iter().find(|f| f.path == "src/types.rs").expect("types.rs").contents;
        assert!(types.contains("pub type Nothing = serde_json::Value;"), "{types}");
    }
}

#[test]
fn reference_cycles_between_aliases_are_refused_with_the_cycle_named() {
    let spec = format!(
        "{VALID_HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n    Nested:\n      type: array\n      items: {{$ref: '#/components/schemas/Nested'}}\n    Fine: {{$ref: '#/components/schemas/A'}}\n"
    );
    let error = generate_error("cycle.yaml", &spec);
    let errors: Vec<_> = error.diagnostics.iter().filter(|d| d.severity == codegen::Severity::Error).collect();
    assert_eq!(errors.len(), 2, "one error per cycle, none for `Fine`, which only points into one: {error}");
    assert_eq!(errors[0].location, Location::Pointer("#/components/schemas/A".into()));
    assert!(errors[0].message.contains("`A` -> `B` -> `A`"), "{}", errors[0]);
    assert_eq!(errors[1].location, Location::Pointer("#/components/schemas/Nested".into()));
    assert!(errors[1].message.contains("`Nested` -> `Nested`"), "{}", errors[1]);
}

/// Names from the settings become identifiers as written, so each is checked where it is
/// written; none reaches the token builder, which would panic.
#[test]
fn settings_names_that_are_not_identifiers_are_errors_at_their_line() {
    let cases = [
        ("[type_names]\nToken = \"Better Name\"\n", 5, "not a usable Rust type name"),
        ("[type_names]\nToken = \"\"\n", 5, "not a usable Rust type name"),
        ("[type_names]\nToken = \"9x\"\n", 5, "not a usable Rust type name"),
        ("[type_names]\nToken = \"Option\"\n", 5, "would shadow"),
        ("[operations.getA]\nmethod_name = \"get a\"\n", 5, "not a usable Rust method name"),
        ("[operations.getA]\nmethod_name = \"fn\"\n", 5, "not a usable Rust method name"),
    ];
    for (table, line, message) in cases {
        let text = format!("[package]\nname = \"x\"\n\n{table}");
        let error = Settings::from_toml("specs/x/provider.toml", &text).expect_err(table);
        let diagnostic = &error.diagnostics[0];
        assert_eq!(diagnostic.file, "specs/x/provider.toml");
        assert_eq!(
            diagnostic.location,
            Location::Line { line, column: diagnostic_column(&diagnostic.location) },
            "{table}"
        );
        assert!(diagnostic.message.contains(message), "{table}: {diagnostic}");
    }
}

fn diagnostic_column(location: &Location) -> usize {
    match location {
        Location::Line { column, .. } => *column,
        _ => 0,
    }
}

#[test]
fn settings_keys_that_match_nothing_in_the_spec_are_errors() {
    let spec = format!(
        "{VALID_HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '204': {{description: none}}\ncomponents:\n  schemas:\n    Token: {{type: string}}\n"
    );
    let settings = Settings::from_toml(
        "specs/x/provider.toml",
        "[package]\nname = \"x\"\n\n[type_names]\nTokne = \"AccessToken\"\n\n[operations.getB]\nmethod_name = \"b\"\n",
    )
    .expect("the settings parse");
    let error = codegen::generate(SpecFile { path: "x.yaml", contents: spec.as_bytes() }, &settings, &options())
        .expect_err("typos in the settings are errors");
    let messages: Vec<&str> = error.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{error}");
    assert!(messages.iter().any(|m| m.contains("`[type_names]`") && m.contains("`Tokne`")), "{error}");
    assert!(messages.iter().any(|m| m.contains("`[operations.\"getB\"]`")), "{error}");
}

/// A schema named like a type the generated code uses is renamed, with a warning that says so
/// and how to choose another name; schemas named like items the code spells with a path keep
/// their names.
#[test]
fn schemas_named_like_prelude_types_are_renamed_with_a_warning() {
    let fixture = workspace_root().join("tests/fixtures/shadowing-names.yaml");
    let contents = std::fs::read(&fixture).expect("fixture is readable");
    let generated = codegen::generate(
        SpecFile { path: "shadowing-names.yaml", contents: &contents },
        &Settings::for_crate("fixture"),
        &options(),
    )
    .expect("the fixture generates");
    let renamed: Vec<String> = generated
        .warnings
        .iter()
        .filter(|w| w.message.contains("would shadow"))
        .map(|w| w.location.to_string().trim_start_matches("#/components/schemas/").to_owned())
        .collect();
    assert_eq!(renamed, ["Option", "String", "Vec", "Box", "Serialize", "Deserialize", "From", "Into"]);
    let types = &generated.files.iter().find(|f| f.path == "src/types.rs").expect("types.rs").contents;
    for kept in ["Result", "Error", "Value", "Map", "Bytes", "Secret", "Client", "Default", "Some", "None", "Ok"] {
        assert!(
            types.contains(&format!("pub struct {kept} {{"))
                || types.contains(&format!("pub enum {kept} {{"))
                || types.contains(&format!("pub type {kept} =")),
            "`{kept}` keeps its name"
        );
    }
    assert!(types.contains("pub struct OptionSchema {"), "{types}");
}

/// A generated file of a one-operation spec (a POST) under the given settings.
fn generated_file(settings: &Settings, path: &str) -> String {
    let spec = format!(
        "{VALID_HEAD}paths:\n  /charges:\n    post:\n      operationId: createCharge\n      responses:\n        '200': {{description: ok}}\n"
    );
    let generated =
        codegen::generate(SpecFile { path: "x.yaml", contents: spec.as_bytes() }, settings, &options()).unwrap();
    generated.files.into_iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}")).contents
}

#[test]
fn the_idempotency_header_setting_reaches_the_provider_info() {
    let settings = Settings::from_toml(
        "specs/x/provider.toml",
        "[package]\nname = \"x\"\n\n[client]\nidempotency_header = \"Idempotency-Key\"\n",
    )
    .unwrap();
    assert_eq!(settings.client.idempotency_header.as_deref(), Some("Idempotency-Key"));
    let client = generated_file(&settings, "src/client.rs");
    assert!(client.contains("idempotency_header: Some(\"Idempotency-Key\"),"), "{client}");
    let readme = generated_file(&settings, "README.md");
    assert!(readme.contains("carries a fresh key in the `Idempotency-Key` header"), "{readme}");

    let client = generated_file(&Settings::for_crate("x"), "src/client.rs");
    assert!(client.contains("idempotency_header: None,"), "{client}");
    let readme = generated_file(&Settings::for_crate("x"), "README.md");
    assert!(readme.contains("retried only when the API cannot have acted on it"), "{readme}");
}

#[test]
fn an_idempotency_header_that_is_no_header_name_is_rejected_with_its_line() {
    let error = Settings::from_toml(
        "specs/x/provider.toml",
        "[package]\nname = \"x\"\n\n[client]\nidempotency_header = \"Idempotency Key\"\n",
    )
    .unwrap_err();
    let diagnostic = &error.diagnostics[0];
    assert_eq!(diagnostic.file, "specs/x/provider.toml");
    assert!(matches!(diagnostic.location, Location::Line { line: 5, .. }), "{diagnostic}");
    assert!(diagnostic.message.contains("`idempotency_header`"), "{diagnostic}");
    assert!(diagnostic.message.contains("\"Idempotency Key\""), "{diagnostic}");
}

/// A schema that a deep `$ref` points at is moved into the components to be shared; a problem
/// inside it is still reported where it is in the file, not at the name it was moved to.
#[test]
fn problems_in_a_schema_reached_by_a_deep_ref_are_reported_where_the_user_wrote_them() {
    let spec = format!(
        "{VALID_HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Params:\n      type: object\n      properties:\n        filter:\n          type: object\n          properties:\n            bad: {{not: {{type: string}}}}\n    Uses: {{$ref: '#/components/schemas/Params/properties/filter'}}\n    Dangling: {{$ref: '#/components/schemas/Params/properties/nothing'}}\n"
    );
    let error = generate_error("deep.yaml", &spec);
    let locations: Vec<String> = error
        .diagnostics
        .iter()
        .filter(|d| d.severity == codegen::Severity::Error)
        .map(|d| format!("{} {}", d.location, d.message))
        .collect();
    assert_eq!(locations.len(), 2, "{error}");
    assert!(
        locations
            .iter()
            .any(|l| l.starts_with("#/components/schemas/Params/properties/filter/properties/bad ")
                && l.contains("`not`")),
        "{error}"
    );
    assert!(
        locations.iter().any(|l| l.starts_with("#/components/schemas/Dangling ") && l.contains("points at nothing")),
        "{error}"
    );
}

/// A `content` map or media type object given by `$ref` (where OpenAPI 3.0 and 3.1 allow none)
/// is copied in with a warning at the `$ref`; problems inside the copies are reported once, where
/// the user wrote the target, and a reference that leads back to itself is an error.
#[test]
fn references_where_none_is_allowed_are_copied_in_and_located_where_written() {
    let media = "      content: {$ref: '#/components/mediaTypes/counted'}\n";
    let operation = |path: &str, id: &str| {
        format!(
            "  {path}:\n    get:\n      operationId: {id}\n      responses:\n        '200':\n          description: ok\n    {media}"
        )
    };
    let spec = format!(
        "{VALID_HEAD}paths:\n{}{}components:\n  mediaTypes:\n    counted:\n      application/json:\n        schema:\n          type: object\n          properties:\n            n: {{type: integer, maximum: 1.0e+30}}\n      text/plain:\n        schema: {{type: integer, minimum: -1.0e+30}}\n",
        operation("/a", "getA"),
        operation("/b", "getB"),
    );
    let generated = codegen::generate(
        SpecFile { path: "media.yaml", contents: spec.as_bytes() },
        &Settings::for_crate("x"),
        &options(),
    )
    .unwrap_or_else(|error| panic!("the spec must generate:\n{error}"));
    let warnings: Vec<String> = generated.warnings.iter().map(|w| format!("{} {}", w.location, w.message)).collect();
    for path in ["~1a", "~1b"] {
        let at = format!("#/paths/{path}/get/responses/200/content ");
        assert!(
            warnings.iter().any(|w| w.starts_with(&at) && w.contains("`#/components/mediaTypes/counted` is copied in")),
            "{warnings:#?}"
        );
    }
    for place in ["application~1json/schema/properties/n/maximum", "text~1plain/schema/minimum"] {
        let at = format!("#/components/mediaTypes/counted/{place} ");
        assert_eq!(warnings.iter().filter(|w| w.starts_with(&at)).count(), 1, "{place}: {warnings:#?}");
    }
    assert_eq!(warnings.len(), 4, "{warnings:#?}");
    // Both operations return the one type named after the media type.
    let client = &generated.files.iter().find(|f| f.path == "src/client.rs").expect("client.rs").contents;
    assert_eq!(client.matches("Result<types::Counted, Error>").count(), 2, "{client}");

    let cycle = format!(
        "{VALID_HEAD}paths:\n{}components:\n  mediaTypes:\n    counted: {{$ref: '#/components/mediaTypes/again'}}\n    again: {{$ref: '#/components/mediaTypes/counted'}}\n",
        operation("/a", "getA"),
    );
    let error = generate_error("cycle.yaml", &cycle);
    let diagnostic = only_error(&error, "cycle.yaml");
    assert!(diagnostic.message.contains("leads back to itself"), "{diagnostic}");
}

/// A base that lists its own subtypes in `oneOf`, reached through `allOf` from one of them, adds
/// its properties and not its union; a union beside properties that is no such base is left out
/// of the merge with a warning at it.
#[test]
fn polymorphic_bases_merge_into_their_subtypes_and_other_unions_beside_properties_warn() {
    let fixture = workspace_root().join("tests/fixtures/polymorphic-bases.yaml");
    let contents = std::fs::read(&fixture).expect("fixture is readable");
    let generated = codegen::generate(
        SpecFile { path: "tests/fixtures/polymorphic-bases.yaml", contents: &contents },
        &Settings::for_crate("fixture"),
        &options(),
    )
    .expect("the fixture generates");
    let warnings: Vec<String> = generated.warnings.iter().map(|w| format!("{} {}", w.location, w.message)).collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].starts_with("#/components/schemas/Tagged/oneOf ") && warnings[0].contains("left out"));
    let types = &generated.files.iter().find(|f| f.path == "src/types.rs").expect("types.rs").contents;
    assert!(types.contains("pub enum SigningKey {") && types.contains("Ec(Box<EcKey>)"), "{types}");
    let ec_key = &types[types.find("pub struct EcKey {").expect("EcKey is a struct")..];
    let ec_key = &ec_key[..ec_key.find('}').unwrap()];
    for field in ["pub kty: EcKeyKty", "pub x: String", "pub r#use: Option<EcKeyUse>", "pub kid: Option<String>"] {
        assert!(ec_key.contains(field), "{field} in {ec_key}");
    }
    assert!(!types.contains("#[serde(flatten)]"), "no subtype holds its base's union: {types}");
}

/// Swagger 2.0 `in: formData` parameters become the request body, with one warning per
/// operation; problems inside the new body, and in the parameters that stay (moved up the
/// list), are reported where the user wrote them.
#[test]
fn form_data_parameters_become_the_body_and_keep_their_locations() {
    let spec = format!(
        "{VALID_HEAD}paths:\n  /a:\n    post:\n      operationId: postA\n      parameters:\n        - {{name: file, in: formData, required: true, schema: {{type: file}}}}\n        - {{name: big, in: formData, type: integer, maximum: 1.0e+30}}\n        - {{name: limit, in: query, schema: {{type: integer, minimum: -1.0e+30}}}}\n      responses:\n        '204': {{description: none}}\n"
    );
    let generated = codegen::generate(
        SpecFile { path: "form.yaml", contents: spec.as_bytes() },
        &Settings::for_crate("x"),
        &options(),
    )
    .unwrap_or_else(|error| panic!("the spec must generate:\n{error}"));
    let warnings: Vec<String> = generated.warnings.iter().map(|w| format!("{} {}", w.location, w.message)).collect();
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    assert!(
        warnings.iter().any(|w| w.starts_with("#/paths/~1a/post ")
            && w.contains("(`file`, `big`)")
            && w.contains("`multipart/form-data` request body")),
        "{warnings:#?}"
    );
    assert!(warnings.iter().any(|w| w.starts_with("#/paths/~1a/post/parameters/1/maximum ")), "{warnings:#?}");
    assert!(warnings.iter().any(|w| w.starts_with("#/paths/~1a/post/parameters/2/schema/minimum ")), "{warnings:#?}");
    let client = &generated.files.iter().find(|f| f.path == "src/client.rs").expect("client.rs").contents;
    assert!(client.contains("body: &types::PostARequest"), "{client}");
    let types = &generated.files.iter().find(|f| f.path == "src/types.rs").expect("types.rs").contents;
    assert!(types.contains("pub file: client_runtime::FilePart,") && types.contains("fn to_multipart"), "{types}");
}

/// A security requirement that names no defined scheme loses that alternative, with a warning;
/// an operation left with no usable alternative is still generated, without a credential, and
/// says so. Neither refuses the spec.
#[test]
fn undefined_security_schemes_are_skipped_with_a_warning() {
    let spec = format!(
        "{VALID_HEAD}components:\n  securitySchemes:\n    Key: {{type: apiKey, in: header, name: x-key}}\npaths:\n  /a:\n    get:\n      operationId: getA\n      security: [{{Missing: []}}, {{Key: []}}]\n      responses:\n        '204': {{description: none}}\n  /b:\n    get:\n      operationId: getB\n      security: [{{Missing: []}}]\n      responses:\n        '204': {{description: none}}\n"
    );
    let generated = codegen::generate(
        SpecFile { path: "auth.yaml", contents: spec.as_bytes() },
        &Settings::for_crate("x"),
        &options(),
    )
    .unwrap_or_else(|error| panic!("one operation's bad security must not refuse the spec:\n{error}"));
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`getA`") && w.contains("`Missing` is not defined") && w.contains("skipped")),
        "{warnings:#?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("`getB`") && w.contains("generated without a credential")),
        "{warnings:#?}"
    );
    let client = &generated.files.iter().find(|f| f.path == "src/client.rs").expect("client.rs").contents;
    assert!(client.contains(".auth(Auth::Header(\"x-key\"))"), "getA sends the key the other alternative names");
    assert!(client.contains("pub async fn get_b("), "getB is generated");
}

/// Numbers beyond 64 bits and 3.1 keywords in a 3.0 document load, each with a warning at its
/// place, instead of failing the whole document.
#[test]
fn out_of_range_numbers_and_mixed_dialects_load_with_warnings() {
    let fixture = workspace_root().join("tests/fixtures/numbers-and-mixed-dialects.yaml");
    let contents = std::fs::read(&fixture).expect("fixture is readable");
    let generated = codegen::generate(
        SpecFile { path: "numbers.yaml", contents: &contents },
        &Settings::for_crate("x"),
        &options(),
    )
    .unwrap_or_else(|error| panic!("the document must load:\n{error}"));
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    let has = |place: &str, text: &str| warnings.iter().any(|w| w.contains(place) && w.contains(text));
    assert!(has("/parameters/0/schema/maximum", "1.8446744073709552e+19` is not a 64-bit integer"), "{warnings:#?}");
    assert!(has("/properties/width/enum", "are left out"), "{warnings:#?}");
    assert!(has("#/components/schemas/Counter/properties/kind", "`const`"), "{warnings:#?}");
    assert!(has("#/components/schemas/Counter/properties/value", "`type` as a list"), "{warnings:#?}");
    assert!(has("/parameters/1/schema", "numeric `exclusiveMinimum`"), "{warnings:#?}");
    let client = &generated.files.iter().find(|f| f.path == "src/client.rs").expect("client.rs").contents;
    assert!(client.contains("-9223372036854775808"), "i64::MIN, written as a float, is still checked:\n{client}");
    assert!(!client.contains("18446744073709552000"), "the bound beyond 64 bits is not checked");
    assert!(client.contains("check_maximum(\"limit\", value, 100, false)"), "100.0 is the integer 100:\n{client}");
    assert!(client.contains("check_minimum(\"limit\", value, 0, true)"), "a numeric exclusiveMinimum:\n{client}");
}

/// Parameters that cannot be sent (a path parameter the path has no place for, a cookie) cost
/// only themselves, with a warning each; the operation is generated.
#[test]
fn parameters_that_cannot_be_sent_are_left_out_with_a_warning() {
    let spec = format!(
        "{VALID_HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      parameters:\n        - {{name: search, in: path, required: true, schema: {{type: string}}}}\n        - {{name: session, in: cookie, schema: {{type: string}}}}\n        - {{name: q, in: query, schema: {{type: string}}}}\n      responses:\n        '204': {{description: none}}\n"
    );
    let generated = codegen::generate(
        SpecFile { path: "params.yaml", contents: spec.as_bytes() },
        &Settings::for_crate("x"),
        &options(),
    )
    .unwrap_or_else(|error| panic!("the spec must generate:\n{error}"));
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(warnings.iter().any(|w| w.contains("`search` has no `{search}` placeholder")), "{warnings:#?}");
    assert!(warnings.iter().any(|w| w.contains("cookie parameter `session`")), "{warnings:#?}");
    let client = &generated.files.iter().find(|f| f.path == "src/client.rs").expect("client.rs").contents;
    assert!(client.contains("pub async fn get_a(&self, params: &types::GetAParams)"), "{client}");
}

/// Generates a provider's vendored spec with its `provider.toml` edited by `edit`; the error.
fn token_settings_error(provider: &str, edit: impl Fn(&str) -> String) -> (codegen::Error, String) {
    let root = workspace_root();
    let spec = std::fs::read(root.join(format!("specs/{provider}/openapi.yaml"))).unwrap();
    let settings_file = format!("specs/{provider}/provider.toml");
    let text = edit(&std::fs::read_to_string(root.join(&settings_file)).unwrap());
    let settings = Settings::from_toml(&settings_file, &text).expect("the edited settings parse");
    let spec_file = format!("specs/{provider}/openapi.yaml");
    let error = codegen::generate(SpecFile { path: &spec_file, contents: &spec }, &settings, &options())
        .expect_err("the [token] table must be refused");
    (error, text)
}

/// The 1-based line of the first line of `text` that starts with `prefix`.
fn line_of(text: &str, prefix: &str) -> usize {
    text.lines().position(|l| l.starts_with(prefix)).expect("the edited line is there") + 1
}

/// A `[token]` table that does not fit the spec is refused with an error at its line in
/// `provider.toml`: a pointer that does not resolve, an unknown operation or parameter, a
/// missing or out-of-bounds default lifetime, and a free-form answer not declared as such.
#[test]
fn token_tables_that_do_not_fit_the_spec_are_errors_at_their_line_in_provider_toml() {
    let cases: [(&str, &str, &str, &str, &str); 6] = [
        (
            "videodb",
            "token = \"/data/token\"",
            "token = \"/data/tokn\"",
            "token = ",
            "has no property `tokn`; it has `token`, `expires_at`, `expires_in`",
        ),
        (
            "decart",
            "operation = \"create_client_token_v1_client_tokens_post\"",
            "operation = \"mint\"",
            "operation = ",
            "the spec has no operation `mint`",
        ),
        (
            "assemblyai",
            ", default_seconds = 60 }",
            " }",
            "lifetime = ",
            "set `default_seconds` (between 1 to 600 seconds)",
        ),
        (
            "assemblyai",
            "default_seconds = 60",
            "default_seconds = 900",
            "lifetime = ",
            "`default_seconds = 900` is outside what the spec allows",
        ),
        (
            "assemblyai",
            "query = \"expires_in_seconds\"",
            "query = \"ttl\"",
            "lifetime = ",
            "has no query parameter `ttl`",
        ),
        ("simli", "free_form_response = true\n", "", "token = ", "leaves free-form, so it cannot be checked"),
    ];
    for (provider, from, to, line_prefix, message) in cases {
        let (error, text) = token_settings_error(provider, |text| {
            assert!(text.contains(from), "{provider}: `{from}` is in provider.toml");
            text.replace(from, to)
        });
        let diagnostic = only_error(&error, &format!("specs/{provider}/provider.toml"));
        assert!(diagnostic.message.contains(message), "{provider}: `{message}` in: {}", diagnostic.message);
        let Location::Line { line, .. } = diagnostic.location else { panic!("{provider}: not located: {diagnostic}") };
        assert_eq!(line, line_of(&text, line_prefix), "{provider}: {diagnostic}");
    }
}
