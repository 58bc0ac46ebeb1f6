//! Authentication: how each operation presents the API key.

use openapiv3::SecurityScheme;

use super::{Lowerer, OperationContext};
use crate::diagnostics::pointer;
use crate::ir::{AuthScheme, AuthUse, Credential, CredentialRef, Operation};
use crate::naming;
use crate::settings::Settings;

impl Lowerer<'_> {
    pub(super) fn operation_auth(
        &mut self,
        context: &OperationContext<'_>,
        operation: &openapiv3::Operation,
    ) -> Vec<AuthUse> {
        let Some(requirements) = operation.security.as_ref().or(self.document.security.as_ref()) else {
            return Vec::new();
        };
        let location = context.location(pointer(&context.at, &["security"]));
        let mut problems = Vec::new();
        // The first alternative the client can present wins: the spec lists its preference first.
        for requirement in requirements.iter().filter(|r| !r.is_empty()) {
            let uses: Result<Vec<AuthUse>, SchemeProblem> = requirement
                .keys()
                .map(|name| {
                    let scheme = self.security_scheme(name)?;
                    Ok(AuthUse { credential: CredentialRef::Named(name.clone()), scheme })
                })
                .collect();
            match uses {
                Ok(uses) => {
                    // Alternatives that name no scheme at all are a mistake in the spec: say so
                    // even though another alternative serves.
                    for problem in &problems {
                        if let SchemeProblem::Undefined(message) = problem {
                            self.diagnostics
                                .warning(location.clone(), format!("{message}; that alternative is skipped"));
                        }
                    }
                    return uses;
                }
                Err(problem) => problems.push(problem),
            }
        }
        let problems: Vec<&str> = problems.iter().map(SchemeProblem::message).collect();
        if !problems.is_empty() {
            // One operation's credential should not cost the whole crate: the method is still
            // generated, sending the client's default headers and no key of its own.
            let message = format!(
                "none of the operation's security requirements can be used ({}); the method is generated without a credential, so set what the API needs as a default header of the client",
                problems.join("; ")
            );
            self.diagnostics.warning(location, message);
        }
        Vec::new()
    }

    /// How the client's key is sent for a security scheme, or why it cannot be.
    pub(super) fn security_scheme(&self, scheme_name: &str) -> Result<AuthScheme, SchemeProblem> {
        let scheme = defined_scheme(self.document, scheme_name).ok_or_else(|| {
            SchemeProblem::Undefined(format!(
                "security scheme `{scheme_name}` is not defined in `#/components/securitySchemes`"
            ))
        })?;
        match scheme {
            SecurityScheme::APIKey { location: openapiv3::APIKeyLocation::Header, name, .. } => {
                Ok(AuthScheme::Header(name.clone()))
            }
            SecurityScheme::APIKey { location: openapiv3::APIKeyLocation::Query, name, .. } => {
                Ok(AuthScheme::Query(name.clone()))
            }
            SecurityScheme::APIKey { location: openapiv3::APIKeyLocation::Cookie, name, .. } => {
                Ok(AuthScheme::Cookie(name.clone()))
            }
            SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => Ok(AuthScheme::Bearer),
            SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => Ok(AuthScheme::Basic),
            SecurityScheme::HTTP { scheme, .. } => Err(SchemeProblem::Unsupported(format!(
                "security scheme `{scheme_name}` uses HTTP `{scheme}` authentication, which is not supported"
            ))),
            SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. } => Ok(AuthScheme::Bearer),
        }
    }
}

/// The security scheme `#/components/securitySchemes/<name>` defines, if it does.
fn defined_scheme<'a>(document: &'a openapiv3::OpenAPI, name: &str) -> Option<&'a SecurityScheme> {
    document.components.as_ref()?.security_schemes.get(name)?.as_item()
}

/// Why a security requirement cannot be used.
pub(super) enum SchemeProblem {
    /// It names a scheme the document does not define: a mistake in the spec.
    Undefined(String),
    /// The scheme exists, but the client cannot present it.
    Unsupported(String),
}

impl SchemeProblem {
    fn message(&self) -> &str {
        match self {
            Self::Undefined(message) | Self::Unsupported(message) => message,
        }
    }
}

/// Decides which credential each scheme is, once every operation has chosen its requirement.
///
/// Most APIs have one secret, the API key, and every scheme an operation presents alone sends
/// it (an API offering a header or a bearer token takes the same key either way). A requirement
/// that combines schemes needs one value per scheme: its first scheme that some operation also
/// presents alone is the API key, and each other scheme is a credential of its own, with its
/// own builder setting and environment variable.
pub(super) fn assign_credentials(
    operations: &mut [Operation],
    settings: &Settings,
    document: &openapiv3::OpenAPI,
) -> Vec<Credential> {
    let alone: Vec<String> = operations
        .iter()
        .filter_map(|op| match op.auth.as_slice() {
            [AuthUse { credential: CredentialRef::Named(name), .. }] => Some(name.clone()),
            _ => None,
        })
        .collect();
    let mut order: Vec<String> = Vec::new();
    for operation in operations.iter_mut() {
        let mut key_taken = operation.auth.iter().any(|u| u.credential == CredentialRef::ApiKey);
        for auth_use in &mut operation.auth {
            let CredentialRef::Named(name) = &auth_use.credential else { continue };
            if !key_taken && alone.contains(name) {
                auth_use.credential = CredentialRef::ApiKey;
                key_taken = true;
            } else if !order.contains(name) {
                order.push(name.clone());
            }
        }
    }
    let authenticated: Vec<&Operation> = operations.iter().filter(|op| !op.auth.is_empty()).collect();
    let mut taken_consts = std::collections::BTreeSet::new();
    let mut taken_args: std::collections::BTreeSet<String> = ["api_key".to_owned()].into();
    let mut taken_envs: std::collections::BTreeSet<String> = [settings.api_key_env(), settings.base_url_env()].into();
    order
        .into_iter()
        .map(|scheme| {
            let const_name = naming::const_ident(&scheme);
            let docs = defined_scheme(document, &scheme).and_then(|scheme| match scheme {
                SecurityScheme::APIKey { description, .. }
                | SecurityScheme::HTTP { description, .. }
                | SecurityScheme::OAuth2 { description, .. }
                | SecurityScheme::OpenIDConnect { description, .. } => description.clone(),
            });
            let required = authenticated
                .iter()
                .all(|op| op.auth.iter().any(|u| u.credential == CredentialRef::Named(scheme.clone())));
            Credential {
                env_var: naming::unique(settings.credential_env(&const_name), &mut taken_envs),
                arg_name: naming::unique(naming::snake_ident(&scheme), &mut taken_args),
                const_name: naming::unique(const_name, &mut taken_consts),
                docs,
                required,
                scheme,
            }
        })
        .collect()
}
