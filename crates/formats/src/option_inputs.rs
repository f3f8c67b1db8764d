//! The CSV `ztrade options iv FILE` prices: one option per row,
//! `underlying_price,strike,expiry_years,rate,dividend_yield,price,right[,style]`, columns in
//! any order and any case, other columns kept as they are.
//!
//! - `right` is `call`/`put` or `c`/`p`; `style` is `european` (the default) or `american`.
//! - Numbers are decimals or exponents (`0.05`, `1e-3`); rates and yields are continuously
//!   compounded, `expiry_years` is a year fraction (zero or below: expired, a status, not an
//!   error).
//!
//! Every bad line is reported as `FILE:LINE: field: reason` (the header is line 1). The output
//! ([`write_priced`]) is the input rows, in order and unchanged, with
//! `iv,delta,gamma,vega,theta,rho,status` appended; numbers are written in Rust's shortest
//! round-trip form, so the same input gives byte-identical output.

use std::path::Path;

use domain::{OptionRight, OptionStyle};

use crate::import::{ImportError, RowError};

/// The columns every file has.
pub const REQUIRED: [&str; 7] = [
    "underlying_price",
    "strike",
    "expiry_years",
    "rate",
    "dividend_yield",
    "price",
    "right",
];

/// The columns appended to the output.
pub const APPENDED: [&str; 7] = ["iv", "delta", "gamma", "vega", "theta", "rho", "status"];

/// One option to price.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionInput {
    pub line: u64,
    pub underlying_price: f64,
    pub strike: f64,
    pub expiry_years: f64,
    pub rate: f64,
    pub dividend_yield: f64,
    pub price: f64,
    pub right: OptionRight,
    pub style: OptionStyle,
    /// The row as written, echoed in the output.
    pub text: String,
}

/// A file read: its header line, the good rows, and every bad line.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionInputs {
    pub header: String,
    pub rows: Vec<OptionInput>,
    pub invalid: Vec<RowError>,
}

/// What was computed for one row; `None`s are written empty.
#[derive(Debug, Clone, PartialEq)]
pub struct PricedRow<'a> {
    pub input: &'a OptionInput,
    /// `iv, delta, gamma, vega, theta, rho`.
    pub values: Option<[f64; 6]>,
    pub status: &'a str,
}

/// Reads `text` (the contents of `path`, which names it in errors).
pub fn parse_option_inputs(path: &Path, text: &str) -> Result<OptionInputs, ImportError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.trim_end_matches('\r')));
    let (hline, header) = lines
        .by_ref()
        .find(|(_, l)| !l.trim().is_empty())
        .ok_or_else(|| RowError::new(path, 1, "header", "the file is empty"))?;
    let names: Vec<String> = header
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|h| h.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    let find = |want: &str| names.iter().position(|n| n == want);
    let mut pos = [0usize; 7];
    for (i, want) in REQUIRED.iter().enumerate() {
        pos[i] = find(want).ok_or_else(|| {
            RowError::new(
                path,
                hline,
                "header",
                format!(
                    "no `{want}` column (expected {}[,style]; found {})",
                    REQUIRED.join(","),
                    names.join(",")
                ),
            )
        })?;
    }
    let style_at = find("style");
    let mut out = OptionInputs {
        header: header.to_string(),
        rows: Vec::new(),
        invalid: Vec::new(),
    };
    for (line, text) in lines {
        if text.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = text
            .split(',')
            .map(|f| f.trim().trim_matches('"'))
            .collect();
        match row(&fields, &pos, style_at, line, text) {
            Ok(r) => out.rows.push(r),
            Err((field, reason)) => out.invalid.push(RowError::new(path, line, field, reason)),
        }
    }
    Ok(out)
}

fn row(
    fields: &[&str],
    pos: &[usize; 7],
    style_at: Option<usize>,
    line: u64,
    text: &str,
) -> Result<OptionInput, (&'static str, String)> {
    let get = |i: usize| fields.get(pos[i]).copied().unwrap_or("");
    let num = |i: usize| -> Result<f64, (&'static str, String)> {
        let t = get(i);
        let v: f64 = t
            .parse()
            .map_err(|_| (REQUIRED[i], format!("{t:?} is not a number")))?;
        if v.is_finite() {
            Ok(v)
        } else {
            Err((REQUIRED[i], format!("{t:?} is not a finite number")))
        }
    };
    let positive = |i: usize| -> Result<f64, (&'static str, String)> {
        let v = num(i)?;
        if v > 0.0 {
            Ok(v)
        } else {
            Err((REQUIRED[i], format!("{v} must be above zero")))
        }
    };
    let price = num(5)?;
    if price < 0.0 {
        return Err(("price", format!("{price} is negative")));
    }
    let style = match style_at
        .and_then(|i| fields.get(i))
        .filter(|s| !s.is_empty())
    {
        Some(s) => s
            .parse()
            .map_err(|e: domain::DomainError| ("style", e.to_string()))?,
        None => OptionStyle::European,
    };
    Ok(OptionInput {
        line,
        underlying_price: positive(0)?,
        strike: positive(1)?,
        expiry_years: num(2)?,
        rate: num(3)?,
        dividend_yield: num(4)?,
        price,
        right: OptionRight::parse(get(6)).map_err(|e| ("right", e.to_string()))?,
        style,
        text: text.to_string(),
    })
}

/// The output: the header and rows echoed with [`APPENDED`] after them.
pub fn write_priced(header: &str, rows: &[PricedRow<'_>]) -> String {
    let mut out = String::with_capacity(64 * (rows.len() + 1));
    out.push_str(header);
    for c in APPENDED {
        out.push(',');
        out.push_str(c);
    }
    out.push('\n');
    for r in rows {
        out.push_str(&r.input.text);
        match r.values {
            Some(v) => {
                for x in v {
                    out.push(',');
                    out.push_str(&x.to_string());
                }
            }
            None => out.push_str(",,,,,,"),
        }
        out.push(',');
        out.push_str(r.status);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> OptionInputs {
        parse_option_inputs(Path::new("in.csv"), text).unwrap()
    }

    #[test]
    fn rows_in_any_column_order_with_extras_kept() {
        let r = parse(
            "id,right,price,strike,underlying_price,expiry_years,rate,dividend_yield\n\
             7,C,10.45,100,100,1,0.05,0\n\n8,put,5.57,100,100,1,0.05,0.0\n",
        );
        assert!(r.invalid.is_empty(), "{:?}", r.invalid);
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[0].right, OptionRight::Call);
        assert_eq!(r.rows[1].line, 4);
        assert_eq!(r.rows[1].style, OptionStyle::European);
        let out = write_priced(
            &r.header,
            &[
                PricedRow {
                    input: &r.rows[0],
                    values: Some([0.2, 0.5, 0.01, 0.3, -0.01, 0.4]),
                    status: "ok",
                },
                PricedRow {
                    input: &r.rows[1],
                    values: None,
                    status: "below_intrinsic",
                },
            ],
        );
        assert_eq!(
            out,
            "id,right,price,strike,underlying_price,expiry_years,rate,dividend_yield,iv,delta,gamma,vega,theta,rho,status\n\
             7,C,10.45,100,100,1,0.05,0,0.2,0.5,0.01,0.3,-0.01,0.4,ok\n\
             8,put,5.57,100,100,1,0.05,0.0,,,,,,,below_intrinsic\n"
        );
    }

    #[test]
    fn bad_rows_name_their_line_and_field() {
        let r = parse(
            "underlying_price,strike,expiry_years,rate,dividend_yield,price,right,style\n\
             100,0,1,0.05,0,1,c,\n\
             100,100,1,0.05,0,-1,c,\n\
             100,100,x,0.05,0,1,c,\n\
             100,100,1,0.05,0,1,straddle,\n\
             100,100,1,0.05,0,1,c,bermudan\n\
             100,100,1,inf,0,1,c,american\n\
             100,100,0,0.05,0,1,p,american\n",
        );
        let errs: Vec<String> = r.invalid.iter().map(|e| e.to_string()).collect();
        assert_eq!(errs.len(), 6, "{errs:#?}");
        assert!(
            errs[0].starts_with("in.csv:2: strike: 0 must be above zero"),
            "{}",
            errs[0]
        );
        assert!(errs[1].starts_with("in.csv:3: price:"));
        assert!(errs[2].starts_with("in.csv:4: expiry_years: \"x\" is not a number"));
        assert!(errs[3].starts_with("in.csv:5: right:"));
        assert!(errs[4].starts_with("in.csv:6: style:"));
        assert!(errs[5].starts_with("in.csv:7: rate:"));
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.rows[0].style, OptionStyle::American);
        let missing = parse_option_inputs(Path::new("in.csv"), "strike,price\n1,2\n").unwrap_err();
        assert!(
            missing.to_string().contains("no `underlying_price` column"),
            "{missing}"
        );
    }
}
