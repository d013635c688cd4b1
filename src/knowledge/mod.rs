//! The knowledge base as a document: its format, validation, import, export and the seed.

pub mod document;
pub mod import;
pub mod seed;
pub mod validate;
