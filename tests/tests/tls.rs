//! A generated client over real TLS: a rustls server on 127.0.0.1 whose certificate a private CA,
//! made afresh for each test, has signed. The client trusts that CA only when it is given as an
//! extra root (`root_certificates_pem` or `root_certificate_der`); without it the handshake fails.
//! This runs under whichever TLS backend the build selected (`rustls-ring` by default).

use std::sync::{Arc, Mutex};

use client_runtime::{ConfigError, RetryPolicy, TlsBackend};
use perplexity::{Client, Error};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};
use tokio::io::AsyncWriteExt;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

mod support;
use support::read_request;

const KEY: &str = "pplx-tls-test-key";

/// A private CA and a server certificate it signed for 127.0.0.1.
struct Pki {
    ca_pem: String,
    ca_der: Vec<u8>,
    server_chain: Vec<CertificateDer<'static>>,
    server_key: PrivateKeyDer<'static>,
}

fn pki() -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("a CA needs no names");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "client-runtime test CA");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("a CA key")).expect("the CA");

    let mut server_params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).expect("an IP name");
    server_params.distinguished_name.push(DnType::CommonName, "127.0.0.1");
    server_params.use_authority_key_identifier_extension = true;
    let server_key = KeyPair::generate().expect("a server key");
    let server = server_params.signed_by(&server_key, &ca).expect("the server certificate");
    Pki {
        ca_pem: ca.pem(),
        ca_der: ca.der().to_vec(),
        server_chain: vec![server.der().clone(), ca.der().clone()],
        server_key: PrivatePkcs8KeyDer::from(server_key.serialize_der()).into(),
    }
}

/// What the server saw of each request it read to the end: the request line and the
/// `authorization` header.
type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// Serves HTTPS on 127.0.0.1 (HTTP/1.1, one request per connection), answering every request
/// with a minted token. Returns the base URL and what the server saw.
async fn https_server(pki: &Pki) -> (String, Seen) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS 1.2 and 1.3")
        .with_no_client_auth()
        .with_single_cert(pki.server_chain.clone(), pki.server_key.clone_key())
        .expect("the server certificate and key match");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a local port");
    let url = format!("https://{}", listener.local_addr().expect("an address"));
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                // A client that does not trust the certificate ends the handshake here.
                let Ok(mut stream) = acceptor.accept(socket).await else { return };
                let Some(head) = read_request(&mut stream).await else { return };
                let request_line = head.lines().next().unwrap_or_default().to_owned();
                let authorization = head
                    .lines()
                    .find_map(|line| {
                        line.split_once(':').filter(|(name, _)| name.eq_ignore_ascii_case("authorization"))
                    })
                    .map(|(_, value)| value.trim().to_owned());
                log.lock().expect("the log").push((request_line, authorization));
                let body = r#"{"auth_token":"pplx-minted-over-tls","created_at_epoch_seconds":1}"#;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (url, seen)
}

/// Every source of an error, outermost first, as one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        out.push_str(": ");
        out.push_str(&inner.to_string());
        source = inner.source();
    }
    out
}

#[tokio::test]
async fn a_private_root_given_as_pem_or_der_is_trusted() {
    let pki = pki();
    let (url, seen) = https_server(&pki).await;
    let by_pem = Client::builder().api_key(KEY).base_url(&url).root_certificates_pem(&pki.ca_pem).build().unwrap();
    let by_der =
        Client::builder().api_key(KEY).base_url(&url).root_certificate_der(pki.ca_der.clone()).build().unwrap();
    for client in [by_pem, by_der] {
        let token = client.generate_auth_token(None).await.unwrap_or_else(|error| {
            panic!("the call over TLS ({}) fails: {}", TlsBackend::selected().feature(), chain(&error))
        });
        assert_eq!(token.auth_token.expose_secret(), "pplx-minted-over-tls");
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    for (request_line, authorization) in seen {
        assert_eq!(request_line, "POST /generate_auth_token HTTP/1.1");
        assert_eq!(authorization.as_deref(), Some(format!("Bearer {KEY}").as_str()));
    }
}

#[tokio::test]
async fn a_server_the_system_roots_do_not_vouch_for_is_refused() {
    let pki = pki();
    let (url, seen) = https_server(&pki).await;
    let client = Client::builder().api_key(KEY).base_url(&url).retry_policy(RetryPolicy::none()).build().unwrap();
    let error = client.generate_auth_token(None).await.expect_err("the certificate is not trusted");
    assert!(matches!(error, Error::Transport { attempts: 1, .. }), "{error:?}");
    let text = chain(&error).to_ascii_lowercase();
    assert!(text.contains("certificate"), "the error names the certificate: {text}");
    assert!(seen.lock().unwrap().is_empty(), "no request got through");
}

#[test]
fn root_certificates_that_cannot_be_read_are_a_config_error() {
    let error = Client::builder().api_key(KEY).root_certificates_pem("not PEM at all").build().unwrap_err();
    assert!(matches!(error, ConfigError::InvalidRootCertificate { .. }), "{error:?}");
    assert_eq!(error.to_string(), "invalid root certificate: the PEM text holds no `BEGIN CERTIFICATE` block");
}
