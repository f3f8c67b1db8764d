#!/usr/bin/env python3
"""Checks that pandas and polars read ztrade's Parquet export with the intended types and the
same values as its CSV and JSON exports. Not part of `cargo test` (the Rust suite needs no Python).

Run from the repository root (needs pandas, polars and pyarrow, e.g. in /work/venv):

    /work/venv/bin/python crates/formats/tests/read_parquet.py [--ztrade PATH] [--update-golden]

It builds the `export_sample` example, writes the same synthetic bars as CSV and Parquet
(intraday 1m and daily), and compares. Then the ML dataset (`ztrade ml export`'s columns):
the `export_dataset_sample` example's hand-made rows as CSV and Parquet, read with their types
(timestamps datetime64[ns, UTC], prices exact decimals: pyarrow decimal128(18, 9), which pandas
shows as `decimal.Decimal` objects and polars as Decimal(18, 9); labels int64; ret, weights and
features float64; nullable integers (side, meta_label) are float64 with NaN in plain pandas and
Int64 with `dtype_backend="numpy_nullable"`), compared value for value with the CSV and with the
golden dump `crates/formats/tests/golden/ml_dataset.txt`. With `--ztrade PATH`, also the real
thing: `ztrade demo` into a temporary store, `ml labels --run 1`, `ml export` as Parquet and CSV,
the two compared exactly and the manifest checked.
"""
import argparse
import json
import subprocess
import sys
import tempfile
from decimal import Decimal
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
    j = pd.read_json(js, dtype=False)
    assert (j["open"].values == df["open"].values).all() and len(j) == len(df)
    pj = pl.read_json(js)
    assert pj["close"].to_list() == p["close"].to_list()
    print(f"{timeframe}: {len(df)} rows; pandas {dict(df.dtypes.astype(str))}; polars {dict(p.schema)}")


GOLDEN = Path(__file__).parent / "golden" / "ml_dataset.txt"
TIMES = ["t0", "entry_time", "t1"]
PRICES = ["entry_price", "take_profit", "stop_loss", "exit_price"]
INTS = ["label", "signal_id"]
NULLABLE_INTS = ["side", "meta_label"]
FLOATS = ["ret", "weight_uniqueness", "weight_return"]


def same_as_csv(pq: Path, csv: Path, features: list[str]) -> pd.DataFrame:
    """Reads a dataset with pandas and polars, checks the types, and checks every value against
    the CSV read as text (decimals from their text, times to the nanosecond)."""
    df = pd.read_parquet(pq)
    for c in TIMES:
        assert str(df[c].dtype) == "datetime64[ns, UTC]", (c, df[c].dtype)
    for c in PRICES:
        assert df[c].map(lambda v: v is None or isinstance(v, Decimal)).all(), (c, df[c].head())
    for c in INTS:
        assert str(df[c].dtype) == "int64", (c, df[c].dtype)
    for c in FLOATS + features:
        assert str(df[c].dtype) == "float64", (c, df[c].dtype)
    nullable = pd.read_parquet(pq, dtype_backend="numpy_nullable")
    for c in NULLABLE_INTS:
        assert str(df[c].dtype) in ("int64", "float64"), (c, df[c].dtype)
        assert str(nullable[c].dtype) == "Int64", (c, nullable[c].dtype)
    assert set(df["barrier"]) <= {"tp", "sl", "time"}
    assert set(df["label"]) <= {-1, 0, 1}

    text = pd.read_csv(csv, dtype=str, keep_default_na=False)
    assert list(text.columns) == list(df.columns), (list(text.columns), list(df.columns))
    assert len(text) == len(df)
    for c in TIMES:
        want = pd.to_datetime(text[c], utc=True, format="ISO8601").astype("datetime64[ns, UTC]")
        assert (want.values == df[c].values).all(), c
    for c in PRICES:
        want = [Decimal(v) if v else None for v in text[c]]
        assert want == list(df[c]), (c, want[:3], list(df[c])[:3])
    for c in INTS + NULLABLE_INTS:
        want = [int(v) if v else None for v in text[c]]
        got = [None if pd.isna(v) else int(v) for v in nullable[c]]
        assert want == got, (c, want[:3], got[:3])
    for c in FLOATS + features:
        want = [float(v) if v else None for v in text[c]]
        got = [None if pd.isna(v) else float(v) for v in df[c]]
        assert want == got, (c, want[:3], got[:3])

    p = pl.read_parquet(pq)
    for c in TIMES:
        assert p.schema[c] == pl.Datetime("ns", "UTC"), (c, p.schema[c])
    for c in PRICES:
        assert p.schema[c] == pl.Decimal(18, 9), (c, p.schema[c])
    for c in INTS + NULLABLE_INTS:
        assert p.schema[c] == pl.Int64, (c, p.schema[c])
    for c in FLOATS + features:
        assert p.schema[c] == pl.Float64, (c, p.schema[c])
    assert p["entry_price"].to_list() == list(df["entry_price"])
    return df


def dump(pq: Path) -> str:
    """What pandas and polars read, as stable text: the types, then every value."""
    df = pd.read_parquet(pq, dtype_backend="numpy_nullable")
    p = pl.read_parquet(pq)
    lines = ["pandas (numpy_nullable) | polars"]
    for c in df.columns:
        lines.append(f"{c}: {df[c].dtype} | {p.schema[c]}")
    for i in range(len(df)):
        cells = []
        for c in df.columns:
            v = df[c].iloc[i]
            cells.append("null" if v is None or (not isinstance(v, str) and pd.isna(v)) else
                         v.isoformat() if isinstance(v, pd.Timestamp) else
                         repr(v) if isinstance(v, str) else f"{type(v).__name__}:{v}")
        lines.append(" ".join(cells))
    return "\n".join(lines) + "\n"


def check_dataset(tmp: Path, update_golden: bool) -> None:
    pq, csv = tmp / "dataset.parquet", tmp / "dataset.csv"
    for out in (pq, csv):
        subprocess.run(["cargo", "run", "-q", "-p", "formats", "--example",
                        "export_dataset_sample", "--", str(out)], check=True)
    df = same_as_csv(pq, csv, ["rvol"])
    # The nanosecond survives; the largest and smallest prices stay exact.
    assert df["t0"].iloc[2].nanosecond == 1
    assert df["exit_price"].iloc[2] == Decimal("999999999.999999999")
    assert df["entry_price"].iloc[1] == Decimal("0.000000001")
    got = dump(pq)
    if update_golden:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(got)
    assert got == GOLDEN.read_text(), f"differs from {GOLDEN}:\n{got}"
    print(f"ml dataset sample: {len(df)} rows, as {GOLDEN.name}")


def check_ml_export(tmp: Path, ztrade: str) -> None:
    db = f"sqlite://{tmp / 'ml.db'}"
    z = lambda *a: subprocess.run([ztrade, "--db", db, *a], check=True, capture_output=True, text=True,
                                  cwd=tmp).stdout
    z("demo")
    z("ml", "labels", "--run", "1", "--take-profit", "1", "--stop-loss", "0.5", "--max-bars", "30")
    pq, csv = tmp / "run1.parquet", tmp / "run1.csv"
    z("ml", "export", "--run", "1", "--format", "parquet", "--out", str(pq))
    z("ml", "export", "--run", "1", "--format", "csv", "--out", str(csv))
    df = same_as_csv(pq, csv, [])
    manifest = json.loads(Path(f"{pq}.manifest.json").read_text())
    assert manifest["rows"] == len(df) > 0 and manifest["columns"] == list(df.columns)
    assert manifest["data_fingerprint"].startswith("xxh3-128:")
    assert manifest["label_params"]["take_profit"] == {"pct": "1"}
    print(f"ztrade ml export: {len(df)} labels of the demo's run 1 read back exactly")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ztrade", help="a ztrade binary: also check `ml export` end to end")
    ap.add_argument("--update-golden", action="store_true", help="rewrite golden/ml_dataset.txt")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        check(Path(tmp), "1m", 3)
        check(Path(tmp), "1d", 300)
        check_dataset(Path(tmp), a.update_golden)
        if a.ztrade:
            check_ml_export(Path(tmp), str(Path(a.ztrade).resolve()))
    print("ok: pandas and polars read the Parquet export as datetime64[ns, UTC] + float64, and "
          "the ML dataset with exact decimal prices")
    return 0


if __name__ == "__main__":
    sys.exit(main())
