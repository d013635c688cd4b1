//! What moved on the radar between two pictures of it (two editions, or the latest edition and
//! now), and one framework's ring over time. Pure: the callers fetch the rings.

use std::collections::HashMap;

use crate::domain::{Kind, Ring};

/// Which framework a ring belongs to across pictures. A framework still in the knowledge base
/// is followed by its id, so a rename is not "one gone, one new"; one deleted since is known
/// only by the slug it had.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Identity {
    Id(i64),
    Slug(String),
}

/// One framework's place in one picture of the radar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub framework_id: Option<i64>,
    pub slug: String,
    pub name: String,
    pub ring: Ring,
    /// Its quadrant; unknown for a framework deleted without a recorded revision.
    pub kind: Option<Kind>,
}

impl Standing {
    pub fn identity(&self) -> Identity {
        match self.framework_id {
            Some(id) => Identity::Id(id),
            None => Identity::Slug(self.slug.clone()),
        }
    }
}

/// How a framework's place changed from one picture to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Not in the earlier picture.
    New,
    /// In both, in another ring.
    Moved { from: Ring, to: Ring },
    /// Not in the later picture.
    Gone,
}

impl Change {
    /// Towards the centre (adopt): the radar's "moved in".
    pub fn is_inward(self) -> bool {
        matches!(self, Change::Moved { from, to } if to < from)
    }

    /// Its name in markup (`data-change`, CSS classes).
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Gone => "gone",
            _ if self.is_inward() => "moved-in",
            Change::Moved { .. } => "moved-out",
        }
    }

    /// The change in words, for lists and for the drawing's text alternative.
    pub fn describe(self) -> String {
        match self {
            Change::New => "new on the radar".to_owned(),
            Change::Gone => "no longer on the radar".to_owned(),
            Change::Moved { from, to } => format!(
                "moved {} from {} to {}",
                if self.is_inward() { "in" } else { "out" },
                from.label(),
                to.label()
            ),
        }
    }
}

/// A framework whose place changed: as it stands in the later picture (in the earlier one
/// when it is gone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub standing: Standing,
    pub change: Change,
}

/// Everything that changed between two pictures, grouped as the radar reads them, each group
/// by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Moves {
    pub moved_in: Vec<Move>,
    pub moved_out: Vec<Move>,
    pub new: Vec<Move>,
    pub gone: Vec<Move>,
}

impl Moves {
    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    pub fn count(&self) -> usize {
        self.moved_in.len() + self.moved_out.len() + self.new.len() + self.gone.len()
    }

    /// The groups that have something, with their headings, in reading order.
    pub fn groups(&self) -> Vec<(&'static str, &[Move])> {
        [
            ("Moved in", self.moved_in.as_slice()),
            ("Moved out", self.moved_out.as_slice()),
            ("New", self.new.as_slice()),
            ("Gone", self.gone.as_slice()),
        ]
        .into_iter()
        .filter(|(_, moves)| !moves.is_empty())
        .collect()
    }

    /// How `identity` changed, if it did: to mark it on the drawing.
    pub fn change_of(&self, standing: &Standing) -> Option<Change> {
        let identity = standing.identity();
        [&self.moved_in, &self.moved_out, &self.new]
            .into_iter()
            .flatten()
            .find(|m| m.standing.identity() == identity)
            .map(|m| m.change)
    }

    /// "2 moved in, 1 new", or "nothing moved".
    pub fn summary(&self) -> String {
        let parts: Vec<String> = [
            (self.moved_in.len(), "moved in"),
            (self.moved_out.len(), "moved out"),
            (self.new.len(), "new"),
            (self.gone.len(), "gone"),
        ]
        .into_iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, what)| format!("{count} {what}"))
        .collect();
        if parts.is_empty() {
            "nothing moved".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// What moved from `before` to `after`.
pub fn moves(before: &[Standing], after: &[Standing]) -> Moves {
    let earlier: HashMap<Identity, &Standing> = before.iter().map(|s| (s.identity(), s)).collect();
    let later: HashMap<Identity, &Standing> = after.iter().map(|s| (s.identity(), s)).collect();
    let mut result = Moves::default();
    for standing in after {
        let moved = |change| Move {
            standing: standing.clone(),
            change,
        };
        match earlier.get(&standing.identity()) {
            None => result.new.push(moved(Change::New)),
            Some(was) if was.ring != standing.ring => {
                let change = Change::Moved {
                    from: was.ring,
                    to: standing.ring,
                };
                if change.is_inward() {
                    result.moved_in.push(moved(change));
                } else {
                    result.moved_out.push(moved(change));
                }
            }
            Some(_) => {}
        }
    }
    result.gone = before
        .iter()
        .filter(|s| !later.contains_key(&s.identity()))
        .map(|s| Move {
            standing: s.clone(),
            change: Change::Gone,
        })
        .collect();
    for group in [
        &mut result.moved_in,
        &mut result.moved_out,
        &mut result.new,
        &mut result.gone,
    ] {
        group.sort_by_key(|m| m.standing.name.to_lowercase());
    }
    result
}

/// One point of a framework's ring over time, and how it differs from the point before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step<T> {
    pub at: T,
    pub ring: Ring,
    /// `New` for its first point; `None` when the ring is the one before.
    pub change: Option<Change>,
}

/// A framework's rings in time order (`at` says when: an edition, or now), each marked with
/// what changed since the point before it.
pub fn timeline<T>(points: impl IntoIterator<Item = (T, Ring)>) -> Vec<Step<T>> {
    let mut previous: Option<Ring> = None;
    points
        .into_iter()
        .map(|(at, ring)| {
            let change = match previous {
                None => Some(Change::New),
                Some(from) if from != ring => Some(Change::Moved { from, to: ring }),
                Some(_) => None,
            };
            previous = Some(ring);
            Step { at, ring, change }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(id: Option<i64>, slug: &str, ring: Ring) -> Standing {
        Standing {
            framework_id: id,
            slug: slug.into(),
            name: slug.to_uppercase(),
            ring,
            kind: Some(Kind::Micro),
        }
    }

    fn slugs(moves: &[Move]) -> Vec<&str> {
        moves.iter().map(|m| m.standing.slug.as_str()).collect()
    }

    #[test]
    fn a_ring_change_towards_adopt_is_a_move_in_and_towards_hold_a_move_out() {
        let before = [
            standing(Some(1), "a", Ring::Trial),
            standing(Some(2), "b", Ring::Trial),
            standing(Some(3), "c", Ring::Hold),
        ];
        let after = [
            standing(Some(1), "a", Ring::Adopt),
            standing(Some(2), "b", Ring::Assess),
            standing(Some(3), "c", Ring::Hold),
        ];
        let moves = moves(&before, &after);
        assert_eq!(slugs(&moves.moved_in), ["a"]);
        assert_eq!(slugs(&moves.moved_out), ["b"]);
        assert_eq!(
            moves.moved_in[0].change,
            Change::Moved {
                from: Ring::Trial,
                to: Ring::Adopt
            }
        );
        assert!(moves.new.is_empty() && moves.gone.is_empty());
        assert_eq!(moves.summary(), "1 moved in, 1 moved out");
    }

    #[test]
    fn frameworks_only_in_the_later_picture_are_new_and_only_in_the_earlier_are_gone() {
        let before = [
            standing(Some(1), "a", Ring::Trial),
            standing(None, "old", Ring::Hold),
        ];
        let after = [
            standing(Some(1), "a", Ring::Trial),
            standing(Some(4), "fresh", Ring::Assess),
        ];
        let moves = moves(&before, &after);
        assert_eq!(slugs(&moves.new), ["fresh"]);
        assert_eq!(slugs(&moves.gone), ["old"]);
        assert_eq!(moves.gone[0].standing.ring, Ring::Hold, "where it was");
        assert_eq!(moves.count(), 2);
    }

    #[test]
    fn a_renamed_framework_is_followed_by_its_id_not_taken_for_one_gone_and_one_new() {
        let before = [standing(Some(7), "old-name", Ring::Trial)];
        let after = [standing(Some(7), "new-name", Ring::Adopt)];
        let moves = moves(&before, &after);
        assert_eq!(slugs(&moves.moved_in), ["new-name"]);
        assert!(moves.new.is_empty() && moves.gone.is_empty());
    }

    #[test]
    fn identical_pictures_have_no_moves() {
        let picture = [standing(Some(1), "a", Ring::Trial)];
        let moves = moves(&picture, &picture);
        assert!(moves.is_empty());
        assert!(moves.groups().is_empty());
        assert_eq!(moves.summary(), "nothing moved");
    }

    #[test]
    fn groups_come_in_reading_order_and_each_is_sorted_by_name() {
        let before = [standing(Some(1), "zeta", Ring::Hold)];
        let after = [
            standing(Some(2), "beta", Ring::Adopt),
            standing(Some(3), "alpha", Ring::Adopt),
        ];
        let moves = moves(&before, &after);
        let headings: Vec<&str> = moves.groups().iter().map(|(h, _)| *h).collect();
        assert_eq!(headings, ["New", "Gone"]);
        assert_eq!(slugs(&moves.new), ["alpha", "beta"]);
    }

    #[test]
    fn the_change_of_a_framework_is_found_for_marking_it_on_the_drawing() {
        let before = [standing(Some(1), "a", Ring::Trial)];
        let after = [
            standing(Some(1), "a", Ring::Hold),
            standing(Some(2), "b", Ring::Adopt),
        ];
        let moves = moves(&before, &after);
        assert_eq!(moves.change_of(&after[1]), Some(Change::New));
        assert_eq!(
            moves.change_of(&after[0]).map(Change::describe).as_deref(),
            Some("moved out from Trial to Hold")
        );
        assert_eq!(moves.change_of(&standing(Some(9), "c", Ring::Adopt)), None);
    }

    #[test]
    fn a_timeline_marks_the_first_point_and_every_change_but_not_a_ring_kept() {
        let steps = timeline([
            (1, Ring::Assess),
            (2, Ring::Assess),
            (3, Ring::Trial),
            (4, Ring::Hold),
        ]);
        let changes: Vec<Option<Change>> = steps.iter().map(|s| s.change).collect();
        assert_eq!(
            changes,
            [
                Some(Change::New),
                None,
                Some(Change::Moved {
                    from: Ring::Assess,
                    to: Ring::Trial
                }),
                Some(Change::Moved {
                    from: Ring::Trial,
                    to: Ring::Hold
                }),
            ]
        );
        assert_eq!(steps[2].change.unwrap().as_str(), "moved-in");
        assert_eq!(steps[3].change.unwrap().as_str(), "moved-out");
        assert!(timeline(Vec::<(u8, Ring)>::new()).is_empty());
    }
}
