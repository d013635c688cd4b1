//! Lays out the technology radar drawn on `/trends`: rings from adopt (centre) to hold
//! (edge), one quadrant per kind of framework, each framework a labelled dot. Pure geometry,
//! so the SVG template only draws what this computes. What moved between editions is worked
//! out in [`moves`].

pub mod moves;

use crate::domain::{Kind, Ring};
use moves::Change;

/// The drawing's width and height, in SVG units.
pub const SIZE: f64 = 720.0;
const CENTRE: f64 = SIZE / 2.0;
/// Outer radius of each ring, centre outwards, in the order of [`Ring::ALL`].
const RING_OUTER: [f64; 4] = [175.0, 255.0, 305.0, 345.0];

/// Where a quadrant starts, in degrees clockwise from "east" (SVG's y axis points down).
fn quadrant_start(kind: Kind) -> f64 {
    match kind {
        Kind::FullStack => 180.0, // top left
        Kind::Micro => 270.0,     // top right
        Kind::Baas => 0.0,        // bottom right
        Kind::Runtime => 90.0,    // bottom left
    }
}

fn ring_bounds(ring: Ring) -> (f64, f64) {
    let index = Ring::ALL.iter().position(|r| *r == ring).unwrap_or(3);
    let inner = if index == 0 {
        0.0
    } else {
        RING_OUTER[index - 1]
    };
    (inner, RING_OUTER[index])
}

/// A framework to place.
#[derive(Debug, Clone)]
pub struct Blip {
    pub slug: String,
    pub name: String,
    pub ring: Ring,
    pub kind: Kind,
    /// How it moved since the picture it is compared with, marked on the drawing.
    pub change: Option<Change>,
    /// Whether it still has a page to link to (an old edition may show one deleted since).
    pub linked: bool,
}

/// A placed framework: its dot, and where its label goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub slug: String,
    pub name: String,
    /// The name without any parenthesis, to keep the drawing legible.
    pub label: String,
    pub ring: Ring,
    pub kind: Kind,
    pub x: f64,
    pub y: f64,
    pub label_x: f64,
    pub label_y: f64,
    /// `start` or `end`: labels point away from the centre line so they stay inside.
    pub anchor: &'static str,
    pub change: Option<Change>,
    pub linked: bool,
}

impl Placed {
    /// What the mark says to those who cannot see it: name, quadrant, ring and any move.
    pub fn description(&self) -> String {
        let mut text = format!(
            "{}: {}, {}",
            self.name,
            self.kind.label(),
            self.ring.label()
        );
        if let Some(change) = self.change {
            text.push_str(", ");
            text.push_str(&change.describe());
        }
        text
    }

    /// The mark's CSS classes: its ring, and how it moved.
    pub fn classes(&self) -> String {
        match self.change {
            Some(change) => format!("blip ring-{} changed {}", self.ring, change.as_str()),
            None => format!("blip ring-{}", self.ring),
        }
    }
}

/// A ring's circle and the position of its name.
#[derive(Debug, Clone, PartialEq)]
pub struct RingCircle {
    pub ring: Ring,
    pub radius: f64,
    pub label_y: f64,
}

/// A quadrant's name and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct QuadrantLabel {
    pub kind: Kind,
    pub x: f64,
    pub y: f64,
    pub anchor: &'static str,
}

pub struct Radar {
    pub size: f64,
    pub centre: f64,
    pub rings: Vec<RingCircle>,
    pub quadrants: Vec<QuadrantLabel>,
    pub blips: Vec<Placed>,
}

/// Places every blip: frameworks sharing a ring and quadrant are spread evenly across the
/// quadrant's angle, alternating between two radii of the ring so neighbours do not collide.
pub fn layout(blips: &[Blip]) -> Radar {
    let mut placed = Vec::new();
    for ring in Ring::ALL {
        for kind in Kind::ALL {
            let mut cell: Vec<&Blip> = blips
                .iter()
                .filter(|b| b.ring == *ring && b.kind == *kind)
                .collect();
            cell.sort_by_key(|b| b.name.to_lowercase());
            let (inner, outer) = ring_bounds(*ring);
            let count = cell.len();
            for (i, blip) in cell.into_iter().enumerate() {
                // Keep clear of the axes, where labels would cross into the next quadrant.
                let angle = quadrant_start(*kind) + 8.0 + 74.0 * (i as f64 + 0.5) / count as f64;
                let share = [0.3, 0.62, 0.86][i % 3];
                let radius = inner + (outer - inner) * share;
                let (sin, cos) = angle.to_radians().sin_cos();
                let x = CENTRE + radius * cos;
                let y = CENTRE + radius * sin;
                let right = x >= CENTRE;
                placed.push(Placed {
                    slug: blip.slug.clone(),
                    name: blip.name.clone(),
                    label: short_label(&blip.name),
                    ring: *ring,
                    kind: *kind,
                    x: round(x),
                    y: round(y),
                    label_x: round(if right { x + 9.0 } else { x - 9.0 }),
                    label_y: round(y + 4.0),
                    anchor: if right { "start" } else { "end" },
                    change: blip.change,
                    linked: blip.linked,
                });
            }
        }
    }
    let rings = Ring::ALL
        .iter()
        .map(|ring| {
            let (inner, outer) = ring_bounds(*ring);
            RingCircle {
                ring: *ring,
                radius: outer,
                label_y: round(CENTRE - (inner + outer) / 2.0 + 4.0),
            }
        })
        .collect();
    let quadrants = Kind::ALL
        .iter()
        .map(|kind| {
            let top = matches!(kind, Kind::FullStack | Kind::Micro);
            let left = matches!(kind, Kind::FullStack | Kind::Runtime);
            QuadrantLabel {
                kind: *kind,
                x: if left { 12.0 } else { SIZE - 12.0 },
                y: if top { 24.0 } else { SIZE - 14.0 },
                anchor: if left { "start" } else { "end" },
            }
        })
        .collect();
    Radar {
        size: SIZE,
        centre: CENTRE,
        rings,
        quadrants,
        blips: placed,
    }
}

fn short_label(name: &str) -> String {
    name.split(" (").next().unwrap_or(name).trim().to_owned()
}

fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blip(slug: &str, ring: Ring, kind: Kind) -> Blip {
        Blip {
            slug: slug.into(),
            name: slug.to_uppercase(),
            ring,
            kind,
            change: None,
            linked: true,
        }
    }

    fn distance(p: &Placed) -> f64 {
        ((p.x - CENTRE).powi(2) + (p.y - CENTRE).powi(2)).sqrt()
    }

    #[test]
    fn every_blip_lands_inside_its_ring_and_quadrant() {
        let mut blips = Vec::new();
        for ring in Ring::ALL {
            for kind in Kind::ALL {
                for i in 0..4 {
                    blips.push(blip(&format!("{ring}-{kind}-{i}"), *ring, *kind));
                }
            }
        }
        let radar = layout(&blips);
        assert_eq!(radar.blips.len(), blips.len());
        for p in &radar.blips {
            let (inner, outer) = ring_bounds(p.ring);
            let d = distance(p);
            assert!(d > inner && d < outer, "{} at {d}", p.slug);
            let top = p.y < CENTRE;
            let left = p.x < CENTRE;
            match p.kind {
                Kind::FullStack => assert!(top && left, "{}", p.slug),
                Kind::Micro => assert!(top && !left, "{}", p.slug),
                Kind::Baas => assert!(!top && !left, "{}", p.slug),
                Kind::Runtime => assert!(!top && left, "{}", p.slug),
            }
        }
    }

    #[test]
    fn no_two_blips_share_a_spot() {
        let blips: Vec<Blip> = (0..9)
            .map(|i| blip(&format!("f{i}"), Ring::Adopt, Kind::Micro))
            .collect();
        let radar = layout(&blips);
        for (i, a) in radar.blips.iter().enumerate() {
            for b in &radar.blips[i + 1..] {
                let gap = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
                assert!(gap > 8.0, "{} and {} are {gap} apart", a.slug, b.slug);
            }
        }
    }

    #[test]
    fn a_moved_mark_says_how_it_moved_in_words_and_in_its_classes() {
        let mut moved = blip("flask", Ring::Hold, Kind::Micro);
        moved.change = Some(Change::Moved {
            from: Ring::Adopt,
            to: Ring::Hold,
        });
        let radar = layout(&[moved, blip("gin", Ring::Adopt, Kind::Micro)]);
        let flask = radar.blips.iter().find(|b| b.slug == "flask").unwrap();
        assert_eq!(
            flask.description(),
            "FLASK: Micro / API framework, Hold, moved out from Adopt to Hold"
        );
        assert_eq!(flask.classes(), "blip ring-hold changed moved-out");
        let gin = radar.blips.iter().find(|b| b.slug == "gin").unwrap();
        assert_eq!(gin.description(), "GIN: Micro / API framework, Adopt");
        assert_eq!(gin.classes(), "blip ring-adopt");
    }

    #[test]
    fn labels_drop_parentheses() {
        assert_eq!(short_label("Next.js (route handlers)"), "Next.js");
        assert_eq!(short_label("Django"), "Django");
    }

    #[test]
    fn the_layout_does_not_depend_on_input_order() {
        let a = vec![
            blip("x", Ring::Trial, Kind::Baas),
            blip("y", Ring::Trial, Kind::Baas),
        ];
        let mut b = a.clone();
        b.reverse();
        assert_eq!(layout(&a).blips, layout(&b).blips);
    }
}
