#!/usr/bin/env python3
"""Golden file for crates/options: py_vollib's prices, analytical greeks and implied volatilities.

Run (needs py_vollib from PyPI: `/work/venv/bin/pip install py_vollib`; CI never runs this, the
Rust test `crates/options/tests/golden.rs` only reads the CSV it writes):

    /work/venv/bin/python scripts/golden/options_py_vollib.py

Writes crates/options/tests/golden/py_vollib.csv, one row per (model, right, inputs):
  model       "bsm" (py_vollib.black_scholes_merton) or "black" (py_vollib.black, Black-76)
  flag        "c" or "p"
  underlying  the spot S for bsm, the forward F for black
  strike, years, rate, dividend_yield (0 for black), sigma
  price, delta, gamma, vega, theta, rho   py_vollib's price and analytical greeks
                                          (vega per vol point, theta per day, rho per 1%)
  iv          py_vollib's implied volatility of `price`, empty when it raised
  iv_error    the exception's class name when it raised, else empty
Floats are written with repr(), the shortest text that reads back to the same double.

The grid: strike/underlying 0.3 .. 3 (deep in and out of the money), expiries from 1 hour to
3 years, σ 5% .. 150%, rates and yields nonzero (one negative rate), calls and puts.
"""

from __future__ import annotations

import csv
import math
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", category=DeprecationWarning)

from py_vollib.black import black  # noqa: E402
from py_vollib.black.greeks import analytical as black_greeks  # noqa: E402
from py_vollib.black.implied_volatility import implied_volatility as black_iv  # noqa: E402
from py_vollib.black_scholes_merton import black_scholes_merton  # noqa: E402
from py_vollib.black_scholes_merton.greeks import analytical as bsm_greeks  # noqa: E402
from py_vollib.black_scholes_merton.implied_volatility import implied_volatility as bsm_iv  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "crates" / "options" / "tests" / "golden" / "py_vollib.csv"

MONEYNESS = [0.3, 0.5, 0.8, 0.95, 1.0, 1.05, 1.2, 2.0, 3.0]
YEARS = [1.0 / (365.0 * 24.0), 1.0 / 365.0, 7.0 / 365.0, 0.25, 1.0, 3.0]
SIGMAS = [0.05, 0.2, 0.6, 1.5]
RATES = [(0.05, 0.02), (-0.005, 0.01), (0.03, 0.0)]
UNDERLYING = 100.0

COLUMNS = [
    "model", "flag", "underlying", "strike", "years", "rate", "dividend_yield", "sigma",
    "price", "delta", "gamma", "vega", "theta", "rho", "iv", "iv_error",
]


def num(x) -> str:
    x = float(x)
    return repr(x) if math.isfinite(x) else ""


def rows():
    for m in MONEYNESS:
        k = UNDERLYING * m
        for t in YEARS:
            for sigma in SIGMAS:
                for r, q in RATES:
                    for flag in ("c", "p"):
                        s = UNDERLYING
                        price = black_scholes_merton(flag, s, k, t, r, sigma, q)
                        try:
                            iv, err = bsm_iv(price, s, k, t, r, q, flag), ""
                        except Exception as e:  # py_vollib raises on unattainable prices
                            iv, err = float("nan"), type(e).__name__
                        yield {
                            "model": "bsm", "flag": flag, "underlying": num(s), "strike": num(k),
                            "years": num(t), "rate": num(r), "dividend_yield": num(q),
                            "sigma": num(sigma), "price": num(price),
                            "delta": num(bsm_greeks.delta(flag, s, k, t, r, sigma, q)),
                            "gamma": num(bsm_greeks.gamma(flag, s, k, t, r, sigma, q)),
                            "vega": num(bsm_greeks.vega(flag, s, k, t, r, sigma, q)),
                            "theta": num(bsm_greeks.theta(flag, s, k, t, r, sigma, q)),
                            "rho": num(bsm_greeks.rho(flag, s, k, t, r, sigma, q)),
                            "iv": num(iv), "iv_error": err,
                        }
                        f = UNDERLYING
                        price = black(flag, f, k, t, r, sigma)
                        try:
                            iv, err = black_iv(price, f, k, r, t, flag), ""
                        except Exception as e:
                            iv, err = float("nan"), type(e).__name__
                        yield {
                            "model": "black", "flag": flag, "underlying": num(f), "strike": num(k),
                            "years": num(t), "rate": num(r), "dividend_yield": num(0.0),
                            "sigma": num(sigma), "price": num(price),
                            "delta": num(black_greeks.delta(flag, f, k, t, r, sigma)),
                            "gamma": num(black_greeks.gamma(flag, f, k, t, r, sigma)),
                            "vega": num(black_greeks.vega(flag, f, k, t, r, sigma)),
                            "theta": num(black_greeks.theta(flag, f, k, t, r, sigma)),
                            "rho": num(black_greeks.rho(flag, f, k, t, r, sigma)),
                            "iv": num(iv), "iv_error": err,
                        }


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        n = 0
        for row in rows():
            writer.writerow(row)
            n += 1
    print(f"wrote {n} rows to {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
