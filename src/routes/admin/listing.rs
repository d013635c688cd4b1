//! The editors' lists of entries (frameworks, and each kind of vocabulary): a search, one
//! filter, a sort order, pages, and the notice after a delete. The entity's handler finds
//! and sorts the rows; this holds what every list does around them.

use serde::Deserialize;

use super::editing::Entity;
use crate::error::{AppError, Result};

/// The query string of an editors' list.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    /// Frameworks: only those in this radar ring.
    pub ring: Option<String>,
    /// Use cases: only those of this industry. Requirements: only those of this group.
    pub within: Option<String>,
    pub sort: Option<String>,
    pub page: Option<usize>,
    /// `deleted` after a delete, with `name` the entry that went.
    pub done: Option<String>,
    pub name: Option<String>,
}

impl ListQuery {
    /// The search text, trimmed; empty when none.
    pub fn search(&self) -> String {
        self.q.as_deref().unwrap_or("").trim().to_owned()
    }

    /// The sort order asked for, one of `orders` (the first is the default); anything else
    /// is a 400 naming the ones there are.
    pub fn sort_order(&self, orders: &'static [SortOrder]) -> Result<&'static SortOrder> {
        match self.sort.as_deref() {
            None | Some("") => Ok(&orders[0]),
            Some(given) => orders.iter().find(|o| o.value == given).ok_or_else(|| {
                let known: Vec<&str> = orders.iter().map(|o| o.value).collect();
                AppError::bad_request(
                    "sort",
                    format!(
                        "\"{given}\" is not a sort order; expected {}",
                        known.join(" or ")
                    ),
                )
            }),
        }
    }
}

/// A way a list can be sorted: its value in the address and its label in the form.
#[derive(Debug)]
pub struct SortOrder {
    pub value: &'static str,
    pub label: &'static str,
}

/// By name (the default) or by slug: the vocabulary lists' orders.
pub const BY_NAME_OR_SLUG: &[SortOrder] = &[
    SortOrder {
        value: "name",
        label: "Name",
    },
    SortOrder {
        value: "slug",
        label: "Slug",
    },
];

/// The list's one filter: its parameter, its label, the choices (value, label) and the one
/// chosen (empty for all).
pub struct Filter {
    pub key: &'static str,
    pub label: &'static str,
    pub any: &'static str,
    pub options: Vec<(String, String)>,
    pub chosen: String,
}

impl Filter {
    /// The filter `key` as asked for in the query; a value that is none of `options` is a
    /// 400 saying what it should be.
    pub fn parse(
        key: &'static str,
        label: &'static str,
        any: &'static str,
        options: Vec<(String, String)>,
        given: Option<&str>,
    ) -> Result<Self> {
        let chosen = given.unwrap_or("").trim().to_owned();
        if !chosen.is_empty() && !options.iter().any(|(value, _)| *value == chosen) {
            let expected = options
                .iter()
                .map(|(value, _)| value.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(AppError::bad_request(
                key,
                format!("\"{chosen}\" is not one of {expected}"),
            ));
        }
        Ok(Self {
            key,
            label,
            any,
            options,
            chosen,
        })
    }
}

/// The page asked for (the first when none is), kept to those that exist, and how many
/// pages `total` entries fill at `page_size` to a page (one, even when there are none).
pub fn page_of(asked: Option<usize>, total: usize, page_size: usize) -> (usize, usize) {
    let pages = total.div_ceil(page_size).max(1);
    (asked.unwrap_or(1).clamp(1, pages), pages)
}

/// One page of an editors' list with everything around it.
pub struct Listing<T> {
    pub entity: Entity,
    pub q: String,
    pub filter: Option<Filter>,
    pub sort: &'static SortOrder,
    pub sorts: &'static [SortOrder],
    /// The page shown (kept to those that exist) and how many there are.
    pub page: usize,
    pub pages: usize,
    /// How many entries match, on every page.
    pub total: usize,
    pub rows: Vec<T>,
    pub notice: Option<String>,
}

impl<T> Listing<T> {
    /// The page of `items` the query asks for, `page_size` to a page.
    pub fn new(
        entity: Entity,
        query: &ListQuery,
        filter: Option<Filter>,
        (sort, sorts): (&'static SortOrder, &'static [SortOrder]),
        items: Vec<T>,
        page_size: usize,
    ) -> Self {
        let total = items.len();
        let (page, pages) = page_of(query.page, total, page_size);
        let rows = items
            .into_iter()
            .skip((page - 1) * page_size)
            .take(page_size)
            .collect();
        let notice = match (query.done.as_deref(), query.name.as_deref()) {
            (Some("deleted"), Some(name)) => Some(format!(
                "Deleted {name}. Its history keeps every revision; restore it from there if needed."
            )),
            _ => None,
        };
        Self {
            entity,
            q: query.search(),
            filter,
            sort,
            sorts,
            page,
            pages,
            total,
            rows,
            notice,
        }
    }

    /// The list's address for another page, keeping the search, the filter and the sort.
    pub fn page_href(&self, page: usize) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            query.append_pair("q", &self.q);
        }
        if let Some(filter) = self.filter.as_ref().filter(|f| !f.chosen.is_empty()) {
            query.append_pair(filter.key, &filter.chosen);
        }
        query.append_pair("sort", self.sort.value);
        query.append_pair("page", &page.to_string());
        format!("{}?{}", self.entity.base, query.finish())
    }

    /// "1 framework", "12 use cases".
    pub fn count(&self) -> String {
        match self.total {
            1 => format!("1 {}", self.entity.singular),
            n => format!("{n} {}", self.entity.plural_title.to_lowercase()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDERS: &[SortOrder] = BY_NAME_OR_SLUG;

    fn entity() -> Entity {
        Entity {
            base: "/admin/frameworks".into(),
            singular: "framework",
            plural_title: "Frameworks",
        }
    }

    fn listing(query: &ListQuery, items: Vec<u8>) -> Listing<u8> {
        let sort = query.sort_order(ORDERS).unwrap();
        Listing::new(entity(), query, None, (sort, ORDERS), items, 10)
    }

    #[test]
    fn a_page_past_the_end_shows_the_last_and_an_empty_list_has_one_page() {
        let past = ListQuery {
            page: Some(9),
            ..ListQuery::default()
        };
        let paged = listing(&past, (1..=25).collect());
        assert_eq!((paged.page, paged.pages, paged.total), (3, 3, 25));
        assert_eq!(paged.rows, vec![21, 22, 23, 24, 25]);
        let before = ListQuery {
            page: Some(0),
            ..ListQuery::default()
        };
        let empty = listing(&before, Vec::new());
        assert_eq!((empty.page, empty.pages, empty.total), (1, 1, 0));
        assert_eq!(empty.count(), "0 frameworks");
    }

    #[test]
    fn a_page_link_keeps_the_search_and_only_a_chosen_filter() {
        let query = ListQuery {
            q: Some(" web & api ".into()),
            ..ListQuery::default()
        };
        let mut list = listing(&query, vec![1]);
        let ring = Filter::parse("ring", "Radar ring", "Any ring", Vec::new(), None).unwrap();
        list.filter = Some(ring);
        assert_eq!(
            list.page_href(2),
            "/admin/frameworks?q=web+%26+api&sort=name&page=2"
        );
        assert_eq!(list.count(), "1 framework");
    }

    #[test]
    fn an_unknown_sort_or_filter_value_is_refused_naming_what_there_is() {
        let query = ListQuery {
            sort: Some("age".into()),
            ..ListQuery::default()
        };
        let refused = query.sort_order(ORDERS).unwrap_err().to_string();
        assert_eq!(
            refused,
            "sort: \"age\" is not a sort order; expected name or slug"
        );
        let options = vec![("adopt".to_owned(), "Adopt".to_owned())];
        let refused = Filter::parse("ring", "Radar ring", "Any", options, Some("maybe"))
            .err()
            .unwrap()
            .to_string();
        assert_eq!(refused, "ring: \"maybe\" is not one of adopt");
    }
}
