//! `/admin/health`: knowledge health, the report `stackatlas check` prints, for editors: the
//! knowledge in numbers, how many frameworks pass each must-have, and every finding linked to
//! where it is fixed. (Not to be confused with `/healthz`, which says the server is up.)

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use sqlx::SqlitePool;

use crate::auth::CurrentUser;
use crate::db;
use crate::error::Result;
use crate::knowledge::checks::{self, Finding, Severity, Subject, Summary};
use crate::recommend::MUST_HAVE_MINIMUM;

/// One must-have row: its numbers and the width step (0–20, 5 % each) of its bar.
pub struct MustHaveRow {
    pub requirement: String,
    pub name: String,
    pub passing: usize,
    pub percent: usize,
    pub step: usize,
    /// Whether so many frameworks pass it that it hardly excludes any.
    pub barely_filters: bool,
}

/// One finding as the page lists it.
pub struct FindingRow {
    pub code: &'static str,
    pub location: String,
    pub message: String,
    /// Where it is fixed, when there is such a page.
    pub href: String,
}

#[derive(Template)]
#[template(path = "admin/health.html")]
pub struct HealthPage {
    pub summary: Summary,
    pub must_haves: Vec<MustHaveRow>,
    pub errors: Vec<FindingRow>,
    pub warnings: Vec<FindingRow>,
    pub minimum: u8,
}

/// The editor's page where the subject of a finding is changed, at its row where it has one
/// (the framework form's rows carry ids `req-{requirement}` and `ind-{industry}`).
pub fn edit_href(subject: &Subject) -> String {
    let framework = |slug: &str, fragment: &str| format!("/admin/frameworks/{slug}/edit{fragment}");
    match subject {
        Subject::Framework(f) => framework(f, ""),
        Subject::Sources(f) => framework(f, "#sources-title"),
        Subject::Ratings(f) => framework(f, "#strengths-title"),
        Subject::Features(f) => framework(f, "#links-title"),
        Subject::Strength {
            framework: f,
            requirement,
        } => framework(f, &format!("#req-{requirement}")),
        Subject::Fit {
            framework: f,
            industry,
        } => framework(f, &format!("#ind-{industry}")),
        Subject::Requirement(slug) => format!("/admin/requirements/{slug}/edit"),
        Subject::Industry(slug) => format!("/admin/industries/{slug}/edit"),
        Subject::UseCase(slug) => format!("/admin/use-cases/{slug}/edit"),
        Subject::ReferenceQuestion(slug) => format!("/admin/reference-questions/{slug}/edit"),
    }
}

fn rows<'a>(findings: impl Iterator<Item = &'a Finding>) -> Vec<FindingRow> {
    findings
        .map(|f| FindingRow {
            code: f.code,
            location: f.location.clone(),
            message: f.message.clone(),
            href: edit_href(&f.subject),
        })
        .collect()
}

/// The editors and admins reach it through the `/admin` guard; the user is asked for so that
/// the page is never answered without a session even if it moved out of the scope.
pub async fn index(pool: web::Data<SqlitePool>, _user: CurrentUser) -> Result<HttpResponse> {
    let document = db::knowledge::load_document(&pool).await?;
    let report = checks::check(&document, chrono::Utc::now().date_naive());
    // The check decides which must-haves filter too little; the page marks those it named
    // as errors.
    let flagged = |requirement: &str| {
        report.of(Severity::Error).any(|f| {
            f.code == "must-have-barely-filters"
                && f.subject == Subject::Requirement(requirement.to_owned())
        })
    };
    let mut must_haves: Vec<MustHaveRow> = report
        .summary
        .must_haves
        .iter()
        .map(|m| MustHaveRow {
            requirement: m.requirement.clone(),
            name: m.name.clone(),
            passing: m.passing,
            percent: m.percent,
            step: (m.percent + 2) / 5,
            barely_filters: flagged(&m.requirement),
        })
        .collect();
    // The must-haves that separate frameworks least first: they are the ones to look at.
    must_haves.sort_by(|a, b| b.passing.cmp(&a.passing).then(a.name.cmp(&b.name)));
    let page = HealthPage {
        errors: rows(report.of(Severity::Error)),
        warnings: rows(report.of(Severity::Warning)),
        must_haves,
        summary: report.summary,
        minimum: MUST_HAVE_MINIMUM,
    };
    crate::routes::html(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rating_finding_links_to_its_row_on_the_framework_form() {
        assert_eq!(
            edit_href(&Subject::Strength {
                framework: "django".into(),
                requirement: "security".into()
            }),
            "/admin/frameworks/django/edit#req-security"
        );
        assert_eq!(
            edit_href(&Subject::Fit {
                framework: "django".into(),
                industry: "fintech".into()
            }),
            "/admin/frameworks/django/edit#ind-fintech"
        );
        assert_eq!(
            edit_href(&Subject::UseCase("wallets".into())),
            "/admin/use-cases/wallets/edit"
        );
    }
}
