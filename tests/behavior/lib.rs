//! Behaviour of code generated from the construct fixtures, checked at run time.
//!
//! Not a crate of this workspace: `tests/tests/corpus.rs` copies this file into the generated
//! check workspace under `target/corpus-check`, next to the fixture crates it uses, and runs
//! its tests there with `cargo test`.

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use fixture_all_of_beyond_objects as all_of;
    use fixture_bodies_and_binary as bodies;
    use fixture_discriminated_unions as events;
    use fixture_null_only_and_integer_limits as limits;
    use fixture_nullable_3_0 as nullable;
    use fixture_parameters_beyond_scalars as beyond;
    use fixture_recursion_and_composition as trees;
    use fixture_responses_servers_deprecation as responses;
    use fixture_security_all_combined as partner;
    use fixture_security_combinations as combined;
    use fixture_shadowing_names as shadowing;
    use fixture_streaming as streaming;
    use fixture_unions_and_free_form as shapes;

    #[test]
    fn discriminated_unions_decode_by_their_tag_and_keep_unknown_tags() {
        use events::types::{Event, Pet, Shape};
        let created: Event = serde_json::from_value(json!({"type": "created", "id": "e1"})).unwrap();
        assert!(matches!(&created, Event::Created(c) if c.id == "e1"));
        // The variant keeps its own copy of the tag, so encoding round-trips.
        assert_eq!(serde_json::to_value(&created).unwrap(), json!({"type": "created", "id": "e1"}));
        let deleted: Event = serde_json::from_value(json!({"type": "deleted", "id": "e2", "permanent": true})).unwrap();
        assert!(matches!(deleted, Event::Deleted(d) if d.permanent == Some(true)));
        let future: Event = serde_json::from_value(json!({"type": "archived", "id": "e3"})).unwrap();
        assert_eq!(future, Event::Unknown(json!({"type": "archived", "id": "e3"})));
        // A known tag with a body that does not match is an error, not a silent fallback.
        assert!(serde_json::from_value::<Event>(json!({"type": "created"})).is_err());

        let square: Shape = serde_json::from_value(json!({"kind": "square", "side": 2.0})).unwrap();
        assert!(matches!(square, Shape::Square(s) if s.side == 2.0));
        let cat: Pet = serde_json::from_value(json!({"petType": "Cat", "indoor": true})).unwrap();
        assert!(matches!(cat, Pet::Cat(c) if c.indoor == Some(true)));
    }

    #[test]
    fn an_all_of_of_a_union_and_an_object_decodes_both_and_encodes_one_object() {
        use all_of::types::{Click, Event, Payload, Status, View};
        let wire = json!({"name": "n", "status": "active", "x": 1, "y": 2});
        let event: Event = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(event.name, "n");
        assert_eq!(event.status, Status::Active.into());
        assert_eq!(event.payload, Payload::Click(Box::new(Click { x: 1, y: 2 })));
        assert_eq!(serde_json::to_value(&event).unwrap(), wire);
        let view = Event::new("v", Payload::View(Box::new(View { page: "/home".into() })));
        assert_eq!(serde_json::to_value(&view).unwrap(), json!({"name": "v", "page": "/home"}));
        assert!(serde_json::from_value::<Event>(json!({"name": "n"})).is_err(), "the union's shape is required");
    }

    #[test]
    fn schemas_named_like_prelude_types_round_trip() {
        use shadowing::types::{Default, Map, OptionSchema, Result, StringSchema, Value, VecSchema};
        let wire = json!({
            "value": {"value": "v"},
            "maybe": {"text": "t"},
            "list": ["a", "b"],
            "map": {"k": {"inner": {}}},
            "union": "a",
            "fields": "named like the decoder's own variable",
        });
        let decoded: OptionSchema = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(decoded.fields.as_deref(), Some("named like the decoder's own variable"));
        assert_eq!(decoded.value, Value { value: Some("v".into()) });
        assert_eq!(decoded.maybe, Some(StringSchema { text: Some("t".into()) }));
        assert_eq!(decoded.list, Some(vec![VecSchema::A, VecSchema::B]));
        assert_eq!(decoded.union, Some(Default::VecSchema(VecSchema::A)));
        assert_eq!(serde_json::to_value(&decoded).unwrap(), wire);
        let result: Result = serde_json::from_value(json!({"count": 2})).unwrap();
        assert_eq!(serde_json::to_value(result).unwrap(), json!({"count": 2}));
        let counts: Map = serde_json::from_value(json!({"a": 1})).unwrap();
        assert_eq!(counts.get("a"), Some(&1));
    }

    #[test]
    fn null_only_values_and_integer_limits_decode() {
        use limits::types::{Extreme, Limits};
        let decoded: Limits = serde_json::from_value(json!({"cleared": null, "extreme": i64::MIN})).unwrap();
        assert_eq!(decoded.extreme, Some(Extreme::Minus9223372036854775808));
        assert_eq!(Extreme::from(i64::MAX), Extreme::V9223372036854775807);
        assert_eq!(Extreme::Minus9223372036854775808.value(), i64::MIN);
        assert!(serde_json::from_value::<Limits>(json!({"cleared": 1})).is_err(), "only null is accepted");
    }

    #[test]
    fn untagged_unions_and_enums_decode_the_right_variant() {
        use shapes::types::{ShapesAmount, ShapesStatus};
        assert_eq!(serde_json::from_value::<ShapesAmount>(json!(3)).unwrap(), ShapesAmount::Integer(3));
        assert_eq!(serde_json::from_value::<ShapesAmount>(json!(3.5)).unwrap(), ShapesAmount::Number(3.5));
        assert_eq!(serde_json::from_value::<ShapesAmount>(json!("3")).unwrap(), ShapesAmount::String("3".into()));
        assert_eq!(serde_json::from_value::<ShapesStatus>(json!("queued")).unwrap(), ShapesStatus::Queued);
        use shapes::types::ShapesRegion;
        for (wire, region) in [("us-east-1", ShapesRegion::UsEast1), ("sa-east-1", ShapesRegion::SaEast1)] {
            assert_eq!(serde_json::from_value::<ShapesRegion>(json!(wire)).unwrap(), region);
            assert_eq!(region.as_str(), wire);
        }
        let later = serde_json::from_value::<ShapesRegion>(json!("mars-1")).unwrap();
        assert_eq!(later, ShapesRegion::Unknown("mars-1".into()));
        let unknown = serde_json::from_value::<ShapesStatus>(json!("paused")).unwrap();
        assert_eq!(unknown, ShapesStatus::Unknown("paused".into()));
        assert_eq!(serde_json::to_value(&unknown).unwrap(), json!("paused"));
        assert_eq!(unknown.to_string(), "paused");
    }

    #[test]
    fn written_out_decoders_read_the_wire_as_serde_derive_does() {
        use shapes::types::{Circle, Shapes, ShapesAmount, ShapesEither, ShapesLocItem, ShapesStatus};
        // Through serde_json's streaming decoder (the `Deserialize` shim; the client decodes
        // with `FromJson`, below): unknown keys at any depth are skipped, each kind of value goes
        // to the variant that takes it, and a kind two variants take (an integer for `amount`,
        // an object for `either`) is tried on each in order.
        let shapes: Shapes = serde_json::from_str(
            r#"{"extra": {"nested": [1, {"a": null}]}, "loc": [1, "body"], "amount": 3,
                "either": {"side": 2.5}, "status": "paused"}"#,
        )
        .unwrap();
        assert_eq!(shapes.loc, Some(vec![ShapesLocItem::Integer(1), ShapesLocItem::String("body".into())]));
        assert_eq!(shapes.amount, Some(ShapesAmount::Integer(3)));
        assert!(matches!(shapes.either, Some(ShapesEither::Square(square)) if square.side == 2.5));
        assert_eq!(shapes.status, Some(ShapesStatus::Unknown("paused".into())));
        assert_eq!(shapes.ctx, None);
        let float: Shapes = serde_json::from_str(r#"{"amount": 3.5, "either": {"radius": 1}}"#).unwrap();
        assert_eq!(float.amount, Some(ShapesAmount::Number(3.5)));
        assert!(matches!(float.either, Some(ShapesEither::Circle(circle)) if circle.radius == 1.0));

        let error = |json: &str| serde_json::from_str::<Shapes>(json).unwrap_err().to_string();
        // A repeated key keeps its last value, as in a `serde_json::Value`.
        let repeated: Shapes = serde_json::from_str(r#"{"amount": 1.5, "amount": 2}"#).unwrap();
        assert_eq!(repeated.amount, Some(ShapesAmount::Integer(2)));
        assert!(error(r#"{"either": {"diameter": 1}}"#).starts_with("data did not match any variant"));
        assert!(error(r#"{"either": "round"}"#).contains("expected an object"), "{}", error(r#"{"either": "round"}"#));
        assert!(error(r#"{"status": 3}"#).contains("expected a string"));
        let missing = serde_json::from_str::<Circle>("{}").unwrap_err().to_string();
        assert!(missing.starts_with("missing field `radius`"), "{missing}");
        // Structs are objects on the wire; serde's derive also took an array of the fields.
        assert!(serde_json::from_str::<Circle>("[1.0]").is_err());
        assert_eq!(serde_json::from_str::<Circle>(r#"{"radius": 2}"#).unwrap(), Circle { radius: 2.0 });

        // `FromJson`, which the client decodes bodies with, names the path to what failed.
        use shapes::FromJson;
        let error = Shapes::from_value(json!({"loc": [1, "body", true]})).unwrap_err();
        assert_eq!(
            (error.path().as_str(), error.message()),
            ("loc[2]", "invalid type: boolean `true`, expected an integer or a string")
        );
        let error = Shapes::from_value(json!({"either": {"side": "wide"}})).unwrap_err();
        assert_eq!(
            (error.path().as_str(), error.message()),
            ("either", "data did not match any variant of untagged enum ShapesEither")
        );
        assert_eq!(Circle::from_value(json!({"radius": 1})).unwrap(), Circle { radius: 1.0 });
    }

    #[test]
    fn integer_enums_keep_unknown_values_and_extra_properties_are_kept_in_a_map() {
        use shapes::types::{BlockSize, Labels, Priority, Shapes, ShapesOffset};
        let shapes: Shapes = serde_json::from_value(json!({"priority": 3, "offset": -1})).unwrap();
        assert_eq!((shapes.priority, shapes.offset), (Some(Priority::High), Some(ShapesOffset::Minus1)));
        assert_eq!(serde_json::from_value::<BlockSize>(json!(2048)).unwrap(), BlockSize::V2048);
        let unknown: BlockSize = serde_json::from_value(json!(8192)).unwrap();
        assert_eq!(unknown, BlockSize::Unknown(8192));
        assert_eq!(serde_json::to_value(unknown).unwrap(), json!(8192));
        assert_eq!(serde_json::to_value(Priority::Low).unwrap(), json!(1));
        assert_eq!(
            (BlockSize::V512.value(), BlockSize::from(4096), BlockSize::V512.to_string()),
            (512, BlockSize::V4096, "512".to_owned())
        );
        assert!(serde_json::from_value::<BlockSize>(json!("512")).is_err(), "the wire type is still checked");

        let labels: Labels = serde_json::from_value(json!({"name": "n", "team": "core", "tier": "gold"})).unwrap();
        assert_eq!(labels.name, "n");
        assert_eq!(labels.additional_properties.get("team").map(String::as_str), Some("core"));
        assert_eq!(labels.additional_properties.len(), 2);
        assert_eq!(serde_json::to_value(&labels).unwrap(), json!({"name": "n", "team": "core", "tier": "gold"}));
        assert!(serde_json::from_value::<Labels>(json!({"name": "n", "count": 3})).is_err(), "extra values are typed");
    }

    #[tokio::test]
    async fn header_arrays_are_comma_separated_and_objects_and_json_content_parameters_are_json_text() {
        use beyond::types::{SearchFilter, SearchParams, SearchXFeaturesItem};
        let server = MockServer::start().await;
        Mock::given(path("/search")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
        let client = beyond::Client::builder().base_url(server.uri()).build().unwrap();
        let mut params = SearchParams::new(vec![SearchXFeaturesItem::Fast, SearchXFeaturesItem::Exact]);
        params.x_tags = Some(vec!["a".into(), "b c".into()]);
        params.filter = Some(SearchFilter { owner: Some("me".into()), after: Some(3) });
        params.note = Some("plain".into());
        params.x_metadata = Some(json!({"team": "growth"}).as_object().unwrap().clone());
        client.search(&params).await.unwrap();
        let request = &server.received_requests().await.unwrap()[0];
        assert_eq!(request.headers.get("x-features").unwrap(), "fast,exact");
        assert_eq!(request.headers.get("x-tags").unwrap(), "a,b c");
        assert_eq!(request.headers.get("x-metadata").unwrap(), r#"{"team":"growth"}"#);
        let query: Vec<(String, String)> =
            request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        assert_eq!(
            query,
            [("filter".to_owned(), r#"{"owner":"me","after":3}"#.to_owned()), ("note".to_owned(), "plain".to_owned())]
        );
    }

    #[tokio::test]
    async fn a_requirement_that_combines_schemes_sends_every_credential() {
        use combined::credentials::{APP_KEY, CLIENT_ID, SECRET};
        let server = MockServer::start().await;
        Mock::given(path("/dashboards"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
            .mount(&server)
            .await;
        Mock::given(method("POST")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
        Mock::given(path("/session")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
        let client = combined::Client::builder()
            .base_url(server.uri())
            .api_key("dd-api")
            .credential(APP_KEY, "dd-app")
            .credential(CLIENT_ID, "cid")
            .credential(SECRET, "shh")
            .build()
            .unwrap();
        client.list_dashboards(&Default::default()).await.unwrap();
        client.create_link().await.unwrap();
        client.get_session().await.unwrap();
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests[0].headers.get("dd-api-key").unwrap(), "dd-api");
        assert_eq!(requests[0].headers.get("dd-application-key").unwrap(), "dd-app");
        assert_eq!(requests[1].headers.get("x-client-id").unwrap(), "cid");
        assert_eq!(requests[1].headers.get("x-secret").unwrap(), "shh");
        assert!(requests[1].headers.get("dd-api-key").is_none(), "the chosen requirement alone is sent");
        assert_eq!(requests[2].headers.get("cookie").unwrap(), "session_id=dd-api");
        assert!(!format!("{client:?}").contains("shh"));

        // Without an optional credential, the client builds; an operation that needs it fails
        // before sending anything, naming it and its variable.
        let keyless = combined::Client::builder().base_url(server.uri()).api_key("dd-api").build().unwrap();
        let Err(combined::Error::InvalidRequest(error)) = keyless.list_dashboards(&Default::default()).await else {
            panic!("expected a refusal")
        };
        assert!(
            error.to_string().contains("`AppKey`")
                && error.to_string().contains("FIXTURE_SECURITY_COMBINATIONS_APP_KEY"),
            "{error}"
        );
        keyless.validate().await.unwrap_err(); // no mock for /validate: sent, and answered 404
        assert_eq!(server.received_requests().await.unwrap().len(), 4);
    }

    #[tokio::test]
    async fn credentials_every_operation_needs_are_arguments_of_new() {
        let server = MockServer::start().await;
        Mock::given(path("/status")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
        let client = partner::Client::new("cid", "shh").unwrap();
        assert_eq!(client.base_url(), "https://partner.example.com");
        let client = partner::Client::builder()
            .base_url(server.uri())
            .credential(partner::credentials::CLIENT_ID, "cid")
            .credential(partner::credentials::SECRET, "shh")
            .build()
            .unwrap();
        client.status().await.unwrap();
        let request = &server.received_requests().await.unwrap()[0];
        assert_eq!(request.headers.get("partner-client-id").unwrap(), "cid");
        assert_eq!(request.headers.get("partner-secret").unwrap(), "shh");
        let missing = partner::Client::builder().credential(partner::credentials::CLIENT_ID, "cid").build();
        assert!(matches!(missing, Err(partner::ConfigError::MissingCredential { name: "secret", .. })), "{missing:?}");
    }

    #[tokio::test]
    async fn integer_enum_query_parameters_are_sent_as_numbers() {
        let server = MockServer::start().await;
        Mock::given(path("/shapes"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
            .mount(&server)
            .await;
        let client = shapes::Client::builder().base_url(server.uri()).build().unwrap();
        let params = shapes::types::GetShapesParams { block_size: Some(shapes::types::BlockSize::V4096) };
        client.get_shapes(&params).await.unwrap();
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests[0].url.query(), Some("block_size=4096"));
    }

    #[tokio::test]
    #[allow(deprecated)]
    async fn documented_response_headers_are_read_into_their_types() {
        use responses::types::{UpdateJobResponseHeaderXJobState as JobState, UpdateJobResponseHeaders};
        let server = MockServer::start().await;
        Mock::given(path("/jobs/j1"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"note": "ok"}))
                    .insert_header("x-request-id", "req_123")
                    .insert_header("x-ratelimit-remaining", "41")
                    .insert_header("x-job-state", "running")
                    .insert_header("link", "<https://api.example.com/jobs?page=2>; rel=\"next\""),
            )
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(path("/jobs/j1"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({})).insert_header("x-ratelimit-remaining", "many"),
            )
            .mount(&server)
            .await;
        let client = responses::Client::builder().base_url(server.uri()).build().unwrap();
        let response = client.update_job_with_response("j1", None).await.unwrap();
        let headers = response.typed_headers();
        assert_eq!(headers.x_request_id.as_deref(), Some("req_123"));
        assert_eq!(headers.x_rate_limit_remaining, Some(41));
        assert_eq!(headers.x_job_state, Some(JobState::Running));
        assert_eq!(headers.link.as_deref(), Some("<https://api.example.com/jobs?page=2>; rel=\"next\""));
        assert_eq!(response.body().note.as_deref(), Some("ok"));

        // Missing or malformed headers are `None`; the call itself succeeds.
        let response = client.update_job_with_response("j1", None).await.unwrap();
        assert_eq!(response.typed_headers(), &UpdateJobResponseHeaders::default());
    }

    #[test]
    fn required_nullable_fields_are_sent_as_null_and_optional_ones_are_omitted() {
        use nullable::Nullable;
        use nullable::types::{Thing, ThingSize};
        let thing = Thing::new("t");
        assert_eq!((&thing.note, &thing.count, &thing.scores), (&None, &Nullable::Absent, &None));
        // Required and nullable: always sent, `None` as `null`. Absent fields: left out.
        assert_eq!(serde_json::to_value(&thing).unwrap(), json!({"id": "t", "note": null}));
        assert_eq!(serde_json::from_value::<Thing>(json!({"id": "t", "note": null})).unwrap(), thing);
        // Each of the three states of an optional, nullable field, both ways, on every path:
        // a scalar, an array, a `$ref`, an `allOf` sibling, an alias of a nullable schema and a
        // union.
        for (set, wire) in [
            (Thing { count: Nullable::Null, ..Thing::new("t") }, json!({"count": null})),
            (Thing { count: 3.into(), ..Thing::new("t") }, json!({"count": 3})),
            (Thing { tags: Nullable::Null, ..Thing::new("t") }, json!({"tags": null})),
            (Thing { guardian: Nullable::Null, ..Thing::new("t") }, json!({"guardian": null})),
            (Thing { parent: Nullable::Value(Default::default()), ..Thing::new("t") }, json!({"parent": {}})),
            (Thing { nickname: "Ada".to_owned().into(), ..Thing::new("t") }, json!({"nickname": "Ada"})),
            (Thing { size: Nullable::Null, ..Thing::new("t") }, json!({"size": null})),
            (Thing { size: ThingSize::Integer(2).into(), ..Thing::new("t") }, json!({"size": 2})),
        ] {
            let mut expected = json!({"id": "t", "note": null});
            expected.as_object_mut().unwrap().extend(wire.as_object().unwrap().clone());
            assert_eq!(serde_json::to_value(&set).unwrap(), expected);
            assert_eq!(serde_json::from_value::<Thing>(expected).unwrap(), set);
        }
        // Nullable items and map values are `Option`s inside the collection.
        let read: Thing =
            serde_json::from_value(json!({"id": "t", "note": "n", "scores": [1.5, null], "labels": {"a": null}}))
                .unwrap();
        assert_eq!(read.scores, Some(vec![Some(1.5), None]));
        assert_eq!(read.labels.unwrap().get("a"), Some(&None));
        assert_eq!(read.note.as_deref(), Some("n"));
        // `null` where the spec allows none is still an error.
        assert!(serde_json::from_value::<Thing>(json!({"id": null, "note": null})).is_err());
    }

    #[tokio::test]
    async fn a_patch_sends_null_to_clear_a_field_and_leaves_absent_ones_out() {
        use nullable::Nullable;
        use nullable::types::{ListThingsParams, Thing};
        let server = MockServer::start().await;
        Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
            .mount(&server)
            .await;
        let client = nullable::Client::builder().base_url(server.uri()).build().unwrap();
        client.update_thing(&Thing { count: Nullable::Null, ..Thing::new("t") }).await.unwrap();
        client.update_thing(&Thing { count: 5.into(), ..Thing::new("t") }).await.unwrap();
        client.update_thing(&Thing::new("t")).await.unwrap();
        // A query string has no `null`: a required, nullable parameter is an `Option`, and
        // `None` leaves it out.
        client.list_things(&ListThingsParams { owner: None, limit: None }).await.unwrap();
        client.list_things(&ListThingsParams { owner: Some("me".into()), limit: Some(2) }).await.unwrap();
        let requests = server.received_requests().await.unwrap();
        let bodies: Vec<serde_json::Value> =
            requests[..3].iter().map(|r| serde_json::from_slice(&r.body).unwrap()).collect();
        assert_eq!(bodies[0], json!({"id": "t", "note": null, "count": null}));
        assert_eq!(bodies[1], json!({"id": "t", "note": null, "count": 5}));
        assert_eq!(bodies[2], json!({"id": "t", "note": null}));
        assert_eq!(requests[3].url.query(), None);
        assert_eq!(requests[4].url.query(), Some("owner=me&limit=2"));
    }

    #[test]
    fn recursive_and_composed_types_decode() {
        let node: trees::types::Node = serde_json::from_value(json!({
            "name": "leaf",
            "parent": {"name": "root", "children": [{"name": "sibling"}]},
            "owner": {"id": "u1", "email": "a@example.com", "created_at": "2026-01-01T00:00:00Z"},
        }))
        .unwrap();
        assert_eq!(node.parent.as_ref().unwrap().children.as_ref().unwrap()[0].name, "sibling");
        let owner = node.owner.unwrap();
        assert_eq!((owner.id.as_str(), owner.email.as_str()), ("u1", "a@example.com"));
    }

    fn client(server: &MockServer) -> bodies::Client {
        bodies::Client::builder().base_url(server.uri()).build().unwrap()
    }

    #[tokio::test]
    async fn multipart_bodies_send_files_and_fields_and_binary_responses_are_bytes() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/images"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(vec![0x89, b'P', b'N', b'G'], "image/png"))
            .mount(&server)
            .await;
        let request = bodies::types::UploadImageRequest {
            prompt: "a cat".into(),
            data: bodies::FilePart::new(b"IMAGEBYTES".to_vec()).file_name("in.png").content_type("image/png"),
            reference: bodies::Nullable::Absent,
            seed: Some(7),
            tags: Some(vec!["a".into(), "b".into()]),
            options: Some(bodies::types::UploadImageRequestOptions { quality: Some(90) }),
            additional_properties: [("style".to_owned(), "ink".to_owned())].into(),
        };
        let png = client(&server).upload_image(&request).await.unwrap();
        assert_eq!(&png[..], &[0x89, b'P', b'N', b'G']);

        let sent = &server.received_requests().await.unwrap()[0];
        let content_type = sent.headers.get("content-type").unwrap().to_str().unwrap();
        assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
        let body = String::from_utf8_lossy(&sent.body);
        for expected in [
            "name=\"prompt\"\r\n\r\na cat",
            "name=\"data\"; filename=\"in.png\"\r\nContent-Type: image/png\r\n\r\nIMAGEBYTES",
            "name=\"seed\"\r\n\r\n7",
            "name=\"tags\"\r\n\r\na",
            "name=\"tags\"\r\n\r\nb",
            "name=\"options\"\r\n\r\n{\"quality\":90}",
            "name=\"style\"\r\n\r\nink",
        ] {
            assert!(body.contains(expected), "missing {expected:?} in:\n{body}");
        }
        assert!(!body.contains("name=\"reference\""), "unset optional parts are not sent");
    }

    #[tokio::test]
    async fn form_bodies_nest_with_brackets_and_object_queries_are_deep_objects() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "cus_1"})))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!(["cus_1"])))
            .mount(&server)
            .await;
        let client = client(&server);
        let request = bodies::types::CreateCustomerRequest {
            email: Some("a@example.com".into()),
            metadata: Some([("plan".to_owned(), "pro".to_owned())].into()),
            expand: Some(vec!["invoices".into()]),
        };
        assert_eq!(client.create_customer(Some(&request)).await.unwrap().id.as_deref(), Some("cus_1"));
        let created = bodies::types::ListCustomersCreated::ListCustomersCreatedVariant1(Box::new(
            bodies::types::ListCustomersCreatedVariant1 { gt: Some(5), lt: None },
        ));
        let params = bodies::types::ListCustomersParams { created: Some(created) };
        client.list_customers(&params).await.unwrap();

        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests[0].headers.get("content-type").unwrap(), "application/x-www-form-urlencoded");
        assert_eq!(
            String::from_utf8_lossy(&requests[0].body),
            "email=a%40example.com&metadata%5Bplan%5D=pro&expand%5B0%5D=invoices"
        );
        assert_eq!(requests[1].url.query(), Some("created%5Bgt%5D=5"));
    }

    #[tokio::test]
    async fn raw_and_text_bodies_and_text_responses() {
        let server = MockServer::start().await;
        Mock::given(method("POST")).and(path("/chunks")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
        Mock::given(method("PUT"))
            .and(path("/name"))
            .respond_with(ResponseTemplate::new(200).set_body_string("stored: ada"))
            .mount(&server)
            .await;
        let client = client(&server);
        client.upload_chunk(vec![1u8, 2, 3]).await.unwrap();
        assert_eq!(client.put_name("ada").await.unwrap(), "stored: ada");
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests[0].headers.get("content-type").unwrap(), "application/octet-stream");
        assert_eq!(requests[0].body, vec![1, 2, 3]);
        assert_eq!(requests[1].headers.get("content-type").unwrap(), "text/plain");
        assert_eq!(requests[1].body, b"ada");
    }

    fn event_stream(body: &str) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), "text/event-stream")
    }

    fn streaming_client(server: &MockServer) -> streaming::Client {
        streaming::Client::builder()
            .base_url(server.uri())
            .retry_policy(streaming::RetryPolicy::none())
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn event_streams_yield_typed_events_and_the_stream_method_sets_the_flag() {
        use futures_util::StreamExt as _;
        use streaming::types::{ResponseEvent, ResponseRequest};
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/responses"))
            .and(wiremock::matchers::header("accept", "text/event-stream"))
            .and(wiremock::matchers::body_json(json!({"input": "hi", "stream": true})))
            .respond_with(event_stream(concat!(
                ": keep-alive\n\n",
                "data: {\"type\":\"response.output_text.delta\",\"delta\":\"Hel\"}\n\n",
                "data: {\"type\":\"response.output_text.delta\",\"delta\":\"lo\"}\n\n",
                "data: {\"type\":\"response.reasoning.started\"}\n\n",
                "data: {\"type\":\"response.completed\",\"response\":{\"id\":\"r1\",\"text\":\"Hello\"}}\n\n",
                "data: [DONE]\n\n",
            )))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/responses"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "r1", "text": "Hello"})))
            .mount(&server)
            .await;
        let client = streaming_client(&server);
        // The flag the caller left unset (or set to false) is turned on by the stream method.
        let request = ResponseRequest { input: "hi".into(), stream: Some(false) };
        let stream = client.create_response_stream(&request).await.unwrap();
        assert_eq!(stream.status(), 200);
        let events: Vec<ResponseEvent> = stream.map(Result::unwrap).collect().await;
        assert_eq!(events.len(), 4, "{events:?}");
        let text: String = events
            .iter()
            .filter_map(|event| match event {
                ResponseEvent::TextDelta(delta) => Some(delta.delta.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(text, "Hello");
        assert!(matches!(&events[2], ResponseEvent::Unknown(value) if value["type"] == "response.reasoning.started"));
        assert!(matches!(&events[3], ResponseEvent::Completed(done) if done.response.text == "Hello"));

        // The JSON method sends the body as given and decodes the whole response.
        let response = client.create_response(&ResponseRequest { input: "hi".into(), stream: None }).await.unwrap();
        assert_eq!(response.text, "Hello");
    }

    #[tokio::test]
    async fn a_stream_method_reports_an_error_status_with_its_typed_body() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(429).set_body_json(json!({"message": "slow down"})))
            .mount(&server)
            .await;
        let request = streaming::types::ResponseRequest { input: "hi".into(), stream: None };
        let error = streaming_client(&server).create_response_stream(&request).await.unwrap_err();
        let Some(streaming::types::CreateResponseError::TooManyRequests(problem)) = error.api_body() else {
            panic!("expected the documented 429 body, got {error:?}");
        };
        assert_eq!(problem.message, "slow down");
    }

    #[tokio::test]
    async fn event_only_and_raw_event_streams() {
        use futures_util::StreamExt as _;
        let server = MockServer::start().await;
        Mock::given(path("/jobs/j%2F1/progress"))
            .respond_with(event_stream(
                "data: {\"percent\": 50}\n\ndata: {\"percent\": \"x\"}\n\nid: 9\ndata: {\"percent\": 100}\n\n",
            ))
            .mount(&server)
            .await;
        Mock::given(path("/logs"))
            .respond_with(event_stream("event: line\nid: 3\ndata: started\n\ndata: multi\ndata: line\n\n"))
            .mount(&server)
            .await;
        let client = streaming_client(&server);
        let mut progress = client.watch_job("j/1").await.unwrap();
        assert_eq!(progress.next().await.unwrap().unwrap().percent, 50);
        let Some(Err(streaming::Error::Decode(error))) = progress.next().await else {
            panic!("expected a decode error")
        };
        assert_eq!(error.path, "percent");
        assert_eq!(progress.next().await.unwrap().unwrap().percent, 100, "a bad event does not end the stream");
        assert_eq!(progress.last_event_id(), Some("9"));
        assert!(progress.next().await.is_none());

        let logs: Vec<streaming::ServerEvent> = client.tail_logs().await.unwrap().map(Result::unwrap).collect().await;
        assert_eq!(logs.len(), 2);
        assert_eq!(
            (logs[0].event.as_deref(), logs[0].data.as_str(), logs[0].id.as_deref()),
            (Some("line"), "started", Some("3"))
        );
        assert_eq!(logs[1].data, "multi\nline");
    }

    #[tokio::test]
    async fn binary_downloads_come_whole_or_as_a_stream_of_chunks() {
        use futures_util::StreamExt as _;
        let video: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let server = MockServer::start().await;
        Mock::given(path("/videos/v1/content"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(video.clone(), "video/mp4"))
            .mount(&server)
            .await;
        let client = streaming_client(&server);
        assert_eq!(client.download_video("v1").await.unwrap(), video);

        let stream = client.download_video_stream("v1").await.unwrap();
        assert_eq!(stream.headers().get("content-type").unwrap(), "video/mp4");
        assert_eq!(stream.content_length(), Some(video.len() as u64));
        let mut received = Vec::new();
        let mut chunks = stream;
        while let Some(chunk) = chunks.next().await {
            received.extend_from_slice(&chunk.unwrap());
        }
        assert_eq!(received, video);
        let whole = client.download_video_stream("v1").await.unwrap().collect_bytes().await.unwrap();
        assert_eq!(whole, video);
    }

    /// `MintToken` from a `[token]` table: the key in the body, a 32-bit query lifetime bounded
    /// by an exclusive maximum, and the token read through nullable and optional fields.
    #[tokio::test]
    async fn a_token_table_mints_through_optional_fields_and_checks_the_bounds() {
        use fixture_token_minting::{Client, MintError, MintToken, TokenRequest};
        use std::time::{Duration, UNIX_EPOCH};
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/tokens"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(
                    json!({"result": {"credential": {"value": "tok-1"}, "valid_until": 1_800_000_000.0}}),
                ),
            )
            .mount(&server)
            .await;
        let client = Client::builder().api_key("k-1").base_url(server.uri()).build().unwrap();
        let rule = client.lifetime_rule();
        assert_eq!((rule.min, rule.max), (Duration::from_secs(10), Some(Duration::from_secs(3600))));
        let refused = client.mint_token(&TokenRequest::with_lifetime(Duration::from_secs(3601))).await;
        assert!(matches!(refused, Err(MintError::Lifetime(_))), "{refused:?}");
        let minted = client.mint_token(&TokenRequest::with_lifetime(Duration::from_secs(3600))).await.unwrap();
        assert_eq!(minted.token.expose_secret(), "tok-1");
        assert_eq!(minted.expires_at, Some(UNIX_EPOCH + Duration::from_secs(1_800_000_000)));
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 1, "the refused lifetime sent nothing");
        assert_eq!(requests[0].url.query(), Some("ttl=3600"));
        let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
        assert_eq!(body, json!({"account_key": "k-1"}));
        // The token field is a `Secret` because the table reads the token from it.
        let debug = format!("{:?}", minted.response);
        assert!(!debug.contains("tok-1"), "{debug}");
    }

    /// Pointers into free-form JSON (`free_form_response = true`), and a nullable body field
    /// that holds the time the token ends.
    #[tokio::test]
    async fn a_token_table_reads_free_form_answers_and_sends_an_absolute_end() {
        use fixture_token_free_form::{Client, MintError, MintToken, TokenRequest};
        use std::time::{Duration, SystemTime, UNIX_EPOCH};
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/session"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(
                    json!({"meta": {"session": {"token": "loose-1"}, "expires": "2027-01-01T00:00:00Z"}}),
                ),
            )
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/session"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"meta": {"session": {}}})))
            .mount(&server)
            .await;
        let client = Client::builder().base_url(server.uri()).build().unwrap();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        let minted = client.mint_token(&TokenRequest::with_lifetime(Duration::from_secs(60))).await.unwrap();
        assert_eq!(minted.token.expose_secret(), "loose-1");
        assert_eq!(minted.expires_at, Some(UNIX_EPOCH + Duration::from_secs(1_798_761_600)));
        let requests = server.received_requests().await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
        let ends_at = body["ends_at"].as_u64().unwrap();
        assert!((now + 59..=now + 62).contains(&ends_at), "{ends_at} vs {now}");
        let missing = client.mint_token(&TokenRequest::new()).await.unwrap_err();
        assert!(matches!(&missing, MintError::Response(e) if e.pointer == "/meta/session/token"), "{missing:?}");
    }
}
