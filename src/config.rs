//! Settings read from the environment (and `.env`, loaded by `main`).

use std::env;
use std::net::SocketAddr;

/// Everything the application can be configured with. `.env.example` documents each variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `DATABASE_URL`: the SQLite database; its folder and file are created when missing.
    pub database_url: String,
    /// `STACKATLAS_ADDR`: the address the server listens on.
    pub addr: SocketAddr,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/stackatlas.db";
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// A variable that is set but cannot be used, named so the operator can fix it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl Config {
    /// Reads the configuration from the process environment, with defaults for unset values.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| env::var(name).ok())
    }

    /// Same as [`Config::from_env`] with the variables supplied by `lookup` (used by tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let database_url = lookup("DATABASE_URL")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if !database_url.starts_with("sqlite:") {
            return Err(ConfigError {
                variable: "DATABASE_URL",
                message: format!("must be a sqlite: URL, got \"{database_url}\""),
            });
        }
        let addr_text = lookup("STACKATLAS_ADDR")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_ADDR.to_owned());
        let addr = parse_addr(&addr_text).map_err(|message| ConfigError {
            variable: "STACKATLAS_ADDR",
            message,
        })?;
        Ok(Self { database_url, addr })
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
    fn a_bad_address_names_the_variable() {
        let err =
            Config::from_lookup(|name| (name == "STACKATLAS_ADDR").then(|| "localhost".to_owned()))
                .unwrap_err();
        assert_eq!(err.variable, "STACKATLAS_ADDR");
        assert!(
            err.to_string()
                .starts_with("STACKATLAS_ADDR: must be an IP address")
        );
    }

    #[test]
    fn a_database_other_than_sqlite_is_refused() {
        let err =
            Config::from_lookup(|name| (name == "DATABASE_URL").then(|| "postgres://x".to_owned()))
                .unwrap_err();
        assert_eq!(err.variable, "DATABASE_URL");
    }
}
