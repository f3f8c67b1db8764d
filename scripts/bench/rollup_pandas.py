"""The pandas baseline of docs/BENCHMARKS.md, "Roll-ups": the same 1M one-minute bars
(written by `cargo run --release -p domain --example rollup_bench -- --csv FILE`) resampled to
5min, 1h and 1D with `DataFrame.resample(...).agg(first, max, min, last, sum)`, best of 3.
Only the resample is timed, not the CSV read. Floats, no calendar, no session filter.

    /work/venv/bin/python scripts/bench/rollup_pandas.py /tmp/minutes.csv
"""

import sys
import time

import pandas as pd

df = pd.read_csv(sys.argv[1])
df.index = pd.to_datetime(df.pop("ts"), unit="ns", utc=True)
agg = {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}
print(f"pandas {pd.__version__}, {len(df)} bars, best of 3")
for rule in ["5min", "1h", "1D"]:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        out = df.resample(rule).agg(agg).dropna()
        best = min(best, time.perf_counter() - t0)
    print(f"| pandas resample {rule} ({len(out)} buckets) | {best * 1e3:.1f} | {best * 1e9 / len(df):.1f} |")
