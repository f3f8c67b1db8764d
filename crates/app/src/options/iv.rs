//! `ztrade options iv FILE`: every row of a CSV priced for scripts and checks. The file's rows
//! come back unchanged with `iv,delta,gamma,vega,theta,rho,status` appended
//! (`formats::option_inputs`); IV and greeks are empty where the status is not `ok`. European
//! rows are inverted by Let's Be Rational and priced by BSM, American ones by
//! Bjerksund-Stensland 2002 (`options::chain::price_contract`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use formats::option_inputs::{OptionInput, PricedRow, parse_option_inputs, write_priced};
use options::IvStatus;
use options::chain::{Contract, Priced, Underlying, price_contract};
use serde::Serialize;

use crate::AppError;

/// The largest file `options iv` reads whole.
pub const MAX_FILE: u64 = 256 * 1024 * 1024;

/// `options iv FILE [--skip-invalid]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IvFileRequest {
    pub file: PathBuf,
    /// Price the valid rows and list the bad ones instead of refusing the file.
    pub skip_invalid: bool,
}

/// One priced row, for `--json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IvRow {
    pub line: u64,
    pub status: IvStatus,
    pub iv: Option<f64>,
    pub delta: Option<f64>,
    pub gamma: Option<f64>,
    pub vega: Option<f64>,
    pub theta: Option<f64>,
    pub rho: Option<f64>,
}

/// A priced file: the CSV to write, the rows, the count per status, the bad lines skipped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IvFile {
    #[serde(skip)]
    pub csv: String,
    pub rows: Vec<IvRow>,
    pub statuses: BTreeMap<String, usize>,
    pub skipped: Vec<String>,
}

/// Reads, checks and prices the whole file.
pub fn price_file(req: &IvFileRequest) -> Result<IvFile, AppError> {
    let size = crate::data::import::check_file(&req.file)?;
    if size > MAX_FILE {
        return Err(AppError::input(format!(
            "{}: {size} bytes; options iv reads at most {MAX_FILE}",
            req.file.display()
        )));
    }
    let text = std::fs::read_to_string(&req.file)
        .map_err(|e| AppError::io(format!("cannot read {}", req.file.display()), e))?;
    let inputs = parse_option_inputs(&req.file, &text)?;
    let skipped: Vec<String> = inputs.invalid.iter().map(ToString::to_string).collect();
    if !skipped.is_empty() && !req.skip_invalid {
        let more = skipped.len().saturating_sub(5);
        let mut msg = skipped[..skipped.len().min(5)].join("\n");
        if more > 0 {
            msg.push_str(&format!("\n… and {more} more bad lines"));
        }
        return Err(AppError::input(format!(
            "{msg}\n(nothing priced; --skip-invalid prices the valid rows)"
        )));
    }
    let priced: Vec<Priced> = inputs.rows.iter().map(price_row).collect();
    let out: Vec<PricedRow<'_>> = inputs
        .rows
        .iter()
        .zip(&priced)
        .map(|(input, p)| PricedRow {
            input,
            values: p
                .greeks
                .zip(p.iv)
                .map(|(g, iv)| [iv, g.delta, g.gamma, g.vega, g.theta, g.rho]),
            status: p.status.as_str(),
        })
        .collect();
    let csv = write_priced(&inputs.header, &out);
    let mut statuses = BTreeMap::new();
    let rows = inputs
        .rows
        .iter()
        .zip(&priced)
        .map(|(input, p)| {
            *statuses.entry(p.status.as_str().to_string()).or_default() += 1;
            IvRow {
                line: input.line,
                status: p.status,
                iv: p.iv,
                delta: p.greeks.map(|g| g.delta),
                gamma: p.greeks.map(|g| g.gamma),
                vega: p.greeks.map(|g| g.vega),
                theta: p.greeks.map(|g| g.theta),
                rho: p.greeks.map(|g| g.rho),
            }
        })
        .collect();
    Ok(IvFile {
        csv,
        rows,
        statuses,
        skipped,
    })
}

fn price_row(r: &OptionInput) -> Priced {
    if r.expiry_years <= 0.0 {
        return Priced::failed(IvStatus::Expired);
    }
    price_contract(
        &Underlying {
            spot: r.underlying_price,
            rate: r.rate,
            dividend_yield: r.dividend_yield,
        },
        &Contract {
            strike: r.strike,
            years: r.expiry_years,
            right: r.right,
            style: r.style,
            price: r.price,
        },
    )
}
