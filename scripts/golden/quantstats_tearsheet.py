#!/usr/bin/env python3
"""Golden files for the tearsheet figures of crates/analytics, as quantstats computes them.

Run after scripts/golden/empyrical_metrics.py (this reads the inputs that one wrote; needs the venv
described in scripts/peers/README.md with quantstats, empyrical-reloaded, pandas, numpy, scipy; CI
never runs this, the Rust test crates/analytics/tests/golden_tearsheet.rs only reads the JSON):

    /work/venv/bin/python scripts/golden/quantstats_tearsheet.py

Writes crates/analytics/tests/golden/tearsheet/<case>.json, one per input case of
crates/analytics/tests/golden/<case>.json (its "returns", "return_dates", "factor_returns" and
"equity" are the input; they are not copied). Each file holds, with null for NaN or infinity:
  - "extended": probabilistic_sharpe_ratio, omega, tail_ratio, value_at_risk,
    conditional_value_at_risk, kelly_criterion, skew, kurtosis, best/worst day and month
    (aggregate "ME", the tearsheet's), with the dates of the extremes;
  - "yearly": [year, compounded return] (aggregate "YE", the EOY table);
  - "histogram": numpy.histogram(returns, bins=20) edges and counts (null for fewer than two
    distinct values, where numpy widens the range by ±0.5 and ztrade does not);
  - "drawdowns": drawdown_details(to_drawdown_series(returns)) sorted by max drawdown (stable
    sort, so equal depths stay in date order), the first 10 rows, and how many rows there were;
  - "underwater": [index, to_drawdown_series value], every value, or every 5th of a long series;
  - "rolling": for each window (and benchmark, if any): [index, rolling_sharpe,
    rolling_volatility, rolling_greeks beta], every row, or every 5th of a long series.
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")
import quantstats as qs  # noqa: E402  (its import warns about optional plotting backends)

REPO = Path(__file__).resolve().parents[2]
INPUT = REPO / "crates" / "analytics" / "tests" / "golden"
OUT = INPUT / "tearsheet"
WINDOW = 126
LONG = 1100  # series longer than this keep every 5th row of the per-date tables
BINS = 20

CASES = {
    "constant": "Thirty equal returns: no dispersion, no drawdown.",
    "zeros": "Ten zero returns: every ratio 0/0.",
    "one_return": "One return: everything needing a deviation is undefined.",
    "short": "Four SPY returns, under water from the first day and never recovered.",
    "flat_stretch": "SPY 2008-06..2009-05 with 60 flat sessions; rolling beta against SPY on a 20-day window.",
    "spy_daily": "SPY daily 1998-2021: the long series.",
    "aapl_vs_spy": "AAPL 2010-2013 with SPY as benchmark for rolling beta.",
    "spy_risk_free": "SPY 2004-2007 with AAPL as benchmark (figures here use rf = 0).",
    "spy_intraday": "SPY one-minute closes resampled to New York dates (baseline = first bar).",
}


def num(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def series(values, dates) -> pd.Series:
    return pd.Series([float(v) for v in values], index=pd.to_datetime(dates))


def extended(r: pd.Series) -> dict:
    s = qs.stats
    months = qs.utils.aggregate_returns(r, "ME")  # (year, month) -> compounded return
    day_best, day_worst = (r.idxmax(), r.idxmin()) if len(r) else (None, None)
    return {
        "probabilistic_sharpe": num(s.probabilistic_sharpe_ratio(r)),
        "omega": num(s.omega(r, 0.0, 0.0, 252)),
        "tail_ratio": num(s.tail_ratio(r, 0.95)),
        "value_at_risk": num(s.value_at_risk(r, sigma=1, confidence=0.95)),
        "conditional_value_at_risk": num(s.conditional_value_at_risk(r, sigma=1, confidence=0.95)),
        "kelly": num(s.kelly_criterion(r)),
        "skew": num(s.skew(r)),
        "kurtosis": num(s.kurtosis(r)),
        "best_day": num(s.best(r)),
        "best_day_date": day_best.strftime("%Y-%m-%d"),
        "worst_day": num(s.worst(r)),
        "worst_day_date": day_worst.strftime("%Y-%m-%d"),
        "best_month": num(s.best(r, aggregate="ME")),
        "best_month_of": [int(x) for x in months.idxmax()],
        "worst_month": num(s.worst(r, aggregate="ME")),
        "worst_month_of": [int(x) for x in months.idxmin()],
    }


def rows_kept(n: int) -> range:
    return range(0, n, 5 if n > LONG else 1)


def drawdowns(r: pd.Series) -> dict:
    dd = qs.stats.to_drawdown_series(r)
    details = qs.stats.drawdown_details(dd)
    details = details.sort_values(by="max drawdown", ascending=True, kind="stable")
    top = [
        {
            "start": row["start"],
            "valley": row["valley"],
            "end": row["end"],
            "days": int(row["days"]),
            "max_drawdown_pct": num(row["max drawdown"]),
        }
        for _, row in details.head(10).iterrows()
    ]
    under = [[i, num(dd.iloc[i])] for i in rows_kept(len(dd))]
    return {"count": len(details), "worst": top}, under


def rolling(r: pd.Series, window: int, bench: pd.Series | None, bench_case: str | None) -> dict:
    sharpe = qs.stats.rolling_sharpe(r, rolling_period=window)
    vol = qs.stats.rolling_volatility(r, rolling_period=window)
    beta = qs.stats.rolling_greeks(r, bench, window)["beta"] if bench is not None else None
    rows = [
        [i, num(sharpe.iloc[i]), num(vol.iloc[i]), None if beta is None else num(beta.iloc[i])]
        for i in rows_kept(len(r))
    ]
    return {"window": window, "benchmark": bench_case, "rows": rows}


def histogram(r: pd.Series) -> dict | None:
    if r.nunique() < 2:
        return None
    counts, edges = np.histogram(r.to_numpy(), bins=BINS)
    return {"bins": BINS, "edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}


def load(name: str) -> dict:
    return json.loads((INPUT / f"{name}.json").read_text())


def main() -> int:
    spy = load("spy_daily")
    spy_r = series(spy["returns"], spy["return_dates"])
    OUT.mkdir(parents=True, exist_ok=True)
    for name, description in CASES.items():
        case = load(name)
        r = series(case["returns"], case["return_dates"])
        runs = [rolling(r, WINDOW, None, None)]
        if case["factor_returns"] is not None:
            # The benchmark is the input's factor_returns on the same dates ("factor" below).
            f = series(case["factor_returns"], case["return_dates"])
            runs = [rolling(r, WINDOW, f, "factor")]
        if len(r) < WINDOW:
            runs.append(rolling(r, 3, None, None))
        if name == "flat_stretch":
            # quantstats rebuilds a benchmark whose dates differ from the strategy's (and sets its
            # first return to 0), so it gets SPY on exactly these dates; the Rust side passes the
            # whole SPY series and aligns it itself.
            runs.append(rolling(r, 20, spy_r.loc[r.index], "spy_daily"))
        doc = {
            "case": name,
            "description": description,
            "input": f"{name}.json",
            "generator": {
                "script": "scripts/golden/quantstats_tearsheet.py",
                "quantstats": qs.__version__,
                "numpy": np.__version__,
                "pandas": pd.__version__,
            },
            "extended": extended(r),
            "yearly": [[int(y), num(v)] for y, v in qs.utils.aggregate_returns(r, "YE").items()],
            "histogram": histogram(r),
            "drawdowns": None,
            "underwater": None,
            "rolling": runs,
        }
        if case["equity"] is not None:
            doc["drawdowns"], doc["underwater"] = drawdowns(r)
        path = OUT / f"{name}.json"
        lines = [f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'), allow_nan=False)}" for k, v in doc.items()]
        path.write_text("{\n" + ",\n".join(lines) + "\n}\n")
        print(f"wrote {path.relative_to(REPO)} ({len(r)} returns, {path.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
