"""The 100-combination SMA sweep (fast 5..14 x slow 20..65 step 5) on the same 1M one-minute
bars, in ztrade and in vectorbt, measured side by side (each in a fresh process, wall time and
peak RSS), for docs/BENCHMARKS.md.

    /work/venv/bin/python scripts/peers/sweep_peers.py --ztrade target/release/ztrade [--repeat 3]

The bars are synth.py's 1M minute bars (seed 42), written once into --cache. ztrade imports them
into a fresh SQLite file and runs `backtest sweep` as a user would (stored, default --keep
top:5, and once with --no-save). vectorbt runs the framework's idiomatic grid: one column per
combination, crossover signals shifted one bar, fills at the open, whole shares, all cash
(peers.py's setup), timed after a warm-up run that compiles its numba kernels. Both report the
best combination by total return, which must agree.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FAST = list(range(5, 15))
SLOW = list(range(20, 70, 5))
AGENT = """id: ref_sma
symbols: [SYNTH]
timeframe: 1m
initial_capital: 100000
strategy: { kind: sma_crossover, fast: 10, slow: 30 }
sizing: { kind: all_cash }
costs: { commission_per_share: 0, slippage_bps: 0 }
fill: next_open
"""


def bars(cache: Path) -> Path:
    path = cache / "synth_1m.csv"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, str(HERE / "synth.py"), "1000000", "--out", str(path)], check=True
        )
    return path


def timed(cmd: list[str], **kw) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB of the child, stdout."""
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak, out.stdout


def run_ztrade(exe: str, csv: Path, repeat: int) -> dict:
    best = {}
    with tempfile.TemporaryDirectory() as d:
        db = f"sqlite://{d}/sweep.db"
        agents = Path(d) / "agents"
        agents.mkdir()
        (agents / "ref_sma.yaml").write_text(AGENT)
        env = dict(os.environ, ZTRADE_DB=db)
        subprocess.run(
            [exe, "data", "import", str(csv), "--symbol", "SYNTH", "--timeframe", "1m"],
            check=True, capture_output=True, env=env,
        )
        grid = ["--param", "fast=5..14", "--param", "slow=20..65:5", "--metric", "total-return",
                "--agents-dir", str(agents)]
        for name, extra in [("stored", []), ("no_save", ["--no-save"])]:
            runs = []
            for _ in range(repeat):
                # Each measured in a wrapper process of its own: RUSAGE_CHILDREN keeps the
                # largest child so far.
                _, _, out = timed(
                    [sys.executable, __file__, "--child", exe, "backtest", "sweep", "ref_sma",
                     *grid, "--json", *extra],
                    env=env,
                )
                child = json.loads(out)
                runs.append((child["seconds"], child["peak_mib"], child["stdout"]))
            wall, peak, out = min(runs, key=lambda r: r[0])
            report = json.loads(out)
            top = report["runs"][0]
            best[name] = {
                "seconds": wall,
                "peak_mib": peak,
                "best": [top["params"]["fast"], top["params"]["slow"]],
                "best_total_return": top["metrics"]["total_return"],
            }
    return best


def run_vectorbt(csv: Path, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        _, _, out = timed([sys.executable, __file__, "--child", sys.executable, __file__,
                           "--vectorbt", str(csv)])
        child = json.loads(out)
        result = json.loads(child["stdout"])
        result["peak_mib"] = child["peak_mib"]
        runs.append(result)
    return min(runs, key=lambda r: r["seconds"])


def vectorbt_child(csv: str) -> None:
    import numpy as np
    import pandas as pd
    import vectorbt as vbt

    sys.path.insert(0, str(HERE))
    from peers import read

    df = read(csv)
    close, open_ = df["close"], df["open"]
    combos = [(f, s) for f in FAST for s in SLOW]

    def sweep():
        fast = vbt.MA.run(close, [f for f, _ in combos], short_name="fast")
        slow = vbt.MA.run(close, [s for _, s in combos], short_name="slow")
        f, s = fast.ma.values, slow.ma.values
        prev_f, prev_s = np.roll(f, 1, axis=0), np.roll(s, 1, axis=0)
        up = (f > s) & (prev_f <= prev_s)
        down = (f < s) & (prev_f >= prev_s)
        up[0], down[0] = False, False
        cols = pd.MultiIndex.from_tuples(combos, names=["fast", "slow"])
        entries = pd.DataFrame(up, index=close.index, columns=cols).shift(1, fill_value=False)
        exits = pd.DataFrame(down, index=close.index, columns=cols).shift(1, fill_value=False)
        pf = vbt.Portfolio.from_signals(
            close, entries, exits, price=open_, size=np.inf, size_granularity=1.0,
            init_cash=100_000.0, fees=0.0, direction="longonly", freq="1min",
        )
        return pf.total_return()

    sweep()  # compiles the numba kernels (cached on disk after the first process)
    t = time.perf_counter()
    ret = sweep()
    seconds = time.perf_counter() - t
    best = ret.idxmax()
    print(json.dumps({
        "seconds": seconds,
        "best": [int(best[0]), int(best[1])],
        "best_total_return": float(ret.max()),
    }))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        wall, peak, out = timed(sys.argv[2:])
        print(json.dumps({"seconds": wall, "peak_mib": peak, "stdout": out}))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--vectorbt":
        vectorbt_child(sys.argv[2])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--ztrade", required=True, help="the release binary")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    ap.add_argument("--cache", default="/tmp/ztrade-peers", help="where the 1M bars are written")
    ap.add_argument("--skip-vectorbt", action="store_true")
    a = ap.parse_args()
    csv = bars(Path(a.cache))
    out = {"ztrade": run_ztrade(a.ztrade, csv, a.repeat)}
    if not a.skip_vectorbt:
        out["vectorbt"] = run_vectorbt(csv, a.repeat)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
