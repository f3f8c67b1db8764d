//! A VADER scorer (Hutto & Gilbert, 2014), ported from vaderSentiment 3.3.2, over a
//! [`Lexicon`] that defaults to VADER plus the finance overlay.
//!
//! Deviations from the Python reference, each deliberate:
//! - the "but" rule scales words by their position (the reference looks positions up by value,
//!   which mis-scales repeated valences);
//! - overlay phrases (`raises guidance`) are merged into one token before scoring;
//! - no emoji translation (headlines carry none);
//! - the label uses VADER's documented thresholds: compound ≥ 0.05 positive, ≤ −0.05 negative.

use domain::SentimentLabel;
use serde::Serialize;

use crate::lexicon::Lexicon;
use crate::rules::{ALPHA, BOOSTERS, C_INCR, N_SCALAR, negated, special_case};

/// Compound scores within ±0.05 are neutral, as VADER's authors recommend.
pub const NEUTRAL_BAND: f64 = 0.05;

/// One text's score.
///
/// `confidence` is `margin × evidence`: `margin` is how far `compound` sits inside its label's
/// range, from 0 at the edge to 1 at the far end (±1 for positive/negative, 0 for neutral);
/// `evidence` is `hits / (hits + 1)`, so a verdict resting on one lexicon word counts half as
/// much as one resting on many, and a text with no lexicon word at all has confidence 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Score {
    /// Normalised sum of valences, −1..1, rounded to 4 decimals like VADER.
    pub compound: f64,
    /// Shares of positive, neutral and negative intensity; they sum to 1 (or are all 0).
    pub positive: f64,
    pub neutral: f64,
    pub negative: f64,
    pub label: SentimentLabel,
    pub confidence: f64,
    /// Tokens (or merged phrases) found in the lexicon.
    pub hits: u32,
}

pub fn label_of(compound: f64) -> SentimentLabel {
    if compound >= NEUTRAL_BAND {
        SentimentLabel::Positive
    } else if compound <= -NEUTRAL_BAND {
        SentimentLabel::Negative
    } else {
        SentimentLabel::Neutral
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Scorer<'a> {
    lexicon: &'a Lexicon,
}

impl Default for Scorer<'static> {
    fn default() -> Self {
        Self::new(Lexicon::finance())
    }
}

struct Token {
    text: String,
    lower: String,
}

impl<'a> Scorer<'a> {
    pub fn new(lexicon: &'a Lexicon) -> Self {
        Self { lexicon }
    }

    pub fn score(&self, text: &str) -> Score {
        let tokens = self.tokenize(text);
        let lw: Vec<&str> = tokens.iter().map(|t| t.lower.as_str()).collect();
        let caps = tokens.iter().filter(|t| is_upper(&t.text)).count();
        let cap_diff = caps > 0 && caps < tokens.len();
        let mut hits = 0;
        let mut sentiments = Vec::with_capacity(tokens.len());
        for i in 0..tokens.len() {
            let modifier = BOOSTERS.contains_key(lw[i])
                || (i + 1 < lw.len() && lw[i] == "kind" && lw[i + 1] == "of");
            if modifier || !self.lexicon.contains(lw[i]) {
                sentiments.push(0.0);
                continue;
            }
            hits += 1;
            sentiments.push(self.valence(&tokens, &lw, i, cap_diff));
        }
        if let Some(bi) = lw.iter().position(|w| *w == "but") {
            for (si, s) in sentiments.iter_mut().enumerate() {
                if si < bi {
                    *s *= 0.5;
                } else if si > bi {
                    *s *= 1.5;
                }
            }
        }
        finish(&sentiments, text, hits)
    }

    /// Whitespace split, edge punctuation stripped from words (not from emoticons), then
    /// overlay phrases merged.
    fn tokenize(&self, text: &str) -> Vec<Token> {
        let words: Vec<&str> = text.split_whitespace().map(strip_punc_if_word).collect();
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        let mut out = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            let phrase = self.lexicon.phrases().iter().find(|p| {
                i + p.len() <= words.len() && p.iter().zip(&lower[i..]).all(|(a, b)| a == b)
            });
            let n = phrase.map_or(1, Vec::len);
            out.push(Token {
                text: words[i..i + n].join(" "),
                lower: lower[i..i + n].join(" "),
            });
            i += n;
        }
        out
    }

    fn valence(&self, tokens: &[Token], lw: &[&str], i: usize, cap_diff: bool) -> f64 {
        let lex = self.lexicon;
        let base = lex.get(lw[i]).unwrap_or(0.0);
        let mut v = base;
        // "no" before another lexicon word negates that word instead of counting itself.
        if lw[i] == "no" && i + 1 < lw.len() && lex.contains(lw[i + 1]) {
            v = 0.0;
        }
        if (i > 0 && lw[i - 1] == "no")
            || (i > 1 && lw[i - 2] == "no")
            || (i > 2 && lw[i - 3] == "no" && matches!(lw[i - 1], "or" | "nor"))
        {
            v = base * N_SCALAR;
        }
        if is_upper(&tokens[i].text) && cap_diff {
            v += if v > 0.0 { C_INCR } else { -C_INCR };
        }
        for start_i in 0..3 {
            if i > start_i && !lex.contains(lw[i - start_i - 1]) {
                let prev = &tokens[i - start_i - 1];
                let mut s = booster(&prev.text, &prev.lower, v, cap_diff);
                s *= [1.0, 0.95, 0.9][start_i];
                v += s;
                v = negation(v, lw, start_i, i);
                if start_i == 2 {
                    v = idioms(v, lw, i);
                }
            }
        }
        if i > 0 && lw[i - 1] == "least" && !lex.contains("least") {
            let at_least = i > 1 && matches!(lw[i - 2], "at" | "very");
            if !at_least {
                v *= N_SCALAR;
            }
        }
        v
    }
}

fn strip_punc_if_word(token: &str) -> &str {
    let stripped = token.trim_matches(|c: char| c.is_ascii_punctuation());
    if stripped.chars().count() <= 2 {
        token
    } else {
        stripped
    }
}

/// Python's `str.isupper`: some cased character, none lower-case.
fn is_upper(s: &str) -> bool {
    s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase)
}

fn booster(text: &str, lower: &str, valence: f64, cap_diff: bool) -> f64 {
    let Some(&b) = BOOSTERS.get(lower) else {
        return 0.0;
    };
    let mut s = if valence < 0.0 { -b } else { b };
    if is_upper(text) && cap_diff {
        s += if valence > 0.0 { C_INCR } else { -C_INCR };
    }
    s
}

fn negation(v: f64, lw: &[&str], start_i: usize, i: usize) -> f64 {
    let so_this = |w: &str| matches!(w, "so" | "this");
    match start_i {
        0 if negated(lw[i - 1]) => v * N_SCALAR,
        1 if lw[i - 2] == "never" && so_this(lw[i - 1]) => v * 1.25,
        1 if lw[i - 2] == "without" && lw[i - 1] == "doubt" => v,
        1 if negated(lw[i - 2]) => v * N_SCALAR,
        // As in the reference: "so"/"this" right before the word boosts even without "never".
        2 if (lw[i - 3] == "never" && so_this(lw[i - 2])) || so_this(lw[i - 1]) => v * 1.25,
        2 if lw[i - 3] == "without" && (lw[i - 2] == "doubt" || lw[i - 1] == "doubt") => v,
        2 if negated(lw[i - 3]) => v * N_SCALAR,
        _ => v,
    }
}

/// Reached only with `i ≥ 3`.
fn idioms(mut v: f64, lw: &[&str], i: usize) -> f64 {
    let (w3, w2, w1, w0) = (lw[i - 3], lw[i - 2], lw[i - 1], lw[i]);
    let before = [
        format!("{w1} {w0}"),
        format!("{w2} {w1} {w0}"),
        format!("{w2} {w1}"),
        format!("{w3} {w2} {w1}"),
        format!("{w3} {w2}"),
    ];
    if let Some(x) = before.iter().find_map(|s| special_case(s)) {
        v = x;
    }
    if i + 1 < lw.len()
        && let Some(x) = special_case(&format!("{w0} {}", lw[i + 1]))
    {
        v = x;
    }
    if i + 2 < lw.len()
        && let Some(x) = special_case(&format!("{w0} {} {}", lw[i + 1], lw[i + 2]))
    {
        v = x;
    }
    for gram in [&before[3], &before[4], &before[2]] {
        if let Some(b) = BOOSTERS.get(gram.as_str()) {
            v += b;
        }
    }
    v
}

fn finish(sentiments: &[f64], text: &str, hits: u32) -> Score {
    if sentiments.is_empty() {
        return Score {
            compound: 0.0,
            positive: 0.0,
            neutral: 0.0,
            negative: 0.0,
            label: SentimentLabel::Neutral,
            confidence: 0.0,
            hits,
        };
    }
    let punct = punctuation_emphasis(text);
    let mut sum: f64 = sentiments.iter().sum();
    if sum > 0.0 {
        sum += punct;
    } else if sum < 0.0 {
        sum -= punct;
    }
    let compound = round_to((sum / (sum * sum + ALPHA).sqrt()).clamp(-1.0, 1.0), 4);
    // Each scored word counts one unit of neutral intensity plus its valence.
    let mut pos: f64 = sentiments
        .iter()
        .filter(|s| **s > 0.0)
        .map(|s| s + 1.0)
        .sum();
    let mut neg: f64 = sentiments
        .iter()
        .filter(|s| **s < 0.0)
        .map(|s| s - 1.0)
        .sum();
    let neu = sentiments.iter().filter(|s| **s == 0.0).count() as f64;
    if pos > neg.abs() {
        pos += punct;
    } else if pos < neg.abs() {
        neg -= punct;
    }
    let total = pos + neg.abs() + neu;
    let label = label_of(compound);
    Score {
        compound,
        positive: round_to((pos / total).abs(), 3),
        neutral: round_to((neu / total).abs(), 3),
        negative: round_to((neg / total).abs(), 3),
        label,
        confidence: confidence(compound, label, hits),
        hits,
    }
}

fn confidence(compound: f64, label: SentimentLabel, hits: u32) -> f64 {
    let margin = match label {
        SentimentLabel::Positive => (compound - NEUTRAL_BAND) / (1.0 - NEUTRAL_BAND),
        SentimentLabel::Negative => (-compound - NEUTRAL_BAND) / (1.0 - NEUTRAL_BAND),
        SentimentLabel::Neutral => (NEUTRAL_BAND - compound.abs()) / NEUTRAL_BAND,
    };
    let evidence = f64::from(hits) / (f64::from(hits) + 1.0);
    (margin.clamp(0.0, 1.0) * evidence).clamp(0.0, 1.0)
}

/// "!" adds emphasis (up to 4); "?" only from two on (one is just a question).
fn punctuation_emphasis(text: &str) -> f64 {
    let ep = text.matches('!').count().min(4) as f64 * 0.292;
    let qm = match text.matches('?').count() {
        0 | 1 => 0.0,
        n @ 2..=3 => n as f64 * 0.18,
        _ => 0.96,
    };
    ep + qm
}

fn round_to(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}
