//! Parsed values that the rest of the code can trust: once built, a value is valid.

mod email;
mod enums;
mod score;
mod slug;
mod sql;

pub use email::Email;
pub use enums::{
    DealResult, FlagReason, FlagStatus, FlagSubjectKind, Kind, RequirementGroup, Ring, Role,
};
pub use score::Score;
pub use slug::Slug;
pub use sql::TextList;

/// Today as a date, `YYYY-MM-DD` in UTC like every stored time: what a review stamps.
pub fn today() -> String {
    chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

/// Why a value was refused, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

/// A value that could not be used, named after the field it came from (`ring`,
/// `frameworks[django].requirements[security].strength`, `STACKATLAS_ADDR`) so the form, the
/// API, the importer or the operator can point at it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The message for `field` among `errors`, if it has one.
    pub fn message_for<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}
