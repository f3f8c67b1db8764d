//! Agreement between two 3-class labelings: the raw rate and Cohen's κ, which discounts the
//! agreement two labelers would reach by chance given how often each uses each label.

use domain::SentimentLabel;
use serde::Serialize;

const LABELS: [SentimentLabel; 3] = [
    SentimentLabel::Positive,
    SentimentLabel::Neutral,
    SentimentLabel::Negative,
];

fn index(l: SentimentLabel) -> usize {
    match l {
        SentimentLabel::Positive => 0,
        SentimentLabel::Neutral => 1,
        SentimentLabel::Negative => 2,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    pub n: usize,
    pub agree: usize,
    /// `agree / n`; 0 when `n` is 0.
    pub rate: f64,
    /// Cohen's κ; 0 when chance agreement is 1 (both labelings constant and equal) or `n` is 0.
    pub kappa: f64,
    /// `confusion[reference][ours]`, rows and columns in the order positive, neutral, negative.
    pub confusion: [[usize; 3]; 3],
}

impl Agreement {
    /// `pairs` are `(reference, ours)`.
    pub fn of(pairs: impl IntoIterator<Item = (SentimentLabel, SentimentLabel)>) -> Self {
        let mut confusion = [[0usize; 3]; 3];
        for (r, o) in pairs {
            confusion[index(r)][index(o)] += 1;
        }
        let n: usize = confusion.iter().flatten().sum();
        let agree: usize = (0..3).map(|k| confusion[k][k]).sum();
        if n == 0 {
            return Self {
                n,
                agree,
                rate: 0.0,
                kappa: 0.0,
                confusion,
            };
        }
        let nf = n as f64;
        let rate = agree as f64 / nf;
        let chance: f64 = (0..3)
            .map(|k| {
                let row: usize = confusion[k].iter().sum();
                let col: usize = confusion.iter().map(|r| r[k]).sum();
                (row as f64 / nf) * (col as f64 / nf)
            })
            .sum();
        let kappa = if chance >= 1.0 {
            0.0
        } else {
            (rate - chance) / (1.0 - chance)
        };
        Self {
            n,
            agree,
            rate,
            kappa,
            confusion,
        }
    }

    /// A small table for reports: reference labels down, ours across.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{:>9} {:>9} {:>9} {:>9}\n",
            "ref\\ours", "positive", "neutral", "negative"
        );
        for (k, l) in LABELS.iter().enumerate() {
            let r = self.confusion[k];
            out += &format!("{:>9} {:>9} {:>9} {:>9}\n", l.as_str(), r[0], r[1], r[2]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SentimentLabel::*;

    #[test]
    fn rate_and_kappa() {
        let a = Agreement::of([
            (Positive, Positive),
            (Neutral, Neutral),
            (Negative, Negative),
        ]);
        assert_eq!((a.agree, a.rate, a.kappa), (3, 1.0, 1.0));
        // Textbook example: 50 items, 20+15 agree; chance = .5*.6 + .5*.4 = .5; κ = (.7-.5)/.5 = .4.
        let pairs = std::iter::repeat_n((Positive, Positive), 20)
            .chain(std::iter::repeat_n((Positive, Neutral), 5))
            .chain(std::iter::repeat_n((Neutral, Positive), 10))
            .chain(std::iter::repeat_n((Neutral, Neutral), 15));
        let a = Agreement::of(pairs);
        assert_eq!(a.n, 50);
        assert!((a.rate - 0.7).abs() < 1e-12);
        assert!((a.kappa - 0.4).abs() < 1e-12);
        assert_eq!(Agreement::of([]).rate, 0.0);
        assert!(a.table().contains("positive        20         5         0"));
    }
}
