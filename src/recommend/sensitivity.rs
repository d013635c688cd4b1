//! How firm the first place is: the smallest single change that puts the runner-up first
//! ([`Sensitivity`]), and for each weight the range of values over which the winner stays
//! first ([`StabilityInterval`]). docs/scoring.md ("How firm is the winner") explains both with
//! a worked example; keep the two in step.
//!
//! Both rest on one fact: every framework in a query is measured on the same criteria, so the
//! ranking is by the raw weighted sum Σ weight × rating (the score divides it by the same
//! total for all), ties going to the more mature ring, then the name. Everything here is that
//! sum's exact integer arithmetic and the engine's own tie-break: nothing is approximated.
//!
//! Cost, for n candidates and c criteria in the query: one pass sums every candidate's ratings
//! per kind of criterion, O(n × c). A one-point rating change moves one framework's sum, and
//! only the winner's or the runner-up's can put the runner-up first (anyone else moving leaves
//! those two in order and the runner-up ahead of the rest), so each is a comparison of two
//! sums, O(1). A query change moves every framework's sum by its own rating of one criterion:
//! a scan, O(n), per criterion of the query. Each weight's interval is one scan too. In all
//! O(n × c), the ranking's own cost: no change is answered by ranking again.

use std::cmp::{Ordering, Reverse};

use chrono::NaiveDate;

use super::{
    Catalogue, CriterionKind, MUST_HAVE_MINIMUM, Names, Plan, maturity, search_rating, weight,
};
use crate::domain::{Ring, Slug};

/// Frameworks change a major version or two a year, and the admin desk lists entries unreviewed
/// for six months: an entry older than this is likely to describe a framework that has moved.
/// The knowledge checks report such entries; a recommendation that hinges on such a rating is
/// fragile.
pub const REVIEW_INTERVAL_DAYS: i64 = 180;

/// How firm a ranking's first place is. Both parts are empty when fewer than two frameworks
/// pass: with no runner-up there is nothing to overtake the winner.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Firmness {
    /// The smallest single change that puts the runner-up first; `None` when there is no
    /// runner-up or no single change does.
    pub sensitivity: Option<Sensitivity>,
    /// For each kind of criterion the query brings, in the breakdown's order, the values of
    /// its weight over which the winner stays first.
    pub stability: Vec<StabilityInterval>,
}

/// A framework named in the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contender {
    pub slug: Slug,
    pub name: String,
}

/// The smallest single change that makes the runner-up first.
///
/// The changes tried are: one rating of the winner or the runner-up moving by one point
/// within 0–5 (its industry fit, or its strength at a must-have or a nice-to-have of the
/// query; the winner's must-have falling below the minimum excludes it); and one change to
/// the query (a nice-to-have or a use case dropped, a nice-to-have made a must-have, a
/// must-have dropped, the industry removed). "Smallest" is an order on them, first to last:
///
/// 1. a rating moving one point without crossing the must-have minimum, least slack first:
///    the slack is the criterion's weight less the winner's lead, so the change that moves
///    the score the least; of equal ones, a rating overdue for review first (the likeliest to
///    move), then the winner's falling before the runner-up's rising, then the breakdown's
///    order (industry, must-haves, nice-to-haves, each in the query's order);
/// 2. the winner's must-have falling from the minimum to below it, which excludes it;
/// 3. a query change, the one moving the least weight first: a nice-to-have dropped (1), a
///    use case dropped (1), a nice-to-have made a must-have (1, and a new gate), a must-have
///    dropped (2, and a gate removed), the industry removed (3); each in the query's order.
///
/// Rating changes come before query changes: they ask whether the evidence is firm, while
/// the query is the client's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sensitivity {
    pub winner: Contender,
    pub runner_up: Contender,
    pub change: Change,
    /// Why the advice should be checked before it is leaned on; empty when it need not be.
    pub fragility: Vec<Fragility>,
}

/// One change to the knowledge or to the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// One rating moves by one point.
    Rating(RatingChange),
    /// A nice-to-have is no longer asked for.
    WantDropped { requirement: String, label: String },
    /// A use case is no longer asked for.
    UseCaseDropped { use_case: String, label: String },
    /// A nice-to-have becomes a must-have: it weighs double and leaves out frameworks below
    /// the minimum.
    WantBecomesNeed { requirement: String, label: String },
    /// A must-have is no longer asked for, neither as a gate nor as a criterion.
    NeedDropped { requirement: String, label: String },
    /// No industry is chosen.
    IndustryRemoved { industry: String, label: String },
}

/// A framework's rating of one of the query's criteria moving by one point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingChange {
    pub framework: Contender,
    /// `Industry` (a fit), `MustHave` or `NiceToHave` (a strength).
    pub kind: CriterionKind,
    /// The industry or requirement slug.
    pub subject: String,
    pub label: String,
    pub from: u8,
    pub to: u8,
    /// The rating falls below the must-have minimum, which leaves the framework out.
    pub excludes: bool,
    /// When the rating was last reviewed: its own date, else its framework's; `None` when
    /// neither is recorded.
    pub reviewed: Option<NaiveDate>,
}

/// Why the rating that would flip the winner is doubtful. Readers' flags arrive with a later
/// issue, as another variant naming the flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fragility {
    /// Not reviewed for more than [`REVIEW_INTERVAL_DAYS`] days (`days` since `reviewed`), or
    /// never (`reviewed` is `None`).
    ReviewOverdue {
        reviewed: Option<NaiveDate>,
        days: Option<i64>,
    },
}

/// A non-negative exact fraction, in lowest terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    numerator: u64,
    denominator: u64,
}

impl Ratio {
    /// `numerator / denominator` in lowest terms; the denominator must not be zero.
    pub fn new(numerator: u64, denominator: u64) -> Self {
        assert!(denominator != 0, "a ratio has a non-zero denominator");
        let divisor = gcd(numerator, denominator);
        Self {
            numerator: numerator / divisor,
            denominator: denominator / divisor,
        }
    }

    pub fn whole(value: u64) -> Self {
        Self::new(value, 1)
    }

    pub fn numerator(self) -> u64 {
        self.numerator
    }

    pub fn denominator(self) -> u64 {
        self.denominator
    }

    /// The nearest `f64`, computed from the exact fraction.
    pub fn to_f64(self) -> f64 {
        self.numerator as f64 / self.denominator as f64
    }

    /// Written for people: a whole number as it is, else to two decimals at most ("1.5",
    /// "2.33").
    pub fn readable(self) -> String {
        if self.denominator == 1 {
            return self.numerator.to_string();
        }
        let text = format!("{:.2}", self.to_f64());
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        let left = u128::from(self.numerator) * u128::from(other.denominator);
        let right = u128::from(other.numerator) * u128::from(self.denominator);
        left.cmp(&right)
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// One end of an interval: its value, and whether the value itself belongs to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    pub value: Ratio,
    pub inclusive: bool,
}

/// The values of one kind of criterion's weight over which the winner stays first, every
/// other weight as it is. Weights are never negative, so the lower end is at least 0; an
/// upper end of `None` means every larger weight keeps the winner first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StabilityInterval {
    pub kind: CriterionKind,
    /// The weight the engine uses: always inside the interval.
    pub weight: u32,
    pub lower: Bound,
    pub upper: Option<Bound>,
}

impl StabilityInterval {
    /// Whether the winner stays first when this weight is `value`.
    pub fn contains(&self, value: Ratio) -> bool {
        let above = match value.cmp(&self.lower.value) {
            Ordering::Greater => true,
            Ordering::Equal => self.lower.inclusive,
            Ordering::Less => false,
        };
        let below = self
            .upper
            .is_none_or(|upper| match value.cmp(&upper.value) {
                Ordering::Less => true,
                Ordering::Equal => upper.inclusive,
                Ordering::Greater => false,
            });
        above && below
    }

    /// One sentence: "Django stays first from 1.5 to 7", "… from just above 1.5 upwards",
    /// "… at any weight".
    pub fn describe(&self, winner: &str) -> String {
        let from = if self.lower.inclusive {
            format!("from {}", self.lower.value.readable())
        } else {
            format!("from just above {}", self.lower.value.readable())
        };
        match self.upper {
            None if self.lower.value == Ratio::whole(0) && self.lower.inclusive => {
                format!("{winner} stays first at any weight")
            }
            None => format!("{winner} stays first {from} upwards"),
            Some(upper) if upper.inclusive => {
                format!("{winner} stays first {from} to {}", upper.value.readable())
            }
            Some(upper) => format!(
                "{winner} stays first {from} to just below {}",
                upper.value.readable()
            ),
        }
    }
}

impl Sensitivity {
    /// One sentence: "Laravel would be first if Django's Security fell from 5 to 4".
    pub fn describe(&self) -> String {
        let runner_up = &self.runner_up.name;
        let condition = match &self.change {
            Change::Rating(rating) => {
                let whose = if rating.framework == self.runner_up {
                    "its".to_owned()
                } else {
                    format!("{}'s", rating.framework.name)
                };
                let what = rating.what();
                let moved = if rating.to < rating.from {
                    "fell"
                } else {
                    "rose"
                };
                let mut condition = format!(
                    "{whose} {what} {moved} from {} to {}",
                    rating.from, rating.to
                );
                if rating.excludes {
                    condition.push_str(&format!(
                        ", below the must-have minimum of {MUST_HAVE_MINIMUM}, which leaves {} out",
                        rating.framework.name
                    ));
                }
                condition
            }
            Change::WantDropped { label, .. } => {
                format!("{label} were dropped from the nice-to-haves")
            }
            Change::UseCaseDropped { label, .. } => {
                format!("the use case {label} were dropped")
            }
            Change::WantBecomesNeed { label, .. } => format!("{label} were a must-have"),
            Change::NeedDropped { label, .. } => {
                format!("{label} were dropped from the must-haves")
            }
            Change::IndustryRemoved { label, .. } => {
                format!("no industry were chosen (rather than {label})")
            }
        };
        format!("{runner_up} would be first if {condition}")
    }

    /// The change's rating, when it is one.
    pub fn rating(&self) -> Option<&RatingChange> {
        match &self.change {
            Change::Rating(rating) => Some(rating),
            _ => None,
        }
    }

    /// Whether the advice hinges on a doubtful rating.
    pub fn is_fragile(&self) -> bool {
        !self.fragility.is_empty()
    }
}

impl Change {
    /// The name of what changes: the rating's criterion, or the requirement, use case or
    /// industry the query would change.
    pub fn label(&self) -> &str {
        match self {
            Change::Rating(rating) => &rating.label,
            Change::WantDropped { label, .. }
            | Change::UseCaseDropped { label, .. }
            | Change::WantBecomesNeed { label, .. }
            | Change::NeedDropped { label, .. }
            | Change::IndustryRemoved { label, .. } => label,
        }
    }
}

impl RatingChange {
    /// What is rated, as a sentence names it: "Security", "fit for Healthcare".
    pub fn what(&self) -> String {
        match self.kind {
            CriterionKind::Industry => format!("fit for {}", self.label),
            _ => self.label.clone(),
        }
    }
}

impl Fragility {
    /// One sentence naming the rating and why it is doubtful.
    pub fn describe(&self, rating: &RatingChange) -> String {
        let whose = format!("{}'s {} rating", rating.framework.name, rating.what());
        match self {
            Fragility::ReviewOverdue {
                reviewed: Some(day),
                days,
            } => format!(
                "{whose} was last reviewed on {}, {} days ago; ratings are reviewed every \
                 {REVIEW_INTERVAL_DAYS} days.",
                day.format("%-d %b %Y"),
                days.unwrap_or_default()
            ),
            Fragility::ReviewOverdue { reviewed: None, .. } => {
                format!("{whose} has never been reviewed.")
            }
        }
    }
}

// The computation.

/// The kinds of criterion in the breakdown's order; a candidate's sums are indexed alike.
const KINDS: [CriterionKind; 7] = [
    CriterionKind::Industry,
    CriterionKind::MustHave,
    CriterionKind::NiceToHave,
    CriterionKind::Language,
    CriterionKind::UseCase,
    CriterionKind::Search,
    CriterionKind::Maturity,
];

fn slot(kind: CriterionKind) -> usize {
    match kind {
        CriterionKind::Industry => 0,
        CriterionKind::MustHave => 1,
        CriterionKind::NiceToHave => 2,
        CriterionKind::Language => 3,
        CriterionKind::UseCase => 4,
        CriterionKind::Search => 5,
        CriterionKind::Maturity => 6,
    }
}

/// A candidate's ratings summed per kind of criterion, indexed like [`KINDS`].
type Sums = [i64; KINDS.len()];

fn weighted(sums: &Sums) -> i64 {
    KINDS
        .iter()
        .zip(sums)
        .map(|(kind, sum)| i64::from(kind.weight()) * sum)
        .sum()
}

impl Plan<'_> {
    /// The candidate's ratings summed per kind of criterion, must-haves ungated: its raw sum
    /// is their weighted total whether it passes or not (as [`Plan::score`] adds them).
    fn sums(&self, catalogue: &Catalogue, row: usize) -> Sums {
        let mut sums = Sums::default();
        if self.query.industry.is_some() {
            sums[slot(CriterionKind::Industry)] =
                i64::from(catalogue.fit(row, self.industry_column));
        }
        for &column in &self.need_columns {
            sums[slot(CriterionKind::MustHave)] += i64::from(catalogue.strength(row, column));
        }
        for &column in &self.want_columns {
            sums[slot(CriterionKind::NiceToHave)] += i64::from(catalogue.strength(row, column));
        }
        if !self.lang.is_empty() {
            let rating = self.language_ratings[catalogue.language_of[row]];
            sums[slot(CriterionKind::Language)] = i64::from(rating.value());
        }
        for &column in &self.use_case_columns {
            sums[slot(CriterionKind::UseCase)] +=
                i64::from(catalogue.use_case_rating(row, column).value());
        }
        if let Some(rank) = self.search_rank(row).filter(|_| self.query.searching) {
            sums[slot(CriterionKind::Search)] =
                i64::from(search_rating(rank, self.best_search).value());
        }
        sums[slot(CriterionKind::Maturity)] =
            i64::from(maturity(catalogue.candidates[row].ring).value());
        sums
    }

    /// Whether the query brings criteria of this kind.
    fn brings(&self, kind: CriterionKind) -> bool {
        match kind {
            CriterionKind::Industry => self.query.industry.is_some(),
            CriterionKind::MustHave => !self.need.is_empty(),
            CriterionKind::NiceToHave => !self.want.is_empty(),
            CriterionKind::Language => !self.lang.is_empty(),
            CriterionKind::UseCase => !self.use_cases.is_empty(),
            CriterionKind::Search => self.query.searching,
            CriterionKind::Maturity => true,
        }
    }
}

/// A passing candidate: where it is in the catalogue, its raw sum and its sums per kind.
struct Standing {
    row: usize,
    raw: i64,
    sums: Sums,
}

/// The firmness of the ranking `scored` (every passing candidate's raw sum and row, the best
/// two first and in order), `left_out` being every candidate that failed a gate.
pub(super) fn firmness(
    plan: &Plan,
    catalogue: &Catalogue,
    scored: &[(u32, usize)],
    left_out: &[usize],
    names: &Names,
    today: NaiveDate,
) -> Firmness {
    if scored.len() < 2 {
        return Firmness::default();
    }
    let standings: Vec<Standing> = scored
        .iter()
        .map(|&(raw, row)| {
            let sums = plan.sums(catalogue, row);
            debug_assert_eq!(
                weighted(&sums),
                i64::from(raw),
                "the sums weigh to the score"
            );
            Standing {
                row,
                raw: i64::from(raw),
                sums,
            }
        })
        .collect();
    let contest = Contest {
        plan,
        catalogue,
        names,
        standings,
        left_out,
        today,
    };
    Firmness {
        sensitivity: contest.sensitivity(),
        stability: KINDS
            .into_iter()
            .filter(|&kind| plan.brings(kind))
            .map(|kind| contest.interval(kind))
            .collect(),
    }
}

/// The first place and everyone who could take it.
struct Contest<'a, 'q> {
    plan: &'a Plan<'q>,
    catalogue: &'a Catalogue,
    names: &'a Names,
    /// Every passing candidate, the winner first and the runner-up second.
    standings: Vec<Standing>,
    left_out: &'a [usize],
    today: NaiveDate,
}

/// One of the query's rated criteria (industry fit, a must-have, a nice-to-have).
struct Rated<'q> {
    kind: CriterionKind,
    subject: &'q str,
    column: Option<usize>,
}

/// A one-point move of the winner's (side 0) or the runner-up's (side 1) rating.
struct Move<'q> {
    side: usize,
    /// The criterion's place in the breakdown.
    position: usize,
    rated: &'q Rated<'q>,
    from: u8,
    to: u8,
    excludes: bool,
    reviewed: Option<NaiveDate>,
    overdue: bool,
}

impl Contest<'_, '_> {
    /// The engine's order: the higher sum first, then the more mature ring, then the name.
    fn order(&self, raw: i64, row: usize) -> (Reverse<i64>, Ring, usize) {
        (
            Reverse(raw),
            self.catalogue.candidates[row].ring,
            self.catalogue.name_order[row],
        )
    }

    /// Whether `a` wins a tie with `b`.
    fn wins_ties(&self, a: usize, b: usize) -> bool {
        self.order(0, a) < self.order(0, b)
    }

    fn contender(&self, row: usize) -> Contender {
        let candidate = &self.catalogue.candidates[row];
        Contender {
            slug: candidate.slug.clone(),
            name: candidate.name.clone(),
        }
    }

    fn rating(&self, row: usize, rated: &Rated) -> u8 {
        match rated.kind {
            CriterionKind::Industry => self.catalogue.fit(row, rated.column),
            _ => self.catalogue.strength(row, rated.column),
        }
    }

    /// When a rating was last reviewed: its own date, else its framework's.
    fn reviewed(&self, row: usize, rated: &Rated) -> Option<NaiveDate> {
        let candidate = &self.catalogue.candidates[row];
        let ratings = match rated.kind {
            CriterionKind::Industry => &candidate.fits,
            _ => &candidate.strengths,
        };
        ratings
            .get(rated.subject)
            .and_then(|evidence| evidence.reviewed)
            .or(candidate.last_reviewed)
    }

    fn days_since(&self, day: NaiveDate) -> i64 {
        (self.today - day).num_days()
    }

    fn overdue(&self, reviewed: Option<NaiveDate>) -> bool {
        reviewed.is_none_or(|day| self.days_since(day) > REVIEW_INTERVAL_DAYS)
    }

    fn label(&self, kind: CriterionKind, slug: &str) -> String {
        let map = match kind {
            CriterionKind::Industry => &self.names.industries,
            CriterionKind::UseCase => &self.names.use_cases,
            _ => &self.names.requirements,
        };
        Names::of(map, slug).to_owned()
    }

    fn sensitivity(&self) -> Option<Sensitivity> {
        let change = self.rating_change().or_else(|| self.query_change())?;
        let fragility = match &change {
            Change::Rating(rating) if self.overdue(rating.reviewed) => {
                vec![Fragility::ReviewOverdue {
                    reviewed: rating.reviewed,
                    days: rating.reviewed.map(|day| self.days_since(day)),
                }]
            }
            _ => Vec::new(),
        };
        Some(Sensitivity {
            winner: self.contender(self.standings[0].row),
            runner_up: self.contender(self.standings[1].row),
            change,
            fragility,
        })
    }

    /// The query's rated criteria in the breakdown's order.
    fn rated(&self) -> Vec<Rated<'_>> {
        let plan = self.plan;
        let industry = plan.query.industry.as_deref().map(|subject| Rated {
            kind: CriterionKind::Industry,
            subject,
            column: plan.industry_column,
        });
        let needs = plan.need.iter().zip(&plan.need_columns);
        let wants = plan.want.iter().zip(&plan.want_columns);
        industry
            .into_iter()
            .chain(needs.map(|(subject, &column)| Rated {
                kind: CriterionKind::MustHave,
                subject,
                column,
            }))
            .chain(wants.map(|(subject, &column)| Rated {
                kind: CriterionKind::NiceToHave,
                subject,
                column,
            }))
            .collect()
    }

    /// The smallest one-point rating change that puts the runner-up first (see
    /// [`Sensitivity`] for the order), comparing the two sums only.
    fn rating_change(&self) -> Option<Change> {
        let (winner, runner_up) = (&self.standings[0], &self.standings[1]);
        let lead = winner.raw - runner_up.raw;
        let runner_up_wins_ties = self.wins_ties(runner_up.row, winner.row);
        let rated = self.rated();
        let mut moves = Vec::new();
        for (position, criterion) in rated.iter().enumerate() {
            for (side, standing) in [(0, winner), (1, runner_up)] {
                let from = self.rating(standing.row, criterion);
                let to = match side {
                    0 if from > 0 => from - 1,
                    1 if from < 5 => from + 1,
                    _ => continue,
                };
                let excludes = criterion.kind == CriterionKind::MustHave && to < MUST_HAVE_MINIMUM;
                let cut = i64::from(criterion.kind.weight());
                let flips = excludes || cut > lead || (cut == lead && runner_up_wins_ties);
                if flips {
                    let reviewed = self.reviewed(standing.row, criterion);
                    moves.push(Move {
                        side,
                        position,
                        rated: criterion,
                        from,
                        to,
                        excludes,
                        reviewed,
                        overdue: self.overdue(reviewed),
                    });
                }
            }
        }
        let best = moves.into_iter().min_by_key(|m| {
            (
                m.excludes,
                m.rated.kind.weight(),
                !m.overdue,
                m.side,
                m.position,
            )
        })?;
        let row = self.standings[best.side].row;
        Some(Change::Rating(RatingChange {
            framework: self.contender(row),
            kind: best.rated.kind,
            subject: best.rated.subject.to_owned(),
            label: self.label(best.rated.kind, best.rated.subject),
            from: best.from,
            to: best.to,
            excludes: best.excludes,
            reviewed: best.reviewed,
        }))
    }

    /// Whether the runner-up comes first once every passing candidate's sum is
    /// `after(standing)` (`None`: it is left out), with `newcomers` (sum, row) passing too.
    fn runner_up_first(
        &self,
        after: impl Fn(&Standing) -> Option<i64>,
        newcomers: impl IntoIterator<Item = (i64, usize)>,
    ) -> bool {
        let runner_up = &self.standings[1];
        let Some(raw) = after(runner_up) else {
            return false;
        };
        let ours = self.order(raw, runner_up.row);
        let ahead_of = |other_raw: i64, row: usize| ours < self.order(other_raw, row);
        self.standings
            .iter()
            .enumerate()
            .filter(|&(index, _)| index != 1)
            .all(|(_, other)| after(other).is_none_or(|other_raw| ahead_of(other_raw, other.row)))
            && newcomers
                .into_iter()
                .all(|(other_raw, row)| ahead_of(other_raw, row))
    }

    /// The smallest query change that puts the runner-up first (see [`Sensitivity`]).
    fn query_change(&self) -> Option<Change> {
        let plan = self.plan;
        let catalogue = self.catalogue;
        let strength =
            |standing: &Standing, column| i64::from(catalogue.strength(standing.row, column));
        let label = |kind, slug: &str| self.label(kind, slug);
        let wants = || plan.want.iter().zip(&plan.want_columns);

        for (slug, &column) in wants() {
            let weight = i64::from(weight::WANT);
            if self.runner_up_first(|s| Some(s.raw - weight * strength(s, column)), []) {
                return Some(Change::WantDropped {
                    requirement: (*slug).to_owned(),
                    label: label(CriterionKind::NiceToHave, slug),
                });
            }
        }
        for (slug, &column) in plan.use_cases.iter().zip(&plan.use_case_columns) {
            let weight = i64::from(weight::USE_CASE);
            let rating = |s: &Standing| i64::from(catalogue.use_case_rating(s.row, column).value());
            if self.runner_up_first(|s| Some(s.raw - weight * rating(s)), []) {
                return Some(Change::UseCaseDropped {
                    use_case: (*slug).to_owned(),
                    label: label(CriterionKind::UseCase, slug),
                });
            }
        }
        for (slug, &column) in wants() {
            let extra = i64::from(weight::NEED) - i64::from(weight::WANT);
            let after = |s: &Standing| {
                let rating = strength(s, column);
                (rating >= i64::from(MUST_HAVE_MINIMUM)).then_some(s.raw + extra * rating)
            };
            if self.runner_up_first(after, []) {
                return Some(Change::WantBecomesNeed {
                    requirement: (*slug).to_owned(),
                    label: label(CriterionKind::NiceToHave, slug),
                });
            }
        }
        if !plan.need.is_empty() {
            let blocked = self.blocked_by_one_need();
            for (index, (slug, &column)) in plan.need.iter().zip(&plan.need_columns).enumerate() {
                let weight = i64::from(weight::NEED);
                let rating = |row| i64::from(catalogue.strength(row, column));
                let newcomers = blocked
                    .iter()
                    .filter(|&&(need, _, _)| need == index)
                    .map(|&(_, row, raw)| (raw - weight * rating(row), row));
                if self.runner_up_first(|s| Some(s.raw - weight * strength(s, column)), newcomers) {
                    return Some(Change::NeedDropped {
                        requirement: (*slug).to_owned(),
                        label: label(CriterionKind::MustHave, slug),
                    });
                }
            }
        }
        if let Some(industry) = plan.query.industry.as_deref() {
            let weight = i64::from(weight::INDUSTRY);
            let fit = |s: &Standing| i64::from(catalogue.fit(s.row, plan.industry_column));
            if self.runner_up_first(|s| Some(s.raw - weight * fit(s)), []) {
                return Some(Change::IndustryRemoved {
                    industry: industry.to_owned(),
                    label: label(CriterionKind::Industry, industry),
                });
            }
        }
        None
    }

    /// The candidates left out by exactly one must-have and nothing else, as (that must-have's
    /// place in the query, row, ungated raw sum): dropping that must-have lets them in.
    fn blocked_by_one_need(&self) -> Vec<(usize, usize, i64)> {
        let plan = self.plan;
        let catalogue = self.catalogue;
        let mut blocked = Vec::new();
        for &row in self.left_out {
            if plan.query.searching && plan.search_rank(row).is_none() {
                continue;
            }
            let mut failed = plan
                .need_columns
                .iter()
                .enumerate()
                .filter(|&(_, &column)| catalogue.strength(row, column) < MUST_HAVE_MINIMUM)
                .map(|(index, _)| index);
            if let (Some(need), None) = (failed.next(), failed.next()) {
                blocked.push((need, row, weighted(&plan.sums(catalogue, row))));
            }
        }
        blocked
    }

    /// The interval of `kind`'s weight over which the winner stays first. Against each other
    /// passing framework f, with the winner's lead D = raw(W) − raw(f) and the difference of
    /// their sums of this kind d = S(W) − S(f), moving the weight from w₀ to w makes the lead
    /// D + (w − w₀)·d: the winner stays ahead while that is positive (or zero with the winner
    /// winning the tie). So d > 0 bounds w from below by w₀ − D/d, d < 0 from above by
    /// w₀ + D/|d|, each end included when the winner wins the tie there.
    fn interval(&self, kind: CriterionKind) -> StabilityInterval {
        let k = slot(kind);
        let current = i64::from(kind.weight());
        let winner = &self.standings[0];
        // (numerator, denominator > 0, inclusive) of the tightest end so far.
        let mut lower: Option<(i64, i64, bool)> = None;
        let mut upper: Option<(i64, i64, bool)> = None;
        for other in &self.standings[1..] {
            let lead = winner.raw - other.raw;
            let d = winner.sums[k] - other.sums[k];
            let ties = self.wins_ties(winner.row, other.row);
            if d > 0 {
                tighten(&mut lower, (current * d - lead, d, ties), Ordering::Greater);
            } else if d < 0 {
                tighten(&mut upper, (current * -d + lead, -d, ties), Ordering::Less);
            }
        }
        let ratio = |numerator: i64, denominator: i64| {
            Ratio::new(numerator.unsigned_abs(), denominator.unsigned_abs())
        };
        let lower = match lower {
            Some((numerator, denominator, inclusive)) if numerator >= 0 => Bound {
                value: ratio(numerator, denominator),
                inclusive,
            },
            // Below zero, or no bound at all: weights are never negative.
            _ => Bound {
                value: Ratio::whole(0),
                inclusive: true,
            },
        };
        StabilityInterval {
            kind,
            weight: kind.weight(),
            lower,
            upper: upper.map(|(numerator, denominator, inclusive)| Bound {
                value: ratio(numerator, denominator),
                inclusive,
            }),
        }
    }
}

/// Keeps the tighter of two ends: the larger lower end (`wanted` Greater) or the smaller
/// upper one (Less). An end two frameworks share is included only if both include it.
fn tighten(end: &mut Option<(i64, i64, bool)>, new: (i64, i64, bool), wanted: Ordering) {
    let Some(old) = end else {
        *end = Some(new);
        return;
    };
    let order =
        (i128::from(new.0) * i128::from(old.1)).cmp(&(i128::from(old.0) * i128::from(new.1)));
    if order == wanted {
        *end = Some(new);
    } else if order == Ordering::Equal {
        old.2 &= new.2;
    }
}

#[cfg(test)]
mod tests;
