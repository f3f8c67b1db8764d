//! One row's fields → typed values, each error naming its column.

use chrono::NaiveDate;
use chrono_tz::Tz;
use domain::{OptionRight, OptionStyle, Price, Quantity, Symbol, UnixNanos};

use super::super::numbers;
use super::super::split::Fields;
use super::super::timestamp::{Stamp, StampReader};
use super::super::zone::LocalZone;

/// (field, reason) of a bad field; the read loop adds the file and line.
pub(super) type FieldError = (String, String);

/// Timestamp text → instants, keeping the parser's caches between rows.
pub(super) struct Clock {
    stamps: StampReader,
    zone: LocalZone,
}

impl Clock {
    pub fn new(tz: Tz) -> Self {
        Self {
            stamps: StampReader::default(),
            zone: LocalZone::new(tz),
        }
    }

    fn instant(&mut self, text: &[u8]) -> Result<UnixNanos, String> {
        let nanos = match self.stamps.parse(text)? {
            Stamp::Instant { nanos, .. } => nanos,
            Stamp::Naive { days, secs, nanos } => self.zone.instant(days, secs, nanos)?,
            Stamp::Date { .. } => {
                return Err(format!(
                    "{:?} is a date without a time of day",
                    String::from_utf8_lossy(text)
                ));
            }
        };
        Ok(UnixNanos::new(nanos))
    }
}

/// The fields of one row with the header's names.
pub(super) struct Cells<'a> {
    pub fields: &'a Fields<'a>,
    pub names: &'a [String],
}

impl Cells<'_> {
    pub fn raw(&self, col: usize) -> &[u8] {
        self.fields.get(col).trim_ascii()
    }

    pub fn text(&self, col: usize) -> String {
        String::from_utf8_lossy(self.raw(col)).into_owned()
    }

    pub fn is_empty(&self, col: usize) -> bool {
        self.raw(col).is_empty()
    }

    pub fn err(&self, col: usize, reason: impl Into<String>) -> FieldError {
        (self.names[col].trim().to_string(), reason.into())
    }

    /// A field that must not be empty.
    fn filled(&self, col: usize) -> Result<&[u8], FieldError> {
        match self.raw(col) {
            b"" => Err(self.err(col, "empty")),
            text => Ok(text),
        }
    }

    /// A price of 0 or more.
    pub fn price(&self, col: usize) -> Result<Price, FieldError> {
        let text = self.filled(col)?;
        let p = numbers::price(text)
            .map_err(|e| self.err(col, format!("{:?}: {e}", self.text(col))))?;
        let p = p.in_range("price").map_err(|e| self.err(col, e.reason))?;
        if p.is_negative() {
            return Err(self.err(col, format!("negative price {p}")));
        }
        Ok(p)
    }

    /// A price, or `None` for an empty field.
    pub fn opt_price(&self, col: usize) -> Result<Option<Price>, FieldError> {
        if self.is_empty(col) {
            return Ok(None);
        }
        self.price(col).map(Some)
    }

    /// A size or volume of 0 or more.
    pub fn quantity(&self, col: usize) -> Result<Quantity, FieldError> {
        let text = self.filled(col)?;
        let q = numbers::quantity(text)
            .map_err(|e| self.err(col, format!("{:?}: {e}", self.text(col))))?;
        if q.is_negative() {
            return Err(self.err(col, format!("negative {q}")));
        }
        Ok(q)
    }

    /// A size or volume, or `None` for an empty field.
    pub fn opt_quantity(&self, col: usize) -> Result<Option<Quantity>, FieldError> {
        if self.is_empty(col) {
            return Ok(None);
        }
        self.quantity(col).map(Some)
    }

    /// A finite number of 0 or more (a model output such as IV), or `None` for an empty field.
    pub fn opt_ratio(&self, col: usize) -> Result<Option<f64>, FieldError> {
        if self.is_empty(col) {
            return Ok(None);
        }
        let text = self.text(col);
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
            Ok(_) => Err(self.err(col, format!("{text:?} is not a finite number of 0 or more"))),
            Err(_) => Err(self.err(col, format!("{text:?} is not a number"))),
        }
    }

    pub fn instant(&self, col: usize, clock: &mut Clock) -> Result<UnixNanos, FieldError> {
        let text = self.filled(col)?;
        clock.instant(text).map_err(|r| self.err(col, r))
    }

    /// An instant, or `None` for an empty field.
    pub fn opt_instant(
        &self,
        col: usize,
        clock: &mut Clock,
    ) -> Result<Option<UnixNanos>, FieldError> {
        if self.is_empty(col) {
            return Ok(None);
        }
        self.instant(col, clock).map(Some)
    }

    /// `YYYY-MM-DD` or `YYYYMMDD`.
    pub fn date(&self, col: usize) -> Result<NaiveDate, FieldError> {
        let text = self.text(col);
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(&text, "%Y%m%d"))
            .map_err(|_| self.err(col, format!("{text:?} is not a YYYY-MM-DD date")))
    }

    pub fn symbol(&self, col: usize) -> Result<Symbol, FieldError> {
        Symbol::new(&self.text(col)).map_err(|e| self.err(col, e.reason))
    }

    pub fn right(&self, col: usize) -> Result<OptionRight, FieldError> {
        OptionRight::parse(&self.text(col)).map_err(|e| self.err(col, e.reason))
    }

    /// The exercise style; an absent column or empty field is American (US equity options).
    pub fn style(&self, col: Option<usize>) -> Result<OptionStyle, FieldError> {
        match col {
            Some(c) if !self.is_empty(c) => self
                .text(c)
                .parse()
                .map_err(|e: domain::DomainError| self.err(c, e.reason)),
            _ => Ok(OptionStyle::American),
        }
    }
}
