//! backtest (being written).
