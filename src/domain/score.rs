use std::fmt;

use super::Invalid;

/// A 0–5 rating: how strongly a framework meets a requirement, or how well it fits an
/// industry. 0 means "works against it", 5 "among the best choices".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Score(u8);

impl Score {
    pub const MAX: u8 = 5;

    pub fn new(value: i64) -> Result<Self, Invalid> {
        u8::try_from(value)
            .ok()
            .filter(|v| *v <= Self::MAX)
            .map(Self)
            .ok_or_else(|| Invalid(format!("must be a whole number from 0 to 5, got {value}")))
    }

    /// A score the code computes itself (the ranking's maturity, language and search
    /// ratings), within 0–5 by construction: a larger value is a bug in the caller, refused at
    /// compile time in a constant and by a panic otherwise.
    pub const fn of(value: u8) -> Self {
        assert!(value <= Self::MAX, "a score is a whole number from 0 to 5");
        Self(value)
    }

    /// Every score from 0 to 5, in order: the scale a form offers.
    pub fn scale() -> impl DoubleEndedIterator<Item = Self> {
        (0..=Self::MAX).map(Self)
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// Share of the full scale, 0–100, for drawing bars.
    pub fn percent(self) -> u8 {
        (u16::from(self.0) * 100 / u16::from(Self::MAX)) as u8
    }

    /// The scale's words, shown beside bars and read out by screen readers.
    pub fn label(self) -> &'static str {
        match self.0 {
            0 => "works against it",
            1 => "poor",
            2 => "possible with effort",
            3 => "adequate",
            4 => "strong",
            _ => "excellent",
        }
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_to_five_are_scores() {
        for v in 0..=5 {
            assert_eq!(Score::new(v).unwrap().value() as i64, v);
        }
    }

    #[test]
    fn values_outside_zero_to_five_are_refused_with_the_value_named() {
        for v in [-1, 6, 255, 256, i64::MAX, i64::MIN] {
            let err = Score::new(v).unwrap_err();
            assert!(err.0.contains(&v.to_string()), "{err}");
        }
    }

    #[test]
    fn the_scale_runs_from_zero_to_five() {
        let scale: Vec<u8> = Score::scale().map(Score::value).collect();
        assert_eq!(scale, [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn a_computed_score_within_range_is_kept() {
        const FOUR: Score = Score::of(4);
        assert_eq!(FOUR.value(), 4);
        assert_eq!(Score::of(0), Score::new(0).unwrap());
    }

    #[test]
    #[should_panic(expected = "0 to 5")]
    fn a_computed_score_above_five_is_a_bug() {
        let _ = Score::of(std::hint::black_box(6));
    }

    #[test]
    fn percent_spans_the_whole_bar() {
        assert_eq!(Score::new(0).unwrap().percent(), 0);
        assert_eq!(Score::new(5).unwrap().percent(), 100);
        assert_eq!(Score::new(3).unwrap().percent(), 60);
    }
}
