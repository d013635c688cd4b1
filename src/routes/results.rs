//! A recommendation as the pages draw it (`templates/results.html`): the ranked results with
//! their bars and breakdown, the exclusions, the close call. The query page draws what the
//! engine just ranked; a brief draws the [`RecommendationsBody`] it stored. Both become the
//! same view structs here, so a pinned result looks exactly like a fresh one.

use crate::domain::{FlagSubjectKind, Score};
use crate::recommend::{Limits, Recommendation};
use crate::routes::recommendation::{self as body, RecommendationsBody};

/// The query page's parameter asking for one result (or exclusion) in full.
pub const EXPLAIN: &str = "explain";

/// A criterion as drawn: the engine's figures plus the bar's class.
pub struct CriterionView {
    pub heading: &'static str,
    pub label: String,
    pub rating: Score,
    pub points: f64,
    pub max_points: f64,
    pub note: String,
    pub sources: Vec<String>,
    /// What a flag on this line is about (`routes::flags`); `None` for the search.
    pub flag: Option<(FlagSubjectKind, String)>,
}

impl From<body::Criterion> for CriterionView {
    fn from(c: body::Criterion) -> Self {
        Self {
            heading: c.kind.label(),
            flag: crate::routes::flags::criterion_subject(c.kind, &c.subject),
            label: c.label,
            // Stored ratings were 0–5 when they were ranked.
            rating: Score::of(c.rating.min(Score::MAX)),
            points: c.points,
            max_points: c.max_points,
            note: c.note,
            sources: c.sources,
        }
    }
}

pub struct ResultView {
    pub rank: usize,
    pub slug: String,
    pub name: String,
    pub score: f64,
    /// The score in 5-point steps (0–20), for the width class of its bar.
    pub score_step: u8,
    pub criteria: Vec<CriterionView>,
    pub use_cases: Vec<String>,
    /// Where this result's full explanation is asked for, when the page draws it compact
    /// (see [`ResultsView::fold`]); `None` when it is drawn in full.
    pub explain_href: Option<String>,
    /// The address a flag sent from this result's breakdown comes back to, without its
    /// fragment; `None` for the page's own address.
    pub back: Option<String>,
}

impl ResultView {
    /// The one line a compact result gives instead of its breakdown: the criteria that cost
    /// it the most points, at most two, with their ratings.
    pub fn why(&self) -> String {
        let mut losses: Vec<&CriterionView> = self
            .criteria
            .iter()
            .filter(|c| c.max_points - c.points >= 0.05)
            .collect();
        losses.sort_by(|a, b| (b.max_points - b.points).total_cmp(&(a.max_points - a.points)));
        let lines: Vec<String> = losses
            .iter()
            .take(2)
            .map(|c| {
                format!(
                    "{} ({}) {} of 5",
                    c.label,
                    c.heading.to_lowercase(),
                    c.rating
                )
            })
            .collect();
        if lines.is_empty() {
            "Full marks on every criterion".to_owned()
        } else {
            format!("Loses most on {}", lines.join(", "))
        }
    }

    /// Where a flag sent from line of this result's breakdown comes back to: `back` (the
    /// page's address) at the result, or the address that explained it.
    pub fn flag_back(&self, back: impl std::fmt::Display) -> String {
        match &self.back {
            Some(explained) => format!("{explained}#result-{}", self.slug),
            None => format!("{back}#result-{}", self.slug),
        }
    }
}

/// The width class of a 0–100 score's bar.
fn score_step(score: f64) -> u8 {
    (score / 5.0).round().clamp(0.0, 20.0) as u8
}

impl From<body::Ranked> for ResultView {
    fn from(r: body::Ranked) -> Self {
        Self {
            rank: r.rank,
            slug: r.slug,
            name: r.name,
            score: r.score,
            score_step: score_step(r.score),
            criteria: r.criteria.into_iter().map(CriterionView::from).collect(),
            use_cases: r.use_cases,
            explain_href: None,
            back: None,
        }
    }
}

pub struct ExcludedView {
    pub slug: String,
    pub name: String,
    pub reasons: Vec<ReasonView>,
    /// Where the notes behind its reasons are asked for, when the page draws it compact;
    /// `None` when it is drawn in full.
    pub explain_href: Option<String>,
    /// As [`ResultView::back`].
    pub back: Option<String>,
}

impl ExcludedView {
    /// Where a flag sent from one of its reasons comes back to.
    pub fn flag_back(&self, back: impl std::fmt::Display) -> String {
        match &self.back {
            Some(explained) => format!("{explained}#excluded-{}", self.slug),
            None => format!("{back}#excluded-title"),
        }
    }
}

/// Why a framework was left out, with the note and sources of the rating that did it.
pub struct ReasonView {
    pub reason: String,
    pub note: String,
    pub sources: Vec<String>,
    /// The requirement a flag on this reason is about; `None` when no rating decided it.
    pub flag: Option<(FlagSubjectKind, String)>,
}

impl From<body::Exclusion> for ReasonView {
    fn from(r: body::Exclusion) -> Self {
        let reason = r.describe();
        let (note, sources, flag) = match r {
            body::Exclusion::MustHave {
                requirement,
                note,
                sources,
                ..
            } => (
                note,
                sources,
                Some((FlagSubjectKind::Requirement, requirement)),
            ),
            body::Exclusion::NoSearchMatch => (String::new(), Vec::new(), None),
        };
        Self {
            reason,
            note,
            sources,
            flag,
        }
    }
}

impl From<&body::Exclusion> for ReasonView {
    fn from(r: &body::Exclusion) -> Self {
        Self::from(r.clone())
    }
}

impl From<body::Excluded> for ExcludedView {
    fn from(e: body::Excluded) -> Self {
        Self {
            slug: e.slug,
            name: e.name,
            reasons: e.reasons.into_iter().map(ReasonView::from).collect(),
            explain_href: None,
            back: None,
        }
    }
}

/// A whole recommendation as drawn: the best results and exclusions in full, the totals,
/// and the close call.
pub struct ResultsView {
    /// How many fit and how many were left out, in all.
    pub total_results: usize,
    pub total_excluded: usize,
    /// The best results, in full; the rest are in the exports.
    pub results: Vec<ResultView>,
    pub excluded: Vec<ExcludedView>,
    pub close_call: Option<body::CloseCall>,
}

impl ResultsView {
    /// What the engine just ranked (already cut to the page's limits), drawn through the
    /// body's types as a stored answer is, so the two cannot draw apart.
    pub fn of_engine(recommendation: &Recommendation) -> Self {
        Self::of_ranked(recommendation.clone())
    }

    /// As [`Self::of_engine`], taking the recommendation: its texts move into the view
    /// instead of being copied (a new question's page draws dozens of notes).
    pub fn of_ranked(recommendation: Recommendation) -> Self {
        Self {
            total_results: recommendation.total_results,
            total_excluded: recommendation.total_excluded,
            results: recommendation
                .results
                .into_iter()
                .map(|r| ResultView::from(body::Ranked::from(r)))
                .collect(),
            excluded: recommendation
                .excluded
                .into_iter()
                .map(|e| ExcludedView::from(body::Excluded::from(e)))
                .collect(),
            close_call: recommendation.close_call.map(body::CloseCall::from),
        }
    }

    /// Whether `slug` is a result or an exclusion this view draws: what `explain` may ask for.
    pub fn shows(&self, slug: &str) -> bool {
        self.results.iter().any(|r| r.slug == slug) || self.excluded.iter().any(|e| e.slug == slug)
    }

    /// Folds the view for the query page's first screen: the first `explained` results stay
    /// in full, the others and every exclusion become one line with a link asking for their
    /// full explanation (the page's own query, `query_string`, plus `explain=<slug>`, at the
    /// line's anchor). `explain` names the one asked for, drawn in full where it stands.
    pub fn fold(&mut self, explained: usize, query_string: &str, explain: Option<&str>) {
        let asking = |slug: &str| {
            form_urlencoded::Serializer::for_suffix(format!("/?{query_string}"), 2)
                .append_pair(EXPLAIN, slug)
                .finish()
        };
        for r in self.results.iter_mut().skip(explained) {
            if explain == Some(r.slug.as_str()) {
                r.back = Some(asking(&r.slug));
            } else {
                r.explain_href = Some(format!("{}#result-{}", asking(&r.slug), r.slug));
            }
        }
        for e in &mut self.excluded {
            if explain == Some(e.slug.as_str()) {
                e.back = Some(asking(&e.slug));
            } else {
                e.explain_href = Some(format!("{}#excluded-{}", asking(&e.slug), e.slug));
            }
        }
    }

    /// A stored body, which holds every result: the best `limits.results` and the first
    /// `limits.excluded` exclusions are drawn, as the engine would have cut them.
    pub fn of_body(stored: &RecommendationsBody, limits: Limits) -> Self {
        Self {
            total_results: stored.results.len(),
            total_excluded: stored.excluded.len(),
            results: stored
                .results
                .iter()
                .take(limits.results)
                .map(|r| ResultView::from(r.clone()))
                .collect(),
            excluded: stored
                .excluded
                .iter()
                .take(limits.excluded)
                .map(|e| ExcludedView::from(e.clone()))
                .collect(),
            close_call: stored.close_call.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::recommendation::fixture::{params, rank};

    /// Draws `view` as text, field by field, so two views can be compared.
    fn drawn(view: &ResultsView) -> String {
        let mut out = format!("{} {}\n", view.total_results, view.total_excluded);
        for r in &view.results {
            out += &format!(
                "{} {} {} {:.1} {}\n",
                r.rank, r.slug, r.name, r.score, r.score_step
            );
            for c in &r.criteria {
                out += &format!(
                    "  {} {} {} {:.1}/{:.1} {} {:?}\n",
                    c.heading, c.label, c.rating, c.points, c.max_points, c.note, c.sources
                );
            }
        }
        for e in &view.excluded {
            for reason in &e.reasons {
                out += &format!(
                    "x {} {} {} {:?}\n",
                    e.slug, reason.reason, reason.note, reason.sources
                );
            }
        }
        if let Some(close) = &view.close_call {
            out += &format!(
                "close {} {} {:.1}\n",
                close.first, close.second, close.margin
            );
        }
        out
    }

    #[test]
    fn a_stored_body_draws_exactly_as_the_fresh_recommendation_it_came_from() {
        let frameworks = [("django", 5), ("flask", 4), ("bottle", 2), ("pyramid", 1)];
        let shown = Limits {
            results: 1,
            excluded: 1,
        };
        let fresh = ResultsView::of_engine(&rank(&frameworks, shown));
        let stored = RecommendationsBody::new(&params(), rank(&frameworks, Limits::ALL));
        let stored: RecommendationsBody =
            serde_json::from_str(&serde_json::to_string(&stored).unwrap()).unwrap();
        let pinned = ResultsView::of_body(&stored, shown);
        assert_eq!(drawn(&pinned), drawn(&fresh));
        assert_eq!((pinned.total_results, pinned.total_excluded), (2, 2));
        assert_eq!(pinned.results.len(), 1);
    }

    #[test]
    fn folding_keeps_the_first_results_in_full_and_links_the_others_to_their_explanation() {
        let frameworks = [("django", 5), ("flask", 4), ("bottle", 4), ("pyramid", 1)];
        let mut view = ResultsView::of_engine(&rank(&frameworks, Limits::ALL));
        assert_eq!(view.results.len(), 3);
        view.fold(1, "need=security", Some("bottle"));
        let links: Vec<Option<&str>> = view
            .results
            .iter()
            .map(|r| r.explain_href.as_deref())
            .collect();
        let second = &view.results[1].slug;
        let third = &view.results[2].slug;
        let asked = |slug: &str| format!("/?need=security&explain={slug}");
        // The first stays in full; the one asked for is in full and its flags come back to it.
        assert_eq!(links[0], None);
        let (folded, explained) = if third == "bottle" {
            (second, third)
        } else {
            (third, second)
        };
        let folded_at = view.results.iter().position(|r| r.slug == *folded).unwrap();
        let explained_at = 3 - folded_at;
        assert_eq!(
            links[folded_at],
            Some(format!("{}#result-{folded}", asked(folded)).as_str())
        );
        assert_eq!(links[explained_at], None);
        assert_eq!(
            view.results[explained_at].flag_back("/?ignored"),
            format!("{}#result-{explained}", asked(explained))
        );
        assert_eq!(
            view.results[0].flag_back("/?need=security"),
            format!("/?need=security#result-{}", view.results[0].slug)
        );
        let pyramid = &view.excluded[0];
        assert_eq!(
            pyramid.explain_href.as_deref(),
            Some("/?need=security&explain=pyramid#excluded-pyramid")
        );
        assert!(view.shows("pyramid") && view.shows("django") && !view.shows("rails"));
    }

    #[test]
    fn a_compact_line_names_the_criteria_that_cost_the_most_points() {
        let view = ResultsView::of_engine(&rank(&[("flask", 4)], Limits::ALL));
        let why = view.results[0].why();
        assert!(why.starts_with("Loses most on "), "{why}");
        let worst = view.results[0]
            .criteria
            .iter()
            .max_by(|a, b| (a.max_points - a.points).total_cmp(&(b.max_points - b.points)))
            .unwrap();
        assert!(
            why.contains(&format!(
                "{} ({}) {} of 5",
                worst.label,
                worst.heading.to_lowercase(),
                worst.rating
            )),
            "{why}"
        );
    }
}
