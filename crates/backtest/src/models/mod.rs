//! The simulation's swappable parts, each a small trait tested on its own
//! (hftbacktest / nautilus style):
//!
//! - [`fill`]: [`FillModel`], where an order fills against a bar ([`NextOpen`]).
//! - [`fee`]: [`FeeModel`], what a fill costs ([`PerShare`], [`PerTrade`], [`PercentOfNotional`],
//!   summed by [`Fees`]).
//! - [`slippage`]: [`SlippageModel`], how far a marketable fill lands from the quoted price
//!   ([`BpsSlippage`], [`TickSlippage`]).

pub mod fee;
pub mod fill;
pub mod slippage;

pub use fee::{FeeModel, Fees, NoFees, PerShare, PerTrade, PercentOfNotional};
pub use fill::{FillAt, FillModel, NextOpen};
pub use slippage::{BpsSlippage, NoSlippage, SlippageModel, TickSlippage};
