#!/usr/bin/env python3
"""Checks that pandas and polars read ztrade's Parquet export with the intended types and the
same values as its CSV and JSON exports. Not part of `cargo test` (the Rust suite needs no Python).

Run from the repository root (needs pandas, polars and pyarrow, e.g. in /work/venv):

    /work/venv/bin/python crates/formats/tests/read_parquet.py

It builds the `export_sample` example, writes the same synthetic bars as CSV and Parquet
(intraday 1m and daily), and compares.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import polars as pl


def export(out: Path, timeframe: str, days: int) -> None:
    subprocess.run(
        ["cargo", "run", "-q", "--release", "-p", "formats", "--example", "export_sample", "--",
         str(out), timeframe, str(days)],
        check=True,
    )


def check(tmp: Path, timeframe: str, days: int) -> None:
    pq, csv, js = (tmp / f"bars_{timeframe}.{ext}" for ext in ("parquet", "csv", "json"))
    for path in (pq, csv, js):
        export(path, timeframe, days)

    # pandas
    df = pd.read_parquet(pq)
    want = {"timestamp": "datetime64[ns, UTC]", **{c: "float64" for c in
            ["open", "high", "low", "close", "volume", "vwap"]}}
    for col, dtype in want.items():
        assert str(df[col].dtype) == dtype, f"pandas {col}: {df[col].dtype} != {dtype}"
    # int64 with nulls: pandas shows float64 (NaN) or the nullable Int64, both are fine.
    assert str(df["trade_count"].dtype) in ("float64", "Int64"), df["trade_count"].dtype
    assert pd.isna(df["trade_count"].iloc[0]) and pd.isna(df["vwap"].iloc[1])

    ref = pd.read_csv(csv)
    ref["timestamp"] = pd.to_datetime(ref["timestamp"], utc=True).astype("datetime64[ns, UTC]")
    assert len(ref) == len(df), (len(ref), len(df))
    assert (ref["timestamp"].values == df["timestamp"].values).all(), "timestamps differ"
    for col in ["open", "high", "low", "close", "volume", "vwap", "trade_count"]:
        # The decimal text and the Parquet double must be the same float, exactly.
        a, b = ref[col].astype("float64"), df[col].astype("float64")
        same = (a == b) | (a.isna() & b.isna())
        assert same.all(), f"{col} differs: {a[~same].head()} vs {b[~same].head()}"

    # polars
    p = pl.read_parquet(pq)
    assert p.schema["timestamp"] == pl.Datetime("ns", "UTC"), p.schema["timestamp"]
    for col in ["open", "high", "low", "close", "volume", "vwap"]:
        assert p.schema[col] == pl.Float64, (col, p.schema[col])
    assert p.schema["trade_count"] == pl.Int64, p.schema["trade_count"]
    assert p["trade_count"].null_count() == 1 and p["vwap"].null_count() == 1
    assert p.height == len(df)

    # JSON: the same numbers, read by both libraries.
    j = pd.read_json(js, convert_dates=False)
    assert (j["open"].values == df["open"].values).all() and len(j) == len(df)
    pj = pl.read_json(js)
    assert pj["close"].to_list() == p["close"].to_list()
    print(f"{timeframe}: {len(df)} rows; pandas {dict(df.dtypes.astype(str))}; polars {dict(p.schema)}")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        check(Path(tmp), "1m", 3)
        check(Path(tmp), "1d", 300)
    print("ok: pandas and polars read the Parquet export as datetime64[ns, UTC] + float64")
    return 0


if __name__ == "__main__":
    sys.exit(main())
