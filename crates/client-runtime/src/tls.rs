//! The TLS backend, chosen by Cargo features: rustls with *ring* (`rustls-ring`, the default),
//! rustls with aws-lc-rs (`rustls-aws-lc`) or the platform's library (`native-tls`).

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::builder::ConfigError;

#[cfg(not(any(feature = "rustls-ring", feature = "rustls-aws-lc", feature = "native-tls")))]
compile_error!(
    "client-runtime needs a TLS backend: enable one of its features `rustls-ring` (the default), \
     `rustls-aws-lc` or `native-tls`. A generated crate forwards the same three features, so a \
     dependency on it with `default-features = false` should name one, as in \
     `features = [\"rustls-ring\"]`."
);

/// The TLS implementation that clients of this build use, chosen by this crate's Cargo features.
///
/// Features are additive, so more than one may be on in a build (two crates in one dependency
/// graph can ask for different ones). Then `native-tls` is used over `rustls-aws-lc`, and
/// `rustls-aws-lc` over `rustls-ring`: a backend asked for by name wins over the default, and
/// `native-tls` over rustls, as reqwest itself chooses. With none on, this crate does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsBackend {
    /// rustls with the *ring* crypto provider (feature `rustls-ring`, the default), or with the
    /// process-wide default provider when the program has installed one
    /// (`rustls::crypto::CryptoProvider::install_default`). Certificates are checked with the
    /// platform's verifier (`rustls-platform-verifier`: the system's trusted roots).
    RustlsRing,
    /// rustls with aws-lc-rs (feature `rustls-aws-lc`, which is reqwest's `rustls` feature), or
    /// with the process-wide default provider when one is installed. FIPS-capable; builds the
    /// aws-lc-sys C library. Certificates are checked with the platform's verifier.
    RustlsAwsLc,
    /// The platform's TLS library (feature `native-tls`): OpenSSL on Linux, Secure Transport on
    /// macOS, SChannel on Windows, with the system's trusted roots.
    NativeTls,
}

impl TlsBackend {
    /// The backend this build uses (see [`TlsBackend`] for the order when several are on).
    pub const fn selected() -> Self {
        if cfg!(feature = "native-tls") {
            Self::NativeTls
        } else if cfg!(feature = "rustls-aws-lc") {
            Self::RustlsAwsLc
        } else {
            Self::RustlsRing
        }
    }

    /// The Cargo feature that selects it: `"rustls-ring"`, `"rustls-aws-lc"` or `"native-tls"`.
    pub const fn feature(self) -> &'static str {
        match self {
            Self::RustlsRing => "rustls-ring",
            Self::RustlsAwsLc => "rustls-aws-lc",
            Self::NativeTls => "native-tls",
        }
    }
}

/// A `reqwest::ClientBuilder` with TLS set up as this crate's features chose
/// ([`TlsBackend::selected`]): start here to build a `reqwest::Client` of your own for
/// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client) (a proxy, pool settings).
///
/// Use it rather than `reqwest::Client::builder()`: under the default `rustls-ring` feature,
/// reqwest has no crypto provider of its own, so a client it builds from scratch panics unless
/// the program installed a process-wide rustls `CryptoProvider` first. Under `rustls-ring` the
/// TLS configuration is handed to reqwest ready-made, so reqwest's own TLS settings on the
/// returned builder (`tls_certs_merge`, `tls_certs_only`, `min_tls_version`, `identity`,
/// `danger_accept_invalid_certs`, ...) have no effect; to trust extra root certificates, use
/// [`ClientBuilder::root_certificates_pem`](crate::ClientBuilder::root_certificates_pem) without a
/// client of your own. Under `rustls-aws-lc` and `native-tls` reqwest's settings apply as usual.
///
/// # Errors
///
/// [`ConfigError::Tls`] when the TLS backend cannot be set up (under rustls: the system has no
/// trusted root certificates to load).
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, ConfigError> {
    configure(reqwest::Client::builder(), &[])
}

/// Sets up `builder`'s TLS for the selected backend, trusting `extra_roots` beside the system's
/// roots.
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
    extra_roots: &[CertificateDer<'static>],
) -> Result<reqwest::ClientBuilder, ConfigError> {
    // Every enabled backend's arm is compiled (so `--all-features` checks them all); the
    // selection decides which one runs.
    match TlsBackend::selected() {
        #[cfg(feature = "native-tls")]
        TlsBackend::NativeTls => Ok(builder.tls_backend_native().tls_certs_merge(reqwest_certificates(extra_roots)?)),
        #[cfg(feature = "rustls-aws-lc")]
        TlsBackend::RustlsAwsLc => {
            // reqwest builds the rustls configuration: the process-wide default provider if one is
            // installed, else aws-lc-rs, with the platform verifier.
            Ok(builder.tls_backend_rustls().tls_certs_merge(reqwest_certificates(extra_roots)?))
        }
        #[cfg(feature = "rustls-ring")]
        TlsBackend::RustlsRing => Ok(builder.tls_backend_preconfigured(ring::client_config(extra_roots)?)),
        #[allow(unreachable_patterns)] // with every backend on, every arm is above
        other => unreachable!("{other:?} is selected only when its feature is on"),
    }
}

/// The certificates of a PEM bundle (`-----BEGIN CERTIFICATE-----` blocks; anything else in it
/// is skipped).
pub(crate) fn parse_pem_certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidRootCertificate { reason };
    let certificates = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| invalid(format!("the PEM text cannot be read: {error}")))?;
    if certificates.is_empty() {
        return Err(invalid("the PEM text holds no `BEGIN CERTIFICATE` block".to_owned()));
    }
    Ok(certificates)
}

#[cfg(any(feature = "native-tls", feature = "rustls-aws-lc"))]
fn reqwest_certificates(roots: &[CertificateDer<'static>]) -> Result<Vec<reqwest::Certificate>, ConfigError> {
    roots
        .iter()
        .map(|der| {
            reqwest::Certificate::from_der(der)
                .map_err(|error| ConfigError::InvalidRootCertificate { reason: error.to_string() })
        })
        .collect()
}

/// The `rustls-ring` backend: a rustls `ClientConfig` built here and handed to reqwest, so no
/// process-wide crypto provider has to be installed (installing one would make a program's own
/// `install_default` fail later).
#[cfg(feature = "rustls-ring")]
mod ring {
    use std::sync::Arc;

    use rustls::ClientConfig;
    use rustls::crypto::CryptoProvider;
    use rustls_pki_types::CertificateDer;
    use rustls_platform_verifier::Verifier;

    use crate::builder::ConfigError;

    /// What reqwest's own rustls set-up gives: TLS 1.2 and 1.3, the platform verifier (plus any
    /// extra roots), SNI, and ALPN offering HTTP/2 then HTTP/1.1.
    pub(super) fn client_config(extra_roots: &[CertificateDer<'static>]) -> Result<ClientConfig, ConfigError> {
        let provider = CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
        let tls = |error: rustls::Error| ConfigError::Tls { backend: "rustls-ring", reason: error.to_string() };
        let verifier = if extra_roots.is_empty() {
            Verifier::new(provider.clone())
        } else {
            extra_roots_verifier(extra_roots, provider.clone())
        }
        .map_err(tls)?;
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(tls)?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(config)
    }

    #[cfg(not(target_os = "android"))]
    fn extra_roots_verifier(
        extra_roots: &[CertificateDer<'static>],
        provider: Arc<CryptoProvider>,
    ) -> Result<Verifier, rustls::Error> {
        Verifier::new_with_extra_roots(extra_roots.iter().cloned(), provider)
    }

    #[cfg(target_os = "android")]
    fn extra_roots_verifier(
        _extra_roots: &[CertificateDer<'static>],
        _provider: Arc<CryptoProvider>,
    ) -> Result<Verifier, rustls::Error> {
        Err(rustls::Error::General("the platform verifier cannot add root certificates on Android".to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selected_backend_follows_the_features() {
        let expected = if cfg!(feature = "native-tls") {
            "native-tls"
        } else if cfg!(feature = "rustls-aws-lc") {
            "rustls-aws-lc"
        } else {
            "rustls-ring"
        };
        assert_eq!(TlsBackend::selected().feature(), expected);
    }

    /// The default build has no crypto provider of reqwest's own: building a client must not
    /// panic for lack of one, and must not install one for the whole process.
    #[test]
    fn an_https_client_builds_without_a_process_wide_provider() {
        let client = http_client_builder().expect("TLS is set up").build().expect("the client builds");
        drop(client);
        #[cfg(feature = "rustls-ring")]
        assert!(rustls::crypto::CryptoProvider::get_default().is_none(), "no provider was installed for the process");
    }

    #[test]
    fn pem_bundles_are_checked() {
        let error = parse_pem_certificates(b"not a certificate").unwrap_err();
        assert_eq!(error.to_string(), "invalid root certificate: the PEM text holds no `BEGIN CERTIFICATE` block");
        let broken = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        assert!(matches!(parse_pem_certificates(broken), Err(ConfigError::InvalidRootCertificate { .. })));
    }
}
