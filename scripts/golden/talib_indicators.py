#!/usr/bin/env python3
"""Writes crates/indicators/tests/golden/talib_*.csv from TA-Lib, for the Rust golden test.

Installs nothing. Run with a venv outside the repo that has the PyPI `ta-lib` package:

    python3 -m venv /work/venv && /work/venv/bin/pip install ta-lib numpy pandas
    /work/venv/bin/python scripts/golden/talib_indicators.py

Input: the close column of ../shared/data/daily/lean_spy_daily.csv (relative to the repo root).
Each output has one row per input bar (`i,close,<values>`); rows before the first TA-Lib value
are written with empty fields, so the Rust test also checks each indicator's lookback.
Values are written with repr() (shortest round-trip), so nothing is lost in the text.
"""

import os
import sys

import numpy as np
import pandas as pd
import talib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "..", "shared", "data", "daily", "lean_spy_daily.csv")
OUT = os.path.join(ROOT, "crates", "indicators", "tests", "golden")


def write(name, close, columns):
    path = os.path.join(OUT, f"talib_{name}.csv")
    with open(path, "w", newline="\n") as f:
        f.write("i,close," + ",".join(columns.keys()) + "\n")
        for i, c in enumerate(close):
            vals = []
            for series in columns.values():
                v = series[i]
                vals.append("" if np.isnan(v) else repr(float(v)))
            f.write(f"{i},{close_text[i]}," + ",".join(vals) + "\n")
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    frame = pd.read_csv(DATA, dtype={"close": str})
    close_text = list(frame["close"])
    close = np.array([float(t) for t in close_text], dtype=np.float64)
    os.makedirs(OUT, exist_ok=True)
    print(f"ta-lib {talib.__version__}, {len(close)} closes", file=sys.stderr)

    write("sma", close, {"sma10": talib.SMA(close, 10), "sma30": talib.SMA(close, 30)})
    write("ema", close, {"ema10": talib.EMA(close, 10), "ema30": talib.EMA(close, 30)})
    write("rsi", close, {"rsi14": talib.RSI(close, 14), "rsi2": talib.RSI(close, 2)})
    up, mid, low = talib.BBANDS(close, timeperiod=20, nbdevup=2.0, nbdevdn=2.0, matype=0)
    write("bbands", close, {"upper20_2": up, "middle20_2": mid, "lower20_2": low})
    macd, signal, hist = talib.MACD(close, fastperiod=12, slowperiod=26, signalperiod=9)
    write("macd", close, {"macd": macd, "signal": signal, "hist": hist})
