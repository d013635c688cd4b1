//! `/admin…`: the editors' pages. The whole scope is guarded in `startup.rs` (editors and
//! admins only); pages for admins alone check again here.

pub mod activity;
pub mod changes;
pub mod editing;
pub mod flags;
pub mod frameworks;
pub mod health;
pub mod impact;
pub mod listing;
pub mod radar_editions;
pub mod reference;
pub mod stakes;
pub mod terms;
pub mod users;

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use sqlx::SqlitePool;

use crate::auth::CurrentUser;
use crate::db::activity::{Change, DueForReview, due_for_review, recent_changes};
use crate::db::briefs::Asked;
use crate::db::flags::OpenTally;
use crate::error::Result;
use crate::memo::Memo;
use crate::snapshot::KnowledgeCache;
use stakes::ReviewQueue;

/// How many ratings at stake the desk lists.
const AT_STAKE_SHOWN: usize = 15;

/// Entries not reviewed for this long are listed on the admin home.
pub const REVIEW_AFTER_MONTHS: i64 = 6;

#[derive(Debug, serde::Deserialize)]
pub struct PreviewForm {
    pub markdown: String,
    pub csrf_token: String,
}

/// Renders Markdown as the public pages will show it (sanitised), for the editors' live
/// preview.
pub async fn preview(user: CurrentUser, form: web::Form<PreviewForm>) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(crate::markdown::to_safe_html(&form.markdown)))
}

#[derive(Template)]
#[template(path = "admin/home.html")]
pub struct HomePage {
    pub user_name: String,
    pub is_admin: bool,
    pub due: Vec<DueForReview>,
    pub at_stake: ReviewQueue,
    pub changes: Vec<Change>,
    pub review_after_months: i64,
    /// Only admins see the emails of accounts that changed.
    pub show_emails: bool,
    /// The open flags from sales.
    pub flags: Arc<OpenTally>,
    /// Change requests waiting for this reader's review.
    pub changes_for_you: i64,
}

impl HomePage {
    fn open_flags(&self) -> i64 {
        self.flags.total()
    }
}

/// Every open flag counted, read again only after a committed write ([`Memo`]): the desk,
/// the flags queue and the frameworks list show it on every load.
pub async fn open_flags(
    pool: &SqlitePool,
    cache: &KnowledgeCache,
    tally: &Memo<OpenTally>,
) -> Result<Arc<OpenTally>> {
    let versions = cache.versions(pool).await?;
    Ok(tally
        .get_or_load(versions, crate::db::flags::open_tally(pool))
        .await?)
}

pub async fn home(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    tally: web::Data<Memo<OpenTally>>,
    weighed: web::Data<Memo<Vec<Asked>>>,
    user: CurrentUser,
) -> Result<HttpResponse> {
    let knowledge = cache.current(&pool).await?;
    let asked = stakes::askings(&pool, &cache, &weighed).await?;
    let flags = open_flags(&pool, &cache, &tally).await?;
    let at_stake =
        stakes::review_queue(&pool, &knowledge, asked, &flags.by_subject, AT_STAKE_SHOWN).await?;
    let page = HomePage {
        at_stake,
        user_name: user.name().to_owned(),
        is_admin: user.role().is_admin(),
        due: due_for_review(&pool, REVIEW_AFTER_MONTHS).await?,
        changes: recent_changes(&pool, 20).await?,
        review_after_months: REVIEW_AFTER_MONTHS,
        show_emails: user.role().is_admin(),
        flags,
        changes_for_you: crate::db::change_requests::waiting_for(&pool, user.0.user.id).await?,
    };
    super::html(StatusCode::OK, &page)
}
