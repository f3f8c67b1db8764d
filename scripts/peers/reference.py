#!/usr/bin/env python3
"""The exact reference run of the SMA(10)/SMA(30) crossover, in integers. No floats anywhere.

THE STRATEGY (what every peer is compared against)
  - fast = SMA(10), slow = SMA(30) of the close. Their sign is compared through sums:
    d_i = 3 * sum10_i - sum30_i  (same sign as fast - slow, exactly), defined from bar index 29.
  - cross up at bar i when d_{i-1} <= 0 and d_i > 0; cross down when d_{i-1} >= 0 and d_i < 0;
    an exact tie (d_i == 0) is neither. The first possible signal is bar index 30 (the 31st bar).
  - Signals are taken at bar i's close, using the position after bar i's fills: a cross up while
    flat places a buy, a cross down while long places a sell; other signals are ignored.
  - Market orders fill at the next bar's open. Buy: floor(cash / open) whole shares (no fill if
    that is zero); sell: the whole position. A signal on the last bar never fills.
  - Zero costs. Start cash 100000. A position open at the end is valued at the last close.

PRICES are parsed from the decimal text into integer units of 1e-9 (domain::Price's scale);
cash and equity are integers in the same units, so every fill and the final equity are exact.

INPUT: a CSV whose first column is a time (YYYY-MM-DD, or RFC 3339 with Z or an offset) followed
by open, high, low, close, volume columns (the LEAN daily and minute files and synth.py output).

GOLDEN FILL FORMAT (scripts/peers/golden/<dataset>.fills.csv)
  header `bar_index,timestamp,action,quantity,price`, one line per fill, `\\n` endings:
    bar_index  0-based row of the bar whose open filled the order (data rows, header excluded)
    timestamp  that bar's time in RFC 3339 UTC (`2013-10-07T13:30:00Z`; daily bars: midnight UTC)
    action     BUY or SELL
    quantity   whole shares, integer
    price      the bar's open as decimal text without trailing zeros (`167.6`, `100`)

Usage:
    python3 reference.py DATA.csv [--fills OUT.csv] [--summary OUT.json]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from datetime import date, datetime, timezone

SCALE = 10**9
START_CASH = 100_000 * SCALE
FAST, SLOW = 10, 30


def parse_units(text: str) -> int:
    """Decimal text -> integer units of 1e-9, exactly (error if more than 9 decimals)."""
    t = text.strip()
    neg = t.startswith("-")
    t = t.lstrip("+-")
    whole, _, frac = t.partition(".")
    if not (whole or frac) or not (whole or "0").isdigit() or (frac and not frac.isdigit()):
        raise ValueError(f"not a decimal number: {text!r}")
    if len(frac) > 9:
        if frac[9:].strip("0"):
            raise ValueError(f"more than 9 decimals: {text!r}")
        frac = frac[:9]
    v = int(whole or "0") * SCALE + int((frac or "0").ljust(9, "0"))
    return -v if neg else v


def format_units(v: int) -> str:
    sign = "-" if v < 0 else ""
    q, r = divmod(abs(v), SCALE)
    if r == 0:
        return f"{sign}{q}"
    return f"{sign}{q}.{r:09d}".rstrip("0")


def utc_stamp(text: str) -> str:
    t = text.strip()
    if len(t) == 10:
        return date.fromisoformat(t).strftime("%Y-%m-%dT00:00:00Z")
    dt = datetime.fromisoformat(t.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        raise ValueError(f"timestamp without a zone: {text!r}")
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load(path: str):
    """Returns (timestamps, opens, closes) with prices in integer units."""
    ts, opens, closes = [], [], []
    with open(path, newline="") as f:
        rows = csv.reader(f)
        header = [h.strip().lower() for h in next(rows)]
        io, ic = header.index("open"), header.index("close")
        for line, row in enumerate(rows, start=2):
            try:
                ts.append(utc_stamp(row[0]))
                opens.append(parse_units(row[io]))
                closes.append(parse_units(row[ic]))
            except (ValueError, IndexError) as e:
                raise SystemExit(f"{path}:{line}: {e}") from e
    return ts, opens, closes


def run(opens: list[int], closes: list[int]):
    """The strategy. Returns (fills, final) where fills are (bar, action, qty, price_units)."""
    n = len(closes)
    cash, pos = START_CASH, 0
    fills = []
    pending = None
    s10 = s30 = 0
    prev_d = None
    ties = 0
    for i in range(n):
        if pending is not None:
            o = opens[i]
            if pending == "BUY":
                q = cash // o
                if q > 0:
                    cash -= q * o
                    pos += q
                    fills.append((i, "BUY", q, o))
            else:
                cash += pos * o
                fills.append((i, "SELL", pos, o))
                pos = 0
            pending = None
        c = closes[i]
        s10 += c - (closes[i - FAST] if i >= FAST else 0)
        s30 += c - (closes[i - SLOW] if i >= SLOW else 0)
        if i < SLOW - 1:
            continue
        d = 3 * s10 - s30
        ties += d == 0
        if prev_d is not None and i < n - 1:
            if prev_d <= 0 < d and pos == 0:
                pending = "BUY"
            elif prev_d >= 0 > d and pos > 0:
                pending = "SELL"
        prev_d = d
    equity = cash + pos * closes[-1] if n else cash
    return fills, {"final_cash": cash, "final_position": pos, "final_equity": equity, "exact_ties": ties}


def diffs(closes: list[int]) -> list[int | None]:
    """d_i = 3*sum10 - sum30 per bar (None before bar 29), for explaining peers' differences."""
    out: list[int | None] = []
    s10 = s30 = 0
    for i, c in enumerate(closes):
        s10 += c - (closes[i - FAST] if i >= FAST else 0)
        s30 += c - (closes[i - SLOW] if i >= SLOW else 0)
        out.append(3 * s10 - s30 if i >= SLOW - 1 else None)
    return out


def fills_csv(ts: list[str], fills) -> str:
    lines = ["bar_index,timestamp,action,quantity,price"]
    lines += [f"{i},{ts[i]},{a},{q},{format_units(p)}" for i, a, q, p in fills]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description="exact SMA(10)/SMA(30) reference")
    ap.add_argument("data")
    ap.add_argument("--fills")
    ap.add_argument("--summary")
    a = ap.parse_args()
    t0 = time.perf_counter()
    ts, opens, closes = load(a.data)
    t1 = time.perf_counter()
    fills, final = run(opens, closes)
    t2 = time.perf_counter()
    text = fills_csv(ts, fills)
    summary = {
        "bars": len(closes),
        "fills": len(fills),
        "fills_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "final_cash": format_units(final["final_cash"]),
        "final_position": final["final_position"],
        "final_equity": format_units(final["final_equity"]),
        "exact_ties": final["exact_ties"],
        "load_seconds": round(t1 - t0, 3),
        "run_seconds": round(t2 - t1, 3),
    }
    if a.fills:
        with open(a.fills, "w", newline="\n") as f:
            f.write(text)
    if a.summary:
        with open(a.summary, "w") as f:
            json.dump(summary, f, indent=1)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
