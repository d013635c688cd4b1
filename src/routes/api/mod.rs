//! `/api/v1/…`: the knowledge base and the recommendation as JSON, read-only, from the same
//! queries and the same ranking as the pages; `/api/openapi.json` describes it, generated
//! from these handlers and types.

pub mod briefs;
mod items;
mod paging;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde::Serialize;
use sqlx::SqlitePool;
use utoipa::{OpenApi, ToSchema};

use crate::db;
use crate::domain::Slug;
use crate::error::AppError;
use crate::page_cache::PageCache;
use crate::recommend::params;
use crate::recommend::{self, Limits};
use crate::routes::recommendation::{
    self, Bound, Change, CloseCall, Criterion, CriterionKind, Excluded, Exclusion, FragileReason,
    QueryEcho, Ranked, RecommendationsBody, Sensitivity, StabilityInterval,
};
use crate::routes::representation::{Representation, revalidate};
use items::{
    FitItem, FrameworkDetail, FrameworkItem, FrameworkList, IndustryItem, IndustryList,
    LanguageItem, LanguageList, LeftOutItem, Named, RequirementItem, RequirementList, SourceItem,
    StrengthItem, SuggestedKind, SuggestedParam, SuggestionItem, SuggestionsBody, TrendItem,
    TrendList, UseCaseItem, items,
};

/// An API failure, answered as `{"error": {"code", "message", "field"}}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(err: E) -> Self {
        Self(err.into())
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The error shape of every API response with a 4xx or 5xx status.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code: `not_found`, `bad_request`, `method_not_allowed`,
    /// `unauthorized`, `forbidden`, `too_many_requests`, `payload_too_large` or `internal`.
    pub code: &'static str,
    pub message: String,
    /// The parameter at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ErrorBody {
    pub fn not_found() -> Self {
        ErrorBody {
            error: ErrorDetail {
                code: "not_found",
                message: "there is nothing at this address".into(),
                field: None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        let error = match &self.0 {
            AppError::NotFound => ErrorBody::not_found().error,
            AppError::BadRequest(crate::domain::FieldError { field, message }) => ErrorDetail {
                code: "bad_request",
                message: format!("{field}: {message}"),
                field: Some(field.clone()),
            },
            AppError::Unauthorized(message) => ErrorDetail {
                code: "unauthorized",
                message: (*message).to_owned(),
                field: None,
            },
            AppError::Forbidden(message) => ErrorDetail {
                code: "forbidden",
                message: (*message).to_owned(),
                field: None,
            },
            AppError::TooManyRequests(message) => ErrorDetail {
                code: "too_many_requests",
                message: message.clone(),
                field: None,
            },
            AppError::PayloadTooLarge(message) => ErrorDetail {
                code: "payload_too_large",
                message: message.clone(),
                field: None,
            },
            AppError::Conflict(message) => ErrorDetail {
                code: "conflict",
                message: message.clone(),
                field: message.starts_with("cursor:").then(|| "cursor".to_owned()),
            },
            AppError::MethodNotAllowed(method) => ErrorDetail {
                code: "method_not_allowed",
                message: format!("{method} is not supported here; the API is read-only (GET)"),
                field: None,
            },
            other => {
                tracing::error!(error = %other, "API request failed");
                ErrorDetail {
                    code: "internal",
                    message: "the request failed because of a problem on our side".into(),
                    field: None,
                }
            }
        };
        HttpResponse::build(self.status_code()).json(ErrorBody { error })
    }
}

type ApiResult = Result<HttpResponse, ApiError>;

// The handlers below look alike on purpose: each carries its own `#[utoipa::path]`, which is
// where the OpenAPI document's path, description and response type come from, and its body
// is a line or two over `list` and `items`. A macro writing them would hide the document's
// source for a saving of a few lines.

#[utoipa::path(
    get,
    path = "/api/v1/frameworks",
    tag = "knowledge",
    params(paging::ListPaging),
    responses(
        (status = 200, description = "One page of the frameworks, by slug", body = FrameworkList),
        (status = 400, description = "`limit` or `cursor` is not valid, or another parameter was given; `field` names it", body = ErrorBody),
    )
)]
pub async fn frameworks(pool: web::Data<SqlitePool>, request: HttpRequest) -> ApiResult {
    let (paging, after) = list_paging("frameworks", request.query_string())?;
    // One more than asked says whether there is a next page.
    let mut rows = db::frameworks::page_after(
        &pool,
        after.as_ref().map_or("", Slug::as_str),
        paging.limit as i64 + 1,
    )
    .await?;
    let more = rows.len() > paging.limit;
    rows.truncate(paging.limit);
    let frameworks: Vec<FrameworkItem> = items(rows);
    let next_cursor = next_list_cursor("frameworks", more, frameworks.last().map(|f| &f.slug));
    Ok(HttpResponse::Ok().json(FrameworkList {
        frameworks,
        next_cursor,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/frameworks/{slug}",
    tag = "knowledge",
    params(("slug" = String, Path, description = "Framework slug, e.g. `django`")),
    responses(
        (status = 200, description = "The framework with all its links", body = FrameworkDetail),
        (status = 404, description = "No such framework", body = ErrorBody),
    )
)]
pub async fn framework(pool: web::Data<SqlitePool>, slug: web::Path<String>) -> ApiResult {
    let f = db::frameworks::find(&pool, &slug)
        .await?
        .ok_or_else(AppError::not_found)?;
    // A flat object, as the API's contract has it: the list item's fields again, not nested.
    let detail = FrameworkDetail {
        languages: db::frameworks::team_languages(&pool, &slug)
            .await?
            .into_iter()
            .map(|l| l.slug.to_string())
            .collect(),
        sources: items(db::frameworks::sources(&pool, &slug).await?),
        requirements: items(db::frameworks::strengths(&pool, &slug).await?),
        industries: items(db::frameworks::fits(&pool, &slug).await?),
        features: items(db::frameworks::features(&pool, &slug).await?),
        use_cases: items(db::frameworks::use_cases(&pool, &slug).await?),
        trends: items(db::frameworks::trends(&pool, &slug).await?),
        slug: f.slug.to_string(),
        name: f.name,
        language: f.language_slug.to_string(),
        kind: f.kind.to_string(),
        ring: f.ring.to_string(),
        summary: f.summary,
        description: f.description,
        website: f.website,
        license: f.license,
        first_release: f.first_release,
        last_reviewed: f.last_reviewed,
        updated_at: f.updated_at,
        version: f.version,
    };
    Ok(HttpResponse::Ok().json(detail))
}

#[utoipa::path(
    get,
    path = "/api/v1/industries",
    tag = "knowledge",
    params(paging::ListPaging),
    responses(
        (status = 200, description = "One page of the industries with their use cases, by slug", body = IndustryList),
        (status = 400, description = "`limit` or `cursor` is not valid, or another parameter was given; `field` names it", body = ErrorBody),
    )
)]
pub async fn industries(pool: web::Data<SqlitePool>, request: HttpRequest) -> ApiResult {
    let (paging, after) = list_paging("industries", request.query_string())?;
    let (page, more) = paging::after_slug(
        db::catalogue::industries(pool.get_ref()).await?,
        |i| &i.slug,
        after.as_ref(),
        paging.limit,
    );
    let mut industries = Vec::with_capacity(page.len());
    for i in page {
        industries.push(IndustryItem {
            use_cases: items(db::catalogue::industry_use_cases(&pool, i.slug.as_str()).await?),
            slug: i.slug.to_string(),
            name: i.name,
            description: i.description,
            rubric: i.rubric.0,
        });
    }
    let next_cursor = next_list_cursor("industries", more, industries.last().map(|i| &i.slug));
    Ok(HttpResponse::Ok().json(IndustryList {
        industries,
        next_cursor,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/requirements",
    tag = "knowledge",
    params(paging::ListPaging),
    responses(
        (status = 200, description = "One page of the requirements a client can ask for, by slug", body = RequirementList),
        (status = 400, description = "`limit` or `cursor` is not valid, or another parameter was given; `field` names it", body = ErrorBody),
    )
)]
pub async fn requirements(pool: web::Data<SqlitePool>, request: HttpRequest) -> ApiResult {
    let (paging, after) = list_paging("requirements", request.query_string())?;
    let (page, more) = paging::after_slug(
        db::catalogue::requirements(pool.get_ref()).await?,
        |r| &r.slug,
        after.as_ref(),
        paging.limit,
    );
    let requirements: Vec<RequirementItem> = items(page);
    let next_cursor = next_list_cursor("requirements", more, requirements.last().map(|r| &r.slug));
    Ok(HttpResponse::Ok().json(RequirementList {
        requirements,
        next_cursor,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/languages",
    tag = "knowledge",
    params(paging::ListPaging),
    responses(
        (status = 200, description = "One page of the languages, by slug", body = LanguageList),
        (status = 400, description = "`limit` or `cursor` is not valid, or another parameter was given; `field` names it", body = ErrorBody),
    )
)]
pub async fn languages(pool: web::Data<SqlitePool>, request: HttpRequest) -> ApiResult {
    let (paging, after) = list_paging("languages", request.query_string())?;
    let (page, more) = paging::after_slug(
        db::catalogue::languages(pool.get_ref()).await?,
        |l| &l.slug,
        after.as_ref(),
        paging.limit,
    );
    let languages: Vec<LanguageItem> = items(page);
    let next_cursor = next_list_cursor("languages", more, languages.last().map(|l| &l.slug));
    Ok(HttpResponse::Ok().json(LanguageList {
        languages,
        next_cursor,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/trends",
    tag = "knowledge",
    params(paging::ListPaging),
    responses(
        (status = 200, description = "One page of the trends with the frameworks that follow each, by slug", body = TrendList),
        (status = 400, description = "`limit` or `cursor` is not valid, or another parameter was given; `field` names it", body = ErrorBody),
    )
)]
pub async fn trends(pool: web::Data<SqlitePool>, request: HttpRequest) -> ApiResult {
    let (paging, after) = list_paging("trends", request.query_string())?;
    let (page, more) = paging::after_slug(
        db::catalogue::trends(&pool).await?,
        |t| &t.slug,
        after.as_ref(),
        paging.limit,
    );
    let slugs: Vec<&str> = page.iter().map(|t| t.slug.as_str()).collect();
    let slugs = serde_json::to_string(&slugs).map_err(AppError::from)?;
    let attachments = db::catalogue::trend_frameworks(&pool, Some(&slugs)).await?;
    let trends: Vec<TrendItem> = page
        .into_iter()
        .map(|t| TrendItem {
            frameworks: db::catalogue::attached_to(&attachments, &t.slug)
                .map(|a| a.framework_slug.to_string())
                .collect(),
            slug: t.slug.to_string(),
            name: t.name,
            description: t.description,
        })
        .collect();
    let next_cursor = next_list_cursor("trends", more, trends.last().map(|t| &t.slug));
    Ok(HttpResponse::Ok().json(TrendList {
        trends,
        next_cursor,
    }))
}

/// `limit` and the slug a list's `cursor` names; any other parameter is a 400 naming it.
fn list_paging(list: &str, query_string: &str) -> Result<(paging::Paging, Option<Slug>), ApiError> {
    let (paging, _) = paging::split(query_string, paging::LIST_LIMIT, paging::LIST_MAX, false)?;
    let after = paging
        .cursor
        .as_deref()
        .map(|cursor| paging::read_list_cursor(list, cursor))
        .transpose()?;
    Ok((paging, after))
}

/// The cursor of the next page when there is one: the last slug shown.
fn next_list_cursor(list: &str, more: bool, last: Option<&String>) -> Option<String> {
    last.filter(|_| more)
        .map(|slug| paging::list_cursor(list, slug))
}

#[utoipa::path(
    get,
    path = "/api/v1/recommendations",
    tag = "recommendation",
    params(
        ("industry" = Option<String>, Query, description = "Industry slug"),
        ("need" = Option<Vec<String>>, Query, description = "Must-have requirement slug; repeatable. Frameworks below 4 of 5 are excluded."),
        ("want" = Option<Vec<String>>, Query, description = "Nice-to-have requirement slug; repeatable"),
        ("lang" = Option<Vec<String>>, Query, description = "Language slug the team knows; repeatable"),
        ("use" = Option<Vec<String>>, Query, description = "Use-case slug the project is; repeatable. Frameworks listed for it score higher."),
        ("q" = Option<String>, Query, description = "Free text, full-text searched; at most 200 characters"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 100, description = "Results on the page, 1 to 100; 25 when not given. The page holds as many exclusions too."),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page of the same question; absent or empty for the first page. A cursor given before the knowledge base changed is refused with 409: ask again without it."),
    ),
    responses(
        (status = 200, description = "One page of the ranked results with their breakdown and of the exclusions, and how firm the first place is", body = RecommendationsPage),
        (status = 400, description = "A parameter is unknown or malformed, or `cursor` was not given for this question; `field` names it", body = ErrorBody),
        (status = 409, description = "The knowledge base changed since `cursor` was given, so the ranking may differ: ask again without `cursor`", body = ErrorBody),
    )
)]
pub async fn recommendations(
    pool: web::Data<SqlitePool>,
    cache: web::Data<crate::snapshot::KnowledgeCache>,
    pages: web::Data<PageCache>,
    request: HttpRequest,
) -> ApiResult {
    let knowledge = cache.current(&pool).await?;
    // The answer depends on the knowledge version, the query string and the day (which
    // reviews are overdue, making the advice fragile).
    let key = format!(
        "api\n{}\n{}",
        crate::domain::today(),
        request.query_string()
    );
    if let Some(answer) = pages.get(knowledge.version, &key) {
        return Ok(answer.respond(&request, revalidate()));
    }
    let (paging, asked) = paging::split(
        request.query_string(),
        paging::RECOMMENDATION_LIMIT,
        paging::RECOMMENDATION_MAX,
        true,
    )?;
    // The API does not redirect: the radio-group form is the page's business, and empty
    // values simply mean "not given".
    let params = params::parse(&asked, &knowledge.names).map_err(recommendation::first_error)?;
    let question = paging::question(&params.to_query_string());
    let skip = match &paging.cursor {
        Some(cursor) => paging::Position::read(cursor, knowledge.version, question)?.skip,
        None => 0,
    };
    let (query, search) = recommendation::prepare(&pool, &params, &knowledge).await?;
    let mut recommendation = recommend::rank_from(
        &query,
        &knowledge.catalogue,
        &search,
        &knowledge.names,
        skip,
        Limits {
            results: paging.limit,
            excluded: paging.limit,
        },
        chrono::Utc::now().date_naive(),
    );
    db::recommend::fill_evidence(
        &pool,
        &knowledge,
        &mut recommendation,
        db::recommend::Explained::All,
    )
    .await?;
    let (total_results, total_excluded) =
        (recommendation.total_results, recommendation.total_excluded);
    let end = skip + paging.limit;
    let next_cursor = (end < total_results.max(total_excluded)).then(|| {
        paging::Position {
            version: knowledge.version,
            skip: end,
            question,
        }
        .cursor()
    });
    let mut body = RecommendationsBody::new(&params, recommendation);
    if skip > 0 {
        // The firmness names the first result, which a later page does not hold.
        body.sensitivity = None;
        body.stability.clear();
    }
    let page = RecommendationsPage {
        body,
        total_results,
        total_excluded,
        next_cursor,
    };
    let body = serde_json::to_vec(&page).map_err(AppError::from)?;
    let answer = Representation::new(StatusCode::OK, "application/json", body);
    Ok(pages
        .keep(knowledge.version, key, answer)
        .respond(&request, revalidate()))
}

/// One page of a recommendation: the results ranked from the page's position on, as many
/// exclusions (by name) from the same position, and how many there are in all. `close_call`
/// is the whole answer's on every page; `sensitivity` and `stability`, which are about the
/// first result, are on the first page only (null and empty on later ones).
#[derive(Debug, Serialize, ToSchema)]
pub struct RecommendationsPage {
    #[serde(flatten)]
    pub body: RecommendationsBody,
    /// Frameworks that passed every must-have, on every page.
    pub total_results: usize,
    /// Frameworks left out, on every page.
    pub total_excluded: usize,
    /// Pass as `cursor` for the next page (more results or more exclusions); null on the
    /// last.
    pub next_cursor: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/suggestions",
    tag = "recommendation",
    params(
        ("text" = String, Query, max_length = 2000, description = "The client's description of the project, in their own words; at most 2,000 characters"),
    ),
    responses(
        (status = 200, description = "The filters the description suggests, each with the words it came from, and what the client ruled out", body = SuggestionsBody),
        (status = 400, description = "`text` is missing, given twice or too long, or another parameter was given; `field` names it", body = ErrorBody),
    )
)]
pub async fn suggestions(
    pool: web::Data<SqlitePool>,
    cache: web::Data<crate::snapshot::KnowledgeCache>,
    request: HttpRequest,
) -> ApiResult {
    let text = description(request.query_string())?;
    let knowledge = cache.current(&pool).await?;
    let reading = crate::suggest::suggest(&knowledge.lexicon, &text)
        .map_err(|too_long| AppError::bad_request("text", too_long.to_string()))?;
    Ok(HttpResponse::Ok().json(SuggestionsBody::from(&reading)))
}

/// The `text` of a suggestions request, the only parameter it takes.
fn description(query_string: &str) -> Result<String, AppError> {
    let mut text = None;
    for (key, value) in form_urlencoded::parse(query_string.as_bytes()) {
        match key.as_ref() {
            "text" if text.is_some() => {
                return Err(AppError::bad_request("text", "give the text once"));
            }
            "text" => text = Some(value.into_owned()),
            other => {
                return Err(AppError::bad_request(
                    other,
                    "is not a parameter of this request; it takes `text`",
                ));
            }
        }
    }
    text.ok_or_else(|| {
        AppError::bad_request(
            "text",
            "is required: the client's description of the project",
        )
    })
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "stackatlas API",
        description = "Read-only access to the stackatlas knowledge base of backend frameworks and to its explained recommendations."
    ),
    modifiers(&SessionCookie),
    paths(
        frameworks,
        framework,
        industries,
        requirements,
        languages,
        trends,
        recommendations,
        suggestions,
        briefs::index,
        briefs::show
    ),
    components(schemas(
        ErrorBody,
        ErrorDetail,
        FrameworkItem,
        FrameworkDetail,
        StrengthItem,
        FitItem,
        SourceItem,
        Named,
        UseCaseItem,
        IndustryItem,
        RequirementItem,
        LanguageItem,
        TrendItem,
        QueryEcho,
        RecommendationsBody,
        RecommendationsPage,
        FrameworkList,
        IndustryList,
        RequirementList,
        LanguageList,
        TrendList,
        Ranked,
        Criterion,
        CriterionKind,
        Excluded,
        Exclusion,
        CloseCall,
        SuggestionsBody,
        SuggestionItem,
        SuggestedParam,
        LeftOutItem,
        SuggestedKind,
        briefs::BriefList,
        briefs::BriefSummaryItem,
        briefs::BriefItem,
        briefs::OwnerItem,
        briefs::OutcomeItem,
        briefs::RevisionSummaryItem,
        briefs::RevisionItem,
        Sensitivity,
        Change,
        FragileReason,
        StabilityInterval,
        Bound
    ))
)]
pub struct ApiDoc;

/// The briefs answer signed-in users only: the session cookie the sign-in page sets.
struct SessionCookie;

impl utoipa::Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "session",
                SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                    crate::auth::SESSION_COOKIE,
                    "The session cookie set by signing in at /login",
                ))),
            );
    }
}

pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

/// Any other address under `/api`, answered in JSON. (Another method on an address the API
/// has is a 405 from the route table, dressed by `table::dress_method_not_allowed`.)
pub async fn not_found() -> HttpResponse {
    HttpResponse::NotFound().json(ErrorBody::not_found())
}
