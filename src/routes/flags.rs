//! `/flags…`: flags from sales. Beside every rating, fit and fact the pages show, a signed-in
//! user finds a "Flag" link ([`new_href`], drawn by `templates/flags/link.html`) to the form
//! at `/flags/new`; `POST /flags` records the flag, and `/flags/mine` lists the user's flags
//! with the editors' answers. Editors resolve them at `/admin/flags` (`admin::flags`). The
//! whole scope is for signed-in users of any role, guarded in `startup.rs`.

use std::fmt::Display;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use crate::auth::CurrentUser;
use crate::db;
use crate::db::flags::{Flag, NewFlag};
use crate::domain::{FieldError, FlagReason, FlagStatus, FlagSubjectKind};
use crate::error::{AppError, Result};
use crate::recommend::Names;
use crate::routes::admin::editing::{author, see_other};
use crate::routes::recommendation::CriterionKind;
use crate::snapshot::KnowledgeCache;

/// The facts of a framework that can be flagged: the field's name (the flag's `subject`)
/// and how pages call it. The names are those of the knowledge document's framework record.
pub const FACTS: &[(&str, &str)] = &[
    ("summary", "Summary"),
    ("description", "About"),
    ("language", "Written in"),
    ("languages", "Teams write"),
    ("kind", "Kind"),
    ("ring", "Radar ring"),
    ("license", "License"),
    ("first_release", "First release"),
    ("website", "Website"),
    ("use_cases", "Use cases"),
    ("features", "Features"),
    ("trends", "Trends"),
    ("sources", "Sources"),
];

/// Longest comment on a flag (the schema's limit).
pub const MAX_COMMENT_CHARS: usize = 2_000;
/// Longest address to come back to: a page of the site, not a document.
const MAX_BACK_CHARS: usize = 2_000;

/// The address of the flag form for one subject of `framework`, coming back to `back` (a
/// local path; empty for none) once the flag is sent.
pub fn new_href(
    framework: impl Display,
    kind: impl Display,
    subject: impl Display,
    back: impl Display,
) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("framework", &framework.to_string())
        .append_pair("subject_kind", &kind.to_string())
        .append_pair("subject", &subject.to_string());
    let back = back.to_string();
    if !back.is_empty() {
        query.append_pair("back", &back);
    }
    format!("/flags/new?{}", query.finish())
}

/// What a criterion of a result is about, as a flag names it: a requirement's strength, an
/// industry's fit, or the fact behind the language, use-case and maturity points. The free
/// text search rests on no figure of ours, so it has nothing to flag.
pub fn criterion_subject(kind: CriterionKind, subject: &str) -> Option<(FlagSubjectKind, String)> {
    let (kind, subject) = match kind {
        CriterionKind::Industry => (FlagSubjectKind::Industry, subject),
        CriterionKind::MustHave | CriterionKind::NiceToHave => {
            (FlagSubjectKind::Requirement, subject)
        }
        CriterionKind::Language => (FlagSubjectKind::Fact, "languages"),
        CriterionKind::UseCase => (FlagSubjectKind::Fact, "use_cases"),
        CriterionKind::Maturity => (FlagSubjectKind::Fact, "ring"),
        CriterionKind::Search => return None,
    };
    (!subject.is_empty()).then(|| (kind, subject.to_owned()))
}

/// How pages name a flag's subject: the requirement's or industry's name, the fact's label.
pub fn subject_label(kind: FlagSubjectKind, subject: &str, names: &Names) -> String {
    let known = match kind {
        FlagSubjectKind::Requirement => names.requirements.get(subject).cloned(),
        FlagSubjectKind::Industry => names.industries.get(subject).cloned(),
        FlagSubjectKind::Fact => fact_label(subject).map(str::to_owned),
    };
    known.unwrap_or_else(|| subject.to_owned())
}

fn fact_label(field: &str) -> Option<&'static str> {
    FACTS
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, label)| *label)
}

/// The subject a flag names, checked against the vocabulary: an unknown kind or subject is
/// named at its field.
pub fn check_subject(
    kind: &str,
    subject: &str,
    names: &Names,
) -> Result<(FlagSubjectKind, String), FieldError> {
    let kind = FlagSubjectKind::parse(kind.trim())
        .map_err(|invalid| FieldError::new("subject_kind", invalid.0))?;
    let subject = subject.trim();
    let known = match kind {
        FlagSubjectKind::Requirement => names.requirements.contains_key(subject),
        FlagSubjectKind::Industry => names.industries.contains_key(subject),
        FlagSubjectKind::Fact => fact_label(subject).is_some(),
    };
    if known {
        return Ok((kind, subject.to_owned()));
    }
    let message = match kind {
        FlagSubjectKind::Requirement => {
            format!("there is no requirement “{subject}” in the knowledge base")
        }
        FlagSubjectKind::Industry => {
            format!("there is no industry “{subject}” in the knowledge base")
        }
        FlagSubjectKind::Fact => format!(
            "“{subject}” is not a fact of a framework; expected one of: {}",
            FACTS.iter().map(|(f, _)| *f).collect::<Vec<_>>().join(", ")
        ),
    };
    Err(FieldError::new("subject", message))
}

/// The page to come back to: empty for none, otherwise a path of this site (the same rule
/// as after sign-in, so a crafted link cannot send anyone elsewhere).
pub fn check_back(back: &str) -> Result<Option<String>, FieldError> {
    let back = back.trim();
    if back.is_empty() {
        return Ok(None);
    }
    if back.chars().count() > MAX_BACK_CHARS || crate::auth::safe_next(Some(back)) != back {
        return Err(FieldError::new(
            "back",
            "must be a page of this site, starting with a single /",
        ));
    }
    Ok(Some(back.to_owned()))
}

/// The flag form as sent (and, for `GET /flags/new`, as linked: the subject alone).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FlagForm {
    #[serde(default)]
    pub framework: String,
    #[serde(default)]
    pub subject_kind: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub back: String,
    #[serde(default)]
    pub csrf_token: String,
}

/// What a flag says besides its subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub reason: FlagReason,
    pub comment: String,
}

impl FlagForm {
    /// The reason and comment, or each one's problem. A flag calling a figure wrong says
    /// what is wrong with it: the editor has to check it against something.
    pub fn said(&self) -> Result<Said, Vec<FieldError>> {
        let mut errors = Vec::new();
        let reason = FlagReason::parse(self.reason.trim())
            .map_err(|_| {
                errors.push(FieldError::new(
                    "reason",
                    "choose wrong, out of date or missing source",
                ))
            })
            .ok();
        // Browsers send a text area's line breaks as CRLF; one kind is kept.
        let comment = self.comment.replace("\r\n", "\n").trim().to_owned();
        let chars = comment.chars().count();
        if chars > MAX_COMMENT_CHARS {
            errors.push(FieldError::new(
                "comment",
                format!("must be at most {MAX_COMMENT_CHARS} characters (it has {chars})"),
            ));
        } else if comment.is_empty() && reason == Some(FlagReason::Wrong) {
            errors.push(FieldError::new(
                "comment",
                "say what is wrong and, if you know, what is right",
            ));
        }
        match reason {
            Some(reason) if errors.is_empty() => Ok(Said { reason, comment }),
            _ => Err(errors),
        }
    }
}

/// What a flag is about, as the form shows it: the figure with its note and sources, or the
/// fact's value.
pub struct Flagged {
    pub framework_id: i64,
    pub framework_slug: String,
    pub framework_name: String,
    pub kind: FlagSubjectKind,
    pub subject: String,
    pub label: String,
    /// The figure, 0–5, for a requirement or an industry that has one.
    pub score: Option<crate::domain::Score>,
    /// The fact's value as text, or what is recorded instead of a figure.
    pub value: String,
    pub note: String,
    pub sources: Vec<String>,
    pub reviewed: Option<String>,
    pub reviewer: Option<String>,
    /// Where the subject is on the framework's page.
    pub href: String,
}

/// Names listed as one line.
fn listed<T>(items: &[T], name: impl Fn(&T) -> &str) -> String {
    let names: Vec<&str> = items.iter().map(name).collect();
    if names.is_empty() {
        "None recorded".to_owned()
    } else {
        names.join(", ")
    }
}

fn or_not_recorded(value: &str) -> String {
    if value.trim().is_empty() {
        "Not recorded".to_owned()
    } else {
        value.to_owned()
    }
}

/// Finds what `form` names in the knowledge base as it is now; an unknown framework, kind
/// or subject is named at its field.
async fn flagged(
    pool: &SqlitePool,
    names: &Names,
    form: &FlagForm,
) -> Result<Result<Flagged, Vec<FieldError>>> {
    let slug = form.framework.trim();
    let framework = if slug.is_empty() {
        None
    } else {
        db::frameworks::find(pool, slug).await?
    };
    let subject = check_subject(&form.subject_kind, &form.subject, names);
    let (framework, (kind, subject)) = match (framework, subject) {
        (Some(framework), Ok(subject)) => (framework, subject),
        (framework, subject) => {
            let mut errors = Vec::new();
            if framework.is_none() {
                let message = if slug.is_empty() {
                    "say which framework the flag is about".to_owned()
                } else {
                    format!("there is no framework “{slug}” in the knowledge base")
                };
                errors.push(FieldError::new("framework", message));
            }
            errors.extend(subject.err());
            return Ok(Err(errors));
        }
    };
    let framework_id = db::flags::framework_id(pool, framework.slug.as_str())
        .await?
        .ok_or_else(AppError::not_found)?;
    let slug = framework.slug.as_str().to_owned();
    let mut shown = Flagged {
        framework_id,
        framework_slug: slug.clone(),
        framework_name: framework.name.clone(),
        kind,
        label: subject_label(kind, &subject, names),
        subject: subject.clone(),
        score: None,
        value: String::new(),
        note: String::new(),
        sources: Vec::new(),
        reviewed: None,
        reviewer: None,
        href: format!("/frameworks/{slug}"),
    };
    match kind {
        FlagSubjectKind::Requirement => {
            shown.href = format!("/frameworks/{slug}#requirement-{subject}");
            let rated = db::frameworks::strengths(pool, &slug)
                .await?
                .into_iter()
                .find(|s| s.requirement_slug.as_str() == subject);
            match rated {
                Some(s) => {
                    shown.score = Some(s.strength);
                    shown.note = s.note;
                    shown.sources = s.sources.0;
                    shown.reviewed = s.reviewed;
                    shown.reviewer = s.reviewer;
                }
                None => shown.value = "No strength recorded".to_owned(),
            }
        }
        FlagSubjectKind::Industry => {
            shown.href = format!("/frameworks/{slug}#industry-{subject}");
            let rated = db::frameworks::fits(pool, &slug)
                .await?
                .into_iter()
                .find(|f| f.industry_slug.as_str() == subject);
            match rated {
                Some(f) => {
                    shown.score = Some(f.fit);
                    shown.note = f.note;
                    shown.sources = f.sources.0;
                    shown.reviewed = f.reviewed;
                    shown.reviewer = f.reviewer;
                }
                None => shown.value = "No fit recorded".to_owned(),
            }
        }
        FlagSubjectKind::Fact => {
            shown.value = match subject.as_str() {
                "summary" => or_not_recorded(&framework.summary),
                "description" => or_not_recorded(&framework.description),
                "language" => framework.language_name.clone(),
                "languages" => listed(&db::frameworks::team_languages(pool, &slug).await?, |t| {
                    &t.name
                }),
                "kind" => framework.kind.label().to_owned(),
                "ring" => format!("{} — {}", framework.ring.label(), framework.ring.advice()),
                "license" => or_not_recorded(&framework.license),
                "first_release" => framework
                    .first_release
                    .map_or_else(|| "Not recorded".to_owned(), |y| y.to_string()),
                "website" => or_not_recorded(&framework.website),
                "use_cases" => listed(&db::frameworks::use_cases(pool, &slug).await?, |u| &u.name),
                "features" => listed(&db::frameworks::features(pool, &slug).await?, |t| &t.name),
                "trends" => listed(&db::frameworks::trends(pool, &slug).await?, |t| &t.name),
                _ => {
                    let sources = db::frameworks::sources(pool, &slug).await?;
                    shown.sources = sources.iter().map(|s| s.url.clone()).collect();
                    listed(&sources, |s| &s.title)
                }
            };
        }
    }
    Ok(Ok(shown))
}

/// The flag form, with what it flags above it.
#[derive(Template)]
#[template(path = "flags/new.html")]
pub struct NewPage {
    /// What is flagged; `None` when the form names nothing that exists.
    pub flagged: Option<Flagged>,
    pub form: FlagForm,
    pub errors: Vec<FieldError>,
    pub reasons: &'static [FlagReason],
    pub csrf_token: String,
}

impl NewPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        FieldError::message_for(&self.errors, field)
    }

    /// Where "Cancel" leads: the page the user came from, else the framework's page.
    fn cancel_href(&self) -> String {
        match check_back(&self.form.back) {
            Ok(Some(back)) => back,
            _ => self
                .flagged
                .as_ref()
                .map_or_else(|| "/flags/mine".to_owned(), |f| f.href.clone()),
        }
    }
}

/// `GET /flags/new?framework=&subject_kind=&subject=[&back=]`: the form for one subject.
/// A link naming nothing that exists is a 400 page naming the parameter.
pub async fn new(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    query: web::Query<FlagForm>,
) -> Result<HttpResponse> {
    let knowledge = cache.current(&pool).await?;
    let form = FlagForm {
        reason: String::new(),
        comment: String::new(),
        csrf_token: String::new(),
        ..query.into_inner()
    };
    let flagged = match flagged(&pool, &knowledge.names, &form).await? {
        Ok(flagged) => flagged,
        Err(mut errors) => return Err(AppError::BadRequest(errors.remove(0))),
    };
    if let Err(error) = check_back(&form.back) {
        return Err(AppError::BadRequest(error));
    }
    let page = NewPage {
        flagged: Some(flagged),
        form,
        errors: Vec::new(),
        reasons: FlagReason::ALL,
        csrf_token: user.csrf_token().to_owned(),
    };
    super::html(StatusCode::OK, &page)
}

/// `POST /flags`: records the flag for the signed-in user and goes to their flags, saying
/// it was sent (and offering the way back). 422 with the form and the messages at the fields.
pub async fn create(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    form: web::Form<FlagForm>,
) -> Result<HttpResponse> {
    let form = form.into_inner();
    user.check_csrf(&form.csrf_token)?;
    let knowledge = cache.current(&pool).await?;
    let mut errors = Vec::new();
    let flagged = flagged(&pool, &knowledge.names, &form)
        .await?
        .map_err(|problems| errors.extend(problems))
        .ok();
    let said = form.said().map_err(|problems| errors.extend(problems)).ok();
    let back = check_back(&form.back)
        .map_err(|problem| errors.push(problem))
        .ok()
        .flatten();
    let (Some(flagged), Some(said), true) = (flagged.as_ref(), said, errors.is_empty()) else {
        let page = NewPage {
            flagged,
            form,
            errors,
            reasons: FlagReason::ALL,
            csrf_token: user.csrf_token().to_owned(),
        };
        return super::html(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let flag = NewFlag {
        framework_id: flagged.framework_id,
        framework_slug: flagged.framework_slug.clone(),
        subject_kind: flagged.kind,
        subject: flagged.subject.clone(),
        reason: said.reason,
        comment: said.comment,
    };
    let id = db::flags::create(&pool, &flag, &author(&user)).await?;
    let mut next = form_urlencoded::Serializer::new(String::new());
    next.append_pair("sent", &id.to_string());
    if let Some(back) = back {
        next.append_pair("back", &back);
    }
    Ok(see_other(format!("/flags/mine?{}", next.finish())))
}

/// A flag as its lists show it.
pub struct FlagView {
    pub flag: Flag,
    /// The subject as pages name it.
    pub label: String,
    /// Where the fixing revision can be seen: its entry in the framework's history for
    /// editors, the framework's page for everyone else.
    pub fix_href: Option<String>,
}

impl FlagView {
    pub fn new(flag: Flag, names: &Names, can_edit: bool) -> Self {
        let label = subject_label(flag.subject_kind, &flag.subject, names);
        let fix_href = fix_href(&flag, can_edit);
        Self {
            flag,
            label,
            fix_href,
        }
    }

    /// Where the flagged subject is on its framework's page, if the framework is still there.
    pub fn subject_href(&self) -> Option<String> {
        let flag = &self.flag;
        flag.framework_exists.then(|| {
            let anchor = match flag.subject_kind {
                FlagSubjectKind::Requirement => format!("#requirement-{}", flag.subject),
                FlagSubjectKind::Industry => format!("#industry-{}", flag.subject),
                FlagSubjectKind::Fact => String::new(),
            };
            format!("/frameworks/{}{anchor}", flag.framework_slug)
        })
    }
}

/// The link to a fixed flag's revision: the history entry for those who may read the
/// editors' pages, the framework's page (which shows the fix) for the others.
pub fn fix_href(flag: &Flag, can_edit: bool) -> Option<String> {
    let revision = flag.fixed_by.filter(|_| flag.status == FlagStatus::Fixed)?;
    if can_edit {
        Some(format!(
            "/admin/frameworks/{}/history#revision-{revision}",
            flag.framework_slug
        ))
    } else {
        flag.framework_exists
            .then(|| format!("/frameworks/{}", flag.framework_slug))
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct MineQuery {
    /// The flag just sent, to say so.
    pub sent: Option<String>,
    /// The page it was sent from, to go back to.
    pub back: Option<String>,
}

/// The signed-in user's flags, newest first.
#[derive(Template)]
#[template(path = "flags/mine.html")]
pub struct MinePage {
    pub flags: Vec<FlagView>,
    /// The flag just sent, when it is this user's.
    pub sent: Option<i64>,
    pub back: Option<String>,
}

impl MinePage {
    fn is_sent(&self, id: &i64) -> bool {
        self.sent == Some(*id)
    }

    fn open(&self) -> usize {
        self.flags
            .iter()
            .filter(|f| f.flag.status == FlagStatus::Open)
            .count()
    }
}

/// `GET /flags/mine`: every flag the user raised, newest first, with where it stands and
/// the editor's answer.
pub async fn mine(
    pool: web::Data<SqlitePool>,
    cache: web::Data<KnowledgeCache>,
    user: CurrentUser,
    query: web::Query<MineQuery>,
) -> Result<HttpResponse> {
    let knowledge = cache.current(&pool).await?;
    let can_edit = user.role().can_edit();
    let flags: Vec<FlagView> = db::flags::mine(&pool, user.0.user.id)
        .await?
        .into_iter()
        .map(|flag| FlagView::new(flag, &knowledge.names, can_edit))
        .collect();
    // Only a flag of this list is announced, so a crafted link cannot claim another's.
    let sent = query
        .sent
        .as_deref()
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|id| flags.iter().any(|f| f.flag.id == *id));
    let back = query
        .back
        .as_deref()
        .and_then(|b| check_back(b).ok().flatten());
    let page = MinePage { flags, sent, back };
    super::html(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        let map = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        Names {
            requirements: map(&[("security", "Security")]),
            industries: map(&[("healthcare", "Healthcare")]),
            languages: map(&[]),
            use_cases: map(&[]),
        }
    }

    fn form(reason: &str, comment: &str) -> FlagForm {
        FlagForm {
            reason: reason.into(),
            comment: comment.into(),
            ..FlagForm::default()
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_link_to_the_form_names_the_subject_and_the_way_back() {
        assert_eq!(
            new_href(
                "django",
                FlagSubjectKind::Requirement,
                "security",
                "/?need=security#result-django"
            ),
            "/flags/new?framework=django&subject_kind=requirement&subject=security&back=%2F%3Fneed%3Dsecurity%23result-django"
        );
        assert_eq!(
            new_href("django", "fact", "license", ""),
            "/flags/new?framework=django&subject_kind=fact&subject=license"
        );
    }

    #[test]
    fn ratings_fits_and_the_facts_behind_points_are_flaggable_but_the_search_is_not() {
        let flag = |kind, subject| criterion_subject(kind, subject).map(|(k, s)| (k.as_str(), s));
        assert_eq!(
            flag(CriterionKind::MustHave, "security"),
            Some(("requirement", "security".to_owned()))
        );
        assert_eq!(
            flag(CriterionKind::NiceToHave, "scalability"),
            Some(("requirement", "scalability".to_owned()))
        );
        assert_eq!(
            flag(CriterionKind::Industry, "healthcare"),
            Some(("industry", "healthcare".to_owned()))
        );
        assert_eq!(
            flag(CriterionKind::Maturity, "adopt"),
            Some(("fact", "ring".to_owned()))
        );
        assert_eq!(
            flag(CriterionKind::Language, "python"),
            Some(("fact", "languages".to_owned()))
        );
        assert_eq!(flag(CriterionKind::Search, ""), None);
    }

    #[test]
    fn a_subject_must_be_a_known_requirement_industry_or_fact() {
        let names = names();
        assert_eq!(
            check_subject("requirement", " security ", &names),
            Ok((FlagSubjectKind::Requirement, "security".to_owned()))
        );
        assert!(check_subject("industry", "healthcare", &names).is_ok());
        assert!(check_subject("fact", "first_release", &names).is_ok());
        for (kind, subject, field) in [
            ("rating", "security", "subject_kind"),
            ("requirement", "healthcare", "subject"),
            ("industry", "security", "subject"),
            ("fact", "password", "subject"),
        ] {
            assert_eq!(
                check_subject(kind, subject, &names).unwrap_err().field,
                field,
                "{kind} {subject}"
            );
        }
        assert_eq!(
            subject_label(FlagSubjectKind::Fact, "first_release", &names),
            "First release"
        );
        assert_eq!(
            subject_label(FlagSubjectKind::Requirement, "security", &names),
            "Security"
        );
    }

    #[test]
    fn only_a_path_of_this_site_is_a_way_back() {
        assert_eq!(check_back(""), Ok(None));
        assert_eq!(
            check_back("/compare?f=django&f=laravel"),
            Ok(Some("/compare?f=django&f=laravel".to_owned()))
        );
        for hostile in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "/a\nb",
        ] {
            assert_eq!(check_back(hostile).unwrap_err().field, "back", "{hostile}");
        }
        assert!(check_back(&format!("/{}", "a".repeat(MAX_BACK_CHARS))).is_err());
    }

    #[test]
    fn a_flag_gives_a_known_reason_and_says_what_is_wrong_when_it_calls_a_figure_wrong() {
        assert_eq!(
            form(
                "outdated",
                "  Version 5 changed this.\r\nSee the changelog. "
            )
            .said(),
            Ok(Said {
                reason: FlagReason::Outdated,
                comment: "Version 5 changed this.\nSee the changelog.".to_owned(),
            })
        );
        assert!(form("missing-source", "").said().is_ok());
        assert_eq!(fields(form("wrong", " ").said().unwrap_err()), ["comment"]);
        assert_eq!(fields(form("bad", "x").said().unwrap_err()), ["reason"]);
        let long = form("outdated", &"x".repeat(MAX_COMMENT_CHARS + 1));
        assert_eq!(fields(long.said().unwrap_err()), ["comment"]);
    }
}
