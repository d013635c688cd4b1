//! `limit` and `cursor`, as every list answer and the recommendation take them, and the
//! cursors the API writes for `next_cursor`.
//!
//! Cursors are keyset cursors, opaque to clients but plain inside:
//! - a list's is `{list}.{slug}`, the last slug of the page it ended (lists are in slug
//!   order), so a page starts after it whatever was added or removed meanwhile;
//! - a recommendation's is `r.{version}.{position}.{question}`: the knowledge version it was
//!   ranked on, how many results (and exclusions) earlier pages held, and a fingerprint of
//!   the question. Positions only mean something on the same knowledge, so a cursor from an
//!   older version is refused with 409 (start again without `cursor`), never answered from
//!   a different ranking.

use utoipa::IntoParams;

use crate::domain::Slug;
use crate::error::AppError;

/// Items on a list's page when `limit` is not given, and the most a page holds.
pub const LIST_LIMIT: usize = 50;
pub const LIST_MAX: usize = 200;
/// Results (and exclusions) on a recommendation's page when `limit` is not given, and the
/// most a page holds.
pub const RECOMMENDATION_LIMIT: usize = 25;
pub const RECOMMENDATION_MAX: usize = 100;

/// The paging parameters of every list answer, for the OpenAPI document.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by `split`, described here
pub struct ListPaging {
    /// Items on the page, 1 to 200; 50 when not given.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page; absent or empty for the first page.
    cursor: Option<String>,
}

/// `limit` and `cursor` as given (the cursor still unread: each answer reads its own kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    pub limit: usize,
    pub cursor: Option<String>,
}

/// Takes `limit` and `cursor` out of a query string, returning them and the rest of the
/// query string (for the recommendation's own parameters). A bad `limit`, either given
/// twice, or (when `others` is false) any other parameter is a 400 naming it.
pub fn split(
    query_string: &str,
    default: usize,
    max: usize,
    others: bool,
) -> Result<(Paging, String), AppError> {
    let mut limit = None;
    let mut cursor = None;
    let mut rest = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(query_string.as_bytes()) {
        match key.as_ref() {
            "limit" if limit.is_some() => {
                return Err(AppError::bad_request("limit", "give it once"));
            }
            "limit" => {
                limit = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=max).contains(n))
                        .ok_or_else(|| {
                            AppError::bad_request(
                                "limit",
                                format!("must be a whole number from 1 to {max}"),
                            )
                        })?,
                );
            }
            "cursor" if cursor.is_some() => {
                return Err(AppError::bad_request("cursor", "give it once"));
            }
            "cursor" => cursor = Some(value.trim().to_owned()),
            other if !others => {
                return Err(AppError::bad_request(
                    other,
                    "is not a parameter of this list; it takes `limit` and `cursor`",
                ));
            }
            other => {
                rest.append_pair(other, &value);
            }
        }
    }
    let paging = Paging {
        limit: limit.unwrap_or(default),
        // An empty cursor is the first page, as an absent one is.
        cursor: cursor.filter(|c| !c.is_empty()),
    };
    Ok((paging, rest.finish()))
}

fn not_ours() -> AppError {
    AppError::bad_request("cursor", "is not a cursor this API gave for this answer")
}

/// The cursor ending a page of `list` whose last item is `slug`.
pub fn list_cursor(list: &str, slug: &str) -> String {
    format!("{list}.{slug}")
}

/// The slug a cursor of `list` names, or a 400 naming `cursor` (one of another list too).
pub fn read_list_cursor(list: &str, cursor: &str) -> Result<Slug, AppError> {
    let slug = cursor
        .strip_prefix(list)
        .and_then(|rest| rest.strip_prefix('.'))
        .ok_or_else(not_ours)?;
    Slug::parse(slug).map_err(|_| not_ours())
}

/// One page of `rows` in slug order, the order every list pages in, after `after`: at most
/// `limit` items, and whether more follow. (The small lists are read whole and paged here;
/// the frameworks, the one list that grows, are paged by SQLite.)
pub fn after_slug<T>(
    mut rows: Vec<T>,
    slug: impl Fn(&T) -> &Slug,
    after: Option<&Slug>,
    limit: usize,
) -> (Vec<T>, bool) {
    rows.sort_by(|a, b| slug(a).cmp(slug(b)));
    let mut page: Vec<T> = rows
        .into_iter()
        .filter(|row| after.is_none_or(|after| slug(row) > after))
        .take(limit + 1)
        .collect();
    let more = page.len() > limit;
    page.truncate(limit);
    (page, more)
}

/// Where a recommendation's page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub version: i64,
    pub skip: usize,
    pub question: u64,
}

impl Position {
    pub fn cursor(&self) -> String {
        format!("r.{}.{}.{:016x}", self.version, self.skip, self.question)
    }

    /// Reads a cursor this API wrote for `question` on knowledge `version`: 400 naming
    /// `cursor` for anything else, 409 when the knowledge changed since it was written.
    pub fn read(cursor: &str, version: i64, question: u64) -> Result<Self, AppError> {
        let mut parts = cursor.split('.');
        let (Some("r"), Some(v), Some(skip), Some(q), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(not_ours());
        };
        let read = Position {
            version: v.parse().map_err(|_| not_ours())?,
            skip: skip.parse().map_err(|_| not_ours())?,
            question: u64::from_str_radix(q, 16).map_err(|_| not_ours())?,
        };
        if q.len() != 16 || read.question != question || read.skip == 0 {
            return Err(not_ours());
        }
        if read.version != version {
            return Err(AppError::Conflict(format!(
                "cursor: the knowledge base changed since this cursor was given (version {} \
                 then, {version} now), so the ranking may differ; ask again without `cursor`",
                read.version
            )));
        }
        Ok(read)
    }
}

/// A fingerprint of a question's canonical query string (FNV-1a): the same on every run and
/// every build, so a cursor survives a restart.
pub fn question(canonical: &str) -> u64 {
    canonical.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_and_cursor_are_taken_out_and_the_rest_is_kept() {
        let (paging, rest) =
            split("need=security&limit=5&cursor=x&lang=go", 25, 100, true).unwrap();
        assert_eq!(
            paging,
            Paging {
                limit: 5,
                cursor: Some("x".into())
            }
        );
        assert_eq!(rest, "need=security&lang=go");
        let (paging, _) = split("cursor=", 25, 100, false).unwrap();
        assert_eq!(paging.limit, 25);
        assert_eq!(paging.cursor, None);
    }

    #[test]
    fn a_bad_limit_or_another_parameter_of_a_list_is_refused_naming_it() {
        for (query, field) in [
            ("limit=0", "limit"),
            ("limit=201", "limit"),
            ("limit=-1", "limit"),
            ("limit=ten", "limit"),
            ("limit=1&limit=2", "limit"),
            ("cursor=a&cursor=b", "cursor"),
            ("page=2", "page"),
        ] {
            let Err(AppError::BadRequest(error)) = split(query, 50, 200, false) else {
                panic!("{query} was accepted");
            };
            assert_eq!(error.field, field, "{query}");
        }
    }

    #[test]
    fn a_list_cursor_reads_back_only_on_its_own_list() {
        let cursor = list_cursor("frameworks", "django");
        assert_eq!(
            read_list_cursor("frameworks", &cursor).unwrap().as_str(),
            "django"
        );
        for bad in [
            "django",
            "trends.django",
            "frameworks.",
            "frameworks.Not A Slug",
        ] {
            assert!(read_list_cursor("frameworks", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_recommendation_cursor_is_refused_for_another_question_and_conflicts_after_a_change() {
        let q = question("need=security");
        let at = Position {
            version: 7,
            skip: 25,
            question: q,
        };
        assert_eq!(Position::read(&at.cursor(), 7, q).unwrap(), at);
        assert!(matches!(
            Position::read(&at.cursor(), 7, question("need=scalability")),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            Position::read(&at.cursor(), 8, q),
            Err(AppError::Conflict(_))
        ));
        for bad in [
            "",
            "r.7.25",
            "r.7.x.0000000000000000",
            "r.7.0.0000000000000000",
            "frameworks.django",
        ] {
            assert!(
                matches!(Position::read(bad, 7, q), Err(AppError::BadRequest(_))),
                "{bad}"
            );
        }
    }
}
