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

    use fixture_bodies_and_binary as bodies;
    use fixture_discriminated_unions as events;
    use fixture_nullable_3_0 as nullable;
    use fixture_recursion_and_composition as trees;
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
        assert!(matches!(square, Shape::ShapeSquare(s) if s.side == 2.0));
        let cat: Pet = serde_json::from_value(json!({"petType": "Cat", "indoor": true})).unwrap();
        assert!(matches!(cat, Pet::Cat(c) if c.indoor == Some(true)));
    }

    #[test]
    fn untagged_unions_and_enums_decode_the_right_variant() {
        use shapes::types::{ShapesAmount, ShapesStatus};
        assert_eq!(serde_json::from_value::<ShapesAmount>(json!(3)).unwrap(), ShapesAmount::Integer(3));
        assert_eq!(serde_json::from_value::<ShapesAmount>(json!(3.5)).unwrap(), ShapesAmount::Number(3.5));
        assert_eq!(serde_json::from_value::<ShapesAmount>(json!("3")).unwrap(), ShapesAmount::String("3".into()));
        assert_eq!(serde_json::from_value::<ShapesStatus>(json!("queued")).unwrap(), ShapesStatus::Queued);
        let unknown = serde_json::from_value::<ShapesStatus>(json!("paused")).unwrap();
        assert_eq!(unknown, ShapesStatus::Unknown("paused".into()));
        assert_eq!(serde_json::to_value(&unknown).unwrap(), json!("paused"));
        assert_eq!(unknown.to_string(), "paused");
    }

    #[test]
    fn required_nullable_fields_are_sent_as_null_and_optional_ones_are_omitted() {
        let thing = nullable::types::Thing { id: "t".into(), note: None, count: None, tags: None, parent: None, owner: None };
        assert_eq!(serde_json::to_value(&thing).unwrap(), json!({"id": "t", "note": null}));
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
            reference: None,
            seed: Some(7),
            tags: Some(vec!["a".into(), "b".into()]),
            options: Some(bodies::types::UploadImageRequestOptions { quality: Some(90) }),
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
        ] {
            assert!(body.contains(expected), "missing {expected:?} in:\n{body}");
        }
        assert!(!body.contains("name=\"reference\""), "unset optional parts are not sent");
    }

    #[tokio::test]
    async fn form_bodies_nest_with_brackets_and_object_queries_are_deep_objects() {
        let server = MockServer::start().await;
        Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "cus_1"}))).mount(&server).await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!(["cus_1"]))).mount(&server).await;
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
}
