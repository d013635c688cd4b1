//! Filters suggested from a client's own words: the description a salesperson pastes on the
//! query page ("we need live courier tracking, works on the subway, our devs know C#") read
//! against the phrases editors keep for every industry, requirement, use case and language.
//!
//! Pure, deterministic and explainable: the same text and phrases always give the same
//! suggestions, and each names the exact words it came from. The rules, in the order they
//! apply (docs/suggestions.md tells them with examples):
//!
//! 1. **Words.** The text is cut into sentences (`.` `!` `?` `;` and line breaks) and each
//!    sentence into clauses (`,` `:` brackets, dashes and the words *but, although, though,
//!    however, whereas, so, because, since, while, except*). Words are compared in lower
//!    case, singular (a simple English rule: *users* = *user*, *companies* = *company*), with
//!    contractions opened (*don't* = *do not*), hyphens as spaces (*real-time* = *real time*;
//!    a compound with a one-letter or joining part is one word: *e-commerce* = *ecommerce*,
//!    *to-do* = *todo*), numbers from 10,000 up read alike (*200k*, *2M*, *millions* all
//!    match a phrase written *100k*), so do smaller ones (*six weeks* = *3 weeks*) and
//!    multiples (*10x* = *100x* = *ten times* = *triples* = *doubled* = *tenfold*). *of course*
//!    is a filler, not a course. A few compounds are one word ([`COMPOUNDS`]: a *food bank*
//!    is no bank), and a word of seven letters or more that no phrase or cue knows is read
//!    as the one known word a slip of the keyboard away (a letter left out, added or
//!    replaced, or two swapped; not the first letter nor the last two): *notfications*.
//! 2. **Phrases.** A phrase of one word matches that word. A phrase of n words matches where
//!    all of them occur, in any order, among n + 1 consecutive words of one clause (n + 2
//!    from four words up), common words (*a, the, our, …*) not counted: so *live tracking*
//!    matches "live courier tracking" and "tracking couriers live".
//! 3. **Overlaps.** Of two matches of the same kind that share a word, the longer wins (the
//!    one of more phrase words, then the tighter, then the earlier): "no vendor lock-in"
//!    beats "vendor lock-in", "push notifications" beats "push". Kinds do not compete: "live
//!    courier tracking" can be both a use case and a requirement.
//! 4. **Negation.** A match is left out when *no, not, without, never, nor, none, avoid* (or a
//!    contraction of *not*) stands up to six words before it in its clause, or *not* up to
//!    four words after it ("offline is not required", "not a priority"), unless the
//!    negation is part of a phrase ("no DevOps people" is a phrase of Minimal operations, and
//!    negates nothing else). *not only, not just, no matter* are no negation. A clause that only lists
//!    more matches right after a negated clause is negated too ("no need for offline, push or
//!    chat"). "not essential / critical / a must" after a requirement makes it nice to have,
//!    and so does a hedge after its negation ("not needed for now, maybe in v2"). A rule is
//!    no negation: *may not, must not, shall not, can not be, not allowed, not permitted*
//!    make a requirement a must-have ("documents may not leave our own servers").
//! 5. **Must or nice.** For a requirement, cue words in its clause decide, else those in the
//!    clause whose list it continues ("We need X with A, B and C": clauses after the cue's,
//!    opened by neither a clause word nor a subject of their own, and opened by *and* only
//!    when they hold nothing but phrases), else those in the other
//!    clauses of its sentence that mention no other requirement: a hedge (*if, eventually, later, maybe, perhaps, ideally, someday, v2, …*)
//!    makes it nice to have; otherwise the nearest cue wins, must (*must, need, required,
//!    essential, critical, mandatory, has to, non-negotiable, the whole point, a policy that
//!    says, by law, regulators, …*) or nice
//!    (*nice, bonus, optional, prefer, would love, would be great, …*). A sentence opening
//!    with *if* is hedged throughout. With no cue a compliance requirement (HIPAA, PCI DSS…)
//!    is a must-have — a law that applies is not optional (single sign-on is no law) — and any
//!    other a nice-to-have, so
//!    that nothing is excluded on a guess.
//! 6. **Languages** are suggested from sentences about the team or the code (*team, devs,
//!    developers, engineers, know, write, in-house, shop, stack, backend, …*): "Java" in "our
//!    devs know Java", not in "we'd like to go live".
//! 7. **One industry**: the one whose own phrases and use cases' phrases match the most words
//!    (each word once; a match inside a longer one naming another industry does not count:
//!    "the health of their machines" is machine data, not healthcare); a tie goes to the one
//!    mentioned first, then to slug order.
//!
//! Work is linear in the text for a given vocabulary (each phrase is looked up by its first
//! word), and the text is bounded ([`MAX_TEXT_CHARS`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use crate::knowledge::document::Document;

/// The longest description read, in characters: a client's brief, not a specification.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// A phrase is two to 80 characters long…
pub const MIN_PHRASE_CHARS: usize = 2;
pub const MAX_PHRASE_CHARS: usize = 80;
/// …and a term carries at most 60 of them.
pub const MAX_PHRASES: usize = 60;

/// Requirements of the compliance group that no law or audit imposes: single sign-on is a
/// convenience an enterprise asks for, so with no cue it is a nice-to-have like any other.
const NOT_A_LAW: &[&str] = &["enterprise-sso"];

/// What a phrase names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Industry,
    Requirement,
    UseCase,
    Language,
}

impl Kind {
    /// How the API names the kind: `industry`, `requirement`, `use-case`, `language`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Industry => "industry",
            Kind::Requirement => "requirement",
            Kind::UseCase => "use-case",
            Kind::Language => "language",
        }
    }
}

/// One entry of the vocabulary with the phrases clients use for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    pub slug: String,
    pub name: String,
    pub phrases: Vec<String>,
    /// A requirement of the compliance group: a must-have unless the client hedges.
    pub compliance: bool,
    /// The industry a use case belongs to (its matches count for that industry).
    pub industry: Option<String>,
}

/// A phrase as matched: its words, normalised, in the order written.
#[derive(Debug, Clone)]
struct Phrase {
    entry: usize,
    words: Vec<String>,
}

/// The vocabulary's phrases, normalised once and indexed by their first word.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    entries: Vec<Entry>,
    phrases: Vec<Phrase>,
    by_first_word: HashMap<String, Vec<usize>>,
    /// Every word a phrase or a cue looks for, and the long ones (see [`TYPO_MIN_CHARS`]) by
    /// each of their one-letter deletions, to read a slip of the keyboard as the word meant.
    vocabulary: HashSet<String>,
    near: HashMap<String, Vec<String>>,
}

impl Lexicon {
    /// The entries it was compiled from.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Compiles the phrases of `entries`; phrases with no word to match are skipped (the
    /// validator refuses them).
    pub fn new(entries: Vec<Entry>) -> Self {
        let mut phrases = Vec::new();
        let mut by_first_word: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            let mut seen = HashSet::new();
            for text in &entry.phrases {
                let words = phrase_words(text);
                let Some(first) = words.first().cloned() else {
                    continue;
                };
                if !seen.insert(sorted_key(&words)) {
                    continue;
                }
                by_first_word.entry(first).or_default().push(phrases.len());
                phrases.push(Phrase {
                    entry: index,
                    words,
                });
            }
        }
        let cue_words = [MUST, NICE, HEDGES, TEAM]
            .into_iter()
            .flatten()
            .flat_map(|cue| cue.iter().map(|w| (*w).to_owned()))
            .chain(NEGATORS.iter().map(|w| (*w).to_owned()));
        let vocabulary: HashSet<String> = phrases
            .iter()
            .flat_map(|p| p.words.iter().cloned())
            .chain(cue_words)
            .collect();
        let mut near: HashMap<String, Vec<String>> = HashMap::new();
        for word in vocabulary.iter().filter(|w| typo_candidate(w)) {
            for variant in deletions(word).chain([word.clone()]) {
                near.entry(variant).or_default().push(word.clone());
            }
        }
        Self {
            entries,
            phrases,
            by_first_word,
            vocabulary,
            near,
        }
    }

    /// Reads each long word of `tokens` that no phrase or cue knows as the one word of the
    /// vocabulary it is a slip away from (see [`one_slip_apart`]), when there is exactly one.
    fn correct(&self, tokens: &mut [Token]) {
        for token in tokens.iter_mut() {
            if token.common || !typo_candidate(&token.word) || self.vocabulary.contains(&token.word)
            {
                continue;
            }
            let mut meant: Vec<&String> = deletions(&token.word)
                .chain([token.word.clone()])
                .filter_map(|variant| self.near.get(&variant))
                .flatten()
                .filter(|word| one_slip_apart(&token.word, word))
                .collect();
            meant.sort_unstable();
            meant.dedup();
            if let [word] = meant[..] {
                token.word = word.clone();
            }
        }
    }

    /// The vocabulary of a knowledge document: its industries, requirements, use cases and
    /// languages with their phrases.
    pub fn of(doc: &Document) -> Self {
        let mut entries = Vec::new();
        let entry = |kind, slug: &str, name: &str, phrases: &[String]| Entry {
            kind,
            slug: slug.to_owned(),
            name: name.to_owned(),
            phrases: phrases.to_vec(),
            compliance: false,
            industry: None,
        };
        for i in &doc.industries {
            entries.push(entry(Kind::Industry, &i.slug, &i.name, &i.phrases));
        }
        for r in &doc.requirements {
            entries.push(Entry {
                compliance: r.group == "compliance" && !NOT_A_LAW.contains(&r.slug.as_str()),
                ..entry(Kind::Requirement, &r.slug, &r.name, &r.phrases)
            });
        }
        for u in &doc.use_cases {
            entries.push(Entry {
                industry: Some(u.industry.clone()),
                ..entry(Kind::UseCase, &u.slug, &u.name, &u.phrases)
            });
        }
        for l in &doc.languages {
            entries.push(entry(Kind::Language, &l.slug, &l.name, &l.phrases));
        }
        Self::new(entries)
    }

    /// How many phrases can match.
    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }
}

/// The query parameter a suggestion fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Param {
    Industry,
    Need,
    Want,
    Lang,
    Use,
}

impl Param {
    /// The parameter's name in the query string.
    pub fn as_str(self) -> &'static str {
        match self {
            Param::Industry => "industry",
            Param::Need => "need",
            Param::Want => "want",
            Param::Lang => "lang",
            Param::Use => "use",
        }
    }
}

/// One filter suggested, with the words it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub param: Param,
    pub slug: String,
    pub name: String,
    /// The client's words that matched, exactly as written ("live courier tracking").
    pub matched: String,
    /// For a requirement, the words that made it a must-have or a nice-to-have ("are a
    /// must", "would be nice"); `None` when the default decided.
    pub cue: Option<String>,
}

/// A term the client ruled out, with the words that did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    pub kind: Kind,
    pub slug: String,
    pub name: String,
    /// The negation and the words it applies to ("no need for offline").
    pub matched: String,
}

/// What a description suggests: industry first, then must-haves, nice-to-haves, languages
/// and use cases, each in the order the client mentioned them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reading {
    pub suggestions: Vec<Suggestion>,
    pub left_out: Vec<LeftOut>,
}

/// The text was longer than [`MAX_TEXT_CHARS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the description must be at most {MAX_TEXT_CHARS} characters, got {0}")]
pub struct TooLong(pub usize);

/// Reads `text` against `lexicon`.
pub fn suggest(lexicon: &Lexicon, text: &str) -> Result<Reading, TooLong> {
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(TooLong(chars));
    }
    let mut text = Text::read(text, Some(lexicon));
    let matches = Text::resolve(lexicon, text.find(lexicon));
    text.phrase_words = matches.iter().flat_map(|m| m.first..=m.last).collect();
    Ok(text.conclude(lexicon, &matches))
}

/// The key two phrases share when they match alike (their words, normalised and sorted), or
/// `None` when a phrase has no word that can be matched (only common words or punctuation).
pub fn phrase_key(phrase: &str) -> Option<String> {
    let words = phrase_words(phrase);
    (!words.is_empty()).then(|| sorted_key(&words))
}

fn sorted_key(words: &[String]) -> String {
    let mut sorted = words.to_vec();
    sorted.sort();
    sorted.join(" ")
}

/// The words of a phrase that a match looks for.
fn phrase_words(phrase: &str) -> Vec<String> {
    let text = Text::read(phrase, None);
    text.tokens
        .iter()
        .filter(|t| !t.common)
        .map(|t| t.word.clone())
        .collect()
}

// Word lists. Cue and negation lists are written as normalised words (singular, contractions
// opened), and compared with the text's tokens.

/// Common words, skipped when phrases are matched (they still count for cues and negation).
const COMMON: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "for",
    "to",
    "at",
    "by",
    "with",
    "and",
    "or",
    "our",
    "ours",
    "we",
    "us",
    "i",
    "my",
    "me",
    "it",
    "its",
    "is",
    "are",
    "be",
    "been",
    "being",
    "was",
    "were",
    "will",
    "would",
    "shall",
    "should",
    "can",
    "could",
    "may",
    "might",
    "do",
    "does",
    "did",
    "has",
    "have",
    "had",
    "this",
    "that",
    "these",
    "those",
    "as",
    "from",
    "into",
    "than",
    "then",
    "there",
    "here",
    "they",
    "them",
    "their",
    "you",
    "your",
    "he",
    "she",
    "his",
    "her",
    "him",
    "which",
    "who",
    "what",
    "when",
    "where",
    "how",
    "also",
    "too",
    "very",
    "just",
    "really",
    "quite",
    "some",
    "any",
    "all",
    "each",
    "every",
    "both",
    "either",
    "such",
    "only",
    "about",
    "via",
    "per",
    "etc",
    "please",
    "basically",
    "actually",
    "probably",
    "definitely",
    "obviously",
    "ideally",
    "maybe",
    "perhaps",
    "hi",
    "hello",
    "hey",
    "thanks",
    "am",
    "if",
    "but",
    "so",
    "because",
    "since",
    "while",
    "though",
    "although",
    "however",
    "whereas",
    "except",
    "s",
];

/// Parts that make a hyphenated word one word (to-do, one-to-one) rather than two.
const JOINING: &[&str] = &[
    "a", "an", "the", "of", "to", "do", "and", "or", "for", "by", "as",
];

/// Pairs of words that make one word of their own, read as one so that a phrase of either
/// word alone does not match them: a *food bank* is no bank, a *health check* no healthcare,
/// *flight mode* no flight. A phrase written with the pair ("flight mode") still matches it.
const COMPOUNDS: &[(&str, &str)] = &[
    ("food", "bank"),
    ("blood", "bank"),
    ("milk", "bank"),
    ("seed", "bank"),
    ("sperm", "bank"),
    ("piggy", "bank"),
    ("river", "bank"),
    ("power", "bank"),
    ("memory", "bank"),
    ("question", "bank"),
    ("bank", "holiday"),
    ("health", "check"),
    ("game", "changer"),
    ("game", "plan"),
    ("flight", "mode"),
    ("news", "feed"),
];

/// Typos are read only in words of at least this many letters: shorter words are too close
/// to each other.
const TYPO_MIN_CHARS: usize = 7;

/// Words that open a new clause.
const CLAUSE_WORDS: &[&str] = &[
    "but", "although", "though", "however", "whereas", "so", "because", "since", "while", "except",
];

/// Words that open a clause with a subject of its own: such a clause says something new
/// rather than continuing a list ("we need support, and we run microservices").
const SUBJECTS: &[&str] = &[
    "we", "i", "they", "it", "you", "he", "she", "there", "this", "that", "our", "my", "their",
];

/// Words that negate what follows (or, `no`/`not`, what precedes).
const NEGATORS: &[&str] = &[
    "no", "not", "without", "never", "nor", "none", "avoid", "neither",
];

/// Words after `no`/`not` that make it no negation: "not only", "no matter".
const NOT_NEGATION: &[&str] = &[
    "only", "just", "matter", "doubt", "problem", "sure", "later",
];

/// After "not": the requirement is wanted, only not essential.
const DOWNGRADES: &[&str] = &[
    "essential",
    "critical",
    "must",
    "mandatory",
    "crucial",
    "vital",
];

/// How far back (any words) a negator reaches, and how far forward `no`/`not` looks back.
const NEGATION_BEFORE: usize = 6;
const NEGATION_AFTER: usize = 4;

/// Cue sequences that make a requirement a must-have.
const MUST: &[&[&str]] = &[
    &["must"],
    &["is", "a", "must"],
    &["are", "a", "must"],
    &["must", "have"],
    &["need"],
    &["needed"],
    &["require"],
    &["required"],
    &["requirement"],
    &["essential"],
    &["critical"],
    &["crucial"],
    &["mandatory"],
    &["vital"],
    &["paramount"],
    &["absolutely"],
    &["has", "to"],
    &["have", "to"],
    &["got", "to"],
    &["non", "negotiable"],
    &["nonnegotiable"],
    &["whole", "point"],
    &["is", "everything"],
    &["top", "priority"],
    &["key", "requirement"],
    &["can", "not", "live", "without"],
    &["deal", "breaker"],
    &["dealbreaker"],
    // A rule the client is bound by: "IT policy says everything runs on-premises".
    &["policy", "say"],
    &["policy", "require"],
    &["by", "policy"],
    &["company", "policy"],
    &["regulator"],
    &["regulation"],
    &["by", "law"],
    &["legally"],
    &["compulsory"],
    &["obligatory"],
];

/// Cue sequences that make a requirement a nice-to-have, nearest cue winning. (A longer
/// sequence around a shorter one is listed too, so that the words quoted are the whole cue.)
const NICE: &[&[&str]] = &[
    &["nice"],
    &["would", "be", "nice"],
    &["nice", "to", "have"],
    &["would", "be", "great"],
    &["would", "be", "a", "bonus"],
    &["bonus"],
    &["optional"],
    &["prefer"],
    &["preferably"],
    &["preferred"],
    &["would", "love"],
    &["would", "like"],
    &["great"],
    &["plus"],
    &["wish"],
    &["hope"],
    &["hopefully"],
    &["good", "to", "have"],
];

/// Hedges: a nice-to-have throughout their clause, whatever else it says.
const HEDGES: &[&[&str]] = &[
    &["if"],
    &["eventually"],
    &["later"],
    &["someday"],
    &["future"],
    &["maybe"],
    &["perhaps"],
    &["possibly"],
    &["ideally"],
    &["ideal"],
    &["v2"],
    &["phase", "#n"],
    &["down", "road"],
    &["at", "some", "point"],
    &["not", "sure"],
    &["one", "day"],
];

/// Words in a sentence about the team or the code, where languages are read.
const TEAM: &[&[&str]] = &[
    &["team"],
    &["dev"],
    &["developer"],
    &["engineer"],
    &["programmer"],
    &["coder"],
    &["in", "house"],
    &["inhouse"],
    &["know"],
    &["knew"],
    &["write"],
    &["written"],
    &["code"],
    &["coding"],
    &["people"],
    &["shop"],
    &["stack"],
    &["background"],
    &["experience"],
    &["experienced"],
    &["skill"],
    &["skilled"],
    &["expertise"],
    &["department"],
    &["guy"],
    &["fluent"],
    &["familiar"],
    &["proficient"],
    &["backend"],
    &["back", "end"],
    &["frontend"],
    &["server", "side"],
    &["everywhere"],
    &["language"],
    &["built", "in"],
    &["staff"],
    &["cto"],
    &["founder"],
];

/// Numbers written as words that read as any small number.
const NUMBER_WORDS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "fifteen", "twenty", "thirty", "forty", "fifty", "hundred",
];

/// Words that say a multiple (*traffic triples*, *doubled*, *tenfold*): read as *10x*.
const MULTIPLE_WORDS: &[&str] = &[
    "double",
    "doubles",
    "doubled",
    "doubling",
    "triple",
    "triples",
    "tripled",
    "tripling",
    "quadruple",
    "quadruples",
    "quadrupled",
];

/// The word before `not` that makes it a rule rather than a negation: "documents *may not*
/// leave our servers" asks for self-hosting. (*can not* only before *be*: "data can't be
/// hosted abroad".)
const PROHIBITING: &[&str] = &["may", "must", "shall"];

/// Words after `not` that make it a rule: "not allowed", "not permitted".
const FORBIDDEN: &[&str] = &["allowed", "permitted"];

/// Words left as they are by the singular rule.
const NOT_PLURAL: &[&str] = &[
    "news",
    "ios",
    "macos",
    "watchos",
    "tvos",
    "always",
    "perhaps",
    "chaos",
    "kudos",
    "series",
    "species",
    "aws",
    "gps",
    "sms",
    "sos",
    "saas",
    "paas",
    "baas",
    "iaas",
    "faas",
    "dms",
    "us",
    "yes",
    "less",
    "unless",
    "process",
    "express",
    "kubernetes",
    "postgres",
    "whereas",
    "has",
    "was",
    "does",
    "this",
    "its",
    "is",
    "his",
    "as",
];

/// Whether a cue at (first, last) token counts for a requirement in a scope.
type Counts<'a> = &'a dyn Fn(&(usize, usize)) -> bool;

/// One word of the text as matched.
#[derive(Debug, Clone)]
struct Token {
    /// Lower case, singular, numbers read alike.
    word: String,
    /// Its bytes in the text.
    start: usize,
    end: usize,
    sentence: usize,
    clause: usize,
    /// A common word: skipped by phrases.
    common: bool,
}

/// A text cut into tokens, with the positions of the words phrases match.
struct Text<'a> {
    source: &'a str,
    tokens: Vec<Token>,
    /// Indexes into `tokens` of the words that are not common.
    content: Vec<usize>,
    /// For each word that is not common: where it occurs, as indexes into `content`.
    occurs: HashMap<String, Vec<usize>>,
    /// Tokens that belong to a kept match: a negation among them is part of a phrase
    /// ("no DevOps people") and negates nothing else.
    phrase_words: HashSet<usize>,
    /// The tokens of each sentence and of each clause, by number.
    sentences: Vec<Range<usize>>,
    clauses: Vec<Range<usize>>,
    /// Where each kind of cue stands, found once.
    cues: CueSpans,
}

/// The places (first, last token) of each kind of cue in a text, in order.
#[derive(Default)]
struct CueSpans {
    must: Vec<(usize, usize)>,
    nice: Vec<(usize, usize)>,
    hedges: Vec<(usize, usize)>,
    team: Vec<(usize, usize)>,
}

impl CueSpans {
    fn of(tokens: &[Token]) -> Self {
        let find = |cues: &[&[&str]]| {
            let mut spans = Vec::new();
            for i in 0..tokens.len() {
                for cue in cues {
                    let fits = tokens.len() - i >= cue.len()
                        && cue
                            .iter()
                            .enumerate()
                            .all(|(k, word)| tokens[i + k].word == *word);
                    if fits {
                        spans.push((i, i + cue.len() - 1));
                    }
                }
            }
            spans
        };
        Self {
            must: find(MUST),
            nice: find(NICE),
            hedges: find(HEDGES),
            team: find(TEAM),
        }
    }
}

/// The spans of `spans` (in order of their first token) that lie wholly within `range`.
fn within(spans: &[(usize, usize)], range: Range<usize>) -> Vec<(usize, usize)> {
    let from = spans.partition_point(|&(a, _)| a < range.start);
    let to = spans.partition_point(|&(a, _)| a < range.end);
    spans[from..to.max(from)]
        .iter()
        .copied()
        .filter(|&(_, b)| b < range.end)
        .collect()
}

/// The ranges of tokens sharing each number that `number` gives a token, by number.
fn ranges(tokens: &[Token], number: impl Fn(&Token) -> usize) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let n = number(token);
        if out.len() <= n {
            out.resize(n + 1, i..i);
        }
        if out[n].is_empty() {
            out[n] = i..i + 1;
        } else {
            out[n].end = i + 1;
        }
    }
    out
}

/// A phrase found in the text.
#[derive(Debug, Clone)]
struct Match {
    entry: usize,
    /// First and last token of the match (indexes into `tokens`).
    first: usize,
    last: usize,
    /// First and last content position.
    from: usize,
    to: usize,
    /// The content positions of the phrase's words: two matches overlap when they share one.
    used: Vec<usize>,
}

/// A kept match, read in its context.
#[derive(Debug, Clone)]
struct Mention {
    entry: usize,
    first: usize,
    last: usize,
    /// The negator's token, when the mention is negated.
    negated_by: Option<usize>,
    /// For requirements: must-have or not, and the cue's tokens when a cue decided.
    must: bool,
    cue: Option<(usize, usize)>,
    /// The tokens of the phrase's own words (not the words between them).
    words: Vec<usize>,
}

impl<'a> Text<'a> {
    /// The text cut into tokens; with a lexicon, its slips of the keyboard read as the words
    /// meant (a phrase is read as written).
    fn read(source: &'a str, lexicon: Option<&Lexicon>) -> Text<'a> {
        let mut tokens = tokenise(source);
        if let Some(lexicon) = lexicon {
            lexicon.correct(&mut tokens);
        }
        let content: Vec<usize> = (0..tokens.len()).filter(|&i| !tokens[i].common).collect();
        let mut occurs: HashMap<String, Vec<usize>> = HashMap::new();
        for (position, &token) in content.iter().enumerate() {
            occurs
                .entry(tokens[token].word.clone())
                .or_default()
                .push(position);
        }
        Text {
            source,
            sentences: ranges(&tokens, |t| t.sentence),
            clauses: ranges(&tokens, |t| t.clause),
            cues: CueSpans::of(&tokens),
            tokens,
            content,
            occurs,
            phrase_words: HashSet::new(),
        }
    }

    fn token(&self, position: usize) -> &Token {
        &self.tokens[self.content[position]]
    }

    /// Every place a phrase of `lexicon` matches.
    fn find(&self, lexicon: &Lexicon) -> Vec<Match> {
        let mut found = Vec::new();
        let mut seen = HashSet::new();
        for (word, positions) in &self.occurs {
            let Some(candidates) = lexicon.by_first_word.get(word) else {
                continue;
            };
            for &p in candidates {
                let phrase = &lexicon.phrases[p];
                for &anchor in positions {
                    if let Some(m) = self.match_at(phrase, anchor)
                        && seen.insert((m.entry, m.used.clone()))
                    {
                        found.push(m);
                    }
                }
            }
        }
        found
    }

    /// The match of `phrase` whose first word is at content position `anchor`: every other
    /// word at its nearest free occurrence in the same sentence, all within the window.
    fn match_at(&self, phrase: &Phrase, anchor: usize) -> Option<Match> {
        let n = phrase.words.len();
        let window = if n == 1 {
            1
        } else if n <= 3 {
            n + 1
        } else {
            n + 2
        };
        let clause = self.token(anchor).clause;
        let mut used = vec![anchor];
        for word in &phrase.words[1..] {
            let occurrences = self.occurs.get(word.as_str())?;
            let nearest = occurrences
                .iter()
                .copied()
                .filter(|q| !used.contains(q) && self.token(*q).clause == clause)
                .filter(|q| q.abs_diff(anchor) < window)
                .min_by_key(|q| (q.abs_diff(anchor), *q))?;
            used.push(nearest);
        }
        let from = *used.iter().min()?;
        let to = *used.iter().max()?;
        if to - from + 1 > window {
            return None;
        }
        used.sort_unstable();
        Some(Match {
            entry: phrase.entry,
            first: self.content[from],
            last: self.content[to],
            from,
            to,
            used,
        })
    }

    /// Keeps, of matches of the same kind that share a word, the longest: the one of more
    /// phrase words, then the tighter, then the earlier, then the entry listed first.
    fn resolve(lexicon: &Lexicon, mut matches: Vec<Match>) -> Vec<Match> {
        let kind = |m: &Match| lexicon.entries[m.entry].kind;
        matches.sort_by_key(|m| {
            (
                std::cmp::Reverse(m.used.len()),
                m.to - m.from,
                m.from,
                m.entry,
            )
        });
        let mut kept: Vec<Match> = Vec::new();
        for m in matches {
            if !kept.iter().any(|k| kind(k) == kind(&m) && overlaps(k, &m)) {
                kept.push(m);
            }
        }
        kept.sort_by_key(|m| (m.from, m.entry));
        kept
    }

    /// The suggestions and refusals the kept matches amount to.
    fn conclude(&self, lexicon: &Lexicon, matches: &[Match]) -> Reading {
        let busy: HashSet<usize> = matches
            .iter()
            .filter(|m| lexicon.entries[m.entry].kind == Kind::Requirement)
            .map(|m| self.tokens[m.first].clause)
            .collect();
        let mut mentions: Vec<Mention> = Vec::new();
        for m in matches {
            let entry = &lexicon.entries[m.entry];
            if entry.kind == Kind::Language && !self.about_the_team(m) {
                continue;
            }
            let mut negated_by = self.negation(m);
            // "may not leave our own servers": a rule that asks for the requirement.
            let prohibition = negated_by
                .filter(|_| entry.kind == Kind::Requirement)
                .and_then(|t| self.prohibition(t));
            if prohibition.is_some() {
                negated_by = None;
            }
            let (must, cue) = match (entry.kind, negated_by) {
                (Kind::Requirement, None) if prohibition.is_some() => (true, prohibition),
                // "not needed for now, maybe in v2": wanted later, not ruled out.
                (Kind::Requirement, Some(negator)) => match self.hedge_after(negator, m, &busy) {
                    Some(hedge) => {
                        negated_by = None;
                        (false, Some(hedge))
                    }
                    None => (false, None),
                },
                (Kind::Requirement, None) => self.firmness(m, entry.compliance, &busy),
                _ => (false, None),
            };
            mentions.push(Mention {
                entry: m.entry,
                first: m.first,
                last: m.last,
                negated_by,
                must,
                cue,
                words: m.used.iter().map(|&p| self.content[p]).collect(),
            });
        }
        self.carry_negation_along_lists(&mut mentions, matches);
        self.reading(lexicon, &mentions)
    }

    /// Whether the sentence of `m` speaks of the team or the code.
    fn about_the_team(&self, m: &Match) -> bool {
        let sentence = self.sentences[self.tokens[m.first].sentence].clone();
        !within(&self.cues.team, sentence).is_empty()
    }

    /// The tokens of the clause of token `t`.
    fn clause_range(&self, t: usize) -> Range<usize> {
        self.clauses[self.tokens[t].clause].clone()
    }

    /// The tokens of the sentence of token `t`.
    fn sentence_range(&self, t: usize) -> Range<usize> {
        self.sentences[self.tokens[t].sentence].clone()
    }

    fn is_negator(&self, t: usize) -> bool {
        !self.phrase_words.contains(&t)
            && NEGATORS.contains(&self.tokens[t].word.as_str())
            && !self
                .tokens
                .get(t + 1)
                .is_some_and(|next| NOT_NEGATION.contains(&next.word.as_str()))
    }

    /// The token that negates `m`, if any: a negator shortly before it in its clause, or
    /// `no`/`not` shortly after it (not followed by a word that only downgrades it).
    fn negation(&self, m: &Match) -> Option<usize> {
        let clause = self.clause_range(m.first);
        let before = m.first.saturating_sub(NEGATION_BEFORE).max(clause.start)..m.first;
        if let Some(t) = before.rev().find(|&t| self.is_negator(t)) {
            return Some(t);
        }
        let after = (m.last + 1)..(m.last + 1 + NEGATION_AFTER).min(clause.end);
        after
            .into_iter()
            .find(|&t| self.tokens[t].word == "not" && self.is_negator(t) && !self.downgraded(t))
    }

    /// The words of a rule when the negator at `t` forbids rather than negates: *may not*,
    /// *must not*, *shall not*, *can not be*, *not allowed*, *not permitted* — unless what
    /// follows is a cue ("may not need offline" is a doubt, not a rule).
    fn prohibition(&self, t: usize) -> Option<(usize, usize)> {
        if self.tokens[t].word != "not" {
            return None;
        }
        let word = |i: usize| self.tokens.get(i).map_or("", |token| token.word.as_str());
        let before = t.checked_sub(1).map_or("", word);
        let cue_after = within(&self.cues.must, t + 1..t + 2).len()
            + within(&self.cues.nice, t + 1..t + 2).len()
            > 0
            || matches!(word(t + 1), "want" | "like" | "have");
        if FORBIDDEN.contains(&word(t + 1)) {
            return Some((t, t + 1));
        }
        let forbids = PROHIBITING.contains(&before) || (before == "can" && word(t + 1) == "be");
        (forbids && !cue_after && t > 0).then(|| (t - 1, t))
    }

    /// Whether the `not` at `t` is followed by a word that makes a requirement nice to have
    /// rather than unwanted ("not essential").
    fn downgraded(&self, t: usize) -> bool {
        self.tokens[t + 1..]
            .iter()
            .take(2)
            .any(|next| DOWNGRADES.contains(&next.word.as_str()))
    }

    /// Must-have or not, and the cue that decided: see the module's rule 5. `busy` holds the
    /// clauses where some requirement is mentioned: a cue there belongs to that requirement,
    /// and only cues of other clauses carry across the sentence.
    fn firmness(
        &self,
        m: &Match,
        compliance: bool,
        busy: &HashSet<usize>,
    ) -> (bool, Option<(usize, usize)>) {
        let clause = self.clause_range(m.first);
        // "not essential" right after the requirement: wanted, not required.
        let after = (m.last + 1)..(m.last + 1 + NEGATION_AFTER).min(clause.end);
        if let Some(t) = after
            .clone()
            .find(|&t| self.tokens[t].word == "not" && self.downgraded(t))
        {
            return (false, Some((t, (t + 2).min(clause.end - 1))));
        }
        let sentence = self.sentence_range(m.first);
        let opening_if =
            (self.tokens[sentence.start].word == "if").then_some((sentence.start, sentence.start));
        let own = self.tokens[m.first].clause;
        let in_clause = |&(a, b): &(usize, usize)| b < m.first || a > m.last;
        let free = |&(a, _): &(usize, usize)| {
            let clause = self.tokens[a].clause;
            clause != own && !busy.contains(&clause)
        };
        // The clause whose cue governs the list this clause continues, if any.
        let list = self
            .governing_clause(own, sentence.start)
            .map_or(0..0, |c| self.clauses[c].clone());
        let any = |_: &(usize, usize)| true;
        let scopes: [(Range<usize>, Counts<'_>); 3] =
            [(clause, &in_clause), (list, &any), (sentence, &free)];
        for (scope, counts) in scopes {
            let cues =
                |list: &[(usize, usize)]| within(list, scope.clone()).into_iter().filter(counts);
            if let Some(hedge) = cues(&self.cues.hedges).next() {
                return (false, Some(hedge));
            }
            let distance = |&(a, b): &(usize, usize)| {
                if b < m.first { m.first - b } else { a - m.last }
            };
            let nearest = cues(&self.cues.must)
                .map(|c| (distance(&c), true, c))
                .chain(cues(&self.cues.nice).map(|c| (distance(&c), false, c)))
                .min_by_key(|(d, is_must, c)| (*d, *is_must, c.0));
            if let Some((_, is_must, cue)) = nearest {
                if is_must && opening_if.is_some() {
                    return (false, opening_if);
                }
                return (is_must, Some(cue));
            }
        }
        if opening_if.is_some() {
            return (false, opening_if);
        }
        (compliance, None)
    }

    /// The clause whose cue governs the list that clause `own` continues: "We need a news app
    /// with alerts, paywalled articles and offline reading" — the clauses after the cue's,
    /// each opened by neither a clause word (*but, so, because…*) nor a new subject ("and
    /// we run microservices"), read as one list with it. The nearest clause back with a cue.
    fn governing_clause(&self, own: usize, sentence_start: usize) -> Option<usize> {
        let first_clause = self.tokens[sentence_start].clause;
        let has_cue = |c: usize| {
            let range = self.clauses[c].clone();
            !within(&self.cues.must, range.clone()).is_empty()
                || !within(&self.cues.nice, range.clone()).is_empty()
                || !within(&self.cues.hedges, range).is_empty()
        };
        let mut c = own;
        while c > first_clause {
            let range = self.clauses[c].clone();
            if range.is_empty() {
                return None;
            }
            let opening = self.tokens[range.clone()]
                .iter()
                .map(|t| t.word.as_str())
                .find(|w| !matches!(*w, "and" | "or" | "plus" | "also"))
                .unwrap_or("");
            if CLAUSE_WORDS.contains(&opening) || SUBJECTS.contains(&opening) {
                return None;
            }
            // A clause opened by *and* / *or* may say something new ("and enterprise buyers
            // keep asking for SAML"): it is the list's last item only when it holds nothing
            // but phrases and common words ("…, and a live map").
            let joined = matches!(self.tokens[range.start].word.as_str(), "and" | "or");
            let only_phrases = range
                .clone()
                .all(|t| self.tokens[t].common || self.phrase_words.contains(&t));
            if joined && !only_phrases {
                return None;
            }
            c -= 1;
            if has_cue(c) {
                return Some(c);
            }
        }
        None
    }

    /// A hedge after the negation of `m`, in its clause or in a clause of its sentence that
    /// mentions no other requirement: "isn't needed now, maybe later" puts it off rather than
    /// ruling it out.
    fn hedge_after(
        &self,
        negator: usize,
        m: &Match,
        busy: &HashSet<usize>,
    ) -> Option<(usize, usize)> {
        let own = self.tokens[m.first].clause;
        let sentence = self.sentence_range(m.first);
        let from = negator.max(m.last) + 1;
        within(
            &self.cues.hedges,
            from.max(sentence.start)..sentence.end.max(from),
        )
        .into_iter()
        .find(|&(a, _)| {
            let clause = self.tokens[a].clause;
            clause == own || !busy.contains(&clause)
        })
    }

    /// A clause right after a negated one in the same sentence, holding nothing but more
    /// matches ("no need for offline, push or chat"), is negated by the same words.
    fn carry_negation_along_lists(&self, mentions: &mut [Mention], matches: &[Match]) {
        let covered: HashSet<usize> = matches.iter().flat_map(|m| m.first..=m.last).collect();
        let mut clause_negator: BTreeMap<usize, usize> = BTreeMap::new();
        for mention in mentions.iter_mut() {
            let clause = self.tokens[mention.first].clause;
            if let Some(negator) = mention.negated_by {
                clause_negator.insert(clause, negator);
                continue;
            }
            let Some(&negator) = clause
                .checked_sub(1)
                .and_then(|previous| clause_negator.get(&previous))
            else {
                continue;
            };
            let range = self.clause_range(mention.first);
            let same_sentence = self.tokens[negator].sentence == self.tokens[range.start].sentence;
            let only_matches = range.clone().all(|t| {
                covered.contains(&t)
                    || self.tokens[t].common
                    || matches!(self.tokens[t].word.as_str(), "or" | "and" | "nor")
            });
            if same_sentence && only_matches {
                mention.negated_by = Some(negator);
                clause_negator.insert(clause, negator);
            }
        }
    }

    /// The text of tokens `first..=last`, as written.
    fn words(&self, first: usize, last: usize) -> String {
        self.source[self.tokens[first].start..self.tokens[last].end].to_owned()
    }

    fn reading(&self, lexicon: &Lexicon, mentions: &[Mention]) -> Reading {
        let entry = |m: &Mention| &lexicon.entries[m.entry];
        let said = |m: &Mention| self.words(m.first, m.last);
        // Each entry once: its first positive mention (a must-have one for a requirement
        // mentioned as both), else its first negated one.
        let mut order: Vec<usize> = Vec::new();
        let mut chosen: HashMap<usize, &Mention> = HashMap::new();
        for m in mentions {
            match chosen.get(&m.entry) {
                None => {
                    order.push(m.entry);
                    chosen.insert(m.entry, m);
                }
                Some(held) => {
                    let better = (held.negated_by.is_some() && m.negated_by.is_none())
                        || (m.negated_by.is_none() && m.must && !held.must);
                    if better {
                        chosen.insert(m.entry, m);
                    }
                }
            }
        }

        let mut reading = Reading::default();
        let suggestion = |param, m: &Mention| Suggestion {
            param,
            slug: entry(m).slug.clone(),
            name: entry(m).name.clone(),
            matched: said(m),
            cue: m.cue.map(|(a, b)| self.words(a, b)),
        };
        // The industry: the best supported, by the words of its own mentions and of its use
        // cases' (each word once, so that a word both phrases name counts once), leaving out
        // a mention that lies inside a longer one naming another industry ("the health of
        // their machines" is machine data, not healthcare).
        let industry_of = |m: &Mention| match entry(m).kind {
            Kind::Industry => Some(entry(m).slug.as_str()),
            Kind::UseCase => entry(m).industry.as_deref(),
            _ => None,
        };
        let positive: Vec<(&Mention, &str)> = mentions
            .iter()
            .filter(|m| m.negated_by.is_none())
            .filter_map(|m| industry_of(m).map(|industry| (m, industry)))
            .collect();
        let mut support: BTreeMap<&str, (HashSet<usize>, usize, &Mention)> = BTreeMap::new();
        for &(m, industry) in &positive {
            let inside_a_longer = positive.iter().any(|&(other, elsewhere)| {
                elsewhere != industry
                    && other.first <= m.first
                    && m.last <= other.last
                    && other.last - other.first > m.last - m.first
            });
            if inside_a_longer {
                continue;
            }
            let held = support
                .entry(industry)
                .or_insert((HashSet::new(), m.first, m));
            held.0.extend(m.words.iter().copied());
        }
        let best = support
            .iter()
            .max_by_key(|(slug, (words, first, _))| {
                (
                    words.len(),
                    std::cmp::Reverse(*first),
                    std::cmp::Reverse(*slug),
                )
            })
            .map(|(slug, (_, _, m))| (*slug, *m));
        if let Some((slug, m)) = best
            && let Some(industry) = lexicon
                .entries
                .iter()
                .find(|e| e.kind == Kind::Industry && e.slug == slug)
        {
            reading.suggestions.push(Suggestion {
                param: Param::Industry,
                slug: industry.slug.clone(),
                name: industry.name.clone(),
                matched: said(m),
                cue: None,
            });
        }
        for (param, wanted) in [
            (Param::Need, Kind::Requirement),
            (Param::Want, Kind::Requirement),
            (Param::Lang, Kind::Language),
            (Param::Use, Kind::UseCase),
        ] {
            for index in &order {
                let m = chosen[index];
                if entry(m).kind != wanted || m.negated_by.is_some() {
                    continue;
                }
                if wanted == Kind::Requirement && (param == Param::Need) != m.must {
                    continue;
                }
                reading.suggestions.push(suggestion(param, m));
            }
        }
        for index in &order {
            let m = chosen[index];
            let Some(negator) = m.negated_by else {
                continue;
            };
            // A negation after the words reaches to what it says ("is not a priority").
            let (first, last) = if negator < m.first {
                (negator, m.last)
            } else {
                let clause_end = self.clause_range(negator).end;
                (m.first, (negator + 2).min(clause_end - 1))
            };
            reading.left_out.push(LeftOut {
                kind: entry(m).kind,
                slug: entry(m).slug.clone(),
                name: entry(m).name.clone(),
                matched: self.words(first, last),
            });
        }
        reading
    }
}

fn overlaps(a: &Match, b: &Match) -> bool {
    a.used.iter().any(|p| b.used.binary_search(p).is_ok())
}

/// Cuts `text` into tokens: see the module's rule 1.
fn tokenise(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let (mut sentence, mut clause) = (0, 0);
    let mut sentence_open = false;
    let mut clause_open = false;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let mut i = 0;
    while i < chars.len() {
        let (offset, c) = chars[i];
        // A word starts with a letter or a digit, or a dot before one (.NET).
        let dotted = c == '.'
            && at(i + 1).is_some_and(char::is_alphanumeric)
            && (i == 0 || !chars[i - 1].1.is_alphanumeric());
        if c.is_alphanumeric() || dotted {
            // A raw word: letters and digits, joined by apostrophes, hyphens, dots (node.js)
            // and commas between digits (1,000,000); `+` and `#` close it (C++, C#).
            let mut j = i + 1;
            while j < chars.len() {
                let ch = chars[j].1;
                let next = at(j + 1);
                let joins = match ch {
                    '\'' | '’' | '-' | '.' => next.is_some_and(char::is_alphanumeric),
                    ',' => {
                        chars[j - 1].1.is_ascii_digit() && next.is_some_and(|n| n.is_ascii_digit())
                    }
                    _ => ch.is_alphanumeric(),
                };
                if !joins {
                    break;
                }
                j += 1;
            }
            while j < chars.len() && matches!(chars[j].1, '+' | '#') {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |&(o, _)| o);
            for (word, start, stop) in words_of(&text[offset..end], offset) {
                if CLAUSE_WORDS.contains(&word.as_str()) && clause_open {
                    clause += 1;
                }
                let common = COMMON.contains(&word.as_str());
                tokens.push(Token {
                    word,
                    start,
                    end: stop,
                    sentence,
                    clause,
                    common,
                });
                sentence_open = true;
                clause_open = true;
            }
            i = j;
            continue;
        }
        let spaced = |k: usize| at(k).is_none_or(char::is_whitespace);
        let ends_sentence = matches!(c, '!' | '?' | ';' | '…' | '\n')
            || (c == '.' && !at(i + 1).is_some_and(char::is_alphanumeric));
        let ends_clause = matches!(c, ',' | ':' | '(' | ')' | '[' | ']' | '—' | '–')
            || (c == '-' && i > 0 && spaced(i - 1) && spaced(i + 1));
        if ends_sentence && sentence_open {
            sentence += 1;
            clause += 1;
            sentence_open = false;
            clause_open = false;
        } else if ends_clause && clause_open {
            clause += 1;
            clause_open = false;
        }
        i += 1;
    }
    join_compounds(tokens)
}

/// Two consecutive words of one clause that make a known compound ([`COMPOUNDS`]) as one word.
/// A number followed by *times* is a multiple ("ten times the traffic" = "10x traffic"), and
/// *of course* (the singular only: "a catalogue of courses" is about courses) is a filler.
fn join_compounds(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for token in tokens {
        if let Some(previous) = out.last_mut()
            && previous.clause == token.clause
        {
            let pair = (previous.word.as_str(), token.word.as_str());
            if COMPOUNDS.contains(&pair) {
                previous.word.push_str(&token.word);
                previous.end = token.end;
                previous.common = false;
                continue;
            }
            if pair == ("#n", "time") {
                previous.word = "#times".to_owned();
                previous.end = token.end;
                continue;
            }
            if pair == ("of", "course") && token.end - token.start == "course".len() {
                previous.word = "ofcourse".to_owned();
                previous.end = token.end;
                previous.common = true;
                continue;
            }
        }
        out.push(token);
    }
    out
}

/// Whether a word is long enough, and all letters, for a typo in it to be read.
fn typo_candidate(word: &str) -> bool {
    word.chars().count() >= TYPO_MIN_CHARS && word.chars().all(char::is_alphabetic)
}

/// The word with one letter left out, for each letter.
fn deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len()).map(move |i| chars[..i].iter().chain(&chars[i + 1..]).collect::<String>())
}

/// Whether `a` and `b` differ by one slip (a letter left out, added, replaced, or two
/// neighbours swapped: Damerau distance 1) that is neither in the first letter nor in the
/// last two, where English words differ by inflection (*managed*, *manager*).
fn one_slip_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let at = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let shorter = a.len().min(b.len());
    if at == 0 || at + 2 >= shorter {
        return false;
    }
    let rest = |x: &[char], from: usize| x.get(from..).unwrap_or(&[]).to_vec();
    if a.len() == b.len() {
        let replaced = rest(&a, at + 1) == rest(&b, at + 1);
        let swapped = a.get(at + 1) == b.get(at)
            && a.get(at) == b.get(at + 1)
            && rest(&a, at + 2) == rest(&b, at + 2);
        replaced || swapped
    } else if a.len() > b.len() {
        rest(&a, at + 1) == rest(&b, at)
    } else {
        rest(&a, at) == rest(&b, at + 1)
    }
}

/// The normalised words of one raw word (`don't`, `real-time`, `node.js`, `200k`) with the
/// bytes each came from.
fn words_of(raw: &str, offset: usize) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    // Dots split a word without ending a sentence: node.js, asp.net.
    let mut piece_start = 0;
    for piece in raw.split('.') {
        let end = offset + piece_start + piece.len();
        // A leading dot belongs to the word it starts (.NET).
        let start = offset + piece_start - usize::from(piece_start == 1);
        piece_start += piece.len() + 1;
        if piece.is_empty() {
            continue;
        }
        let lower = piece.to_lowercase();
        let lower = lower.replace('’', "'");
        // Contractions: don't = do not, can't = can not, we're = we.
        let (base, not) = if lower == "cannot" {
            ("can".to_owned(), true)
        } else if let Some(base) = lower.strip_suffix("n't") {
            let base = match base {
                "ca" => "can",
                "wo" => "will",
                "sha" => "shall",
                "ai" => "is",
                other => other,
            };
            (base.to_owned(), true)
        } else {
            let base = ["'s", "'re", "'ll", "'ve", "'d", "'m"]
                .iter()
                .find_map(|suffix| lower.strip_suffix(suffix))
                .unwrap_or(&lower);
            (base.replace('\'', ""), false)
        };
        for word in compound(&base) {
            out.push((normalise(&word), start, end));
        }
        if not {
            out.push(("not".to_owned(), start, end));
        }
    }
    out
}

/// A hyphenated word as the words it stands for: its parts, or one word when a part is a
/// single letter or a small joining word (e-commerce, to-do).
fn compound(word: &str) -> Vec<String> {
    let parts: Vec<&str> = word.split('-').filter(|p| !p.is_empty()).collect();
    if parts.len() < 2 {
        return vec![word.replace('-', "")];
    }
    let joined = parts
        .iter()
        .any(|p| p.chars().count() == 1 || JOINING.contains(p));
    if joined {
        vec![parts.concat()]
    } else {
        parts.into_iter().map(str::to_owned).collect()
    }
}

/// A lower-case word as compared: numbers read alike, then singular.
fn normalise(word: &str) -> String {
    if let Some(number) = number(word) {
        return number.to_owned();
    }
    if COMMON.contains(&word) {
        return word.to_owned();
    }
    singular(word)
}

/// `#many` for 10,000 and more (200k, 2m, 1,000,000, million), `#n` for a smaller number,
/// `#times` for a multiple (10x, 100x).
fn number(word: &str) -> Option<&'static str> {
    if matches!(word, "million" | "millions" | "billion" | "billions") {
        return Some("#many");
    }
    if NUMBER_WORDS.contains(&word) {
        return Some("#n");
    }
    if MULTIPLE_WORDS.contains(&word) || (word.len() > 4 && word.ends_with("fold")) {
        return Some("#times");
    }
    let digits: String = word.chars().filter(|c| *c != ',').collect();
    let (number, suffix) = match digits.find(|c: char| !c.is_ascii_digit()) {
        Some(0) => return None,
        Some(at) => digits.split_at(at),
        None => (digits.as_str(), ""),
    };
    let value: f64 = number.parse().ok()?;
    let scaled = match suffix {
        "" => value,
        "k" => value * 1_000.0,
        "m" | "mm" | "mn" => value * 1_000_000.0,
        "b" | "bn" => value * 1_000_000_000.0,
        "x" => return Some("#times"),
        _ => return None,
    };
    Some(if scaled >= 10_000.0 { "#many" } else { "#n" })
}

/// A simple English singular: users → user, companies → company, matches → match.
fn singular(word: &str) -> String {
    let n = word.chars().count();
    if n <= 3 || NOT_PLURAL.contains(&word) || !word.is_ascii() {
        return word.to_owned();
    }
    if let Some(stem) = word.strip_suffix("ies")
        && n > 4
    {
        return format!("{stem}y");
    }
    for suffix in ["sses", "xes", "ches", "shes", "zes"] {
        if word.ends_with(suffix) {
            return word[..word.len() - 2].to_owned();
        }
    }
    if word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        return word.to_owned();
    }
    word.strip_suffix('s').unwrap_or(word).to_owned()
}

#[cfg(test)]
mod tests;
