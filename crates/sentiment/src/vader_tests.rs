//! The scorer against the Python reference, finance-specific behaviour, and agreement with the
//! provider labels in the shared news data.

use domain::SentimentLabel;

use crate::{Agreement, Lexicon, Scorer};

/// Compound scores printed by vaderSentiment 3.3.2 (`polarity_scores`) for these sentences.
const REFERENCE: &[(&str, f64)] = &[
    ("VADER is smart, handsome, and funny.", 0.8316),
    ("VADER is smart, handsome, and funny!", 0.8439),
    ("VADER is very smart, handsome, and funny.", 0.8545),
    ("VADER is VERY SMART, handsome, and FUNNY.", 0.9227),
    ("VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342),
    (
        "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
        0.9469,
    ),
    ("VADER is not smart, handsome, nor funny.", -0.7424),
    ("The book was good.", 0.4404),
    ("At least it isn't a horrible book.", 0.431),
    ("The book was only kind of good.", 0.3832),
    (
        "The plot was good, but the characters are uncompelling and the dialog is not great.",
        -0.7042,
    ),
    ("Today SUX!", -0.5461),
    ("Today only kinda sux! But I'll get by, lol", 0.5249),
    ("Make sure you :) or :D today!", 0.8633),
    ("Not bad at all", 0.431),
    ("No good deed goes unpunished", -0.3412),
    ("Is this really the best we can do??", 0.7039),
    ("The service was never so good", 0.6626),
    ("", 0.0),
    (
        "Apple Stock Soars to New Peak. Here's Why I'm Doubling Down.",
        0.0,
    ),
    (
        "Short Sellers Hate That These Stocks Are Moving Higher",
        -0.5719,
    ),
];

#[test]
fn matches_the_python_reference_with_vaders_lexicon() {
    let scorer = Scorer::new(Lexicon::vader());
    for (text, want) in REFERENCE {
        let got = scorer.score(text).compound;
        assert!(
            (got - want).abs() < 1e-4,
            "{text:?}: got {got}, reference {want}"
        );
    }
    let s = scorer.score("The book was good.");
    assert_eq!((s.positive, s.neutral, s.negative), (0.492, 0.508, 0.0));
}

#[test]
fn finance_overlay_reads_market_news() {
    let s = Scorer::default();
    let label = |t: &str| s.score(t).label;
    use SentimentLabel::*;
    assert_eq!(label("Apple Stock Soars to New Peak"), Positive);
    assert_eq!(
        label("Analyst downgrades Tesla as deliveries slump"),
        Negative
    );
    assert_eq!(label("Nike raises guidance after strong quarter"), Positive);
    assert_eq!(label("Nike cuts guidance"), Negative);
    assert_eq!(label("Shares outstanding rise to 15.2 billion"), Positive);
    assert_eq!(
        label("Crude oil inventories reported"),
        Neutral,
        "crude is a commodity here"
    );
    assert_eq!(
        label("Shares did not surge"),
        Negative,
        "negation still applies"
    );
    assert_eq!(label("Stock hits 52-week low"), Negative);
    // Phrases merge only on whole words.
    let merged = s.score("record high for the index");
    let split = s.score("a high record");
    assert_eq!(merged.hits, 1);
    assert!(merged.compound > split.compound);
}

#[test]
fn confidence_is_defined_and_bounded() {
    let s = Scorer::default();
    let none = s.score("Company schedules conference call");
    assert_eq!(
        (none.label, none.confidence, none.hits),
        (SentimentLabel::Neutral, 0.0, 0)
    );
    let one = s.score("Shares surge");
    let many = s.score("Shares surge as profits soar and analysts upgrade");
    assert!(one.confidence > 0.0 && one.confidence < many.confidence && many.confidence <= 1.0);
    for text in ["", "!!!", "not not not", "BUY BUY BUY!!!", "no no no good"] {
        let sc = s.score(text);
        assert!(
            (-1.0..=1.0).contains(&sc.compound) && (0.0..=1.0).contains(&sc.confidence),
            "{text:?}"
        );
    }
}

/// Agreement with Alpha Vantage's own labels on the 100 labelled rows of
/// `shared/data/news/news_headlines.csv`.
///
/// The floor: Alpha Vantage labels whole articles (we see only headlines) and its labels are
/// 71% positive, so raw agreement is dominated by that one class. Plain VADER 3.3.2 reaches
/// 0.52 on these headlines (measured with the Python package); a constant "neutral" scorer
/// 0.29, a uniform guess 0.33. The scorer must stay at or above plain VADER (0.52) — the
/// finance overlay must not make it worse — and its Cohen's κ must be positive, i.e. better than
/// chance given both labelings' class frequencies.
#[test]
fn agreement_with_provider_labels() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/news/news_headlines.csv"
    );
    let mut rdr = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let finance = Scorer::default();
    let vader = Scorer::new(Lexicon::vader());
    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    for (i, row) in rdr
        .deserialize::<std::collections::HashMap<String, String>>()
        .enumerate()
    {
        let row = row.unwrap_or_else(|e| panic!("{path}: row {}: {e}", i + 2));
        let label = row["provider_sentiment_label"].as_str();
        if label.is_empty() {
            continue;
        }
        let reference =
            SentimentLabel::parse(label).unwrap_or_else(|e| panic!("{path}: row {}: {e}", i + 2));
        let headline = &row["headline"];
        ours.push((reference, finance.score(headline).label));
        plain.push((reference, vader.score(headline).label));
    }
    let a = Agreement::of(ours);
    let p = Agreement::of(plain);
    println!(
        "agreement with provider labels (n={}): finance {:.2} (kappa {:.3}), plain VADER {:.2} (kappa {:.3})\n{}",
        a.n,
        a.rate,
        a.kappa,
        p.rate,
        p.kappa,
        a.table()
    );
    assert_eq!(a.n, 100);
    assert!(
        (p.rate - 0.52).abs() < 0.011,
        "the Rust port should reproduce Python VADER's 0.52, got {}",
        p.rate
    );
    assert!(
        a.rate >= 0.52,
        "agreement {:.2} fell below plain VADER's 0.52",
        a.rate
    );
    assert!(
        a.kappa > 0.0,
        "kappa {:.3} is no better than chance",
        a.kappa
    );
}
