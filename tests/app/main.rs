//! Integration tests: each starts the real server on a random port with its own fresh
//! database and talks HTTP to it, or runs the real binary.

mod api;
mod article;
mod auth;
mod briefs;
mod catalogue;
mod changes;
mod checks;
mod cli;
mod compare;
mod dates;
mod editing;
mod errors;
mod exposure;
mod firmness;
mod flags;
mod helpers;
mod hostile;
mod impact;
mod knowledge;
mod paging;
mod previews;
mod query;
mod query_page;
mod radar;
mod reading_cache;
mod reference;
mod reliability;
mod review;
mod review_queue;
mod security;
mod sign_in;
mod sources;
mod suggestions;
mod terms;
mod years;
