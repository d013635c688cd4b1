//! `/frameworks` (the catalogue, filtered and searched) and `/frameworks/{slug}` (one framework).

use crate::domain::FieldError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use crate::db::{self, catalogue::LanguageOption, frameworks::FrameworkSummary};
use crate::domain::{Kind, Ring, Score, Slug};
use crate::error::{AppError, Result};
use crate::markdown::to_safe_html;
use crate::routes::prepared::{Reading, Shows};
use crate::routes::preview::Preview;
use crate::search::fts_query;

/// Longest search text accepted; real searches are a few words.
const MAX_QUERY_CHARS: usize = 200;

/// The catalogue's query string. Every value is optional and an empty value means "any".
#[derive(Debug, Default, Deserialize)]
pub struct IndexQuery {
    pub q: Option<String>,
    pub language: Option<String>,
    pub kind: Option<String>,
    pub ring: Option<String>,
    pub sort: Option<String>,
    /// 1, 2, …: which page of [`PAGE_SIZE`] to show.
    pub page: Option<String>,
}

/// Frameworks on one page of the catalogue: a screenful or two, not the whole knowledge base.
pub const PAGE_SIZE: usize = 50;

/// The orders the catalogue can be listed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Relevance,
    Name,
    Newest,
    Oldest,
    Ring,
}

impl Sort {
    pub const ALL: [Sort; 5] = [
        Sort::Relevance,
        Sort::Name,
        Sort::Newest,
        Sort::Oldest,
        Sort::Ring,
    ];

    fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Name => "name",
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Ring => "ring",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "Best match",
            Sort::Name => "Name",
            Sort::Newest => "Newest first",
            Sort::Oldest => "Oldest first",
            Sort::Ring => "Radar ring",
        }
    }
}

/// Puts search results in the chosen order. Relevance keeps the order they came in.
fn sort_frameworks(frameworks: &mut [FrameworkSummary], sort: Sort) {
    let by_name = |a: &FrameworkSummary, b: &FrameworkSummary| {
        a.name.to_lowercase().cmp(&b.name.to_lowercase())
    };
    match sort {
        Sort::Relevance => {}
        // Each name lowered once, not once per comparison: 10,000 frameworks compare
        // 130,000 times.
        Sort::Name => frameworks.sort_by_cached_key(|f| f.name.to_lowercase()),
        // Unknown years sort last either way.
        Sort::Newest => frameworks.sort_by(|a, b| {
            b.first_release
                .unwrap_or(i64::MIN)
                .cmp(&a.first_release.unwrap_or(i64::MIN))
                .then_with(|| by_name(a, b))
        }),
        Sort::Oldest => frameworks.sort_by(|a, b| {
            a.first_release
                .unwrap_or(i64::MAX)
                .cmp(&b.first_release.unwrap_or(i64::MAX))
                .then_with(|| by_name(a, b))
        }),
        Sort::Ring => frameworks.sort_by(|a, b| a.ring.cmp(&b.ring).then_with(|| by_name(a, b))),
    }
}

/// A value from the query string, with empty meaning "not given".
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

pub struct Row {
    pub slug: Slug,
    pub name: String,
    pub language: String,
    pub kind: Kind,
    pub ring: Ring,
    pub summary: String,
    pub first_release: Option<i64>,
}

#[derive(Template)]
#[template(path = "frameworks/index.html")]
pub struct IndexPage {
    pub q: String,
    pub language: String,
    pub kind: String,
    pub ring: String,
    pub sort: Sort,
    pub languages: Vec<LanguageOption>,
    pub kinds: &'static [Kind],
    pub rings: &'static [Ring],
    pub sorts: [Sort; 5],
    pub errors: Vec<FieldError>,
    pub rows: Vec<Row>,
    pub filtered: bool,
    /// How many frameworks match, on every page.
    pub total: usize,
    /// The page shown (kept to those that exist) and how many there are.
    pub page: usize,
    pub pages: usize,
}

impl IndexPage {
    /// The catalogue's address for another page, keeping the search, filters and sort.
    pub fn page_href(&self, page: usize) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("q", self.q.as_str()),
            ("language", self.language.as_str()),
            ("kind", self.kind.as_str()),
            ("ring", self.ring.as_str()),
        ] {
            if !value.is_empty() {
                query.append_pair(key, value);
            }
        }
        query.append_pair("sort", self.sort.as_str());
        query.append_pair("page", &page.to_string());
        format!("/frameworks?{}", query.finish())
    }
}

/// `GET /frameworks`, prepared once per knowledge version (`routes::prepared`).
pub async fn index(reading: Reading, query: web::Query<IndexQuery>) -> Result<HttpResponse> {
    reading
        .page(Shows::Knowledge, "", async || {
            catalogue(&reading.pool, &reading.knowledge, &query).await
        })
        .await
}

async fn catalogue(
    pool: &SqlitePool,
    knowledge: &crate::snapshot::KnowledgeCache,
    query: &IndexQuery,
) -> Result<(StatusCode, IndexPage)> {
    // The language filter's options with their counts, as the knowledge in memory has them:
    // counting them again is a scan of every framework per language.
    let languages = knowledge.current(pool).await?.languages.clone();
    let mut errors = Vec::new();
    let mut filter = db::frameworks::Filter::default();

    if let Some(language) = given(&query.language) {
        if languages.iter().any(|l| l.slug.as_str() == language) {
            filter.language = Some(language.to_owned());
        } else {
            errors.push(FieldError::new(
                "language",
                format!("there is no language \"{language}\" in the knowledge base"),
            ));
        }
    }
    if let Some(kind) = given(&query.kind) {
        match Kind::parse(kind) {
            Ok(kind) => filter.kind = Some(kind),
            Err(err) => errors.push(FieldError::new("kind", err.0)),
        }
    }
    if let Some(ring) = given(&query.ring) {
        match Ring::parse(ring) {
            Ok(ring) => filter.ring = Some(ring),
            Err(err) => errors.push(FieldError::new("ring", err.0)),
        }
    }
    let q = given(&query.q).unwrap_or_default();
    if q.chars().count() > MAX_QUERY_CHARS {
        errors.push(FieldError::new(
            "q",
            format!("search text must be at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    let search = fts_query(q);
    let sort = match given(&query.sort) {
        None if search.is_some() => Sort::Relevance,
        None => Sort::Name,
        Some(value) => Sort::parse(value).unwrap_or_else(|| {
            errors.push(FieldError::new(
                "sort",
                format!(
                    "\"{value}\" is not a sort order; expected one of: {}",
                    Sort::ALL.map(Sort::as_str).join(", ")
                ),
            ));
            Sort::Name
        }),
    };

    let asked_page = match given(&query.page) {
        None => None,
        Some(value) => match value.parse::<usize>() {
            Ok(page) if page >= 1 => Some(page),
            _ => {
                errors.push(FieldError::new(
                    "page",
                    format!("\"{value}\" is not a page number; pages are numbered from 1"),
                ));
                None
            }
        },
    };

    // Without search text there is no relevance to keep; fall back to names.
    let order = if search.is_none() && sort == Sort::Relevance {
        Sort::Name
    } else {
        sort
    };
    let (total, page, pages, frameworks) = if !errors.is_empty() {
        (0, 1, 1, Vec::new())
    } else if let Some(search) = &search {
        // Search results are few and ordered by relevance in SQL: sorted and paged here.
        let mut found = db::frameworks::search(pool, search, &filter).await?;
        sort_frameworks(&mut found, order);
        let total = found.len();
        let (page, pages) = crate::routes::admin::listing::page_of(asked_page, total, PAGE_SIZE);
        let shown = (page - 1) * PAGE_SIZE..(page * PAGE_SIZE).min(total);
        (total, page, pages, found.drain(shown).collect())
    } else {
        // The whole catalogue is ordered and paged by SQLite, which reads only the page's
        // rows in full: at 10,000 frameworks, 50 rows rather than 10,000.
        let total = db::frameworks::count(pool, &filter).await? as usize;
        let (page, pages) = crate::routes::admin::listing::page_of(asked_page, total, PAGE_SIZE);
        let rows = db::frameworks::page(
            pool,
            &filter,
            order.as_str(),
            PAGE_SIZE as i64,
            ((page - 1) * PAGE_SIZE) as i64,
        )
        .await?;
        (total, page, pages, rows)
    };

    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = IndexPage {
        total,
        page,
        pages,
        q: q.to_owned(),
        language: query.language.clone().unwrap_or_default(),
        kind: query.kind.clone().unwrap_or_default(),
        ring: query.ring.clone().unwrap_or_default(),
        sort,
        languages,
        kinds: Kind::ALL,
        rings: Ring::ALL,
        sorts: Sort::ALL,
        filtered: !q.is_empty()
            || filter.language.is_some()
            || filter.kind.is_some()
            || filter.ring.is_some(),
        errors,
        rows: frameworks
            .into_iter()
            .map(|f| Row {
                slug: f.slug,
                name: f.name,
                language: f.language_name,
                kind: f.kind,
                ring: f.ring,
                summary: f.summary,
                first_release: f.first_release,
            })
            .collect(),
    };
    Ok((status, page))
}

pub struct StrengthRow {
    pub slug: Slug,
    pub name: String,
    pub description: String,
    pub score: Score,
    pub note: String,
    pub sources: Vec<String>,
    pub reviewed: Option<String>,
    pub reviewer: Option<String>,
}

pub struct StrengthGroup {
    pub label: &'static str,
    pub rows: Vec<StrengthRow>,
}

pub struct FitRow {
    pub slug: Slug,
    pub name: String,
    pub score: Score,
    pub note: String,
    pub sources: Vec<String>,
    pub reviewed: Option<String>,
    pub reviewer: Option<String>,
}

#[derive(Template)]
#[template(path = "frameworks/show.html")]
pub struct ShowPage {
    pub framework: db::frameworks::Framework,
    pub profile: Profile,
    pub description_html: String,
    pub strength_groups: Vec<StrengthGroup>,
    pub fits: Vec<FitRow>,
    pub features: Vec<db::catalogue::Term>,
    pub use_cases: Vec<db::frameworks::UseCase>,
    pub trends: Vec<db::catalogue::Term>,
    pub team_languages: Vec<db::catalogue::Term>,
    pub sources: Vec<db::frameworks::Source>,
    pub preview: Preview,
    /// Its ring in every radar edition, then now.
    pub ring_over_time: Vec<super::trends::RingPoint>,
}

/// One bar of the strength profile chart.
pub struct ProfileBar {
    pub name: String,
    pub score: Score,
    pub x: u32,
}

/// Bars are this wide plus a gap; groups get a wider gap.
const BAR_STEP: u32 = 15;
const GROUP_GAP: u32 = 12;

/// The strength profile chart: every requirement's strength as a bar, in the table's group
/// order, with a short label under the first bar of each group.
pub struct Profile {
    pub bars: Vec<ProfileBar>,
    pub groups: Vec<(&'static str, u32)>,
    pub width: u32,
}

fn profile(groups: &[StrengthGroup]) -> Profile {
    let mut x = 0;
    let mut bars = Vec::new();
    let mut labels = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        if g > 0 {
            x += GROUP_GAP;
        }
        let short = group.label.split_whitespace().next().unwrap_or(group.label);
        labels.push((short, x));
        for row in &group.rows {
            bars.push(ProfileBar {
                name: row.name.clone(),
                score: row.score,
                x,
            });
            x += BAR_STEP;
        }
    }
    Profile {
        bars,
        groups: labels,
        width: x.max(BAR_STEP),
    }
}

/// `GET /frameworks/{slug}`, prepared once per version of what it shows: the knowledge, and
/// its reviewers' names and ring in each radar edition (`routes::prepared`).
pub async fn show(reading: Reading, slug: web::Path<String>) -> Result<HttpResponse> {
    reading
        .page(Shows::More, "", async || {
            framework(&reading.pool, &reading.origin(), &slug).await
        })
        .await
}

async fn framework(pool: &SqlitePool, origin: &str, slug: &str) -> Result<(StatusCode, ShowPage)> {
    let framework = db::frameworks::find(pool, slug)
        .await?
        .ok_or_else(AppError::not_found)?;
    // "Adopt · Full-stack framework. Batteries-included Python web framework from 2005, …"
    let preview = Preview::new(
        &framework.name,
        &format!(
            "{} · {}. {}",
            framework.ring.label(),
            framework.kind.label(),
            framework.summary
        ),
        format!("{origin}/frameworks/{}", framework.slug),
    );
    let strengths = db::frameworks::strengths(pool, slug).await?;
    let mut strength_groups: Vec<StrengthGroup> = Vec::new();
    for s in strengths {
        let label = s.requirement_group.label();
        let row = StrengthRow {
            slug: s.requirement_slug,
            name: s.requirement_name,
            description: s.requirement_description,
            score: s.strength,
            note: s.note,
            sources: s.sources.0,
            reviewed: s.reviewed,
            reviewer: s.reviewer,
        };
        match strength_groups.last_mut() {
            Some(group) if group.label == label => group.rows.push(row),
            _ => strength_groups.push(StrengthGroup {
                label,
                rows: vec![row],
            }),
        }
    }
    let fits = db::frameworks::fits(pool, slug)
        .await?
        .into_iter()
        .map(|f| FitRow {
            slug: f.industry_slug,
            name: f.industry_name,
            score: f.fit,
            note: f.note,
            sources: f.sources.0,
            reviewed: f.reviewed,
            reviewer: f.reviewer,
        })
        .collect();
    let page = ShowPage {
        profile: profile(&strength_groups),
        description_html: to_safe_html(&framework.description),
        strength_groups,
        fits,
        features: db::frameworks::features(pool, slug).await?,
        use_cases: db::frameworks::use_cases(pool, slug).await?,
        trends: db::frameworks::trends(pool, slug).await?,
        team_languages: db::frameworks::team_languages(pool, slug).await?,
        sources: db::frameworks::sources(pool, slug).await?,
        ring_over_time: super::trends::ring_over_time(pool, slug, framework.ring).await?,
        framework,
        preview,
    };
    Ok((StatusCode::OK, page))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(name: &str, year: Option<i64>, ring: &str) -> FrameworkSummary {
        FrameworkSummary {
            slug: Slug::parse(&name.to_lowercase()).unwrap(),
            name: name.into(),
            language_slug: Slug::parse("python").unwrap(),
            language_name: String::new(),
            kind: Kind::Micro,
            ring: Ring::parse(ring).unwrap(),
            summary: String::new(),
            first_release: year,
            last_reviewed: None,
            languages: crate::domain::TextList::default(),
        }
    }

    fn names(list: &[FrameworkSummary]) -> Vec<&str> {
        list.iter().map(|f| f.name.as_str()).collect()
    }

    #[test]
    fn newest_first_puts_unknown_years_last() {
        let mut list = vec![
            summary("Old", Some(2005), "adopt"),
            summary("Unknown", None, "adopt"),
            summary("New", Some(2021), "adopt"),
        ];
        sort_frameworks(&mut list, Sort::Newest);
        assert_eq!(names(&list), ["New", "Old", "Unknown"]);
        sort_frameworks(&mut list, Sort::Oldest);
        assert_eq!(names(&list), ["Old", "New", "Unknown"]);
    }

    #[test]
    fn ring_order_goes_from_adopt_to_hold_then_by_name() {
        let mut list = vec![
            summary("b", None, "hold"),
            summary("C", None, "adopt"),
            summary("a", None, "adopt"),
            summary("d", None, "assess"),
        ];
        sort_frameworks(&mut list, Sort::Ring);
        assert_eq!(names(&list), ["a", "C", "d", "b"]);
    }

    #[test]
    fn every_sort_parses_from_its_own_name() {
        for sort in Sort::ALL {
            assert_eq!(Sort::parse(sort.as_str()), Some(sort));
        }
        assert_eq!(Sort::parse("popularity"), None);
    }
}
