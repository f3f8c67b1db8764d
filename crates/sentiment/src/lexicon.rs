//! The word lists the scorer reads: VADER's lexicon (MIT) and ztrade's finance overlay, both
//! embedded from `crates/sentiment/lexicon/` (see the README there for sources and licences).

use std::collections::HashMap;
use std::sync::LazyLock;

use thiserror::Error;

const VADER_TSV: &str = include_str!("../lexicon/vader_lexicon.tsv");
const FINANCE_TSV: &str = include_str!("../lexicon/finance.tsv");

/// A line of a lexicon file that is not `term<TAB>valence`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{origin}:{line}: {reason}")]
pub struct LexiconError {
    pub origin: String,
    pub line: usize,
    pub reason: String,
}

/// Lower-cased terms and their valence on VADER's −4..4 scale. Multi-word terms are also kept
/// as phrases, longest first, for the tokenizer to merge.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    words: HashMap<String, f64>,
    phrases: Vec<Vec<String>>,
}

static VADER: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut lex = Lexicon::default();
    lex.extend(
        parse(VADER_TSV, "vader_lexicon.tsv").expect("embedded lexicon (checked by tests)"),
        false,
    );
    lex
});

static FINANCE: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut lex = VADER.clone();
    lex.extend(
        parse(FINANCE_TSV, "finance.tsv").expect("embedded lexicon (checked by tests)"),
        true,
    );
    lex
});

impl Lexicon {
    /// VADER 3.3.2 as published.
    pub fn vader() -> &'static Lexicon {
        &VADER
    }

    /// VADER with the finance overlay: the default for news.
    pub fn finance() -> &'static Lexicon {
        &FINANCE
    }

    /// A lexicon from `base` plus `overlay` text in the `finance.tsv` format.
    pub fn with_overlay(
        base: &Lexicon,
        overlay: &str,
        origin: &str,
    ) -> Result<Lexicon, LexiconError> {
        let mut lex = base.clone();
        lex.extend(parse(overlay, origin)?, true);
        Ok(lex)
    }

    pub fn get(&self, term: &str) -> Option<f64> {
        self.words.get(term).copied()
    }

    pub fn contains(&self, term: &str) -> bool {
        self.words.contains_key(term)
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Phrases, longest first.
    pub fn phrases(&self) -> &[Vec<String>] {
        &self.phrases
    }

    /// Overlay entries win; a valence of 0 removes the term. Only overlay phrases are matched
    /// across words (VADER's own never are).
    fn extend(&mut self, entries: Vec<(String, f64)>, match_phrases: bool) {
        for (term, valence) in entries {
            if valence == 0.0 {
                self.words.remove(&term);
                continue;
            }
            if match_phrases && term.contains(' ') {
                let words: Vec<String> = term.split(' ').map(str::to_string).collect();
                if !self.phrases.contains(&words) {
                    self.phrases.push(words);
                }
            }
            self.words.insert(term, valence);
        }
        self.phrases
            .sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    }
}

/// `term<TAB>valence[<TAB>comment]` lines; blank lines and lines starting with `#` are skipped.
pub fn parse(text: &str, origin: &str) -> Result<Vec<(String, f64)>, LexiconError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let err = |reason: String| LexiconError {
            origin: origin.to_string(),
            line: i + 1,
            reason,
        };
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let term = cols.next().unwrap_or_default();
        let Some(value) = cols.next() else {
            return Err(err(format!("{line:?} has no tab-separated valence")));
        };
        let valence: f64 = value
            .trim()
            .parse()
            .map_err(|_| err(format!("valence {value:?} is not a number")))?;
        if !(-4.0..=4.0).contains(&valence) {
            return Err(err(format!("valence {valence} is outside -4..4")));
        }
        if term.is_empty() || (term != term.to_lowercase() && term.chars().all(char::is_alphabetic))
        {
            return Err(err(format!(
                "term {term:?} must be non-empty and lower-case"
            )));
        }
        out.push((
            term.split_whitespace().collect::<Vec<_>>().join(" "),
            valence,
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_lexicons_parse() {
        assert_eq!(parse(VADER_TSV, "vader").unwrap().len(), 7520);
        let fin = parse(FINANCE_TSV, "finance").unwrap();
        assert_eq!(fin.len(), 243);
        let v = Lexicon::vader();
        let f = Lexicon::finance();
        assert_eq!(v.get("good"), Some(1.9));
        assert_eq!(v.get("outstanding"), Some(3.0));
        assert_eq!(f.get("outstanding"), None, "zero removes a word");
        assert_eq!(f.get("downgrade"), Some(-2.0));
        assert!(v.phrases().is_empty());
        assert_eq!(f.phrases()[0], ["52-week", "high"]);
        assert!(f.phrases().iter().any(|p| p == &["raises", "guidance"]));
    }

    #[test]
    fn bad_lines_name_the_line() {
        let err = parse("good\t1.0\n# c\nbad 2\n", "x.tsv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.tsv:3: \"bad 2\" has no tab-separated valence"
        );
        let err = parse("good\tlots\n", "x.tsv").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(
            parse("good\t9\n", "x.tsv")
                .unwrap_err()
                .reason
                .contains("outside")
        );
        let lex = Lexicon::with_overlay(Lexicon::vader(), "good\t0\nbeats estimates\t2.2\n", "o")
            .unwrap();
        assert!(!lex.contains("good"));
        assert_eq!(
            lex.phrases(),
            [vec!["beats".to_string(), "estimates".to_string()]]
        );
    }
}
