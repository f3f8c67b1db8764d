//! An agent's `costs` block: commissions and slippage, their ranges, and the fee and slippage
//! models they become. The upper bounds keep every fee and slipped price of an accepted fill
//! representable: per-share rates up to the largest price, flat fees up to the largest capital,
//! `commission_pct` up to 100, `slippage_bps` below 10000 (100 % would sell at zero) and
//! `slippage_ticks × tick_size` up to the largest price.

use domain::{Money, Price};
use serde::{Deserialize, Serialize};

use crate::models::{
    BpsSlippage, FeeModel, Fees, NoSlippage, PerShare, PerTrade, PercentOfNotional, SlippageModel,
    TickSlippage,
};
use crate::pct::Pct;
use crate::serde_exact::decimal;

/// Commissions and slippage. All default to zero; `tick_size` defaults to one cent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    #[serde(default, deserialize_with = "decimal")]
    pub commission_per_share: Price,
    /// Minimum commission per fill for the per-share schedule.
    #[serde(default, deserialize_with = "decimal")]
    pub commission_min: Money,
    #[serde(default, deserialize_with = "decimal")]
    pub commission_per_trade: Money,
    /// Percent of notional (0.1 = 0.1 %).
    #[serde(default, deserialize_with = "decimal")]
    pub commission_pct: Pct,
    #[serde(default, deserialize_with = "decimal")]
    pub slippage_bps: Price,
    #[serde(default)]
    pub slippage_ticks: u32,
    #[serde(default = "cent", deserialize_with = "decimal")]
    pub tick_size: Price,
}

fn cent() -> Price {
    Price::lit("0.01")
}

impl Default for Costs {
    fn default() -> Self {
        Self {
            commission_per_share: Price::ZERO,
            commission_min: Money::ZERO,
            commission_per_trade: Money::ZERO,
            commission_pct: Pct::ZERO,
            slippage_bps: Price::ZERO,
            slippage_ticks: 0,
            tick_size: cent(),
        }
    }
}

impl Costs {
    pub fn fee_model(&self) -> Box<dyn FeeModel> {
        let mut parts: Vec<Box<dyn FeeModel>> = Vec::new();
        if !self.commission_per_share.is_zero() || !self.commission_min.is_zero() {
            parts.push(Box::new(PerShare {
                rate: self.commission_per_share,
                minimum: self.commission_min,
            }));
        }
        if !self.commission_per_trade.is_zero() {
            parts.push(Box::new(PerTrade(self.commission_per_trade)));
        }
        if !self.commission_pct.is_zero() {
            parts.push(Box::new(PercentOfNotional(self.commission_pct)));
        }
        Box::new(Fees(parts))
    }

    pub fn slippage_model(&self) -> Box<dyn SlippageModel> {
        if !self.slippage_bps.is_zero() {
            Box::new(BpsSlippage {
                bps: self.slippage_bps,
            })
        } else if self.slippage_ticks > 0 {
            Box::new(TickSlippage {
                ticks: self.slippage_ticks,
                tick: self.tick_size,
            })
        } else {
            Box::new(NoSlippage)
        }
    }

    pub(super) fn check(&self) -> Result<(), (&'static str, String)> {
        let neg = |field, negative: bool| {
            if negative {
                Err((field, "must not be negative".to_owned()))
            } else {
                Ok(())
            }
        };
        neg(
            "commission_per_share",
            self.commission_per_share.is_negative(),
        )?;
        neg("commission_min", self.commission_min.is_negative())?;
        neg(
            "commission_per_trade",
            self.commission_per_trade.is_negative(),
        )?;
        neg(
            "commission_pct",
            self.commission_pct.as_percent().is_negative(),
        )?;
        neg("slippage_bps", self.slippage_bps.is_negative())?;
        if self.tick_size.raw() <= 0 {
            return Err(("tick_size", "must be positive".into()));
        }
        // Upper bounds: every fee and slipped price of an accepted fill stays representable.
        let max_price = Price::MAX_INPUT;
        let above = |field, v: String, max: String| Err((field, format!("{v} exceeds {max}")));
        if self.commission_per_share > max_price {
            return above(
                "commission_per_share",
                self.commission_per_share.to_string(),
                format!("the largest supported price {max_price}"),
            );
        }
        for (field, v) in [
            ("commission_min", self.commission_min),
            ("commission_per_trade", self.commission_per_trade),
        ] {
            if v > Money::MAX_CAPITAL {
                let max = format!("the largest supported capital {}", Money::MAX_CAPITAL);
                return above(field, v.to_string(), max);
            }
        }
        if self.commission_pct > Pct::lit("100") {
            return Err((
                "commission_pct",
                format!("{} must be at most 100%", self.commission_pct),
            ));
        }
        if self.slippage_bps >= Price::lit("10000") {
            return Err((
                "slippage_bps",
                format!(
                    "{} must be below 10000 (100% of the price: every sell would fill at zero)",
                    self.slippage_bps
                ),
            ));
        }
        let distance = self
            .tick_size
            .checked_mul_ratio(i64::from(self.slippage_ticks), 1);
        if distance.is_none_or(|d| d > max_price) {
            return Err((
                "slippage_ticks",
                format!(
                    "{} ticks of {} exceed the largest supported price {max_price}",
                    self.slippage_ticks, self.tick_size
                ),
            ));
        }
        if !self.slippage_bps.is_zero() && self.slippage_ticks > 0 {
            return Err((
                "slippage_ticks",
                "give slippage_bps or slippage_ticks, not both".into(),
            ));
        }
        Ok(())
    }
}
