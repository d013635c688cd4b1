//! The knowledge base as a document: its format, validation, import, export, the seed, and
//! the checks of its quality.

pub mod checks;
pub mod document;
pub mod import;
pub mod seed;
pub mod validate;
