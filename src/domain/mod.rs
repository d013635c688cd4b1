//! Parsed values that the rest of the code can trust: once built, a value is valid.

mod email;
mod enums;
mod score;
mod slug;

pub use email::Email;
pub use enums::{Kind, RequirementGroup, Ring, Role};
pub use score::Score;
pub use slug::Slug;

/// Why a value was refused, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);
