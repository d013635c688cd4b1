//! `/admin/users`: admins invite people by creating their account, change roles and
//! disable accounts.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use crate::auth::{self, CurrentUser};
use crate::db::users::{self, AccountChange, CreateError, User};
use crate::domain::{Email, FieldError, Invalid, Role};
use crate::error::{AppError, Result};
use crate::sign_in::{Busy, PasswordGate};

fn require_admin(user: &CurrentUser) -> Result<()> {
    if user.role().is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden("Only admins manage accounts."))
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NewUserForm {
    pub email: String,
    pub name: String,
    pub role: String,
    pub password: String,
    pub csrf_token: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    pub users: Vec<User>,
    pub me: String,
    pub csrf_token: String,
    pub roles: &'static [Role],
    pub form: NewUserForm,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub min_password: usize,
}

impl UsersPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    pub done: Option<String>,
    pub email: Option<String>,
}

/// The confirmation shown after a change; only known actions produce text.
fn notice(query: &NoticeQuery) -> Option<String> {
    let email = query.email.as_deref().unwrap_or("the account");
    let text = match query.done.as_deref()? {
        "created" => format!(
            "Created the account {email}. Give them their password in person or by a secure channel."
        ),
        "role" => format!("Changed the role of {email}."),
        "disabled" => format!("Disabled {email} and ended their sessions."),
        "enabled" => format!("Enabled {email} again."),
        _ => return None,
    };
    Some(text)
}

async fn page(
    pool: &SqlitePool,
    user: &CurrentUser,
    form: NewUserForm,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<UsersPage> {
    Ok(UsersPage {
        users: users::list(pool).await?,
        me: user.email().to_owned(),
        csrf_token: user.csrf_token().to_owned(),
        roles: Role::ALL,
        form,
        errors,
        notice,
        min_password: auth::MIN_PASSWORD_CHARS,
    })
}

pub async fn index(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse> {
    require_admin(&user)?;
    let form = NewUserForm {
        role: Role::Editor.as_str().to_owned(),
        ..NewUserForm::default()
    };
    let page = page(&pool, &user, form, Vec::new(), notice(&query)).await?;
    super::super::html(StatusCode::OK, &page)
}

fn done(action: &str, email: &str) -> HttpResponse {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("done", action)
        .append_pair("email", email)
        .finish();
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/admin/users?{query}")))
        .finish()
}

pub async fn create(
    pool: web::Data<SqlitePool>,
    gate: web::Data<PasswordGate>,
    user: CurrentUser,
    form: web::Form<NewUserForm>,
) -> Result<HttpResponse> {
    require_admin(&user)?;
    user.check_csrf(&form.csrf_token)?;
    let form = form.into_inner();
    let mut errors = Vec::new();
    let email = Email::parse(&form.email)
        .map_err(|e| errors.push(FieldError::new("email", e.0)))
        .ok();
    let name = form.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 120 {
        errors.push(FieldError::new("name", "must be 1 to 120 characters"));
    }
    let role = Role::parse(&form.role)
        .map_err(|e| errors.push(FieldError::new("role", e.0)))
        .ok();
    let hashed = gate.hash(form.password.clone()).await.unwrap_or_else(|Busy| {
        Err(Invalid(
            "could not be set: many passwords are being checked at this moment; submit again in a few seconds"
                .into(),
        ))
    });
    let hash = hashed
        .map_err(|e| errors.push(FieldError::new("password", e.0)))
        .ok();
    if let (Some(email), Some(role), Some(hash), true) = (&email, role, &hash, errors.is_empty()) {
        match users::create(&pool, email.as_str(), &name, role, hash, user.email()).await {
            Ok(_) => return Ok(done("created", email.as_str())),
            Err(CreateError::EmailTaken) => errors.push(FieldError::new(
                "email",
                "an account with this email already exists",
            )),
            Err(CreateError::Database(e)) => return Err(e.into()),
        }
    }
    // The password is never sent back.
    let kept = NewUserForm {
        password: String::new(),
        ..form
    };
    let page = page(&pool, &user, kept, errors, None).await?;
    super::super::html(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    pub role: String,
    pub csrf_token: String,
}

/// An admin's change to someone else's account (never their own), then back to the list
/// saying what was `done`.
async fn change_other_account(
    pool: &SqlitePool,
    me: &CurrentUser,
    id: i64,
    csrf_token: &str,
    change: AccountChange<'_>,
    done: &str,
) -> Result<HttpResponse> {
    require_admin(me)?;
    me.check_csrf(csrf_token)?;
    let target = users::find(pool, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    if target.email.as_str() == me.email() {
        return Err(AppError::Forbidden(
            "You cannot change your own role or access; ask another admin.",
        ));
    }
    let email = target.email.as_str();
    users::change_account(pool, email, change, me.email()).await?;
    Ok(self::done(done, email))
}

pub async fn update_role(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<RoleForm>,
) -> Result<HttpResponse> {
    let role = Role::parse(&form.role).map_err(|e| AppError::bad_request("role", e.0))?;
    let change = AccountChange::Role(role);
    change_other_account(&pool, &user, *id, &form.csrf_token, change, "role").await
}

#[derive(Debug, Deserialize)]
pub struct AccessForm {
    pub disabled: bool,
    pub csrf_token: String,
}

pub async fn update_access(
    pool: web::Data<SqlitePool>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<AccessForm>,
) -> Result<HttpResponse> {
    let change = AccountChange::Disabled(form.disabled);
    let done = if form.disabled { "disabled" } else { "enabled" };
    change_other_account(&pool, &user, *id, &form.csrf_token, change, done).await
}
