//! Closed sets of values, each mirrored by a CHECK constraint in the schema.

use std::fmt;

use super::Invalid;

/// Declares a closed set of string values with parsing, display and a human label.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident = $value:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn parse(input: &str) -> Result<Self, Invalid> {
                match input {
                    $($value => Ok($name::$variant),)+
                    other => Err(Invalid(format!(
                        concat!("\"{}\" is not a ", $what, "; expected one of: {}"),
                        other,
                        Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
                    ))),
                }
            }

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $value,)+
                }
            }

            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

// The declarations below share a shape on purpose: each is one table of values, labels and
// the words of its error, and the macro above writes the code they have in common.

string_enum!(
    /// A framework's place on the technology radar, from "use it" to "avoid for new work".
    Ring, "radar ring" {
        Adopt = "adopt", "Adopt";
        Trial = "trial", "Trial";
        Assess = "assess", "Assess";
        Hold = "hold", "Hold";
    }
);

string_enum!(
    /// What sort of thing a framework is; the radar's quadrants.
    Kind, "framework kind" {
        FullStack = "full-stack", "Full-stack framework";
        Micro = "micro", "Micro / API framework";
        Runtime = "runtime", "Runtime";
        Baas = "baas", "Backend as a service";
    }
);

string_enum!(
    /// The heading a requirement is listed under on the query form.
    RequirementGroup, "requirement group" {
        Capability = "capability", "What the app must do";
        Platform = "platform", "Client platforms";
        Compliance = "compliance", "Compliance";
        Delivery = "delivery", "How it is delivered";
        Architecture = "architecture", "Architecture";
        Data = "data", "Data";
        Team = "team", "Team";
        Cost = "cost", "Cost and operations";
    }
);

string_enum!(
    /// What a signed-in user may do: viewers read, editors also edit the knowledge, admins
    /// also manage users.
    Role, "role" {
        Admin = "admin", "Admin";
        Editor = "editor", "Editor";
        Viewer = "viewer", "Viewer";
    }
);

string_enum!(
    /// How a brief's deal ended: won (we build it), lost (someone else does, or nobody), or
    /// still open.
    DealResult, "deal result" {
        Won = "won", "Won";
        Lost = "lost", "Lost";
        Open = "open", "Open";
    }
);

string_enum!(
    /// What a flag from sales is about: a requirement's strength, an industry's fit, or one
    /// of a framework's facts.
    FlagSubjectKind, "kind of flagged subject" {
        Requirement = "requirement", "Requirement strength";
        Industry = "industry", "Industry fit";
        Fact = "fact", "Fact";
    }
);

string_enum!(
    /// Why someone flagged a figure or a fact.
    FlagReason, "flag reason" {
        Wrong = "wrong", "Wrong";
        Outdated = "outdated", "Out of date";
        MissingSource = "missing-source", "Missing source";
    }
);

string_enum!(
    /// Where a flag stands: waiting for an editor, fixed by a revision, or answered as
    /// standing.
    FlagStatus, "flag status" {
        Open = "open", "Open";
        Fixed = "fixed", "Fixed";
        Stands = "stands", "Stands";
    }
);

impl Role {
    pub fn can_edit(self) -> bool {
        matches!(self, Role::Admin | Role::Editor)
    }

    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

impl Ring {
    /// What the ring advises, for legends and tooltips.
    pub fn advice(self) -> &'static str {
        match self {
            Ring::Adopt => "A safe default for new projects.",
            Ring::Trial => "Worth using on real projects that can absorb some risk.",
            Ring::Assess => "Worth exploring; not yet a default.",
            Ring::Hold => "Avoid for new work.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_parses_back_from_its_string() {
        for ring in Ring::ALL {
            assert_eq!(Ring::parse(ring.as_str()), Ok(*ring));
        }
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Ok(*kind));
        }
        for group in RequirementGroup::ALL {
            assert_eq!(RequirementGroup::parse(group.as_str()), Ok(*group));
        }
        for result in DealResult::ALL {
            assert_eq!(DealResult::parse(result.as_str()), Ok(*result));
        }
    }

    #[test]
    fn an_unknown_value_is_refused_with_the_allowed_ones_listed() {
        let err = Ring::parse("maybe").unwrap_err();
        assert_eq!(
            err.0,
            "\"maybe\" is not a radar ring; expected one of: adopt, trial, assess, hold"
        );
        assert!(Kind::parse("Full-Stack").is_err());
    }
}
