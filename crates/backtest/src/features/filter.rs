//! Entry filters on features: an agent's `filters: ["rvol > 1.5", "close > vwap"]`.
//!
//! A condition is `LEFT OP RIGHT`, each side a feature name, `close` (or `price`: the bar's
//! close) or a number, OP one of `>`, `>=`, `<`, `<=`. Every condition of the list must hold at a
//! bar's close for the strategy's entries (sized or exact orders) to go through; exits, closes
//! and cancels always do. A feature without a value yet (warming up) fails its condition.
//! Filters wrap any built-in strategy ([`FeatureGate`]); the strategy is not told its entry was
//! dropped, so a strategy that enters once (buy and hold) may not try again.

use std::fmt;

use domain::{Bar, SentimentRecord};
use indicators::features::{Feature, FeatureSet};

use crate::event::SymbolId;
use crate::journal::{SignalNote, Text};
use crate::order::{OrderQty, OrderRequest, Side};
use crate::strategy::{Context, Strategy};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Operand {
    Feature(Feature),
    Close,
    Number(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
}

/// One condition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Filter {
    pub left: Operand,
    pub op: Cmp,
    pub right: Operand,
}

impl Cmp {
    fn as_str(self) -> &'static str {
        match self {
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
        }
    }
}

impl Operand {
    fn parse(text: &str) -> Result<Self, String> {
        match text {
            "close" | "price" => Ok(Operand::Close),
            _ if text.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.') => text
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .map(Operand::Number)
                .ok_or_else(|| format!("{text:?} is not a number")),
            _ => text.parse::<Feature>().map(Operand::Feature),
        }
    }

    fn value(self, ctx: &Context<'_>, s: SymbolId, close: Option<f64>) -> Option<f64> {
        match self {
            Operand::Feature(f) => ctx.feature(s, f),
            Operand::Close => close,
            Operand::Number(x) => Some(x),
        }
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Feature(x) => write!(f, "{x}"),
            Operand::Close => f.write_str("close"),
            Operand::Number(x) => write!(f, "{x}"),
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.left, self.op.as_str(), self.right)
    }
}

impl std::str::FromStr for Filter {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let [left, op, right] = words[..] else {
            return Err(format!(
                "{text:?} is not LEFT OP RIGHT (e.g. \"rvol > 1.5\", \"close > vwap\"; spaces around OP)"
            ));
        };
        let op = match op {
            ">" => Cmp::Gt,
            ">=" => Cmp::Ge,
            "<" => Cmp::Lt,
            "<=" => Cmp::Le,
            other => return Err(format!("unknown comparison {other:?} (use >, >=, < or <=)")),
        };
        Ok(Filter {
            left: Operand::parse(left)?,
            op,
            right: Operand::parse(right)?,
        })
    }
}

impl Filter {
    /// The features the condition reads.
    pub fn features(&self) -> impl Iterator<Item = Feature> {
        [self.left, self.right].into_iter().filter_map(|o| match o {
            Operand::Feature(f) => Some(f),
            _ => None,
        })
    }

    /// A feature the condition reads that `set` does not compute.
    pub fn missing_from(&self, set: &FeatureSet) -> Option<Feature> {
        self.features().find(|f| !set.contains(*f))
    }

    /// Whether the condition holds for `s` now, `close` being its last close.
    pub fn holds(&self, ctx: &Context<'_>, s: SymbolId, close: Option<f64>) -> bool {
        let (Some(l), Some(r)) = (
            self.left.value(ctx, s, close),
            self.right.value(ctx, s, close),
        ) else {
            return false;
        };
        match self.op {
            Cmp::Gt => l > r,
            Cmp::Ge => l >= r,
            Cmp::Lt => l < r,
            Cmp::Le => l <= r,
        }
    }
}

/// A strategy whose entries pass only when every filter holds.
pub struct FeatureGate {
    inner: Box<dyn Strategy>,
    filters: Vec<Filter>,
    blocked: u64,
}

impl FeatureGate {
    pub fn new(inner: Box<dyn Strategy>, filters: Vec<Filter>) -> Self {
        Self {
            inner,
            filters,
            blocked: 0,
        }
    }
}

fn is_entry(o: &OrderRequest) -> bool {
    matches!(o.qty, OrderQty::Sized | OrderQty::Exact(_))
}

impl Strategy for FeatureGate {
    fn on_bar(
        &mut self,
        ctx: &Context<'_>,
        symbol: SymbolId,
        bar: &Bar,
        orders: &mut Vec<OrderRequest>,
    ) {
        let before = orders.len();
        self.inner.on_bar(ctx, symbol, bar, orders);
        self.gate(ctx, symbol, Some(bar.close.to_f64()), orders, before);
    }

    fn warm_up(&mut self, ctx: &Context<'_>, symbol: SymbolId, bar: &Bar) {
        self.inner.warm_up(ctx, symbol, bar);
    }

    fn on_sentiment(
        &mut self,
        ctx: &Context<'_>,
        symbol: SymbolId,
        record: &SentimentRecord,
        orders: &mut Vec<OrderRequest>,
    ) {
        let before = orders.len();
        self.inner.on_sentiment(ctx, symbol, record, orders);
        let close = ctx.mark(symbol).map(|p| p.to_f64());
        self.gate(ctx, symbol, close, orders, before);
    }

    fn diagnostics(&self) -> Option<serde_json::Value> {
        let mut d = match self.inner.diagnostics() {
            Some(serde_json::Value::Object(m)) => m,
            Some(other) => {
                let mut m = serde_json::Map::new();
                m.insert("strategy".into(), other);
                m
            }
            None => serde_json::Map::new(),
        };
        d.insert("entries_filtered".into(), self.blocked.into());
        Some(serde_json::Value::Object(d))
    }
}

impl FeatureGate {
    /// The journal's account of the filters at an entry: each entry's note (the inner
    /// strategy's, or one of its own for a strategy that explains nothing) lists the filters
    /// with their values, as passed, or as blocked when one failed and the entry was dropped.
    fn explain(
        &self,
        ctx: &Context<'_>,
        symbol: SymbolId,
        close: Option<f64>,
        sides: &[Side],
        holds: bool,
    ) {
        let texts: Vec<(bool, Text)> = (self.filters.iter())
            .map(|f| {
                let value = f.left.value(ctx, symbol, close);
                let shown = value.map_or("no value".into(), |v| format!("{v:.4}"));
                let ok = f.holds(ctx, symbol, close);
                (ok, format!("filter {f} ({} {shown})", f.left).into())
            })
            .collect();
        ctx.amend_notes(|notes| {
            for &side in sides {
                let found = (notes.iter_mut())
                    .position(|n| n.symbol == symbol && n.side == side && n.blocked.is_empty());
                let note = match found {
                    Some(k) => &mut notes[k],
                    None => {
                        notes.push(SignalNote::new(symbol, side, "entry"));
                        notes.last_mut().expect("just pushed")
                    }
                };
                for (ok, t) in &texts {
                    if holds || *ok {
                        note.passed.to_mut().push(t.clone());
                    } else {
                        note.blocked.to_mut().push(t.clone());
                    }
                }
            }
        });
    }

    /// Drops the entries among `orders[before..]` unless every filter holds, keeping the rest
    /// in order.
    fn gate(
        &mut self,
        ctx: &Context<'_>,
        symbol: SymbolId,
        close: Option<f64>,
        orders: &mut Vec<OrderRequest>,
        before: usize,
    ) {
        if !orders[before..].iter().any(is_entry) {
            return;
        }
        let holds = self.filters.iter().all(|f| f.holds(ctx, symbol, close));
        if ctx.journaling() {
            let entries = orders[before..].iter().filter(|o| is_entry(o));
            let sides: Vec<Side> = entries.map(|o| o.side).collect();
            self.explain(ctx, symbol, close, &sides, holds);
        }
        if !holds {
            let n = orders.len();
            let mut k = before;
            for j in before..n {
                if !is_entry(&orders[j]) {
                    orders.swap(k, j);
                    k += 1;
                }
            }
            self.blocked += (n - k) as u64;
            orders.truncate(k);
        }
    }
}
