//! What the brief forms send, read into values the database takes: the save form (the
//! brief's fields plus the query's own parameters), the edit form and the outcome form.
//! Every problem is named after its field, so the form comes back with the message there.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::briefs::{Brief, BriefDraft, OutcomeDraft};
use crate::domain::{DealResult, FieldError};
use crate::routes::admin::editing::{Entry, Fields, in_form_order};

/// Longest client or project name: a name, not a description.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest notes: a few pages of what the client said.
pub const MAX_NOTES_CHARS: usize = 20_000;
/// Longest note on an outcome.
pub const MAX_OUTCOME_NOTE_CHARS: usize = 2_000;

/// The save form's own fields; every other field it sends is a parameter of the query.
const OWN_FIELDS: [&str; 4] = ["client", "project", "notes", "csrf_token"];

/// A brief's client, project and notes as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct BriefForm {
    #[serde(default)]
    pub client: String,
    #[serde(default)]
    pub project: String,
    #[serde(default)]
    pub notes: String,
}

/// A one-line name: trimmed, 1 to [`MAX_NAME_CHARS`] characters, no line breaks or other
/// control characters.
fn name(field: &str, value: &str, errors: &mut Vec<FieldError>) -> String {
    let value = value.trim();
    let chars = value.chars().count();
    if chars == 0 {
        errors.push(FieldError::new(field, "cannot be empty"));
    } else if chars > MAX_NAME_CHARS {
        errors.push(FieldError::new(
            field,
            format!("must be at most {MAX_NAME_CHARS} characters (it has {chars})"),
        ));
    } else if value.chars().any(char::is_control) {
        errors.push(FieldError::new(field, "must be one line of text"));
    }
    value.to_owned()
}

impl BriefForm {
    /// The brief to save, or every field's problem.
    pub fn parse(&self) -> Result<BriefDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let client = name("client", &self.client, &mut errors);
        let project = name("project", &self.project, &mut errors);
        // Browsers send a text area's line breaks as CRLF; one kind is kept.
        let notes = self.notes.replace("\r\n", "\n").trim().to_owned();
        let chars = notes.chars().count();
        if chars > MAX_NOTES_CHARS {
            errors.push(FieldError::new(
                "notes",
                format!("must be at most {MAX_NOTES_CHARS} characters (they have {chars})"),
            ));
        }
        if errors.is_empty() {
            Ok(BriefDraft {
                client,
                project,
                notes,
            })
        } else {
            Err(errors)
        }
    }
}

/// The save form as sent: the brief's fields, the token, and the query it saves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveForm {
    pub brief: BriefForm,
    pub csrf_token: String,
    /// Every other field, in order, as a query string: the query's parameters, whatever
    /// they are (new parameters travel without this code knowing them).
    pub query: String,
}

impl SaveForm {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = SaveForm::default();
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in pairs {
            match key.as_str() {
                "client" => form.brief.client = value,
                "project" => form.brief.project = value,
                "notes" => form.brief.notes = value,
                "csrf_token" => form.csrf_token = value,
                _ => {
                    query.append_pair(&key, &value);
                }
            }
        }
        form.query = query.finish();
        form
    }
}

/// The hidden fields that carry a query through the save form: its canonical query string's
/// pairs, in order.
pub fn hidden_fields(query_string: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query_string.as_bytes())
        .into_owned()
        .filter(|(key, _)| !OWN_FIELDS.contains(&key.as_str()))
        .collect()
}

/// The edit form as sent.
#[derive(Debug, Clone, Deserialize)]
pub struct EditForm {
    #[serde(default)]
    pub client: String,
    #[serde(default)]
    pub project: String,
    #[serde(default)]
    pub notes: String,
    /// The new owner's account id; only editors and admins are offered it.
    pub owner: Option<String>,
    pub version: i64,
    pub csrf_token: String,
}

impl EditForm {
    pub fn brief(&self) -> BriefForm {
        BriefForm {
            client: self.client.clone(),
            project: self.project.clone(),
            notes: self.notes.clone(),
        }
    }
}

/// The owner an edit asks for: `None` keeps the present one. `active` are the accounts that
/// may own a brief; `may_reassign` whether this user may hand it to someone else.
pub fn owner(
    given: Option<&str>,
    current: i64,
    active: &[i64],
    may_reassign: bool,
) -> Result<i64, FieldError> {
    let Some(given) = given.map(str::trim).filter(|g| !g.is_empty()) else {
        return Ok(current);
    };
    let id: i64 = given
        .parse()
        .map_err(|_| FieldError::new("owner", "choose an account from the list"))?;
    if id == current {
        return Ok(current);
    }
    if !may_reassign {
        return Err(FieldError::new(
            "owner",
            "only editors and admins hand a brief to someone else",
        ));
    }
    if !active.contains(&id) {
        return Err(FieldError::new(
            "owner",
            "choose an account that can sign in (this one is disabled or gone)",
        ));
    }
    Ok(id)
}

/// The outcome form as sent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OutcomeForm {
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub chosen: String,
    #[serde(default)]
    pub decided_on: String,
    #[serde(default)]
    pub note: String,
    /// The brief's version the form was loaded with. The page always sends it, so two people
    /// recording at once meet the conflict page; a client that leaves it out (DESIGN.md's
    /// contract names only `chosen`, `result` and `note`) records over the current one.
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub csrf_token: String,
}

impl OutcomeForm {
    /// The outcome to record, or every field's problem. `frameworks` are the slugs of the
    /// frameworks in the knowledge base now; `today` the last day a decision can be on.
    pub fn parse(
        &self,
        frameworks: &HashSet<&str>,
        today: NaiveDate,
    ) -> Result<OutcomeDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let result = DealResult::parse(self.result.trim())
            .map_err(|_| errors.push(FieldError::new("result", "choose won, lost or open")))
            .ok();
        let chosen = Some(self.chosen.trim())
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        if let Some(slug) = &chosen
            && !frameworks.contains(slug.as_str())
        {
            errors.push(FieldError::new(
                "chosen",
                format!("there is no framework “{slug}” in the knowledge base"),
            ));
        }
        if result == Some(DealResult::Won) && chosen.is_none() {
            errors.push(FieldError::new(
                "chosen",
                "say which framework the project is built on",
            ));
        }
        let decided_on = Some(self.decided_on.trim()).filter(|d| !d.is_empty());
        let decided_on = match decided_on.map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d")) {
            None => None,
            Some(Ok(day)) if day > today => {
                errors.push(FieldError::new("decided_on", "cannot be in the future"));
                None
            }
            Some(Ok(day)) => Some(day.format("%Y-%m-%d").to_string()),
            Some(Err(_)) => {
                errors.push(FieldError::new(
                    "decided_on",
                    "write the day as YYYY-MM-DD, e.g. 2026-11-30",
                ));
                None
            }
        };
        let note = self.note.replace("\r\n", "\n").trim().to_owned();
        let chars = note.chars().count();
        if chars > MAX_OUTCOME_NOTE_CHARS {
            errors.push(FieldError::new(
                "note",
                format!("must be at most {MAX_OUTCOME_NOTE_CHARS} characters (it has {chars})"),
            ));
        }
        match result {
            Some(result) if errors.is_empty() => Ok(OutcomeDraft {
                result,
                chosen,
                decided_on,
                note,
            }),
            _ => Err(errors),
        }
    }
}

/// A brief's edit-form fields as text, for the conflict page: the owner by name.
pub struct BriefEntry {
    pub client: String,
    pub project: String,
    pub notes: String,
    pub owner: String,
}

impl BriefEntry {
    pub fn stored(brief: &Brief) -> Self {
        Self {
            client: brief.client.clone(),
            project: brief.project.clone(),
            notes: brief.notes.clone(),
            owner: brief.owner_name.clone(),
        }
    }
}

impl Entry for BriefEntry {
    fn fields(&self) -> Fields {
        in_form_order([
            ("Client", &self.client),
            ("Project", &self.project),
            ("Notes", &self.notes),
            ("Owner", &self.owner),
        ])
    }
}

/// An outcome as text, for the conflict on the outcome form.
pub struct OutcomeEntry {
    pub result: String,
    pub chosen: String,
    pub decided_on: String,
    pub note: String,
}

impl Entry for OutcomeEntry {
    fn fields(&self) -> Fields {
        in_form_order([
            ("Result", &self.result),
            ("Chosen", &self.chosen),
            ("Decided on", &self.decided_on),
            ("Note", &self.note),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_brief_keeps_its_names_trimmed_and_its_notes_with_one_kind_of_line_break() {
        let form = BriefForm {
            client: "  Acme Health ".into(),
            project: "Patient portal".into(),
            notes: "They said:\r\n- HIPAA\r\n".into(),
        };
        assert_eq!(
            form.parse().unwrap(),
            BriefDraft {
                client: "Acme Health".into(),
                project: "Patient portal".into(),
                notes: "They said:\n- HIPAA".into(),
            }
        );
    }

    #[test]
    fn empty_long_or_multi_line_names_and_overlong_notes_are_each_named() {
        let form = BriefForm {
            client: "   ".into(),
            project: "line one\nline two".into(),
            notes: "n".repeat(MAX_NOTES_CHARS + 1),
        };
        assert_eq!(
            fields(form.parse().unwrap_err()),
            ["client", "project", "notes"]
        );
        let long = BriefForm {
            client: "界".repeat(MAX_NAME_CHARS),
            project: "x".repeat(MAX_NAME_CHARS + 1),
            notes: String::new(),
        };
        assert_eq!(fields(long.parse().unwrap_err()), ["project"]);
    }

    #[test]
    fn the_save_form_keeps_every_other_field_as_the_query_in_order() {
        let form = SaveForm::from_pairs(
            [
                ("csrf_token", "t"),
                ("industry", "healthcare"),
                ("client", "Acme"),
                ("need", "security"),
                ("use", "telemedicine"),
                ("need", "hipaa"),
                ("project", "Portal"),
                ("q", "patient portal"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .to_vec(),
        );
        assert_eq!(form.csrf_token, "t");
        assert_eq!(form.brief.client, "Acme");
        assert_eq!(
            form.query,
            "industry=healthcare&need=security&use=telemedicine&need=hipaa&q=patient+portal"
        );
        assert_eq!(
            hidden_fields(&form.query),
            [
                ("industry", "healthcare"),
                ("need", "security"),
                ("use", "telemedicine"),
                ("need", "hipaa"),
                ("q", "patient portal"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }

    #[test]
    fn only_editors_hand_a_brief_to_another_active_account() {
        assert_eq!(owner(None, 7, &[7, 8], false), Ok(7));
        assert_eq!(owner(Some("7"), 7, &[7, 8], false), Ok(7));
        assert_eq!(owner(Some("8"), 7, &[7, 8], true), Ok(8));
        for (given, may) in [("8", false), ("9", true), ("me", true)] {
            assert_eq!(
                owner(Some(given), 7, &[7, 8], may).unwrap_err().field,
                "owner",
                "{given}"
            );
        }
    }

    fn outcome(result: &str, chosen: &str, decided_on: &str) -> OutcomeForm {
        OutcomeForm {
            result: result.into(),
            chosen: chosen.into(),
            decided_on: decided_on.into(),
            ..OutcomeForm::default()
        }
    }

    fn parse(form: &OutcomeForm) -> Result<OutcomeDraft, Vec<FieldError>> {
        let frameworks = HashSet::from(["django", "laravel"]);
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        form.parse(&frameworks, today)
    }

    #[test]
    fn a_won_deal_names_its_framework_and_the_day_when_known() {
        let draft = parse(&outcome("won", "django", "2026-11-30")).unwrap();
        assert_eq!(draft.result, DealResult::Won);
        assert_eq!(draft.chosen.as_deref(), Some("django"));
        assert_eq!(draft.decided_on.as_deref(), Some("2026-11-30"));
        let undated = parse(&outcome("won", "django", "")).unwrap();
        assert_eq!(undated.decided_on, None, "the day may be unknown");
        assert_eq!(
            fields(parse(&outcome("won", "", "")).unwrap_err()),
            ["chosen"]
        );
    }

    #[test]
    fn a_lost_deal_may_be_lost_to_no_framework_and_an_open_one_needs_no_day_or_choice() {
        let lost = parse(&outcome("lost", "", "2026-11-01")).unwrap();
        assert_eq!(lost.chosen, None);
        let open = parse(&outcome("open", "", "")).unwrap();
        assert_eq!((open.chosen, open.decided_on), (None, None));
        let leaning = parse(&outcome("open", "django", "")).unwrap();
        assert_eq!(
            leaning.chosen.as_deref(),
            Some("django"),
            "an open deal may name what the client leans to"
        );
    }

    #[test]
    fn unknown_results_and_frameworks_and_bad_or_future_days_are_each_named() {
        assert_eq!(
            fields(parse(&outcome("maybe", "rails", "30/11/2026")).unwrap_err()),
            ["result", "chosen", "decided_on"]
        );
        assert_eq!(
            fields(parse(&outcome("lost", "laravel", "2026-12-01")).unwrap_err()),
            ["decided_on"]
        );
        let long = OutcomeForm {
            note: "x".repeat(MAX_OUTCOME_NOTE_CHARS + 1),
            ..outcome("open", "", "")
        };
        assert_eq!(fields(parse(&long).unwrap_err()), ["note"]);
    }
}
