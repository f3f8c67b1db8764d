#!/usr/bin/env python3
"""Deterministic synthetic one-minute bars in integer cents, for conformance and speed runs.

ALGORITHM (normative: a port must produce byte-identical CSV)
-------------------------------------------------------------
All arithmetic is on integers. u64 operations wrap modulo 2^64.

splitmix64, state s (u64), initialised to SEED (default 42):
    next():  s = s + 0x9E3779B97F4A7C15
             z = s
             z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
             z = (z ^ (z >> 27)) * 0x94D049BB133111EB
             return z ^ (z >> 31)

Prices are integer cents (i64). prev_close starts at START_CENTS = 10000 (100.00).
For bar i = 0, 1, ..., N-1, draw exactly five numbers in this order:
    g = next() % 3      gap:    open  = max(1, prev_close + g - 1)
    m = next() % 7      move:   close = max(1, open + m - 3)
    h = next() % 3      high  = max(open, close) + h
    l = next() % 3      low   = max(1, min(open, close) - l)
    v = next() % 900    volume = 100 + v
    prev_close = close
Timestamp of bar i: START_NS + i * 60_000_000_000 ns, START_NS = 1704205800 * 10^9
(2024-01-02T14:30:00Z = 09:30 New York). Bars are consecutive minutes with no calendar: no
sessions, weekends or gaps. Moves of -3..+3 cents make exact SMA ties (3*sum10 == sum30) common.

CSV FORMAT (the bytes a port must reproduce)
--------------------------------------------
Header `timestamp,open,high,low,close,volume`, then one line per bar, `\\n` line endings:
    timestamp  RFC 3339 UTC with a `Z`, seconds precision: 2024-01-02T14:30:00Z
    prices     cents as dollars with exactly two decimals: 100.01 (never negative, >= 0.01)
    volume     integer
Test vector (seed 42): see scripts/peers/README.md for the first bars and sha256 of N = 10,000.

Usage:
    python3 synth.py N [--seed 42] [--out FILE]    (writes FILE, or stdout)
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone

MASK = (1 << 64) - 1
START_CENTS = 10_000
START_NS = 1_704_205_800 * 1_000_000_000
MINUTE_NS = 60_000_000_000


class SplitMix64:
    def __init__(self, seed: int) -> None:
        self.s = seed & MASK

    def next(self) -> int:
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def bars(n: int, seed: int = 42):
    """Yields (ts_ns, open, high, low, close, volume) with prices in integer cents."""
    rng = SplitMix64(seed)
    prev_close = START_CENTS
    for i in range(n):
        g = rng.next() % 3
        m = rng.next() % 7
        h = rng.next() % 3
        lo = rng.next() % 3
        v = rng.next() % 900
        o = max(1, prev_close + g - 1)
        c = max(1, o + m - 3)
        hi = max(o, c) + h
        low = max(1, min(o, c) - lo)
        prev_close = c
        yield START_NS + i * MINUTE_NS, o, hi, low, c, 100 + v


def cents(x: int) -> str:
    return f"{x // 100}.{x % 100:02d}"


def rfc3339(ns: int) -> str:
    return datetime.fromtimestamp(ns // 1_000_000_000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_csv(n: int, seed: int, out) -> None:
    out.write("timestamp,open,high,low,close,volume\n")
    lines = []
    for ts, o, h, low, c, v in bars(n, seed):
        lines.append(f"{rfc3339(ts)},{cents(o)},{cents(h)},{cents(low)},{cents(c)},{v}\n")
        if len(lines) >= 65536:
            out.write("".join(lines))
            lines.clear()
    out.write("".join(lines))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out")
    a = ap.parse_args()
    if a.out:
        with open(a.out, "w", newline="\n") as f:
            write_csv(a.n, a.seed, f)
    else:
        write_csv(a.n, a.seed, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
