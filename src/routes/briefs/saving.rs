//! Saving a brief (`/briefs/new`, `POST /briefs`) and editing one (`/briefs/{id}/edit`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use sqlx::SqlitePool;

use super::form::{BriefEntry, BriefForm, EditForm, SaveForm, hidden_fields, owner};
use super::{load_to_change, pin};
use crate::auth::CurrentUser;
use crate::db;
use crate::db::briefs::{Brief, Pin, Pinned};
use crate::db::editing::{Outcome, Stored};
use crate::db::recommend::Knowledge;
use crate::domain::FieldError;
use crate::error::{AppError, Result};
use crate::recommend::params;
use crate::routes::admin::editing::{Change, changes, see_other};
use crate::routes::query::summary;
use crate::snapshot::KnowledgeCache;

/// The form that saves a query as a brief, with the query in words above it.
#[derive(Template)]
#[template(path = "briefs/new.html")]
pub struct NewPage {
    pub form: BriefForm,
    pub errors: Vec<FieldError>,
    /// What is wrong with the query itself; nothing can be saved until it is fixed.
    pub query_errors: Vec<FieldError>,
    /// The query's parameters, carried as hidden fields.
    pub hidden: Vec<(String, String)>,
    pub summary: Vec<(&'static str, String)>,
    /// The query page with this query, to go back to.
    pub query_link: String,
    pub csrf_token: String,
}

impl NewPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        FieldError::message_for(&self.errors, field)
    }
}

/// The save form for `query_string` with `form`'s values and `errors`; a query that does not
/// parse is shown with its problems and no form.
fn new_page(
    knowledge: &Knowledge,
    query_string: &str,
    form: BriefForm,
    errors: Vec<FieldError>,
    user: &CurrentUser,
) -> NewPage {
    let (hidden, summary, query_link, query_errors) =
        match params::parse(query_string, &knowledge.names) {
            Ok(params) => {
                let canonical = params.to_query_string();
                let link = if canonical.is_empty() {
                    "/".to_owned()
                } else {
                    format!("/?{canonical}")
                };
                (
                    hidden_fields(&canonical),
                    summary(&params, &knowledge.names),
                    link,
                    Vec::new(),
                )
            }
            Err(query_errors) => (Vec::new(), Vec::new(), "/".to_owned(), query_errors),
        };
    NewPage {
        form,
        errors,
        query_errors,
        hidden,
        summary,
        query_link,
        csrf_token: user.csrf_token().to_owned(),
    }
}

/// `GET /briefs/new?{query}`: the save form for a query of the query page.
pub async fn new(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    request: HttpRequest,
) -> Result<HttpResponse> {
    let knowledge = cache.current(&pool).await?;
    let page = new_page(
        &knowledge,
        request.query_string(),
        BriefForm::default(),
        Vec::new(),
        &user,
    );
    let status = if page.query_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    crate::routes::html(status, &page)
}

/// `POST /briefs`: saves the brief, ranking its query on the knowledge as it is now and
/// pinning the answer as revision 1; the saver owns it. 303 to the brief; 422 with the
/// messages at the fields.
pub async fn create(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse> {
    let form = SaveForm::from_pairs(form.into_inner());
    user.check_csrf(&form.csrf_token)?;
    // The form again with the messages: at the brief's fields, and above them for the query.
    let again = async |errors: Vec<FieldError>, query_errors: Vec<FieldError>| {
        let knowledge = cache.current(&pool).await?;
        let mut page = new_page(&knowledge, &form.query, form.brief.clone(), errors, &user);
        if page.query_errors.is_empty() {
            page.query_errors = query_errors;
        }
        crate::routes::html(StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    let draft = match form.brief.parse() {
        Ok(draft) => draft,
        Err(errors) => return again(errors, Vec::new()).await,
    };
    let owner = user.0.user.id;
    let pinned = pin(&pool, &cache, &form.query, async |pin: &Pin| {
        db::briefs::create(&pool, &draft, owner, pin).await
    })
    .await?;
    match pinned {
        Ok(Pinned::Done { brief_id, .. }) => Ok(see_other(format!("/briefs/{brief_id}"))),
        // `pin` ranks again until the knowledge holds still, and a new brief cannot be gone.
        Ok(Pinned::KnowledgeMoved | Pinned::Gone) => Err(AppError::Conflict(
            "The brief could not be saved just now. Try again in a moment.".to_owned(),
        )),
        Err(query_errors) => again(Vec::new(), query_errors).await,
    }
}

/// The edit form of a brief: client, project, notes, and (for editors and admins) the owner.
#[derive(Template)]
#[template(path = "briefs/edit.html")]
pub struct EditPage {
    pub id: i64,
    /// The brief as stored, for the title.
    pub name: String,
    pub form: BriefForm,
    pub owner: i64,
    /// The accounts it may be handed to, (id, label); empty when this user may not.
    pub owners: Vec<(i64, String)>,
    pub version: i64,
    pub csrf_token: String,
    pub errors: Vec<FieldError>,
    /// The fields someone else saved differently, when this save came too late.
    pub conflict: Vec<Change>,
}

impl EditPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        FieldError::message_for(&self.errors, field)
    }

    fn errors_title(&self) -> String {
        match self.errors.len() {
            1 => "1 field needs attention".to_owned(),
            n => format!("{n} fields need attention"),
        }
    }
}

/// The accounts a brief can be handed to by `user`: every enabled one, and its present
/// owner whatever their state; none for a viewer. Names only, with emails for admins (as on
/// every page).
async fn owner_choices(
    pool: &SqlitePool,
    user: &CurrentUser,
    brief: &Brief,
) -> Result<(Vec<(i64, String)>, Vec<i64>)> {
    let accounts = db::users::list(pool).await?;
    let active: Vec<i64> = accounts
        .iter()
        .filter(|a| !a.disabled)
        .map(|a| a.id)
        .collect();
    if !user.role().can_edit() {
        return Ok((Vec::new(), active));
    }
    let choices = accounts
        .into_iter()
        .filter(|a| !a.disabled || a.id == brief.owner_id)
        .map(|a| {
            let label = if user.role().is_admin() {
                format!("{} <{}>", a.name, a.email.as_str())
            } else {
                format!("{} ({})", a.name, a.role.label().to_lowercase())
            };
            (a.id, label)
        })
        .collect();
    Ok((choices, active))
}

fn edit_page(
    brief: &Brief,
    form: BriefForm,
    owner: i64,
    owners: Vec<(i64, String)>,
    user: &CurrentUser,
) -> EditPage {
    EditPage {
        id: brief.id,
        name: format!("{}: {}", brief.client, brief.project),
        form,
        owner,
        owners,
        version: brief.version,
        csrf_token: user.csrf_token().to_owned(),
        errors: Vec::new(),
        conflict: Vec::new(),
    }
}

/// `GET /briefs/{id}/edit`.
pub async fn edit(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let brief = load_to_change(&pool, &user, &id).await?;
    let (owners, _) = owner_choices(&pool, &user, &brief).await?;
    let form = BriefForm {
        client: brief.client.clone(),
        project: brief.project.clone(),
        notes: brief.notes.clone(),
    };
    let page = edit_page(&brief, form, brief.owner_id, owners, &user);
    crate::routes::html(StatusCode::OK, &page)
}

/// `POST /briefs/{id}/edit`: saves the edit if nobody saved since the form was loaded; a
/// stale version is refused (409) with the form kept and what differs shown, never
/// overwritten.
pub async fn update(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<EditForm>,
) -> Result<HttpResponse> {
    user.check_csrf(&form.csrf_token)?;
    let brief = load_to_change(&pool, &user, &id).await?;
    let (owners, active) = owner_choices(&pool, &user, &brief).await?;
    let submitted = form.brief();
    let chosen_owner = owner(
        form.owner.as_deref(),
        brief.owner_id,
        &active,
        user.role().can_edit(),
    );
    let draft = submitted.parse();
    let (draft, new_owner) = match (draft, chosen_owner) {
        (Ok(draft), Ok(new_owner)) => (draft, new_owner),
        (draft, chosen_owner) => {
            let mut errors = draft.err().unwrap_or_default();
            errors.extend(chosen_owner.err());
            let shown_owner = form
                .owner
                .as_deref()
                .and_then(|o| o.parse().ok())
                .unwrap_or(brief.owner_id);
            let mut page = edit_page(&brief, submitted, shown_owner, owners, &user);
            page.version = form.version;
            page.errors = errors;
            return crate::routes::html(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let outcome = db::briefs::update(
        &pool,
        brief.id,
        form.version,
        &draft,
        new_owner,
        user.0.user.id,
    )
    .await?;
    match outcome {
        Outcome::Done => Ok(see_other(format!("/briefs/{}", brief.id))),
        Outcome::Conflict(current) => {
            let Stored {
                record: theirs,
                version,
            } = *current;
            let mine_owner = if new_owner == theirs.owner_id {
                theirs.owner_name.clone()
            } else {
                db::users::find(&pool, new_owner)
                    .await?
                    .map_or_else(String::new, |u| u.name)
            };
            let mine = BriefEntry {
                client: draft.client.clone(),
                project: draft.project.clone(),
                notes: draft.notes.clone(),
                owner: mine_owner,
            };
            let conflict = changes(&BriefEntry::stored(&theirs), &mine);
            let mut page = edit_page(&theirs, submitted, new_owner, owners, &user);
            page.conflict = conflict;
            page.version = version;
            crate::routes::html(StatusCode::CONFLICT, &page)
        }
        Outcome::Gone | Outcome::SlugTaken | Outcome::Blocked(_) => Err(AppError::not_found()),
    }
}
