//! Settings read from the environment (and `.env`, loaded by `main`).

use crate::domain::FieldError;
use std::env;
use std::net::SocketAddr;

use crate::client::{TrustedProxies, parse_public_url};

/// Everything the application can be configured with. `.env.example` documents each variable.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// `DATABASE_URL`: the SQLite database; its folder and file are created when missing.
    pub database_url: String,
    /// `STACKATLAS_ADDR`: the address the server listens on.
    pub addr: SocketAddr,
    /// `STACKATLAS_SESSION_KEY`: signs cookies; when unset one is generated and kept in the
    /// database. At least 32 characters.
    pub session_key: Option<String>,
    /// `STACKATLAS_READ_REQUIRES_LOGIN`: when true, only signed-in users can read.
    pub read_requires_login: bool,
    /// `STACKATLAS_SECURE_COOKIES`: mark cookies Secure (set it when served over HTTPS).
    pub secure_cookies: bool,
    /// `STACKATLAS_TRUSTED_PROXIES`: proxies whose forwarding headers are believed.
    pub trusted_proxies: TrustedProxies,
    /// `STACKATLAS_PUBLIC_URL`: where links the app writes start (no trailing slash).
    pub public_url: Option<String>,
    /// `STACKATLAS_ADMIN_EMAIL` and `STACKATLAS_ADMIN_PASSWORD`: the first admin, created when
    /// there is no user at all.
    pub first_admin: Option<(String, String)>,
    /// `STACKATLAS_REVIEW_REQUIRED`: when true, an editor's save or delete becomes a change
    /// request that another editor or an admin approves before it is published.
    pub review_required: bool,
}

/// Secrets stay out of logs and panic messages.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &self.database_url)
            .field("addr", &self.addr)
            .field(
                "session_key",
                &self.session_key.as_ref().map(|_| "(hidden)"),
            )
            .field("read_requires_login", &self.read_requires_login)
            .field("secure_cookies", &self.secure_cookies)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("public_url", &self.public_url)
            .field("review_required", &self.review_required)
            .field(
                "first_admin",
                &self
                    .first_admin
                    .as_ref()
                    .map(|(email, _)| (email, "(hidden)")),
            )
            .finish()
    }
}

fn flag(variable: &'static str, value: Option<String>) -> Result<bool, FieldError> {
    match value
        .as_deref()
        .map(str::trim)
        .map(str::to_lowercase)
        .as_deref()
    {
        None | Some("") | Some("false") | Some("0") | Some("no") | Some("off") => Ok(false),
        Some("true") | Some("1") | Some("yes") | Some("on") => Ok(true),
        Some(other) => Err(FieldError {
            field: variable.into(),
            message: format!("must be true or false, got \"{other}\""),
        }),
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/stackatlas.db";
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

impl Config {
    /// Reads the configuration from the process environment, with defaults for unset values.
    pub fn from_env() -> Result<Self, FieldError> {
        Self::from_lookup(|name| env::var(name).ok())
    }

    /// Same as [`Config::from_env`] with the variables supplied by `lookup` (used by tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, FieldError> {
        let database_url = lookup("DATABASE_URL")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if !database_url.starts_with("sqlite:") {
            return Err(FieldError::new(
                "DATABASE_URL",
                format!("must be a sqlite: URL, got \"{database_url}\""),
            ));
        }
        let addr_text = lookup("STACKATLAS_ADDR")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_ADDR.to_owned());
        let addr = parse_addr(&addr_text).map_err(|message| FieldError {
            field: "STACKATLAS_ADDR".into(),
            message,
        })?;
        let set = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let session_key = set("STACKATLAS_SESSION_KEY");
        if session_key.as_ref().is_some_and(|k| k.len() < 32) {
            return Err(FieldError::new(
                "STACKATLAS_SESSION_KEY",
                "must be at least 32 characters; leave it unset to have one generated",
            ));
        }
        let first_admin = match (
            set("STACKATLAS_ADMIN_EMAIL"),
            set("STACKATLAS_ADMIN_PASSWORD"),
        ) {
            (Some(email), Some(password)) => Some((email, password)),
            (None, None) => None,
            (Some(_), None) => {
                return Err(FieldError::new(
                    "STACKATLAS_ADMIN_PASSWORD",
                    "must be set together with STACKATLAS_ADMIN_EMAIL",
                ));
            }
            (None, Some(_)) => {
                return Err(FieldError::new(
                    "STACKATLAS_ADMIN_EMAIL",
                    "must be set together with STACKATLAS_ADMIN_PASSWORD",
                ));
            }
        };
        let trusted_proxies =
            TrustedProxies::parse(&lookup("STACKATLAS_TRUSTED_PROXIES").unwrap_or_default())
                .map_err(|message| FieldError {
                    field: "STACKATLAS_TRUSTED_PROXIES".into(),
                    message,
                })?;
        let public_url = set("STACKATLAS_PUBLIC_URL")
            .map(|url| parse_public_url(&url))
            .transpose()
            .map_err(|message| FieldError {
                field: "STACKATLAS_PUBLIC_URL".into(),
                message,
            })?;
        Ok(Self {
            database_url,
            trusted_proxies,
            public_url,
            addr,
            session_key,
            read_requires_login: flag(
                "STACKATLAS_READ_REQUIRES_LOGIN",
                lookup("STACKATLAS_READ_REQUIRES_LOGIN"),
            )?,
            secure_cookies: flag(
                "STACKATLAS_SECURE_COOKIES",
                lookup("STACKATLAS_SECURE_COOKIES"),
            )?,
            first_admin,
            review_required: flag(
                "STACKATLAS_REVIEW_REQUIRED",
                lookup("STACKATLAS_REVIEW_REQUIRED"),
            )?,
        })
    }
}

/// Parses `HOST:PORT` (an IP address and a port), with a message saying what is expected.
pub fn parse_addr(text: &str) -> Result<SocketAddr, String> {
    text.trim().parse().map_err(|_| {
        format!("must be an IP address and port such as 127.0.0.1:8080, got \"{text}\"")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_variables_take_the_documented_defaults() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(config.addr.to_string(), DEFAULT_ADDR);
    }

    #[test]
    fn review_before_publishing_is_off_unless_asked_for() {
        assert!(!Config::from_lookup(|_| None).unwrap().review_required);
        let config = Config::from_lookup(|name| {
            (name == "STACKATLAS_REVIEW_REQUIRED").then(|| "true".to_owned())
        })
        .unwrap();
        assert!(config.review_required);
    }

    #[test]
    fn flags_accept_true_and_false_words_and_name_the_variable_otherwise() {
        let config = Config::from_lookup(|name| {
            (name == "STACKATLAS_READ_REQUIRES_LOGIN").then(|| "Yes".to_owned())
        })
        .unwrap();
        assert!(config.read_requires_login);
        let err = Config::from_lookup(|name| {
            (name == "STACKATLAS_SECURE_COOKIES").then(|| "maybe".to_owned())
        })
        .unwrap_err();
        assert_eq!(err.field, "STACKATLAS_SECURE_COOKIES");
    }

    #[test]
    fn secrets_are_hidden_from_debug_output_and_short_keys_refused() {
        let config = Config::from_lookup(|name| match name {
            "STACKATLAS_SESSION_KEY" => Some("k".repeat(40)),
            "STACKATLAS_ADMIN_EMAIL" => Some("admin@example.com".into()),
            "STACKATLAS_ADMIN_PASSWORD" => Some("very secret password".into()),
            _ => None,
        })
        .unwrap();
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("kkkk") && !shown.contains("very secret"),
            "{shown}"
        );
        let err = Config::from_lookup(|name| {
            (name == "STACKATLAS_SESSION_KEY").then(|| "short".to_owned())
        })
        .unwrap_err();
        assert_eq!(err.field, "STACKATLAS_SESSION_KEY");
    }

    #[test]
    fn a_bad_address_names_the_variable() {
        let err =
            Config::from_lookup(|name| (name == "STACKATLAS_ADDR").then(|| "localhost".to_owned()))
                .unwrap_err();
        assert_eq!(err.field, "STACKATLAS_ADDR");
        assert!(
            err.to_string()
                .starts_with("STACKATLAS_ADDR: must be an IP address")
        );
    }

    #[test]
    fn trusted_proxies_and_the_public_url_are_read_and_bad_ones_named() {
        let config = Config::from_lookup(|name| match name {
            "STACKATLAS_TRUSTED_PROXIES" => Some("127.0.0.1, 10.0.0.0/8".into()),
            "STACKATLAS_PUBLIC_URL" => Some("https://atlas.example.com/".into()),
            _ => None,
        })
        .unwrap();
        assert!(config.trusted_proxies.contains("10.2.3.4".parse().unwrap()));
        assert_eq!(
            config.public_url.as_deref(),
            Some("https://atlas.example.com")
        );
        assert!(
            Config::from_lookup(|_| None)
                .unwrap()
                .trusted_proxies
                .is_empty()
        );
        for (variable, value) in [
            ("STACKATLAS_TRUSTED_PROXIES", "10.0.0.0/33"),
            ("STACKATLAS_PUBLIC_URL", "atlas.example.com"),
        ] {
            let err = Config::from_lookup(|name| (name == variable).then(|| value.to_owned()))
                .unwrap_err();
            assert_eq!(err.field, variable);
        }
    }

    #[test]
    fn a_database_other_than_sqlite_is_refused() {
        let err =
            Config::from_lookup(|name| (name == "DATABASE_URL").then(|| "postgres://x".to_owned()))
                .unwrap_err();
        assert_eq!(err.field, "DATABASE_URL");
    }
}
