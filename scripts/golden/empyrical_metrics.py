#!/usr/bin/env python3
"""Golden files for crates/analytics: inputs and the values empyrical-reloaded computes from them.

Run (needs the venv described in scripts/peers/README.md; CI never runs this, the Rust tests only
read the JSON it writes):

    /work/venv/bin/python scripts/golden/empyrical_metrics.py

Writes crates/analytics/tests/golden/<case>.json. Each file holds
  - "returns" (and "factor_returns" for alpha/beta): the per-period returns given to empyrical,
    as shortest round-trip floats, with "return_dates";
  - "equity" (and "benchmark"): the same series as an equity curve of [timestamp, decimal] pairs,
    so the Rust test can run the whole pipeline (resampling to daily, returns, metrics);
  - "expected": empyrical's outputs; null where empyrical gives NaN or an infinity.
The data are real files in /work/shared/data (read-only; only the slices used are embedded).
"""

from __future__ import annotations

import json
import math
import sys
from decimal import Decimal
from pathlib import Path

import empyrical as ep
import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
DATA = Path("/work/shared/data") if Path("/work/shared/data").exists() else REPO.parent / "shared" / "data"
OUT = REPO / "crates" / "analytics" / "tests" / "golden"
PPY = 252


def num(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def load_daily(name: str) -> pd.DataFrame:
    # Closes kept as text too, so the equity curve is the exact decimal of the file.
    df = pd.read_csv(DATA / "daily" / name, dtype={"close": str})
    df["close_f"] = df["close"].astype(float)
    return df


def daily_equity(df: pd.DataFrame) -> list[list[str]]:
    # Bare dates: the Rust side reads them as midnight UTC, the domain's daily-bar stamp.
    return [[d, c] for d, c in zip(df["date"], df["close"])]


def drawdown_reference(values: list[Decimal]) -> tuple[str, int | None]:
    """Max drawdown in money and the longest peak-to-recovery span in periods (crate definition:
    an episode runs from a running peak to the first later value at or above it, or to the end)."""
    peak_i, worst, longest, under = 0, Decimal(0), None, False
    for i, v in enumerate(values):
        worst = max(worst, values[peak_i] - v) if v < values[peak_i] else worst
        if v >= values[peak_i]:
            if under:
                longest = max(longest or 0, i - peak_i)
                under = False
            peak_i = i
        else:
            under = True
    if under:
        longest = max(longest or 0, len(values) - 1 - peak_i)
    s = format(worst.normalize(), "f") if worst else "0"
    return s, longest


def expected(returns: pd.Series, factor: pd.Series | None, rf: float) -> dict:
    r = returns.to_numpy()
    out = {
        "cum_returns_final": num(ep.cum_returns_final(r)),
        "annual_return": num(ep.annual_return(r, annualization=PPY)),
        "annual_volatility": num(ep.annual_volatility(r, annualization=PPY)),
        "sharpe_ratio": num(ep.sharpe_ratio(r, risk_free=rf, annualization=PPY)),
        "sortino_ratio": num(ep.sortino_ratio(r, required_return=rf, annualization=PPY)),
        "downside_risk": num(ep.downside_risk(r, required_return=rf, annualization=PPY)),
        "max_drawdown": num(ep.max_drawdown(r)),
        "calmar_ratio": num(ep.calmar_ratio(r, annualization=PPY)),
        "alpha": None,
        "beta": None,
    }
    if factor is not None:
        a, b = ep.alpha_beta(returns, factor, risk_free=rf, annualization=PPY)
        out["alpha"], out["beta"] = num(a), num(b)
    if isinstance(returns.index, pd.DatetimeIndex):
        m = ep.aggregate_returns(returns, "monthly")
        out["monthly"] = [[int(y), int(mo), num(v)] for (y, mo), v in m.items()]
    return out


def case(name, description, returns, *, factor=None, equity=None, benchmark=None, rf_annual=0.0, daily=None):
    """`daily`: the crate's daily curve of `equity` as [date, value]; a daily equity list is its own."""
    rf = 0.0 if rf_annual == 0.0 else (1 + rf_annual) ** (1 / PPY) - 1
    exp = expected(returns, factor, rf)
    if equity is not None:
        daily = daily if daily is not None else equity
        amount, span = drawdown_reference([Decimal(v) for _, v in daily])
        exp["max_drawdown_amount"] = amount
        exp["max_drawdown_duration_periods"] = span
        exp["daily_values"] = len(daily)
    doc = {
        "case": name,
        "description": description,
        "generator": {
            "script": "scripts/golden/empyrical_metrics.py",
            "empyrical_reloaded": ep.__version__,
            "numpy": np.__version__,
            "pandas": pd.__version__,
        },
        "periods_per_year": PPY,
        "risk_free_annual": rf_annual,
        "risk_free_per_period": rf,
        "return_dates": [d.strftime("%Y-%m-%d") for d in returns.index]
        if isinstance(returns.index, pd.DatetimeIndex)
        else None,
        "returns": [float(x) for x in returns],
        "factor_returns": None if factor is None else [float(x) for x in factor],
        "equity": equity,
        "benchmark": benchmark,
        "expected": exp,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    # One top-level key per line, each value compact: readable diffs of "expected", small files.
    lines = [f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'), allow_nan=False)}" for k, v in doc.items()]
    path.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"wrote {path.relative_to(REPO)} ({len(returns)} returns)")


def pct(df: pd.DataFrame) -> pd.Series:
    s = pd.Series(df["close_f"].to_numpy(), index=pd.to_datetime(df["date"]))
    return s.pct_change().iloc[1:]


def intraday_case():
    """SPY one-minute closes as an equity curve: daily values are the baseline (first bar) and the
    last close of each New York date; returns between successive values."""
    df = pd.read_csv(DATA / "intraday" / "lean_spy_1min_trade_2013-10-04_to_2013-10-11.csv", dtype={"close": str})
    ts = pd.to_datetime(df["timestamp_et"], utc=True).dt.tz_convert("America/New_York")
    df["date"] = ts.dt.strftime("%Y-%m-%d")
    last = df.groupby("date", sort=True).tail(1)
    values = [df["close"].iloc[0]] + list(last["close"])
    dates = [df["date"].iloc[0]] + list(last["date"])
    if len(df[df["date"] == dates[0]]) == 1:  # baseline is the first date's close
        values, dates = values[1:], dates[1:]
    v = pd.Series([float(x) for x in values])
    r = pd.Series((v / v.shift(1) - 1).iloc[1:].to_numpy(), index=pd.to_datetime(dates[1:]))
    equity = [[t, c] for t, c in zip(df["timestamp_et"], df["close"])]
    exp_daily = [[d, c] for d, c in zip(dates, values)]
    return r, equity, exp_daily


def quantstats_agrees(r: pd.Series) -> None:
    """quantstats defines the same statistics; say so when it is installed (not written anywhere)."""
    try:
        import warnings

        warnings.filterwarnings("ignore")
        import quantstats as qs
    except ImportError:
        return
    pairs = {
        "sharpe": (qs.stats.sharpe(r), ep.sharpe_ratio(r)),
        "sortino": (qs.stats.sortino(r), ep.sortino_ratio(r)),
        "max_drawdown": (qs.stats.max_drawdown(r), ep.max_drawdown(r)),
        "cagr": (qs.stats.cagr(r), ep.annual_return(r)),
        "volatility": (qs.stats.volatility(r), ep.annual_volatility(r)),
        "calmar": (qs.stats.calmar(r), ep.calmar_ratio(r)),
    }
    worst = max(abs(a - b) / max(1.0, abs(b)) for a, b in pairs.values())
    print(f"quantstats {qs.__version__} vs empyrical on SPY daily: largest relative difference {worst:.1e}")


def main() -> int:
    spy = load_daily("lean_spy_daily.csv")
    aapl = load_daily("lean_aapl_daily.csv")

    case("spy_daily", "SPY daily closes 1998-2021 (LEAN, raw): the full history.", pct(spy), equity=daily_equity(spy))

    a = aapl[(aapl["date"] >= "2010-01-01") & (aapl["date"] < "2014-01-01")].reset_index(drop=True)
    s = spy[(spy["date"] >= "2010-01-01") & (spy["date"] < "2014-01-01")].reset_index(drop=True)
    assert list(a["date"]) == list(s["date"]), "AAPL and SPY dates differ"
    case(
        "aapl_vs_spy",
        "AAPL against SPY as benchmark, 2010-2013 (no AAPL split inside): alpha and beta.",
        pct(a),
        factor=pct(s),
        equity=daily_equity(a),
        benchmark=daily_equity(s),
    )

    w = spy[(spy["date"] >= "2004-01-01") & (spy["date"] < "2008-01-01")].reset_index(drop=True)
    case(
        "spy_risk_free",
        "SPY 2004-2007 with a 4% annual risk-free rate (per period (1.04)^(1/252)-1), AAPL as benchmark.",
        pct(w),
        factor=pct(aapl[(aapl["date"] >= "2004-01-01") & (aapl["date"] < "2008-01-01")].reset_index(drop=True)),
        equity=daily_equity(w),
        benchmark=daily_equity(aapl[(aapl["date"] >= "2004-01-01") & (aapl["date"] < "2008-01-01")]),
        rf_annual=0.04,
    )

    f = spy[(spy["date"] >= "2008-06-01") & (spy["date"] < "2009-06-01")].reset_index(drop=True).copy()
    # A flat stretch: 60 sessions where the equity does not move (a strategy out of the market).
    f.loc[100:159, "close"] = f.loc[99, "close"]
    f["close_f"] = f["close"].astype(float)
    case("flat_stretch", "SPY 2008-06..2009-05 with 60 flat sessions (zero returns) inside a drawdown.", pct(f), equity=daily_equity(f))

    short = spy.iloc[100:105].reset_index(drop=True)
    case("short", "Five SPY closes: four returns.", pct(short), equity=daily_equity(short))

    two = spy.iloc[200:202].reset_index(drop=True)
    case("one_return", "Two closes, one return: everything with ddof=1 is undefined.", pct(two), equity=daily_equity(two))

    const = pd.Series([0.001] * 30, index=pd.bdate_range("2020-01-01", periods=30))
    case("constant", "Thirty equal returns: zero dispersion, so Sharpe and Sortino are infinite (null).", const)

    zeros = pd.Series([0.0] * 10, index=pd.bdate_range("2020-01-01", periods=10))
    case("zeros", "Ten zero returns: Sharpe 0/0, no drawdown, Calmar undefined.", zeros)

    quantstats_agrees(pct(spy))

    r, equity, daily = intraday_case()
    case(
        "spy_intraday",
        "SPY one-minute closes 2013-10-04..11 as an equity curve, resampled to New York dates (baseline = first bar).",
        r,
        equity=equity,
        daily=daily,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
