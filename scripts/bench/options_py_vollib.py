#!/usr/bin/env python3
"""Python baseline for `crates/bench/examples/bench_options.rs`: py_vollib's implied volatility
and analytical greeks on the same kind of inputs, one thread, solves per second.

Run (needs py_vollib from PyPI: `/work/venv/bin/pip install py_vollib`):

    /work/venv/bin/python scripts/bench/options_py_vollib.py [--count 20000] [--repeats 3]

py_vollib is slow, so it times --count options (20,000 by default) and reports rates, which
scale linearly: multiply the time by 50 to compare with the Rust run on 1,000,000. Inputs follow
the Rust bench's distribution (forward 100, K/F log-uniform 0.7..1.4, 1 week to 2 years,
σ 5%..100%, r 3%, calls and puts), drawn from numpy's seeded generator (not the same draws).
Reported: Black-76 IV (py_vollib.black.implied_volatility), BSM price + 5 greeks
(py_vollib.black_scholes_merton and its analytical greeks), and the 5,000-contract chain time
scaled from the per-option IV + greeks rate.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore", category=DeprecationWarning)

from py_vollib.black import black  # noqa: E402
from py_vollib.black.implied_volatility import implied_volatility as black_iv  # noqa: E402
from py_vollib.black_scholes_merton import black_scholes_merton  # noqa: E402
from py_vollib.black_scholes_merton.greeks import analytical as g  # noqa: E402
from py_vollib.black_scholes_merton.implied_volatility import implied_volatility as bsm_iv  # noqa: E402


def median_secs(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    n = args.count
    f = 100.0
    strikes = f * np.exp(rng.uniform(np.log(0.7), np.log(1.4), n))
    years = rng.uniform(7 / 365, 2.0, n)
    sigmas = rng.uniform(0.05, 1.0, n)
    flags = np.where(rng.uniform(0, 1, n) < 0.5, "c", "p")
    r = 0.03
    cases = [(str(fl), float(k), float(t), float(s)) for fl, k, t, s in zip(flags, strikes, years, sigmas)]
    prices = [black(fl, f, k, t, r, s) for fl, k, t, s in cases]
    bsm_prices = [black_scholes_merton(fl, f, k, t, r, s, 0.0) for fl, k, t, s in cases]

    def ivs():
        for (fl, k, t, _), p in zip(cases, prices):
            try:
                black_iv(p, f, k, r, t, fl)
            except Exception:
                pass

    def greeks():
        for fl, k, t, s in cases:
            black_scholes_merton(fl, f, k, t, r, s, 0.0)
            g.delta(fl, f, k, t, r, s, 0.0)
            g.gamma(fl, f, k, t, r, s, 0.0)
            g.vega(fl, f, k, t, r, s, 0.0)
            g.theta(fl, f, k, t, r, s, 0.0)
            g.rho(fl, f, k, t, r, s, 0.0)

    def chain():
        for (fl, k, t, _), p in zip(cases, bsm_prices):
            try:
                s = bsm_iv(p, f, k, t, r, 0.0, fl)
            except Exception:
                continue
            black_scholes_merton(fl, f, k, t, r, s, 0.0)
            g.delta(fl, f, k, t, r, s, 0.0)
            g.gamma(fl, f, k, t, r, s, 0.0)
            g.vega(fl, f, k, t, r, s, 0.0)
            g.theta(fl, f, k, t, r, s, 0.0)
            g.rho(fl, f, k, t, r, s, 0.0)

    iv_s = median_secs(args.repeats, ivs)
    gr_s = median_secs(args.repeats, greeks)
    ch_s = median_secs(args.repeats, chain)
    print(f"py_vollib bench (one thread, medians of {args.repeats} repeats, {n} options, seed {args.seed})")
    print(f"{'run':<44} {'median':>12} {'rate':>14}")
    print(f"{'Black-76 IV, ' + str(n) + ' options':<44} {iv_s * 1e3:>9.1f} ms {n / iv_s:>10.0f} /s")
    print(f"{'BSM price + 5 greeks, ' + str(n) + ' options':<44} {gr_s * 1e3:>9.1f} ms {n / gr_s:>10.0f} /s")
    print(f"{'chain (IV + greeks), 5000 contracts, scaled':<44} {ch_s / n * 5000 * 1e3:>9.1f} ms {n / ch_s:>10.0f} /s")


if __name__ == "__main__":
    main()
