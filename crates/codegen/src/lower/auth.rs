//! Authentication: how each operation presents the API key.

use openapiv3::{ReferenceOr, SecurityScheme};

use super::{Lowerer, OperationContext};
use crate::diagnostics::pointer;
use crate::ir::AuthScheme;

impl Lowerer<'_> {
    pub(super) fn operation_auth(
        &mut self,
        context: &OperationContext<'_>,
        operation: &openapiv3::Operation,
    ) -> Option<AuthScheme> {
        let requirements = operation.security.as_ref().or(self.document.security.as_ref())?;
        let location = context.location(pointer(&context.at, &["security"]));
        let mut problems = Vec::new();
        for requirement in requirements.iter().filter(|r| !r.is_empty()) {
            if requirement.len() > 1 {
                problems.push(SchemeProblem::Unsupported(format!(
                    "a requirement combining {} at once is not supported yet",
                    requirement.keys().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" and ")
                )));
                continue;
            }
            let Some(scheme_name) = requirement.keys().next() else { continue };
            match self.security_scheme(scheme_name) {
                Ok(auth) => {
                    // Alternatives that name no scheme at all are a mistake in the spec: say so
                    // even though another alternative serves.
                    for problem in &problems {
                        if let SchemeProblem::Undefined(message) = problem {
                            self.diagnostics
                                .warning(location.clone(), format!("{message}; that alternative is skipped"));
                        }
                    }
                    return Some(auth);
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
        None
    }

    /// How the client's key is sent for a security scheme, or why it cannot be.
    pub(super) fn security_scheme(&self, scheme_name: &str) -> Result<AuthScheme, SchemeProblem> {
        let scheme = self
            .document
            .components
            .as_ref()
            .and_then(|c| c.security_schemes.get(scheme_name))
            .and_then(ReferenceOr::as_item)
            .ok_or_else(|| {
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
            SecurityScheme::APIKey { location: openapiv3::APIKeyLocation::Cookie, .. } => {
                Err(SchemeProblem::Unsupported(format!(
                    "security scheme `{scheme_name}` puts the key in a cookie, which is not supported"
                )))
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
